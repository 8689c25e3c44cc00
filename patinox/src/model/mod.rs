//! Language models: the [`LanguageModel`] trait, provider-neutral types, and
//! the models that ship with Patinox.
//!
//! - [`offline::OfflineModel`]: a built-in model that needs no network or key;
//!   it calls a declared tool and answers from its result.
//! - [`scripted::ScriptedModel`]: replays given responses and records the requests,
//!   for tests.
//! - Providers, each built the same way, `provider::model(name, config)` with
//!   a [`ProviderConfig`] (key, base URL, headers, timeouts, response-size
//!   cap): [`openai::model`], [`anthropic::model`], [`openrouter::model`],
//!   [`ollama::model`], [`lmstudio::model`], and [`chat_completions::model`]
//!   for any other server that speaks the Chat Completions API. Each
//!   provider is a Cargo feature of its name, all on by default
//!   (`chat-completions` alone gives the generic client). A request's
//!   [`ResponseFormat`] is sent the way each provider supports structured
//!   output natively.
//! - Resilience: [`retry::RetryModel`] (backoff with full jitter, honours
//!   `Retry-After`), [`circuit::CircuitBreakerModel`], [`fallback::FallbackModel`].
//! - Record and replay: [`cassette::CassetteModel`] records a model's
//!   exchanges to a file and serves them back offline.
//! - [`from_env`], [`from_id`] and [`DefaultModel`] (the model of
//!   `#[agent(model = "..")]`): a model chosen by name or by the environment.
//!
//! ## Retries are on by default
//!
//! Models made by [`from_env`], [`from_vars`], [`from_id`] and
//! [`DefaultModel`] retry as the official OpenAI and Anthropic SDKs do: 2
//! retries with exponential backoff and full jitter, honouring `Retry-After`
//! and `retry-after-ms`, on connection errors, 408, 409, 429 and 5xx, and on a
//! stream that fails before its first event ([`retry::RetryPolicy::default`]).
//! Choose another policy, or none, in code:
//!
//! ```
//! use patinox::model::{DefaultModel, from_id_with};
//! use patinox::model::retry::RetryPolicy;
//!
//! let once = from_id_with(&"offline:patinox".parse()?, RetryPolicy::none())?;
//! let patient = DefaultModel::new("openai:gpt-4o-mini".parse()?)
//!     .retry_policy(RetryPolicy::default().max_attempts(5));
//! # Ok::<(), patinox::PatinoxError>(())
//! ```
//!
//! A model built directly (`openai::model(..)`) makes each call once; wrap it
//! in a [`retry::RetryModel`] to retry.

#[cfg(feature = "anthropic")]
pub mod anthropic;
pub mod cassette;
#[cfg(feature = "chat-completions")]
pub mod chat_completions;
pub mod circuit;
mod default_model;
mod env;
pub mod fallback;
// The HTTP layer is in every build (`ProviderConfig` is configuration). A
// build without providers leaves its client unused, and a build with only
// one of the two wires (Chat Completions, Anthropic) part of it.
#[cfg_attr(
    not(all(feature = "chat-completions", feature = "anthropic")),
    allow(dead_code)
)]
mod http;
#[cfg(feature = "lmstudio")]
pub mod lmstudio;
pub mod offline;
#[cfg(feature = "ollama")]
pub mod ollama;
#[cfg(feature = "openai")]
pub mod openai;
#[cfg(feature = "openrouter")]
pub mod openrouter;
pub mod retry;
pub mod scripted;
mod sse;
#[cfg_attr(
    not(any(feature = "chat-completions", feature = "anthropic")),
    allow(dead_code)
)]
mod streaming;
mod types;

/// Internals the benchmarks, the decoder's property tests and the fuzz
/// targets (`fuzz/`) reach; not part of the API.
#[doc(hidden)]
pub mod internals {
    pub use super::sse::{SseDecoder, SseEvent};

    /// Parses a non-streaming Chat Completions (OpenAI) response body.
    ///
    /// # Errors
    /// As the provider does for a body it cannot use.
    #[cfg(feature = "chat-completions")]
    pub fn parse_openai_response(body: &[u8]) -> crate::Result<super::CompletionResponse> {
        super::chat_completions::parse_response("openai", 200, body)
    }

