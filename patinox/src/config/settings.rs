//! The settings Patinox knows: how each key is parsed into
//! [`PatinoxConfig`], what it expects, and how its value is shown.

use std::time::Duration;

use ::config::ValueKind;
use reqwest::header::{HeaderName, HeaderValue};

use super::origin::{Effective, Origin};
use super::{PatinoxConfig, Provider, ProviderSettings, duration};
use crate::error::ConfigurationError;
use crate::model::ModelId;

/// How secrets and header values are shown.
pub(super) const REDACTED: &str = "[REDACTED]";

/// A top-level setting: its key, what it expects, how a raw value is stored
/// (`None` if it does not parse) and how the stored value is shown.
struct Setting {
    key: &'static str,
    expected: &'static str,
    apply: fn(&mut PatinoxConfig, &ValueKind) -> Option<()>,
    show: fn(&PatinoxConfig) -> String,
}

/// A setting of every provider, under `providers.<name>.`.
struct ProviderSetting {
    field: &'static str,
    expected: &'static str,
    apply: fn(&mut ProviderSettings, &ValueKind) -> Option<()>,
    show: fn(&ProviderSettings, Provider) -> String,
}

const AT_LEAST_ONE: &str = "a whole number of at least 1";
const LIMIT: &str = "a whole number, or \"unlimited\"";
const DURATION_LIMIT: &str = "a duration such as `30s` or `5m`, or \"unlimited\"";
const BOOLEAN: &str = "true or false";
const MODEL: &str = "`provider:model`, the provider one of openai, anthropic, openrouter, ollama, lmstudio or offline, e.g. `openai:gpt-4o-mini`";
const URL: &str = "an http:// or https:// URL, e.g. `http://127.0.0.1:8080/v1`";

// One row per key. `$field` names the value in `PatinoxConfig`; `$parse`
// turns a raw value into it.
macro_rules! setting {
    ($key:literal, $expected:expr, $parse:expr, |$config:ident| $field:expr) => {
        Setting {
            key: $key,
            expected: $expected,
            apply: |$config, raw| {
                $field = $parse(raw)?;
                Some(())
            },
            show: |$config| Show::show(&$field),
        }
    };
}

const SETTINGS: &[Setting] = &[
    Setting {
        key: "model",
        expected: MODEL,
        apply: |config, raw| {
            config.model = Some(model_id(raw)?);
            Some(())
        },
        show: |config| match &config.model {
            Some(id) => id.to_string(),
            None => "auto (chosen from the API keys present)".to_owned(),
        },
    },
    setting!("max_response_bytes", AT_LEAST_ONE, positive, |c| c
        .max_response_bytes),
    setting!(
        "timeouts.connect",
        duration::EXPECTED,
        duration_value,
        |c| c.timeouts.connect
    ),
    setting!(
        "timeouts.request",
        duration::EXPECTED,
        duration_value,
        |c| c.timeouts.request
    ),
    setting!("timeouts.idle", duration::EXPECTED, duration_value, |c| c
        .timeouts
        .idle),
    setting!("retry.max_attempts", AT_LEAST_ONE, positive, |c| c
        .retry
        .max_attempts),
    setting!(
        "retry.base_delay",
        duration::EXPECTED,
        duration_value,
        |c| c.retry.base_delay
    ),
    setting!(
        "retry.max_backoff",
        duration::EXPECTED,
        duration_value,
        |c| c.retry.max_backoff
    ),
    setting!("retry.max_delay", duration::EXPECTED, duration_value, |c| c
        .retry
        .max_delay),
    setting!(
        "retry.max_elapsed",
        duration::EXPECTED,
        duration_value,
        |c| c.retry.max_elapsed
    ),
    setting!("breaker.enabled", BOOLEAN, boolean, |c| c.breaker.enabled),
    setting!("breaker.failure_threshold", AT_LEAST_ONE, positive, |c| c
        .breaker
        .failure_threshold),
    setting!(
        "breaker.cool_down",
        duration::EXPECTED,
        duration_value,
        |c| c.breaker.cool_down
    ),
    setting!("limits.requests", LIMIT, limit, |c| c.limits.requests),
    setting!("limits.input_tokens", LIMIT, limit, |c| c
        .limits
        .input_tokens),
    setting!("limits.output_tokens", LIMIT, limit, |c| c
        .limits
        .output_tokens),
    setting!("limits.total_tokens", LIMIT, limit, |c| c
        .limits
        .total_tokens),
    setting!("limits.tool_calls", LIMIT, limit, |c| c.limits.tool_calls),
    setting!("limits.deadline", DURATION_LIMIT, duration_limit, |c| c
        .limits
        .deadline),
    setting!("agent.max_turns", AT_LEAST_ONE, positive, |c| c
        .agent
        .max_turns),
    setting!(
        "agent.tool_timeout",
        duration::EXPECTED,
        duration_value,
        |c| c.agent.tool_timeout
    ),
    setting!("tracing.record_content", BOOLEAN, boolean, |c| c
        .tracing
        .record_content),
];

