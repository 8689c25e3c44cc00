//! Configuration: one cascade, resolved once into plain values.
//!
//! Each setting is taken from the highest layer that sets it: built-in
//! defaults < `patinox.toml` (in the working directory, or the file
//! `PATINOX_CONFIG` names) < environment variables < values set in code
//! ([`ConfigLoader::set`]). The README's "Configuration" table has examples.
//!
//! A key's variable is `PATINOX_` and the key in capitals with `_` for `.`
//! (`agent.max_turns` → `PATINOX_AGENT_MAX_TURNS`); a provider's settings
//! drop the `providers` (`providers.openai.base_url` →
//! `PATINOX_OPENAI_BASE_URL`), and `<PROVIDER>_BASE_URL` (`OPENAI_BASE_URL`,
//! as the vendors' SDKs read it) is read too, below the `PATINOX_` name.
//! Headers are set in the file or in code only.
//!
//! [`PatinoxConfig::load`] reads the layers once and returns plain typed
//! structs; nothing is looked up again per request. A value that does not
//! parse is a [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
//! naming the key, where the value came from (`patinox.toml:7`, or the
//! variable) and what was expected. Values are never echoed in errors, so a
//! secret typed into the wrong key is not printed either.
//!
//! API keys are [`SecretString`]s read from an environment variable
//! (`api_key_env`, by default `<PROVIDER>_API_KEY`) or from a file
//! (`api_key_file`, e.g. a container secret); they cannot be written in the
//! configuration file itself. [`PatinoxConfig::show_origin`] lists every
//! effective value and its origin, with secrets and header values redacted.
//!
//! ```
//! use std::time::Duration;
//! use patinox::config::{ConfigLoader, Origin};
//!
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("patinox.toml");
//! std::fs::write(&file, "model = \"ollama:llama3.2\"\n[timeouts]\nconnect = \"5s\"\n")?;
//!
//! let config = ConfigLoader::new()
//!     .file(&file)
//!     .env([("PATINOX_AGENT_MAX_TURNS", "4")])
//!     .set("tracing.record_content", true)
//!     .load()?;
//! assert_eq!(config.timeouts.connect, Duration::from_secs(5));
//! assert_eq!(config.agent.max_turns, 4);
//! assert!(config.tracing.record_content);
//! assert_eq!(config.origin("agent.max_turns"), Origin::Env("PATINOX_AGENT_MAX_TURNS".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod duration;
mod loader;
mod origin;
mod settings;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::agent::{DEFAULT_MAX_TURNS, DEFAULT_TOOL_TIMEOUT};
use crate::error::Result;
use crate::model::{DEFAULT_MAX_RESPONSE_BYTES, ModelId, ProviderConfig};

pub use loader::{ConfigLoader, DEFAULT_FILE};
pub use origin::{Effective, Origin};

/// Every Patinox setting, resolved from the cascade; see the [module docs](self).
///
/// The fields are plain values: read them, or change them in code before
/// building models and agents from them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PatinoxConfig {
    /// `model`: the default model, `provider:model`. `None` (the default)
    /// lets [`from_env`](crate::model::from_env) choose from the keys present.
    pub model: Option<ModelId>,
    /// `providers.<name>.*`: each provider's URL, key and headers.
    pub providers: Providers,
    /// `timeouts.*`: HTTP timeouts of provider calls.
    pub timeouts: Timeouts,
    /// `retry.*`: how failed model calls are retried.
    pub retry: RetrySettings,
    /// `breaker.*`: the circuit breaker around model calls.
    pub breaker: BreakerSettings,
    /// `limits.*`: the usage limits of one run.
    pub limits: UsageLimitSettings,
    /// `agent.*`: the agent loop.
    pub agent: AgentSettings,
    /// `max_response_bytes`: the largest response body accepted from a provider.
    pub max_response_bytes: usize,
    /// `tracing.*`: what traces record.
    pub tracing: TracingSettings,
    origins: BTreeMap<String, Origin>,
}

