//! The client of the Chat Completions API (`POST {base}/chat/completions`),
//! shared by [OpenAI](crate::model::openai), [OpenRouter](crate::model::openrouter),
//! [Ollama](crate::model::ollama) and [LM Studio](crate::model::lmstudio).

mod stream;
mod wire;

use async_trait::async_trait;

pub(crate) use wire::MaxTokensField;

use super::http::{Auth, HttpClient, ProviderConfig, json_body};
use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::Result;

/// A model served through the Chat Completions API.
///
/// Built by [`openai::model`](crate::model::openai::model),
/// [`openrouter::model`](crate::model::openrouter::model),
/// [`ollama::model`](crate::model::ollama::model) or
/// [`lmstudio::model`](crate::model::lmstudio::model). It owns one HTTP client,
/// reused by every request; clone the `Arc` you hold it in rather than building
/// another. Dropping a request's future cancels it.
#[derive(Debug)]
pub struct ChatCompletionsModel {
    id: ModelId,
    http: HttpClient,
    max_tokens_field: MaxTokensField,
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
        })
    }

    /// The URL requests are sent to.
    pub fn endpoint(&self) -> &str {
        &self.http.url
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
