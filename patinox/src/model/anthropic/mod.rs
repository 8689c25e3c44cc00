//! Anthropic, through the Messages API (`POST {base}/messages`, the base
//! URL including `/v1`).
//!
//! System messages become the top-level `system` field, tool calls and results
//! become `tool_use` / `tool_result` blocks, tool schemas are sent as
//! `input_schema`, and `max_tokens` (required by the API) defaults to 4096.
//! A request's [`ResponseFormat`](crate::model::ResponseFormat) is sent as the
//! API's structured output, `output_config.format`.
//!
//! ```no_run
//! use patinox::model::{anthropic, ProviderConfig};
//!
//! let key = std::env::var("ANTHROPIC_API_KEY").unwrap_or_default();
//! let model = anthropic::model("claude-sonnet-4-5", ProviderConfig::new().api_key(key))?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

mod stream;
mod wire;

pub(crate) use wire::parse_response;

use async_trait::async_trait;
use reqwest::header::HeaderValue;

use super::http::{Auth, HttpClient, ProviderConfig, json_body};
use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::{ConfigurationError, Result};

/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = crate::config::Provider::Anthropic.default_base_url();

/// The `anthropic-version` header sent unless the config sets another.
pub const API_VERSION: &str = "2023-06-01";

/// The token limit sent when a request sets none (the API requires one).
pub const DEFAULT_MAX_TOKENS: u32 = wire::DEFAULT_MAX_TOKENS;

/// A Claude model (`claude-sonnet-4-5`, ...).
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if `config` has no API key and
/// no base URL override, or the HTTP client cannot be built.
pub fn model(name: &str, mut config: ProviderConfig) -> Result<AnthropicModel> {
    if config.api_key.is_none() && config.base_url.is_none() {
        return Err(ConfigurationError::new("Anthropic needs an API key")
            .with_key("ANTHROPIC_API_KEY")
            .into());
    }
    if !config.headers.contains_key("anthropic-version") {
        config
            .headers
            .insert("anthropic-version", HeaderValue::from_static(API_VERSION));
    }
    Ok(AnthropicModel {
        id: ModelId::new("anthropic", name),
        http: HttpClient::new(
            "anthropic",
            config,
            DEFAULT_BASE_URL,
            "/messages",
            Auth::Header("x-api-key"),
        )?,
    })
}

/// A Claude model, built by [`model`]. Owns one HTTP client, reused by every request.
#[derive(Debug)]
pub struct AnthropicModel {
    id: ModelId,
    http: HttpClient,
}

impl AnthropicModel {
    /// The URL requests are sent to.
    pub fn endpoint(&self) -> &str {
        self.http.url.as_str()
    }

    /// The request body for `request`, as it would be sent.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Validation`] if serialization fails.
    pub fn request_body(&self, request: &CompletionRequest<'_>, stream: bool) -> Result<Vec<u8>> {
        json_body(&wire::MessagesRequest {
            model: self.id.model(),
            request,
            stream,
        })
    }
}

#[async_trait]
impl LanguageModel for AnthropicModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        let body = self.request_body(&request, false)?;
        self.http
            .complete(body, |_, bytes| wire::parse_response(bytes))
            .await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        let body = self.request_body(&request, true)?;
        self.http.stream(body, stream::EventParser::new()).await
    }
}