impl Default for PatinoxConfig {
    /// The built-in defaults (layer 1).
    fn default() -> Self {
        Self {
            model: None,
            providers: Providers::default(),
            timeouts: Timeouts::default(),
            retry: RetrySettings::default(),
            breaker: BreakerSettings::default(),
            limits: UsageLimitSettings::default(),
            agent: AgentSettings::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            tracing: TracingSettings::default(),
            origins: BTreeMap::new(),
        }
    }
}

impl PatinoxConfig {
    /// Loads the cascade from `patinox.toml` (or `PATINOX_CONFIG`) and the
    /// process environment; the same as [`ConfigLoader::new().load()`](ConfigLoader::load).
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
    /// naming the key, its origin and what is expected, for an unknown key, a
    /// value of the wrong kind, an unreadable file or key file.
    pub fn load() -> Result<Self> {
        ConfigLoader::new().load()
    }

    /// Where the value of `key` came from; [`Origin::Default`] for a key no
    /// layer set (or no such key).
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or(Origin::Default)
    }

    /// Every effective setting, in key order, with its value and origin,
    /// like `git config --show-origin --list`. API keys and header values
    /// show as `[REDACTED]`.
    ///
    /// ```
    /// use patinox::config::ConfigLoader;
    ///
    /// let config = ConfigLoader::new().no_file().env([("PATINOX_RETRY_MAX_ATTEMPTS", "5")]).load()?;
    /// let listing: Vec<String> = config.show_origin().iter().map(ToString::to_string).collect();
    /// assert!(listing.contains(&"env:PATINOX_RETRY_MAX_ATTEMPTS\tretry.max_attempts = 5".to_owned()));
    /// assert!(listing.contains(&"default\tagent.max_turns = 10".to_owned()));
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    pub fn show_origin(&self) -> Vec<Effective> {
        settings::effective(self)
    }

    /// The [`ProviderConfig`] of `provider`: its key, base URL and headers,
    /// the timeouts and the response cap.
    ///
    /// ```
    /// use patinox::config::{ConfigLoader, Provider};
    /// use patinox::model::ollama;
    ///
    /// let config = ConfigLoader::new().no_file().env([("OLLAMA_BASE_URL", "http://10.0.0.5:11434")]).load()?;
    /// let model = ollama::model("llama3.2", config.provider_config(Provider::Ollama)?)?;
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
    /// for a header set on the loaded value that HTTP does not allow.
    pub fn provider_config(&self, provider: Provider) -> Result<ProviderConfig> {
        let settings = self.providers.get(provider);
        let mut config = ProviderConfig::new()
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.request)
            .idle_timeout(self.timeouts.idle)
            .max_response_bytes(self.max_response_bytes);
        if let Some(url) = &settings.base_url {
            config = config.base_url(url);
        }
        if let Some(key) = &settings.api_key {
            config = config.secret_api_key(key.clone());
        }
        for (name, value) in &settings.headers {
            config = config.header(name, value)?;
        }
        Ok(config)
    }
}

/// A provider Patinox can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// OpenAI (`openai`).
    OpenAi,
    /// Anthropic (`anthropic`).
    Anthropic,
    /// OpenRouter (`openrouter`).
    OpenRouter,
    /// A local Ollama (`ollama`).
    Ollama,
    /// A local LM Studio (`lmstudio`).
    LmStudio,
}

impl Provider {
    /// Every provider, in the order they are listed.
    pub const ALL: [Self; 5] = [
        Self::OpenAi,
        Self::Anthropic,
        Self::OpenRouter,
        Self::Ollama,
        Self::LmStudio,
    ];

