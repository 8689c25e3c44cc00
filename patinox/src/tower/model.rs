//! A model as a tower service, and a tower service as a model.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::tower::timeout::error::Elapsed;
use ::tower::{BoxError, Layer, Service};
use async_trait::async_trait;
use tokio::sync::Mutex;

use super::ModelRequest;
use crate::error::{
    ExecutionError, ExecutionErrorKind, NetworkError, NetworkErrorKind, PatinoxError, Result,
};
use crate::model::{CompletionRequest, CompletionResponse, LanguageModel, ModelId};

/// A [`LanguageModel`] as a [`tower::Service`] of
/// [`ModelRequest`]s: the innermost service of a middleware stack.
///
/// Always ready; each call runs [`LanguageModel::complete`]. Cloning is cheap
/// (the model is shared).
///
/// ```
/// use patinox::model::{CompletionResponse, Message};
/// use patinox::model::scripted::ScriptedModel;
/// use patinox::tower::{ModelRequest, ModelService};
/// use tower::Service;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let mut service = ModelService::new(ScriptedModel::new([CompletionResponse::text("Hi!")]));
/// let response = service.call(ModelRequest::new(vec![Message::user("Hello")])).await?;
/// assert_eq!(response.content.as_deref(), Some("Hi!"));
/// # Ok(())
/// # }
/// ```
pub struct ModelService<M: ?Sized> {
    model: Arc<M>,
}

impl<M: LanguageModel> ModelService<M> {
    /// A service calling `model`.
    pub fn new(model: M) -> Self {
        Self::from_arc(Arc::new(model))
    }
}

impl<M: LanguageModel + ?Sized> ModelService<M> {
    /// A service calling a model that is already shared, e.g. an
    /// `Arc<dyn LanguageModel>`.
    pub fn from_arc(model: Arc<M>) -> Self {
        Self { model }
    }

    /// The model this service calls.
    pub fn model(&self) -> &Arc<M> {
        &self.model
    }
}

impl<M: ?Sized> Clone for ModelService<M> {
    fn clone(&self) -> Self {
        Self {
            model: Arc::clone(&self.model),
        }
    }
}

impl<M: LanguageModel + ?Sized> fmt::Debug for ModelService<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelService")
            .field("model", self.model.id())
            .finish()
    }
}

impl<M: LanguageModel + ?Sized + 'static> Service<ModelRequest> for ModelService<M> {
    type Response = CompletionResponse;
    type Error = PatinoxError;
    type Future = Pin<Box<dyn Future<Output = Result<CompletionResponse>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ModelRequest) -> Self::Future {
        let model = Arc::clone(&self.model);
        Box::pin(async move { model.complete(request.as_request()).await })
    }
}

/// A [`tower::Service`] of [`ModelRequest`]s, answering
/// [`CompletionResponse`]s, as a [`LanguageModel`]: give it to an agent and
/// its model calls go through the service's middleware.
///
/// The service need not be `Clone` (tower's `RateLimit` is not): calls take
/// turns getting it ready and starting the call, then run concurrently. So
/// a caller waiting on readiness (a full concurrency limit, a spent rate)
/// holds the next callers back in arrival order, as a queue would.
///
/// Errors come back as [`PatinoxError`]s; see
/// [the module docs](super#errors-through-middleware). Streaming calls
/// ([`LanguageModel::stream`]) complete the request through the service and
/// yield the whole answer as one delta.
///
/// ```
/// use std::time::Duration;
/// use patinox::model::{CompletionRequest, LanguageModel, Message};
/// use patinox::model::offline::OfflineModel;
/// use patinox::tower::ServiceModel;
/// use tower::ServiceBuilder;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = ServiceModel::layered(
///     OfflineModel::new(),
///     ServiceBuilder::new().timeout(Duration::from_secs(30)),
/// );
/// assert_eq!(model.id().to_string(), "offline:patinox");
/// let messages = [Message::user("Hello")];
/// let response = model.complete(CompletionRequest::new(&messages)).await?;
/// assert!(response.content.is_some());
/// # Ok(())
/// # }
/// ```
pub struct ServiceModel<S> {
    id: ModelId,
    // Readiness and `call` need `&mut S`; the lock is held for those two
    // steps only, never while the response is awaited.
    service: Mutex<S>,
}

impl<S> ServiceModel<S> {
    /// A model named `id` that answers through `service`.
    pub fn new(id: ModelId, service: S) -> Self {
        Self {
            id,
            service: Mutex::new(service),
        }
    }

    /// `model` wrapped in the middleware of `layer`, usually a
    /// `tower::ServiceBuilder`; the result keeps `model`'s id.
    pub fn layered<M, L>(model: M, layer: L) -> Self
    where
        M: LanguageModel,
        L: Layer<ModelService<M>, Service = S>,
    {
        let id = model.id().clone();
        Self::new(id, layer.layer(ModelService::new(model)))
    }

    /// The service, consuming the model.
    pub fn into_inner(self) -> S {
        self.service.into_inner()
    }
}

impl<S> fmt::Debug for ServiceModel<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceModel")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<S> LanguageModel for ServiceModel<S>
where
    S: Service<ModelRequest, Response = CompletionResponse> + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
{
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        let request = ModelRequest::from(request);
        let response = {
            let mut service = self.service.lock().await;
            poll_fn(|cx| service.poll_ready(cx))
                .await
                .map_err(into_patinox_error)?;
            service.call(request)
        };
        response.await.map_err(into_patinox_error)
    }
}

/// A middleware error as a [`PatinoxError`]: Patinox's own errors unchanged,
/// tower's timeout as a timeout, anything else as a network failure.
fn into_patinox_error(error: impl Into<BoxError>) -> PatinoxError {
    let error = match error.into().downcast::<PatinoxError>() {
        Ok(error) => return *error,
        Err(error) => error,
    };
    if error.is::<Elapsed>() {
        return ExecutionError::new(
            ExecutionErrorKind::Timeout,
            "the model call did not finish within its tower timeout",
        )
        .with_source(error)
        .into();
    }
    NetworkError::new(
        NetworkErrorKind::Other,
        format!("tower middleware failed the model call: {error}"),
    )
    .with_source(error)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderError;

    #[test]
    fn patinox_errors_pass_through_middleware_unchanged() {
        let boxed: BoxError = Box::new(PatinoxError::from(ProviderError::new(
            "openai",
            429,
            "slow down",
        )));
        assert_eq!(into_patinox_error(boxed).status(), Some(429));
    }

    #[test]
    fn other_middleware_errors_keep_their_message_and_source() {
        let boxed: BoxError = "overloaded".into();
        let error = into_patinox_error(boxed);
        assert!(matches!(&error, PatinoxError::Network(e) if e.kind == NetworkErrorKind::Other));
        assert!(error.to_string().contains("overloaded"));
        assert!(std::error::Error::source(&error).is_some());
    }
}
