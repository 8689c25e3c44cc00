//! Ollama, through its OpenAI-compatible endpoint. No key is needed.
//!
//! ```no_run
//! use patinox::model::{ollama, ProviderConfig};
//!
//! let model = ollama::model("llama3.2", ProviderConfig::new())?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

use super::chat_completions::{ChatCompletionsModel, MaxTokensField};
use super::http::ProviderConfig;
use crate::error::Result;

/// Where a local Ollama listens by default.
pub const DEFAULT_BASE_URL: &str = crate::config::Provider::Ollama.default_base_url();

/// A model served by Ollama (`llama3.2`, `qwen2.5:7b`, ...).
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if the HTTP client cannot be built.
pub fn model(name: &str, config: ProviderConfig) -> Result<ChatCompletionsModel> {
    ChatCompletionsModel::new(
        "ollama",
        name,
        config,
        DEFAULT_BASE_URL,
        MaxTokensField::MaxTokens,
    )
}