    /// The provider's name in keys and model ids: `openai`, `anthropic`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::OpenRouter => "openrouter",
            Self::Ollama => "ollama",
            Self::LmStudio => "lmstudio",
        }
    }

    /// The provider named `name`, if Patinox knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The base URL used when none is configured.
    pub const fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com/v1",
            Self::OpenRouter => "https://openrouter.ai/api/v1",
            Self::Ollama => "http://127.0.0.1:11434/v1",
            Self::LmStudio => "http://127.0.0.1:1234/v1",
        }
    }

    /// Whether this build of Patinox has the provider: each is a Cargo
    /// feature of the same name (`openai`, `anthropic`, ...), all on by
    /// default. Choosing a provider that is compiled out is a
    /// [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
    /// naming the feature.
    ///
    /// ```
    /// use patinox::config::Provider;
    ///
    /// let compiled: Vec<&str> = Provider::ALL.into_iter().filter(|p| p.is_enabled()).map(Provider::name).collect();
    /// println!("providers in this build: {}", compiled.join(", "));
    /// ```
    pub const fn is_enabled(self) -> bool {
        match self {
            Self::OpenAi => cfg!(feature = "openai"),
            Self::Anthropic => cfg!(feature = "anthropic"),
            Self::OpenRouter => cfg!(feature = "openrouter"),
            Self::Ollama => cfg!(feature = "ollama"),
            Self::LmStudio => cfg!(feature = "lmstudio"),
        }
    }

    /// The variable the key is read from unless `api_key_env` names
    /// another: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, ...
    pub fn default_key_variable(self) -> String {
        format!("{}_API_KEY", self.name().to_ascii_uppercase())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The settings of every provider (`providers.<name>.*`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Providers {
    /// `providers.openai`.
    pub openai: ProviderSettings,
    /// `providers.anthropic`.
    pub anthropic: ProviderSettings,
    /// `providers.openrouter`.
    pub openrouter: ProviderSettings,
    /// `providers.ollama`.
    pub ollama: ProviderSettings,
    /// `providers.lmstudio`.
    pub lmstudio: ProviderSettings,
}

impl Default for Providers {
    fn default() -> Self {
        let settings = ProviderSettings::for_provider;
        Self {
            openai: settings(Provider::OpenAi),
            anthropic: settings(Provider::Anthropic),
            openrouter: settings(Provider::OpenRouter),
            ollama: settings(Provider::Ollama),
            lmstudio: settings(Provider::LmStudio),
        }
    }
}

impl Providers {
    /// The settings of `provider`.
    pub fn get(&self, provider: Provider) -> &ProviderSettings {
        match provider {
            Provider::OpenAi => &self.openai,
            Provider::Anthropic => &self.anthropic,
            Provider::OpenRouter => &self.openrouter,
            Provider::Ollama => &self.ollama,
            Provider::LmStudio => &self.lmstudio,
        }
    }

    /// The settings of `provider`, to change.
    pub fn get_mut(&mut self, provider: Provider) -> &mut ProviderSettings {
        match provider {
            Provider::OpenAi => &mut self.openai,
            Provider::Anthropic => &mut self.anthropic,
            Provider::OpenRouter => &mut self.openrouter,
            Provider::Ollama => &mut self.ollama,
            Provider::LmStudio => &mut self.lmstudio,
        }
    }
}

/// One provider's settings (`providers.<name>.*`).
///
/// Its `Debug` shows neither the key nor header values.
#[derive(Clone)]
#[non_exhaustive]
pub struct ProviderSettings {
    /// `base_url`: where requests go; `None` for the provider's public URL
    /// ([`Provider::default_base_url`]).
    pub base_url: Option<String>,
    /// `api_key_env`: the variable the key is read from (default `<PROVIDER>_API_KEY`).
    pub api_key_env: String,
    /// `api_key_file`: a file holding the key (e.g. `/run/secrets/openai`);
    /// when set it is used instead of the variable. Surrounding whitespace
    /// is ignored; a relative path is relative to the working directory.
    pub api_key_file: Option<PathBuf>,
    /// `headers.<name>`: extra headers sent with every request.
    pub headers: BTreeMap<String, String>,
    /// The key, read once when the configuration was loaded.
    pub api_key: Option<SecretString>,
}

impl ProviderSettings {
    fn for_provider(provider: Provider) -> Self {
        Self {
            base_url: None,
            api_key_env: provider.default_key_variable(),
            api_key_file: None,
            headers: BTreeMap::new(),
            api_key: None,
        }
    }
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("base_url", &self.base_url)
            .field("api_key_env", &self.api_key_env)
            .field("api_key_file", &self.api_key_file)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// HTTP timeouts of provider calls (`timeouts.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// `connect`: establishing a connection (default 10 s).
    pub connect: Duration,
    /// `request`: a whole request, from sending to the last byte of the
    /// answer; a stream is bounded by `idle` instead (default 600 s).
    pub request: Duration,
    /// `idle`: silence between two reads, e.g. two stream events (default 600 s).
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(600),
            idle: Duration::from_secs(600),
        }
    }
}

