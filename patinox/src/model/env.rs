//! Choosing a model from the configuration and the environment.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::circuit::CircuitBreakerModel;
use super::http::{ProviderConfig, versioned};
use super::offline::OfflineModel;
use super::retry::{RetryModel, RetryPolicy};
use super::{LanguageModel, ModelId};
use crate::config::{ConfigLoader, PatinoxConfig, Provider, ProviderSettings};
use crate::error::{ConfigurationError, Result};

/// Where [`from_vars`] looks for local servers, and how long it waits.
#[derive(Debug, Clone)]
pub struct LocalProbe {
    /// Ollama's OpenAI-compatible base URL; `None` skips it.
    pub ollama: Option<String>,
    /// LM Studio's OpenAI-compatible base URL; `None` skips it.
    pub lmstudio: Option<String>,
    /// How long a local server has to answer `GET {base}/models`.
    pub timeout: Duration,
}

impl Default for LocalProbe {
    /// The default local ports (Ollama 11434, LM Studio 1234), 300 ms.
    fn default() -> Self {
        Self {
            ollama: Some(Provider::Ollama.default_base_url().to_owned()),
            lmstudio: Some(Provider::LmStudio.default_base_url().to_owned()),
            timeout: Duration::from_millis(300),
        }
    }
}

impl LocalProbe {
    /// Probes nothing: no local server is ever chosen.
    pub fn disabled() -> Self {
        Self {
            ollama: None,
            lmstudio: None,
            timeout: Duration::ZERO,
        }
    }
}

/// Picks a model from the configuration ([`PatinoxConfig::load`]:
/// `patinox.toml` and the process environment) and logs (at `info`) which
/// one it chose; see [`from_vars`] for the rules. A provider's model retries
/// failed calls as the configuration's `retry.*` says (by default
/// [`RetryPolicy::default()`]); [`from_env_with`] takes another policy.
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = patinox::model::from_env().await?;
/// println!("using {}", model.id());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] when the configuration is
/// invalid or names a provider it gives no way to reach.
pub async fn from_env() -> Result<Arc<dyn LanguageModel>> {
    from_config(&PatinoxConfig::load()?, &LocalProbe::default()).await
}

/// [`from_env`] with the retry policy `retry`.
///
/// ```no_run
/// use patinox::model::retry::RetryPolicy;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// // Each call is made once: a 503 or a 429 ends it.
/// let model = patinox::model::from_env_with(RetryPolicy::none()).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// As [`from_env`].
pub async fn from_env_with(retry: RetryPolicy) -> Result<Arc<dyn LanguageModel>> {
    select(&PatinoxConfig::load()?, &LocalProbe::default(), &retry).await
}

/// Picks a model from variables read through `var` (no configuration file),
/// in this order:
///
/// 1. `PATINOX_MODEL=provider:model` (`openai`, `anthropic`, `openrouter`,
///    `ollama`, `lmstudio` or `offline`) names the model outright; a hosted
///    provider needs its key variable, or a base URL (a gateway or a local
///    server may need no key).
/// 2. `OPENAI_API_KEY` → `openai:gpt-4o-mini`.
/// 3. `ANTHROPIC_API_KEY` → `anthropic:claude-sonnet-4-5`.
/// 4. `OPENROUTER_API_KEY` → `openrouter:openai/gpt-4o-mini`.
/// 5. The same three, in the same order, when only their base URL is set
///    (`OPENAI_BASE_URL` without a key: OpenAI's API at that URL).
/// 6. Ollama, then LM Studio, if one answers `GET /v1/models` within
///    `probe.timeout`; its first listed model is used.
/// 7. The built-in [`OfflineModel`].
///
/// `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `OPENROUTER_BASE_URL`,
/// `OLLAMA_BASE_URL` and `LMSTUDIO_BASE_URL` (or their `PATINOX_` names)
/// override a provider's URL; every other [configuration
/// variable](crate::config) applies too. Keys are never logged.
///
/// ```
/// use patinox::model::{from_vars, LocalProbe};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let vars = |name: &str| (name == "ANTHROPIC_API_KEY").then(|| "sk-ant-example".to_owned());
/// let model = from_vars(vars, &LocalProbe::disabled()).await?;
/// assert_eq!(model.id().provider(), "anthropic");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] for a malformed `PATINOX_MODEL`,
/// an unknown provider, a hosted provider with neither key nor base URL, or
/// any other invalid setting.
pub async fn from_vars(
    var: impl Fn(&str) -> Option<String>,
    probe: &LocalProbe,
) -> Result<Arc<dyn LanguageModel>> {
    from_config(&ConfigLoader::from_lookup(var).load()?, probe).await
}

