//! The model an `#[agent(model = "provider:model")]` agent uses when its
//! builder is given none.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::OnceCell;

use crate::error::Result;
use crate::model::{
    CompletionRequest, CompletionResponse, LanguageModel, ModelId, from_env, from_id,
};

/// A model named by id and resolved on first use.
///
/// Resolution, on the first request: when `PATINOX_MODEL` is set it wins (so
/// one variable redirects every agent, e.g. to a local model); otherwise the
/// declared id is built with [`from_id`], taking the provider's key from its
/// environment variable. A hosted provider whose key is missing is a
/// configuration error naming the variable: the agent never silently answers
/// with another model than the one declared. The id is what
/// [`LanguageModel::id`] reports until the first request.
///
/// ```
/// use patinox::agent::DefaultModel;
/// use patinox::model::{CompletionRequest, LanguageModel, Message, ModelId};
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
    resolved: OnceCell<Arc<dyn LanguageModel>>,
}

impl std::fmt::Debug for DefaultModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultModel")
            .field("id", &self.id.to_string())
            .field("resolved", &self.resolved.initialized())
            .finish()
    }
}

impl DefaultModel {
    /// A model that resolves `id` on first use.
    pub fn new(id: ModelId) -> Self {
        Self {
            id,
            resolved: OnceCell::new(),
        }
    }

    async fn resolve(&self) -> Result<&Arc<dyn LanguageModel>> {
        self.resolved
            .get_or_try_init(|| async {
                if std::env::var_os("PATINOX_MODEL").is_some() {
                    let model = from_env().await?;
                    tracing::info!(declared = %self.id, using = %model.id(), "PATINOX_MODEL overrides the agent's default model");
                    return Ok(model);
                }
                from_id(&self.id)
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
}