    /// Parses a non-streaming Anthropic Messages response body.
    ///
    /// # Errors
    /// As the provider does for a body it cannot use.
    #[cfg(feature = "anthropic")]
    pub fn parse_anthropic_response(body: &[u8]) -> crate::Result<super::CompletionResponse> {
        super::anthropic::parse_response(body)
    }
}

use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::Stream;

#[cfg(feature = "chat-completions")]
pub use chat_completions::ChatCompletionsModel;
pub use default_model::DefaultModel;
pub use env::{
    LocalProbe, from_config, from_env, from_env_with, from_id, from_id_with, from_vars,
    from_vars_with,
};
pub use http::{DEFAULT_MAX_RESPONSE_BYTES, ProviderConfig};
pub use types::{
    CompletionRequest, CompletionResponse, FinishReason, Message, ModelId, ModelSettings,
    ResponseFormat, ToolCall, ToolChoice, ToolSpec, Usage,
};

use crate::error::Result;

/// A stream of [`StreamEvent`]s from [`LanguageModel::stream`].
pub type ResponseStream = Pin<Box<dyn Stream<Item = Result<StreamEvent>> + Send>>;

/// One piece of a streamed response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// More answer text.
    TextDelta(String),
    /// A tool call, complete with its arguments (providers reassemble argument deltas).
    ToolCall(ToolCall),
    /// The stream ended; the whole response, as [`LanguageModel::complete`] would return it.
    Done(CompletionResponse),
    /// A fragment of a tool call as it arrives; the assembled call follows as
    /// [`StreamEvent::ToolCall`]. `index` orders parallel calls.
    ToolCallDelta {
        /// Which call of the response this fragment belongs to.
        index: u32,
        /// The call's name, on its first fragment.
        name: Option<String>,
        /// More argument JSON text.
        arguments: String,
    },
    /// More of the model's refusal explanation.
    RefusalDelta(String),
}

/// A model that completes conversations: a provider client, the offline model,
/// a scripted test model, or a wrapper (retry, fallback) around others.
///
/// Object safe: agents hold models as `Arc<dyn LanguageModel>`.
///
/// ```
/// use patinox::model::{CompletionRequest, LanguageModel, Message};
/// use patinox::model::scripted::ScriptedModel;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = ScriptedModel::new([patinox::model::CompletionResponse::text("Hello!")]);
/// let messages = [Message::user("Hi")];
/// let response = model.complete(CompletionRequest::new(&messages)).await?;
/// assert_eq!(response.content.as_deref(), Some("Hello!"));
/// # Ok(())
/// # }
/// ```
#[async_trait]
pub trait LanguageModel: Send + Sync {
    /// Which model this is.
    fn id(&self) -> &ModelId;

    /// Completes the conversation in `request`.
    ///
    /// # Errors
    /// Provider, network and validation errors; see [`crate::error::PatinoxError`].
    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse>;

    /// Streams the completion. The default calls [`complete`](Self::complete)
    /// and yields the text as one delta, the tool calls, then [`StreamEvent::Done`].
    ///
    /// # Errors
    /// As [`complete`](Self::complete); errors after the stream has started arrive as items.
    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        let response = self.complete(request).await?;
        let mut events = Vec::with_capacity(response.tool_calls.len() + 2);
        if let Some(text) = &response.content {
            events.push(Ok(StreamEvent::TextDelta(text.clone())));
        }
        events.extend(
            response
                .tool_calls
                .iter()
                .cloned()
                .map(|call| Ok(StreamEvent::ToolCall(call))),
        );
        events.push(Ok(StreamEvent::Done(response)));
        Ok(Box::pin(futures_util::stream::iter(events)))
    }
}

#[async_trait]
impl<M: LanguageModel + ?Sized> LanguageModel for Arc<M> {
    fn id(&self) -> &ModelId {
        (**self).id()
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        (**self).complete(request).await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        (**self).stream(request).await
    }
}

#[async_trait]
impl<M: LanguageModel + ?Sized> LanguageModel for Box<M> {
    fn id(&self) -> &ModelId {
        (**self).id()
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        (**self).complete(request).await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        (**self).stream(request).await
    }
}