/// [`from_vars`] with the retry policy `retry` ([`RetryPolicy::none()`] turns retries off).
///
/// ```
/// use patinox::model::{from_vars_with, LocalProbe};
/// use patinox::model::retry::RetryPolicy;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let vars = |name: &str| match name {
///     "OPENAI_API_KEY" => Some("sk-example".to_owned()),
///     "OPENAI_BASE_URL" => Some("http://127.0.0.1:8080/v1".to_owned()),
///     _ => None,
/// };
/// let model = from_vars_with(vars, &LocalProbe::disabled(), RetryPolicy::none()).await?;
/// assert_eq!(model.id().to_string(), "openai:gpt-4o-mini");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// As [`from_vars`].
pub async fn from_vars_with(
    var: impl Fn(&str) -> Option<String>,
    probe: &LocalProbe,
    retry: RetryPolicy,
) -> Result<Arc<dyn LanguageModel>> {
    select(&ConfigLoader::from_lookup(var).load()?, probe, &retry).await
}

/// Picks a model from a loaded configuration, by the rules of
/// [`from_vars`] (its `model`, then the providers with a key, then those
/// with a base URL, then a local server, then the offline model), retrying
/// and (if `breaker.enabled`) breaking the circuit as it says.
///
/// ```
/// use patinox::config::ConfigLoader;
/// use patinox::model::{from_config, LocalProbe};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let config = ConfigLoader::new().no_file().env([("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")]).load()?;
/// let model = from_config(&config, &LocalProbe::disabled()).await?;
/// assert_eq!(model.id().to_string(), "openai:gpt-4o-mini");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// As [`from_vars`].
pub async fn from_config(
    config: &PatinoxConfig,
    probe: &LocalProbe,
) -> Result<Arc<dyn LanguageModel>> {
    select(config, probe, &config.retry.policy()).await
}

/// Builds the model `id` names from the configuration
/// ([`PatinoxConfig::load`]): the provider's key (its variable or key file),
/// base URL, headers and timeouts. A provider's model retries as the
/// configuration says; see [`from_id_with`].
///
/// ```
/// use patinox::model::from_id;
///
/// let model = from_id(&"offline:patinox".parse()?)?;
/// assert_eq!(model.id().provider(), "offline");
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] for an invalid configuration, an
/// unknown provider, or a hosted provider with neither key nor base URL (its
/// message names the variable to set, e.g. `OPENAI_API_KEY`).
pub fn from_id(id: &ModelId) -> Result<Arc<dyn LanguageModel>> {
    let config = PatinoxConfig::load()?;
    build(id, &config, &config.retry.policy())
}

/// [`from_id`] with the retry policy `retry`.
///
/// ```
/// use std::time::Duration;
/// use patinox::model::from_id_with;
/// use patinox::model::retry::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(5).base_delay(Duration::from_secs(1));
/// let model = from_id_with(&"offline:patinox".parse()?, patient)?;
/// assert_eq!(model.id().provider(), "offline");
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// As [`from_id`].
pub fn from_id_with(id: &ModelId, retry: RetryPolicy) -> Result<Arc<dyn LanguageModel>> {
    build(id, &PatinoxConfig::load()?, &retry)
}

/// The model each hosted provider gets when chosen by its key or URL alone.
const HOSTED_DEFAULTS: [(Provider, &str); 3] = [
    (Provider::OpenAi, "gpt-4o-mini"),
    (Provider::Anthropic, "claude-sonnet-4-5"),
    (Provider::OpenRouter, "openai/gpt-4o-mini"),
];

pub(super) async fn select(
    config: &PatinoxConfig,
    probe: &LocalProbe,
    retry: &RetryPolicy,
) -> Result<Arc<dyn LanguageModel>> {
    let hosted = |configured: fn(&ProviderSettings) -> bool| {
        // A key or URL of a provider compiled out does not choose it: the
        // environment may hold keys for providers this program does not use.
        HOSTED_DEFAULTS
            .into_iter()
            .filter(|(provider, _)| provider.is_enabled())
            .find(|(provider, _)| configured(config.providers.get(*provider)))
            .map(|(provider, model)| ModelId::new(provider.name(), model))
    };
    let (model, reason) = if let Some(id) = &config.model {
        (
            build(id, config, retry)?,
            format!("`model` from {}", config.origin("model")),
        )
    } else if let Some(id) = hosted(|p| p.api_key.is_some()) {
        (build(&id, config, retry)?, "API key".to_owned())
    } else if let Some(id) = hosted(|p| p.base_url.is_some()) {
        (build(&id, config, retry)?, "base URL".to_owned())
    } else if let Some(model) = local(config, probe, retry).await? {
        (model, "local server".to_owned())
    } else {
        let offline: Arc<dyn LanguageModel> = Arc::new(OfflineModel::new());
        (offline, "no provider configured".to_owned())
    };
    tracing::info!(model = %model.id(), reason, "selected model");
    Ok(model)
}

