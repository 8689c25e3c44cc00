//! The model an `#[agent(model = "provider:model")]` agent uses when its
//! builder is given none.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::OnceCell;

use super::env::build;
use super::retry::RetryPolicy;
use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::config::PatinoxConfig;
use crate::error::Result;

/// A model named by id and resolved on first use.
///
/// Resolution, on the first request, from the configuration
/// ([`PatinoxConfig::load`]): the declared id is a default written in code,
/// so a `model` set in `patinox.toml`, by `PATINOX_MODEL` or in code wins
/// (one variable redirects every agent, e.g. to a local model); otherwise the
/// declared id is built with the provider's configured key (its variable or
/// key file), base URL and headers. A hosted provider with neither key nor
/// base URL is a configuration error naming the variable: the agent never
/// silently answers with another model than the one declared. The id is what
/// [`LanguageModel::id`] reports until the first request.
///
/// The resolved model retries failed calls as the configuration's `retry.*`
/// says (by default [`RetryPolicy::default()`]: 2 retries, as the official
/// OpenAI and Anthropic SDKs do); [`retry_policy`](Self::retry_policy) sets
/// another in code.
///
/// ```no_run
/// use patinox::model::{CompletionRequest, DefaultModel, LanguageModel, Message, ModelId};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = DefaultModel::new(ModelId::new("offline", "patinox"));
/// let messages = [Message::user("Hello")];
/// let reply = model.complete(CompletionRequest::new(&messages)).await?;
/// assert!(reply.content.is_some());
/// # Ok(())
/// # }
/// ```
pub struct DefaultModel {
    id: ModelId,
    /// `None`: the configuration's `retry.*`.
    retry: Option<RetryPolicy>,
    resolved: OnceCell<Arc<dyn LanguageModel>>,
}

impl std::fmt::Debug for DefaultModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultModel")
            .field("id", &self.id.to_string())
            .field("retry", &self.retry)
            .field("resolved", &self.resolved.initialized())
            .finish()
    }
}

impl DefaultModel {
    /// A model that resolves `id` on first use.
    pub fn new(id: ModelId) -> Self {
        Self {
            id,
            retry: None,
            resolved: OnceCell::new(),
        }
    }

    /// Retries with `policy` instead of the default; [`RetryPolicy::none()`]
    /// makes every call once.
    ///
    /// ```
    /// use patinox::model::DefaultModel;
    /// use patinox::model::retry::RetryPolicy;
    ///
    /// let model = DefaultModel::new("anthropic:claude-sonnet-4-5".parse()?)
    ///     .retry_policy(RetryPolicy::none());
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    async fn resolve(&self) -> Result<&Arc<dyn LanguageModel>> {
        self.resolved
            .get_or_try_init(|| async {
                let config = PatinoxConfig::load()?;
                let retry = self.retry.clone().unwrap_or_else(|| config.retry.policy());
                if let Some(configured) = &config.model {
                    let origin = config.origin("model");
                    tracing::info!(declared = %self.id, using = %configured, %origin, "the configured model overrides the agent's default model");
                    return build(configured, &config, &retry);
                }
                build(&self.id, &config, &retry)
            })
            .await
    }
}

#[async_trait]
impl LanguageModel for DefaultModel {
    fn id(&self) -> &ModelId {
        self.resolved.get().map_or(&self.id, |model| model.id())
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        self.resolve().await?.complete(request).await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        self.resolve().await?.stream(request).await
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;
    use crate::error::PatinoxError;
    use crate::model::{Message, StreamEvent};

    /// A model that can only stream: its `complete` always fails.
    struct StreamOnly(ModelId);

    #[async_trait]
    impl LanguageModel for StreamOnly {
        fn id(&self) -> &ModelId {
            &self.0
        }

        async fn complete(&self, _: CompletionRequest<'_>) -> Result<CompletionResponse> {
            Err(PatinoxError::validation("complete is not for streams"))
        }

        async fn stream(&self, _: CompletionRequest<'_>) -> Result<ResponseStream> {
            let event = StreamEvent::TextDelta("streamed".into());
            Ok(Box::pin(futures_util::stream::iter([Ok(event)])))
        }
    }

    #[tokio::test]
    async fn streams_through_the_resolved_model() {
        let model = DefaultModel::new(ModelId::new("test", "stream-only"));
        let resolved: Arc<dyn LanguageModel> = Arc::new(StreamOnly(model.id.clone()));
        assert!(model.resolved.set(resolved).is_ok());
        let messages = [Message::user("Hi")];
        let mut stream = model
            .stream(CompletionRequest::new(&messages))
            .await
            .unwrap();
        let first = stream.next().await.unwrap().unwrap();
        assert_eq!(first, StreamEvent::TextDelta("streamed".into()));
    }
}
