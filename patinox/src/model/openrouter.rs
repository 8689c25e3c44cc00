//! OpenRouter, through its OpenAI-compatible Chat Completions API.
//!
//! OpenRouter's keep-alive comments (`: OPENROUTER PROCESSING`) are skipped
//! by the SSE decoder, and its mid-stream error chunks become errors.
//!
//! ```no_run
//! use patinox::model::{openrouter, ProviderConfig};
//!
//! let config = openrouter::app_headers(
//!     ProviderConfig::new().api_key(std::env::var("OPENROUTER_API_KEY").unwrap_or_default()),
//!     "https://example.com",
//!     "My app",
//! )?;
//! let model = openrouter::model("openai/gpt-4o-mini", config)?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

use super::chat_completions::{ChatCompletionsModel, MaxTokensField};
use super::http::ProviderConfig;
use crate::error::{ConfigurationError, Result};

/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = crate::config::Provider::OpenRouter.default_base_url();

/// A model on OpenRouter, named `vendor/model` (`anthropic/claude-sonnet-4.5`).
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if `config` has no API key and no base URL override.
pub fn model(name: &str, config: ProviderConfig) -> Result<ChatCompletionsModel> {
    if config.api_key.is_none() && config.base_url.is_none() {
        return Err(ConfigurationError::new("OpenRouter needs an API key")
            .with_key("OPENROUTER_API_KEY")
            .into());
    }
    ChatCompletionsModel::new(
        "openrouter",
        name,
        config,
        DEFAULT_BASE_URL,
        MaxTokensField::MaxTokens,
    )
}

/// Adds OpenRouter's optional app attribution headers: `HTTP-Referer` (your
/// site) and `X-Title` (your app's name).
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if a value is not a valid header value.
pub fn app_headers(config: ProviderConfig, referer: &str, title: &str) -> Result<ProviderConfig> {
    config
        .header("HTTP-Referer", referer)?
        .header("X-Title", title)
}