/// `model` behind a circuit breaker if the configuration enables one, then
/// behind a [`RetryModel`] unless `retry` allows no retries: nothing to add
/// per call when both are off.
#[cfg_attr(
    not(any(
        feature = "openai",
        feature = "anthropic",
        feature = "openrouter",
        feature = "ollama",
        feature = "lmstudio"
    )),
    allow(dead_code) // only providers are made resilient
)]
fn resilient<M: LanguageModel + 'static>(
    model: M,
    config: &PatinoxConfig,
    retry: &RetryPolicy,
) -> Arc<dyn LanguageModel> {
    fn retrying<M: LanguageModel + 'static>(
        model: M,
        retry: &RetryPolicy,
    ) -> Arc<dyn LanguageModel> {
        if retry.retries() == 0 {
            Arc::new(model)
        } else {
            Arc::new(RetryModel::new(model, retry.clone()))
        }
    }

    match config.breaker.breaker() {
        Some(breaker) => retrying(CircuitBreakerModel::new(model, breaker), retry),
        None => retrying(model, retry),
    }
}

/// Builds `id` with its provider's settings from `config`.
pub(super) fn build(
    id: &ModelId,
    config: &PatinoxConfig,
    retry: &RetryPolicy,
) -> Result<Arc<dyn LanguageModel>> {
    if id.provider() == "offline" {
        // The offline model cannot fail in a way a retry would fix.
        return Ok(Arc::new(OfflineModel::new()));
    }
    let Some(provider) = Provider::from_name(id.provider()) else {
        return Err(ConfigurationError::new(format!(
            "unknown provider {:?}; use openai, anthropic, openrouter, ollama, lmstudio or offline",
            id.provider()
        ))
        .with_key("model")
        .into());
    };
    if !provider.is_enabled() {
        return Err(disabled(provider));
    }
    let settings = config.providers.get(provider);
    let hosted = matches!(
        provider,
        Provider::OpenAi | Provider::Anthropic | Provider::OpenRouter
    );
    if hosted && settings.api_key.is_none() && settings.base_url.is_none() {
        let variable = &settings.api_key_env;
        return Err(ConfigurationError::new(format!(
            "{provider} was chosen but {variable} is not set (nor providers.{provider}.api_key_file, \
             nor a base URL for a server that needs no key)"
        ))
        .with_key(variable.clone())
        .with_origin("environment")
        .into());
    }
    let settings = config.provider_config(provider)?;
    provider_model(provider, id.model(), settings, config, retry)
}

/// The client of `provider` for the model `name`, made [`resilient`]. Each
/// arm wraps its own client type: no `Box<dyn>` (and no boxed future) per call.
// Without every provider feature, the last arm is reachable and some
// parameters go unused.
#[allow(unreachable_patterns, unused_variables)]
fn provider_model(
    provider: Provider,
    name: &str,
    settings: ProviderConfig,
    config: &PatinoxConfig,
    retry: &RetryPolicy,
) -> Result<Arc<dyn LanguageModel>> {
    match provider {
        #[cfg(feature = "openai")]
        Provider::OpenAi => Ok(resilient(
            super::openai::model(name, settings)?,
            config,
            retry,
        )),
        #[cfg(feature = "anthropic")]
        Provider::Anthropic => Ok(resilient(
            super::anthropic::model(name, settings)?,
            config,
            retry,
        )),
        #[cfg(feature = "openrouter")]
        Provider::OpenRouter => Ok(resilient(
            super::openrouter::model(name, settings)?,
            config,
            retry,
        )),
        #[cfg(feature = "ollama")]
        Provider::Ollama => Ok(resilient(
            super::ollama::model(name, settings)?,
            config,
            retry,
        )),
        #[cfg(feature = "lmstudio")]
        Provider::LmStudio => Ok(resilient(
            super::lmstudio::model(name, settings)?,
            config,
            retry,
        )),
        _ => Err(disabled(provider)),
    }
}

