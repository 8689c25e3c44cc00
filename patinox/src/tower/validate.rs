//! A validator as a tower layer.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::tower::{BoxError, Layer, Service};

use super::ModelRequest;
use crate::error::{PatinoxError, ValidationError};
use crate::model::ToolCall;
use crate::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};

/// A request a [`Validator`] can judge through a [`ValidateLayer`].
///
/// | request | stage it answers | what the validator sees |
/// |---|---|---|
/// | [`ModelRequest`] | `Input` | the text of the last user message |
/// | `String` | `Input` | the string |
/// | [`ToolCall`] | `ToolCall` | the tool's name and arguments |
///
/// Implement it for your own request types.
pub trait Validatable {
    /// What a validator of `stage` is shown, or `None` when this request has
    /// nothing for that stage: the validator is then not consulted.
    fn validation_target(&self, stage: ValidationStage) -> Option<ValidationTarget<'_>>;
}

impl Validatable for ModelRequest {
    fn validation_target(&self, stage: ValidationStage) -> Option<ValidationTarget<'_>> {
        match stage {
            ValidationStage::Input => self.last_user_text().map(ValidationTarget::Input),
            _ => None,
        }
    }
}

impl Validatable for String {
    fn validation_target(&self, stage: ValidationStage) -> Option<ValidationTarget<'_>> {
        match stage {
            ValidationStage::Input => Some(ValidationTarget::Input(self)),
            _ => None,
        }
    }
}

impl Validatable for ToolCall {
    fn validation_target(&self, stage: ValidationStage) -> Option<ValidationTarget<'_>> {
        match stage {
            ValidationStage::ToolCall => Some(ValidationTarget::ToolCall {
                name: &self.name,
                arguments: &self.arguments,
            }),
            _ => None,
        }
    }
}

/// A [`Validator`] as a [`tower::Layer`]: the wrapped
/// service is called only with requests the validator passes.
///
/// A request the validator does not pass (retry or reject; a service has no
/// turn to redo) fails with a [`PatinoxError::Validation`] naming the
/// validator and carrying its feedback or reason, boxed as a [`BoxError`].
/// A request with nothing for the validator's stage (see [`Validatable`])
/// goes through unchecked.
///
/// The inner service must be `Clone` (as for tower's `AsyncFilter`), since
/// the validator runs before the call: put the layer inside a `RateLimit`,
/// which is not.
///
/// ```
/// use patinox::model::{CompletionResponse, Message};
/// use patinox::model::scripted::ScriptedModel;
/// use patinox::tower::{ModelRequest, ModelService, ValidateLayer};
/// use patinox::PatinoxError;
/// use tower::{Layer, Service};
///
/// /// Keeps secrets out of prompts.
/// #[patinox::validator(input)]
/// fn no_secrets(input: &str) -> Result<(), String> {
///     if input.contains("password") { Err("Remove the password.".into()) } else { Ok(()) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let model = ScriptedModel::new([CompletionResponse::text("Hi!")]);
/// let mut service = ValidateLayer::new(no_secrets {}).layer(ModelService::new(model));
///
/// let refused = service.call(ModelRequest::new(vec![Message::user("my password is hunter2")])).await;
/// let error = refused.unwrap_err().downcast::<PatinoxError>().unwrap();
/// assert!(error.to_string().contains("Remove the password."));
///
/// let answered = service.call(ModelRequest::new(vec![Message::user("Hello")])).await;
/// assert_eq!(answered.unwrap().content.as_deref(), Some("Hi!"));
/// # }
/// ```
pub struct ValidateLayer<V: ?Sized> {
    validator: Arc<V>,
}

impl<V: Validator> ValidateLayer<V> {
    /// A layer that checks requests with `validator`.
    pub fn new(validator: V) -> Self {
        Self::from_arc(Arc::new(validator))
    }
}

impl<V: Validator + ?Sized> ValidateLayer<V> {
    /// A layer that checks requests with a shared validator, e.g. an
    /// `Arc<dyn Validator>`.
    pub fn from_arc(validator: Arc<V>) -> Self {
        Self { validator }
    }
}

impl<V: ?Sized> Clone for ValidateLayer<V> {
    fn clone(&self) -> Self {
        Self {
            validator: Arc::clone(&self.validator),
        }
    }
}

impl<V: Validator + ?Sized> fmt::Debug for ValidateLayer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateLayer")
            .field("validator", &self.validator.name())
            .finish()
    }
}

impl<S, V: ?Sized> Layer<S> for ValidateLayer<V> {
    type Service = ValidateService<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        ValidateService {
            inner,
            validator: Arc::clone(&self.validator),
        }
    }
}

/// The service a [`ValidateLayer`] makes: validates each request, then
/// calls the inner service.
pub struct ValidateService<S, V: ?Sized> {
    inner: S,
    validator: Arc<V>,
}

impl<S: Clone, V: ?Sized> Clone for ValidateService<S, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            validator: Arc::clone(&self.validator),
        }
    }
}

impl<S: fmt::Debug, V: Validator + ?Sized> fmt::Debug for ValidateService<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateService")
            .field("inner", &self.inner)
            .field("validator", &self.validator.name())
            .finish()
    }
}

impl<S, V, R> Service<R> for ValidateService<S, V>
where
    R: Validatable + Send + Sync + 'static,
    S: Service<R> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
    V: Validator + ?Sized + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: R) -> Self::Future {
        // The service made ready is the one that must take the call; keep it
        // for the future and leave a fresh clone here (tower's usual swap).
        let fresh = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, fresh);
        let validator = Arc::clone(&self.validator);
        Box::pin(async move {
            check(&*validator, &request).await?;
            ready.call(request).await.map_err(Into::into)
        })
    }
}

/// Runs `validator` on `request`; anything but a pass is a validation error.
async fn check<V, R>(validator: &V, request: &R) -> Result<(), PatinoxError>
where
    V: Validator + ?Sized,
    R: Validatable,
{
    let Some(target) = request.validation_target(validator.stage()) else {
        return Ok(());
    };
    let message = match validator.validate(target).await {
        ValidationOutcome::Pass => return Ok(()),
        ValidationOutcome::Retry { feedback } => feedback,
        ValidationOutcome::Reject { reason } => reason,
    };
    Err(ValidationError::new(message)
        .with_field(validator.name())
        .into())
}
