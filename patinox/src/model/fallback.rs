//! Falling back to other models when one cannot serve a request.
//!
//! [`FallbackModel`] tries its models in order. It moves on when an error's
//! [`RecoveryStrategy`] is `Fallback` (quota exhausted, model not found,
//! context too long), `Retry` (wrap a model in a
//! [`RetryModel`](super::retry::RetryModel) to retry it first: what reaches
//! the fallback has exhausted its retries) or `CircuitBreak`. A `Fail` error
//! (a bad request, a bad key) is returned at once: another model would fail
//! the same way. When every model fails, the last error is returned with the
//! earlier ones attached ([`PatinoxError::earlier_attempts`]).
//!
//! A stream falls back only while it is being opened: once a model has
//! started yielding events, its errors arrive in the stream, because
//! switching models mid-answer would splice two different answers.
//!
//! ```
//! use std::sync::Arc;
//! use patinox::model::fallback::FallbackModel;
//! use patinox::model::offline::OfflineModel;
//!
//! let model = FallbackModel::new(vec![Arc::new(OfflineModel::new()), Arc::new(OfflineModel::new())])?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

use std::sync::Arc;

use async_trait::async_trait;

use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::{ConfigurationError, PatinoxError, RecoveryStrategy, Result};

/// Models tried in order; see the [module docs](self).
#[derive(Clone)]
pub struct FallbackModel {
    models: Vec<Arc<dyn LanguageModel>>,
}

impl std::fmt::Debug for FallbackModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.models.iter().map(|m| m.id()))
            .finish()
    }
}

impl FallbackModel {
    /// Tries `models` in order. Its [`id`](LanguageModel::id) is the first model's.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if `models` is empty.
    pub fn new(models: Vec<Arc<dyn LanguageModel>>) -> Result<Self> {
        if models.is_empty() {
            return Err(
                ConfigurationError::new("a fallback model needs at least one model").into(),
            );
        }
        Ok(Self { models })
    }

    async fn run<'s, T, F, Fut>(&'s self, mut call: F) -> Result<T>
    where
        F: FnMut(&'s dyn LanguageModel) -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        let mut earlier: Vec<PatinoxError> = Vec::new();
        let mut models = self.models.iter().peekable();
        while let Some(model) = models.next() {
            let error = match call(model.as_ref()).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let moves_on = !matches!(error.recovery_strategy(), RecoveryStrategy::Fail);
            if !moves_on || models.peek().is_none() {
                return Err(error.with_earlier_attempts(earlier));
            }
            tracing::warn!(model = %model.id(), error = %error, "model failed; falling back");
            earlier.push(error);
        }
        // `new` guarantees at least one model, so the loop always returns.
        Err(PatinoxError::execution(
            crate::error::ExecutionErrorKind::Internal,
            "fallback model without models",
        ))
    }
}

#[async_trait]
impl LanguageModel for FallbackModel {
    fn id(&self) -> &ModelId {
        self.models[0].id()
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        self.run(|model| model.complete(request.clone())).await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        self.run(|model| model.stream(request.clone())).await
    }
}
