//! Choosing a model from the environment.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::http::ProviderConfig;
use super::offline::OfflineModel;
use super::retry::{RetryModel, RetryPolicy};
use super::{LanguageModel, ModelId, anthropic, lmstudio, ollama, openai, openrouter};
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
            ollama: Some(ollama::DEFAULT_BASE_URL.to_owned()),
            lmstudio: Some(lmstudio::DEFAULT_BASE_URL.to_owned()),
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

/// Picks a model from the process environment and logs (at `info`) which one
/// it chose; see [`from_vars`] for the rules. A provider's model retries
/// failed calls with [`RetryPolicy::default()`]; [`from_env_with`] takes
/// another policy.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = patinox::model::from_env().await?;
/// println!("using {}", model.id());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] when the environment names a
/// provider but its settings are invalid.
pub async fn from_env() -> Result<Arc<dyn LanguageModel>> {
    from_env_with(RetryPolicy::default()).await
}

/// [`from_env`] with the retry policy `retry`.
///
/// ```
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
    let var = |name: &str| std::env::var(name).ok();
    from_vars_with(var, &LocalProbe::default(), retry).await
}

/// Picks a model from variables read through `var`, in this order:
///
/// 1. `PATINOX_MODEL=provider:model` (`openai`, `anthropic`, `openrouter`,
///    `ollama`, `lmstudio` or `offline`) names the model outright; the
///    provider's key variable must be set for the hosted ones.
/// 2. `OPENAI_API_KEY` → `openai:gpt-4o-mini`.
/// 3. `ANTHROPIC_API_KEY` → `anthropic:claude-sonnet-4-5`.
/// 4. `OPENROUTER_API_KEY` → `openrouter:openai/gpt-4o-mini`.
/// 5. Ollama, then LM Studio, if one answers `GET /v1/models` within
///    `probe.timeout`; its first listed model is used.
/// 6. The built-in [`OfflineModel`].
///
/// `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `OPENROUTER_BASE_URL`,
/// `OLLAMA_BASE_URL` and `LMSTUDIO_BASE_URL` override a provider's URL.
/// Keys are never logged. Provider models retry with [`RetryPolicy::default()`]
/// ([`from_vars_with`] takes another policy).
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
/// an unknown provider, or a missing key.
pub async fn from_vars(
    var: impl Fn(&str) -> Option<String>,
    probe: &LocalProbe,
) -> Result<Arc<dyn LanguageModel>> {
    from_vars_with(var, probe, RetryPolicy::default()).await
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
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let (model, reason): (Arc<dyn LanguageModel>, &str) = if let Some(spec) = var("PATINOX_MODEL") {
        let id: ModelId = spec.parse().map_err(|_| {
            ConfigurationError::new(format!(
                "expected `provider:model`, e.g. `openai:gpt-4o-mini`, got {spec:?}"
            ))
            .with_key("PATINOX_MODEL")
            .with_origin("environment")
        })?;
        (build(&id, &var, &retry)?, "PATINOX_MODEL")
    } else if let Some(id) = [
        ("OPENAI_API_KEY", "openai:gpt-4o-mini"),
        ("ANTHROPIC_API_KEY", "anthropic:claude-sonnet-4-5"),
        ("OPENROUTER_API_KEY", "openrouter:openai/gpt-4o-mini"),
    ]
    .into_iter()
    .find(|(key, _)| var(key).is_some())
    .map(|(_, id)| id)
    {
        (build(&id.parse()?, &var, &retry)?, "API key variable")
    } else if let Some(model) = local(&var, probe, &retry).await? {
        (model, "local server")
    } else {
        (Arc::new(OfflineModel::new()), "no provider configured")
    };
    tracing::info!(model = %model.id(), reason, "selected model");
    Ok(model)
}

