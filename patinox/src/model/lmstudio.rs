//! LM Studio, through its OpenAI-compatible endpoint. No key is needed.
//!
//! ```no_run
//! use patinox::model::{lmstudio, ProviderConfig};
//!
//! let model = lmstudio::model("qwen2.5-7b-instruct", ProviderConfig::new())?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```

use super::chat_completions::{ChatCompletionsModel, MaxTokensField};
use super::http::ProviderConfig;
use crate::error::Result;

/// Where a local LM Studio listens by default.
pub const DEFAULT_BASE_URL: &str = crate::config::Provider::LmStudio.default_base_url();

/// A model served by LM Studio (the identifier LM Studio shows for the loaded model).
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if the HTTP client cannot be built.
pub fn model(name: &str, config: ProviderConfig) -> Result<ChatCompletionsModel> {
    ChatCompletionsModel::new(
        "lmstudio",
        name,
        config,
        DEFAULT_BASE_URL,
        MaxTokensField::MaxTokens,
    )
}