/// The error for a provider named (by `model`, an id or an agent's default)
/// but compiled out.
fn disabled(provider: Provider) -> crate::PatinoxError {
    ConfigurationError::new(format!(
        "provider `{provider}` needs the `{provider}` feature of patinox \
         (patinox = {{ version = \"0.1\", features = [\"{provider}\"] }})"
    ))
    .with_key("model")
    .into()
}

#[derive(Deserialize)]
struct ModelList {
    #[serde(default)]
    data: Vec<ListedModel>,
}

#[derive(Deserialize)]
struct ListedModel {
    id: String,
}

/// Asks both local servers at once; Ollama wins if both answer.
async fn local(
    config: &PatinoxConfig,
    probe: &LocalProbe,
    retry: &RetryPolicy,
) -> Result<Option<Arc<dyn LanguageModel>>> {
    let configured = |provider: Provider| config.providers.get(provider).base_url.clone();
    // A provider compiled out is not probed.
    let url = |provider: Provider, probed: &Option<String>| {
        let url = configured(provider).or_else(|| probed.clone());
        url.filter(|_| provider.is_enabled())
    };
    let ollama_url = url(Provider::Ollama, &probe.ollama);
    let lmstudio_url = url(Provider::LmStudio, &probe.lmstudio);
    if ollama_url.is_none() && lmstudio_url.is_none() {
        return Ok(None);
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(probe.timeout)
        .build()
        .map_err(|err| ConfigurationError::new("cannot build an HTTP client").with_source(err))?;
    let (ollama_model, lmstudio_model) = tokio::join!(
        first_model(&client, ollama_url.as_deref()),
        first_model(&client, lmstudio_url.as_deref()),
    );
    // The probe's URL is used only if no URL is configured.
    let provider_config = |provider: Provider, url: Option<String>| -> Result<ProviderConfig> {
        let settings = config.provider_config(provider)?;
        Ok(match url {
            Some(url) if configured(provider).is_none() => settings.base_url(url),
            _ => settings,
        })
    };
    if let Some(name) = ollama_model {
        let settings = provider_config(Provider::Ollama, ollama_url)?;
        return provider_model(Provider::Ollama, &name, settings, config, retry).map(Some);
    }
    if let Some(name) = lmstudio_model {
        let settings = provider_config(Provider::LmStudio, lmstudio_url)?;
        return provider_model(Provider::LmStudio, &name, settings, config, retry).map(Some);
    }
    Ok(None)
}

async fn first_model(client: &reqwest::Client, base: Option<&str>) -> Option<String> {
    let url = format!("{}/models", versioned(base?));
    let response = client.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body = response.bytes().await.ok()?;
    let list: ModelList = serde_json::from_slice(&body).ok()?;
    list.data.into_iter().next().map(|m| m.id)
}

// Run by CI in builds with providers compiled out (see `.ci/run`).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::PatinoxError;

    fn config(vars: &[(&str, &str)]) -> PatinoxConfig {
        ConfigLoader::new()
            .no_file()
            .env(vars.iter().copied())
            .load()
            .unwrap()
    }

    #[tokio::test]
    async fn a_provider_named_but_compiled_out_is_an_error_naming_its_feature() {
        for provider in Provider::ALL {
            let model = format!("{provider}:some-model");
            let key = provider.default_key_variable();
            let config = config(&[("PATINOX_MODEL", model.as_str()), (key.as_str(), "sk-test")]);
            let chosen = select(&config, &LocalProbe::disabled(), &RetryPolicy::none()).await;
            if provider.is_enabled() {
                assert_eq!(chosen.unwrap().id().provider(), provider.name());
            } else {
                let err = chosen
                    .err()
                    .expect("a provider compiled out cannot be built");
                assert!(matches!(err, PatinoxError::Configuration(_)), "{err:?}");
                let feature = format!("needs the `{provider}` feature of patinox");
                assert!(err.to_string().contains(&feature), "{err}");
            }
        }
    }

    #[tokio::test]
    async fn a_key_of_a_provider_compiled_out_does_not_choose_it() {
        for (provider, _) in HOSTED_DEFAULTS {
            let key = provider.default_key_variable();
            let config = config(&[(key.as_str(), "sk-test")]);
            let chosen = select(&config, &LocalProbe::disabled(), &RetryPolicy::none())
                .await
                .unwrap();
            let expected = if provider.is_enabled() {
                provider.name()
            } else {
                "offline"
            };
            assert_eq!(chosen.id().provider(), expected);
        }
    }
}