const PROVIDER_SETTINGS: &[ProviderSetting] = &[
    ProviderSetting {
        field: "base_url",
        expected: URL,
        apply: |settings, raw| {
            settings.base_url = Some(url(raw)?);
            Some(())
        },
        show: |settings, provider| {
            (settings.base_url.as_deref())
                .unwrap_or(provider.default_base_url())
                .to_owned()
        },
    },
    ProviderSetting {
        field: "api_key_env",
        expected: "the name of an environment variable, e.g. `OPENAI_API_KEY`",
        apply: |settings, raw| {
            settings.api_key_env = variable_name(raw)?;
            Some(())
        },
        show: |settings, _| settings.api_key_env.clone(),
    },
    ProviderSetting {
        field: "api_key_file",
        expected: "the path of a file holding the key",
        apply: |settings, raw| {
            settings.api_key_file = Some(non_empty(raw)?.into());
            Some(())
        },
        show: |settings, _| match &settings.api_key_file {
            Some(path) => path.display().to_string(),
            None => "none".to_owned(),
        },
    },
];

/// The environment variables that set `key`, lowest precedence first.
pub(super) fn variables(key: &str) -> Vec<String> {
    let upper = key.to_ascii_uppercase().replace('.', "_");
    match upper.strip_prefix("PROVIDERS_") {
        Some(rest) if rest.ends_with("_BASE_URL") => {
            vec![rest.to_owned(), format!("PATINOX_{rest}")]
        }
        Some(rest) => vec![format!("PATINOX_{rest}")],
        None => vec![format!("PATINOX_{upper}")],
    }
}

/// Every key an environment variable can set.
pub(super) fn keys() -> impl Iterator<Item = String> {
    let top = SETTINGS.iter().map(|s| s.key.to_owned());
    let providers = Provider::ALL.into_iter().flat_map(|provider| {
        PROVIDER_SETTINGS
            .iter()
            .map(move |s| format!("providers.{provider}.{}", s.field))
    });
    top.chain(providers)
}

/// Stores `raw`, set at `key` by `origin`, into `config`.
pub(super) fn apply(
    config: &mut PatinoxConfig,
    key: &str,
    raw: &ValueKind,
    origin: &Origin,
) -> Result<(), ConfigurationError> {
    let error = |message: String| {
        ConfigurationError::new(message)
            .with_key(key.to_owned())
            .with_origin(origin.describe())
    };
    let expected = if let Some(setting) = SETTINGS.iter().find(|s| s.key == key) {
        (setting.apply)(config, raw).ok_or(setting.expected)
    } else if let Some((provider, field)) = provider_key(key) {
        let settings = config.providers.get_mut(provider);
        match (
            PROVIDER_SETTINGS.iter().find(|s| s.field == field),
            field.strip_prefix("headers."),
        ) {
            (Some(setting), _) => (setting.apply)(settings, raw).ok_or(setting.expected),
            (None, Some(name)) => header(settings, name, raw)
                .ok_or("a header name and a string value allowed in HTTP headers"),
            (None, None) => return Err(error(unknown(key))),
        }
    } else {
        return Err(error(unknown(key)));
    };
    expected.map_err(|expected| error(format!("expected {expected}")))
}

fn provider_key(key: &str) -> Option<(Provider, &str)> {
    let rest = key.strip_prefix("providers.")?;
    let (name, field) = rest.split_once('.')?;
    Some((Provider::from_name(name)?, field))
}

fn unknown(key: &str) -> String {
    if key.ends_with(".api_key") {
        return "keys are not written in configuration: set `api_key_env` (a variable) or `api_key_file` (a file)".to_owned();
    }
    let section = key.split('.').next().unwrap_or(key);
    let siblings: Vec<String> = keys()
        .filter(|known| known.split('.').next() == Some(section))
        .collect();
    if siblings.is_empty() {
        format!(
            "not a Patinox setting; the settings are {}",
            SETTINGS
                .iter()
                .map(|s| s.key)
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "not a Patinox setting; `{section}` has {}",
            siblings.join(", ")
        )
    }
}

