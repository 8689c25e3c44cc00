//! The client of the Chat Completions API (`POST {base}/chat/completions`),
//! shared by [OpenAI](crate::model::openai), [OpenRouter](crate::model::openrouter),
//! [Ollama](crate::model::ollama) and [LM Studio](crate::model::lmstudio);
//! [`model`] builds one for any other server that speaks the API.
//!
//! A request's [`ResponseFormat`](crate::model::ResponseFormat) is sent as
//! `response_format: {type: "json_schema", json_schema: {name, schema, strict}}`,
//! which OpenAI, OpenRouter and LM Studio enforce, and which Ollama's
//! compatible endpoint turns into its native `format: <schema>`. For a server
//! that knows no `response_format`,
//! [`schema_in_prompt`](ChatCompletionsModel::schema_in_prompt) appends the
//! schema to the system prompt instead.
//!
//! ```
//! use patinox::model::{chat_completions, ProviderConfig};
//!
//! let config = ProviderConfig::new().base_url("http://127.0.0.1:8000/v1");
//! let model = chat_completions::model("my-model", config)?.schema_in_prompt();
//! assert_eq!(model.endpoint(), "http://127.0.0.1:8000/v1/chat/completions");
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

mod stream;
mod wire;

use async_trait::async_trait;

pub(crate) use wire::MaxTokensField;
pub(crate) use wire::parse_response;

use super::http::{Auth, HttpClient, ProviderConfig, json_body};
use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::{ConfigurationError, Result};

/// A model `name` on any server that speaks the Chat Completions API, at
/// `config`'s base URL (its id's provider is `compatible`). The token limit is
/// sent as `max_tokens`.
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if `config` has no base URL, or
/// the HTTP client cannot be built.
pub fn model(name: &str, config: ProviderConfig) -> Result<ChatCompletionsModel> {
    let Some(base) = config.base_url.clone() else {
        return Err(
            ConfigurationError::new("a Chat Completions server needs a base URL")
                .with_key("base_url")
                .into(),
        );
    };
    ChatCompletionsModel::new("compatible", name, config, &base, MaxTokensField::MaxTokens)
}

/// A model served through the Chat Completions API.
///
/// Built by [`openai::model`](crate::model::openai::model),
/// [`openrouter::model`](crate::model::openrouter::model),
/// [`ollama::model`](crate::model::ollama::model),
/// [`lmstudio::model`](crate::model::lmstudio::model) or [`model`]. It owns one HTTP client,
/// reused by every request; clone the `Arc` you hold it in rather than building
/// another. Dropping a request's future cancels it.
#[derive(Debug)]
pub struct ChatCompletionsModel {
    id: ModelId,
    http: HttpClient,
    max_tokens_field: MaxTokensField,
    schema_in_prompt: bool,
}

impl ChatCompletionsModel {
    pub(crate) fn new(
        provider: &'static str,
        model: &str,
        config: ProviderConfig,
        default_base: &str,
        max_tokens_field: MaxTokensField,
    ) -> Result<Self> {
        Ok(Self {
            id: ModelId::new(provider, model),
            http: HttpClient::new(
                provider,
                config,
                default_base,
                "/chat/completions",
                Auth::Bearer,
            )?,
            max_tokens_field,
            schema_in_prompt: false,
        })
    }

    /// Asks for structured output in the system prompt (the schema and an
    /// instruction to answer with JSON matching it) instead of with
    /// `response_format`: for servers that do not support it.
    #[must_use]
    pub fn schema_in_prompt(mut self) -> Self {
        self.schema_in_prompt = true;
        self
    }

    /// The URL requests are sent to.
    pub fn endpoint(&self) -> &str {
        self.http.url.as_str()
    }

    /// The request body for `request`, as it would be sent.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Validation`] if serialization fails.
    pub fn request_body(&self, request: &CompletionRequest<'_>, stream: bool) -> Result<Vec<u8>> {
        json_body(&wire::ChatRequest {
            model: self.id.model(),
            request,
            stream,
            max_tokens_field: self.max_tokens_field,
            schema_in_prompt: self.schema_in_prompt,
        })
    }
}

#[async_trait]
impl LanguageModel for ChatCompletionsModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        let body = self.request_body(&request, false)?;
        let provider = self.http.provider;
        self.http
            .complete(body, |status, bytes| {
                wire::parse_response(provider, status, bytes)
            })
            .await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        let body = self.request_body(&request, true)?;
        let parser = stream::ChunkParser::new(self.http.provider);
        self.http.stream(body, parser).await
    }
}
