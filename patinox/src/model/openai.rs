//! OpenAI, through the Chat Completions API.
//!
//! ```no_run
//! use patinox::model::{openai, ProviderConfig};
//!
//! let key = std::env::var("OPENAI_API_KEY").unwrap_or_default();
//! let model = openai::model("gpt-4o-mini", ProviderConfig::new().api_key(key))?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

use super::chat_completions::{ChatCompletionsModel, MaxTokensField};
use super::http::ProviderConfig;
use crate::error::{ConfigurationError, Result};

/// The public API's base URL.
pub const DEFAULT_BASE_URL: &str = crate::config::Provider::OpenAi.default_base_url();

/// A model of OpenAI's API (`gpt-4o-mini`, `gpt-4.1`, ...). The token limit is
/// sent as `max_completion_tokens`.
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if `config` has no API key and no
/// base URL override (a gateway or mock may not need one).
pub fn model(name: &str, config: ProviderConfig) -> Result<ChatCompletionsModel> {
    if config.api_key.is_none() && config.base_url.is_none() {
        return Err(ConfigurationError::new("OpenAI needs an API key")
            .with_key("OPENAI_API_KEY")
            .into());
    }
    ChatCompletionsModel::new(
        "openai",
        name,
        config,
        DEFAULT_BASE_URL,
        MaxTokensField::MaxCompletionTokens,
    )
}