/// Every effective setting of `config`, in key order.
pub(super) fn effective(config: &PatinoxConfig) -> Vec<Effective> {
    let entry = |key: String, value: String| Effective {
        origin: config.origin(&key),
        key,
        value,
    };
    let mut all: Vec<Effective> = SETTINGS
        .iter()
        .map(|s| entry(s.key.to_owned(), (s.show)(config)))
        .collect();
    for provider in Provider::ALL {
        let settings = config.providers.get(provider);
        let prefix = format!("providers.{provider}");
        for s in PROVIDER_SETTINGS {
            all.push(entry(
                format!("{prefix}.{}", s.field),
                (s.show)(settings, provider),
            ));
        }
        let key = if settings.api_key.is_some() {
            REDACTED
        } else {
            "not set"
        };
        all.push(entry(format!("{prefix}.api_key"), key.to_owned()));
        for name in settings.headers.keys() {
            all.push(entry(
                format!("{prefix}.headers.{name}"),
                REDACTED.to_owned(),
            ));
        }
    }
    all.sort_by(|a, b| a.key.cmp(&b.key));
    all
}

trait Show {
    fn show(&self) -> String;
}

macro_rules! show_display {
    ($($t:ty),*) => {$(
        impl Show for $t {
            fn show(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
show_display!(bool, u32, u64, usize);

impl Show for Duration {
    fn show(&self) -> String {
        duration::format(*self)
    }
}

impl<T: Show> Show for Option<T> {
    fn show(&self) -> String {
        self.as_ref()
            .map_or_else(|| "unlimited".to_owned(), Show::show)
    }
}

// Parsers of raw values. A file gives typed values, the environment and
// code give strings: each parser takes both.

fn text(raw: &ValueKind) -> Option<&str> {
    match raw {
        ValueKind::String(text) => Some(text.trim()),
        _ => None,
    }
}

fn non_empty(raw: &ValueKind) -> Option<String> {
    text(raw).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn whole<T: TryFrom<u64>>(raw: &ValueKind) -> Option<T> {
    let number = match raw {
        ValueKind::I64(n) => u64::try_from(*n).ok()?,
        ValueKind::U64(n) => *n,
        ValueKind::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    T::try_from(number).ok()
}

fn positive<T: TryFrom<u64>>(raw: &ValueKind) -> Option<T> {
    whole::<u64>(raw)
        .filter(|n| *n > 0)
        .and_then(|n| T::try_from(n).ok())
}

fn unlimited<T>(raw: &ValueKind, parse: impl Fn(&ValueKind) -> Option<T>) -> Option<Option<T>> {
    if text(raw) == Some("unlimited") {
        return Some(None);
    }
    parse(raw).map(Some)
}

fn limit<T: TryFrom<u64>>(raw: &ValueKind) -> Option<Option<T>> {
    unlimited(raw, whole)
}

fn duration_value(raw: &ValueKind) -> Option<Duration> {
    duration::parse(text(raw)?)
}

fn duration_limit(raw: &ValueKind) -> Option<Option<Duration>> {
    unlimited(raw, duration_value)
}

fn boolean(raw: &ValueKind) -> Option<bool> {
    match raw {
        ValueKind::Boolean(b) => Some(*b),
        ValueKind::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn model_id(raw: &ValueKind) -> Option<ModelId> {
    let id: ModelId = text(raw)?.parse().ok()?;
    let known = id.provider() == "offline" || Provider::from_name(id.provider()).is_some();
    (known && !id.model().is_empty()).then_some(id)
}

fn url(raw: &ValueKind) -> Option<String> {
    let url = reqwest::Url::parse(text(raw)?).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.as_str().trim_end_matches('/').to_owned())
}

fn variable_name(raw: &ValueKind) -> Option<String> {
    non_empty(raw).filter(|name| !name.contains(['=', '\0']) && !name.contains(char::is_whitespace))
}

fn header(settings: &mut ProviderSettings, name: &str, raw: &ValueKind) -> Option<()> {
    let value = text(raw)?;
    HeaderName::from_bytes(name.as_bytes()).ok()?;
    HeaderValue::from_str(value).ok()?;
    settings.headers.insert(name.to_owned(), value.to_owned());
    Some(())
}