/// Builds the model `id` names, taking its key (`<PROVIDER>_API_KEY`) and
/// base URL (`<PROVIDER>_BASE_URL`) from the process environment. A
/// provider's model retries with [`RetryPolicy::default()`]; see [`from_id_with`].
///
/// ```
/// use patinox::model::from_id;
///
/// let model = from_id(&"offline:patinox".parse()?)?;
/// assert_eq!(model.id().provider(), "offline");
/// // A hosted provider without its key is a configuration error that says which variable to set.
/// # if std::env::var_os("OPENAI_API_KEY").is_none() {
/// let error = from_id(&"openai:gpt-4o-mini".parse()?).err().expect("no key");
/// assert!(error.to_string().contains("OPENAI_API_KEY"));
/// # }
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] for an unknown provider or a missing key.
pub fn from_id(id: &ModelId) -> Result<Arc<dyn LanguageModel>> {
    from_id_with(id, RetryPolicy::default())
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
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    build(id, &var, &retry)
}

/// `model` behind a [`RetryModel`], unless `retry` allows no retries: one
/// `Arc`, one wrapper, nothing to add per call when retries are off.
fn retrying<M: LanguageModel + 'static>(model: M, retry: &RetryPolicy) -> Arc<dyn LanguageModel> {
    if retry.retries() == 0 {
        Arc::new(model)
    } else {
        Arc::new(RetryModel::new(model, retry.clone()))
    }
}

fn build(
    id: &ModelId,
    var: &impl Fn(&str) -> Option<String>,
    retry: &RetryPolicy,
) -> Result<Arc<dyn LanguageModel>> {
    let provider = id.provider();
    let upper = provider.to_ascii_uppercase();
    let mut config = ProviderConfig::new();
    if let Some(url) = var(&format!("{upper}_BASE_URL")) {
        config = config.base_url(url);
    }
    let key_var = format!("{upper}_API_KEY");
    let hosted = matches!(provider, "openai" | "anthropic" | "openrouter");
    match var(&key_var) {
        Some(key) => config = config.api_key(key),
        None if hosted => {
            return Err(ConfigurationError::new(format!(
                "{provider} was chosen but {key_var} is not set"
            ))
            .with_key(key_var)
            .with_origin("environment")
            .into());
        }
        None => {}
    }
    let name = id.model();
    Ok(match provider {
        "openai" => retrying(openai::model(name, config)?, retry),
        "anthropic" => retrying(anthropic::model(name, config)?, retry),
        "openrouter" => retrying(openrouter::model(name, config)?, retry),
        "ollama" => retrying(ollama::model(name, config)?, retry),
        "lmstudio" => retrying(lmstudio::model(name, config)?, retry),
        // The offline model cannot fail in a way a retry would fix.
        "offline" => Arc::new(OfflineModel::new()),
        other => {
            return Err(ConfigurationError::new(format!(
                "unknown provider {other:?}; use openai, anthropic, openrouter, ollama, lmstudio or offline"
            ))
            .with_key("PATINOX_MODEL")
            .with_origin("environment")
            .into());
        }
    })
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
    var: &impl Fn(&str) -> Option<String>,
    probe: &LocalProbe,
    retry: &RetryPolicy,
) -> Result<Option<Arc<dyn LanguageModel>>> {
    let ollama_url = var("OLLAMA_BASE_URL").or_else(|| probe.ollama.clone());
    let lmstudio_url = var("LMSTUDIO_BASE_URL").or_else(|| probe.lmstudio.clone());
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
    let config = |url: Option<String>| match url {
        Some(url) => ProviderConfig::new().base_url(url),
        None => ProviderConfig::new(),
    };
    if let Some(name) = ollama_model {
        let model = ollama::model(&name, config(ollama_url))?;
        return Ok(Some(retrying(model, retry)));
    }
    if let Some(name) = lmstudio_model {
        let model = lmstudio::model(&name, config(lmstudio_url))?;
        return Ok(Some(retrying(model, retry)));
    }
    Ok(None)
}

async fn first_model(client: &reqwest::Client, base: Option<&str>) -> Option<String> {
    let url = format!("{}/models", base?.trim_end_matches('/'));
    let response = client.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body = response.bytes().await.ok()?;
    let list: ModelList = serde_json::from_slice(&body).ok()?;
    list.data.into_iter().next().map(|m| m.id)
}