/// How failed model calls are retried (`retry.*`); see [`crate::model::retry`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetrySettings {
    /// `max_attempts`: attempts in total, the first included; 1 never retries (default 3).
    pub max_attempts: u32,
    /// `base_delay`: the backoff's first delay (default 500 ms).
    pub base_delay: Duration,
    /// `max_backoff`: the ceiling of the exponential backoff (default 8 s).
    pub max_backoff: Duration,
    /// `max_delay`: the longest wait, a server's `Retry-After` included (default 60 s).
    pub max_delay: Duration,
    /// `max_elapsed`: no retry starts after this long (default 120 s).
    pub max_elapsed: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_delay: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetrySettings {
    /// The [`RetryPolicy`](crate::model::retry::RetryPolicy) these settings describe.
    pub fn policy(&self) -> crate::model::retry::RetryPolicy {
        crate::model::retry::RetryPolicy::default()
            .max_attempts(self.max_attempts)
            .base_delay(self.base_delay)
            .max_backoff(self.max_backoff)
            .max_delay(self.max_delay)
            .max_elapsed(self.max_elapsed)
    }
}

/// The circuit breaker around model calls (`breaker.*`); see [`crate::model::circuit`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BreakerSettings {
    /// `enabled`: whether model calls go through a breaker (default `false`).
    pub enabled: bool,
    /// `failure_threshold`: consecutive failures that open it (default 5).
    pub failure_threshold: u32,
    /// `cool_down`: how long it stays open (default 30 s).
    pub cool_down: Duration,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            failure_threshold: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

impl BreakerSettings {
    /// The breaker these settings describe, or `None` when disabled.
    pub fn breaker(&self) -> Option<crate::model::circuit::CircuitBreaker> {
        self.enabled.then(|| {
            crate::model::circuit::CircuitBreaker::new(self.failure_threshold, self.cool_down)
        })
    }
}

/// Usage limits of one run (`limits.*`); `None`, written `"unlimited"`, is no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UsageLimitSettings {
    /// `requests`: model requests.
    pub requests: Option<u32>,
    /// `input_tokens`: prompt tokens, summed over the run.
    pub input_tokens: Option<u64>,
    /// `output_tokens`: completion tokens, summed over the run.
    pub output_tokens: Option<u64>,
    /// `total_tokens`: input and output tokens together.
    pub total_tokens: Option<u64>,
    /// `tool_calls`: tool calls.
    pub tool_calls: Option<u32>,
    /// `deadline`: how long a run may take.
    pub deadline: Option<Duration>,
}

/// The agent loop (`agent.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AgentSettings {
    /// `max_turns`: model turns per run, at least 1 (default 10).
    pub max_turns: u32,
    /// `tool_timeout`: how long one tool call may take (default 60 s).
    pub tool_timeout: Duration,
}

impl Default for AgentSettings {
    fn default() -> Self {
        Self {
            max_turns: DEFAULT_MAX_TURNS,
            tool_timeout: DEFAULT_TOOL_TIMEOUT,
        }
    }
}

/// What traces record (`tracing.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TracingSettings {
    /// `record_content`: whether spans carry message content, prompts and
    /// tool arguments (default `false`: they may hold personal data).
    pub record_content: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::retry::RetryPolicy;

    #[test]
    fn the_default_retry_settings_are_the_default_policy() {
        assert_eq!(RetrySettings::default().policy(), RetryPolicy::default());
    }

    #[test]
    fn the_default_provider_config_is_provider_config_new() {
        let config = PatinoxConfig::default()
            .provider_config(Provider::OpenAi)
            .unwrap();
        assert_eq!(
            format!("{config:?}"),
            format!("{:?}", ProviderConfig::new())
        );
    }
}
