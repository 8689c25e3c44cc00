//! Errors and how to recover from them.
//!
//! Every fallible Patinox API returns [`Result<T>`], whose error is the single
//! [`PatinoxError`] type. Its variants are the categories a caller decides on
//! (validation, execution, network, provider, configuration), and each carries
//! the detail that decision needs: HTTP status, the provider's error code,
//! how long to wait before retrying, which tool failed.
//!
//! [`PatinoxError::recovery_strategy`] turns an error into a
//! [`RecoveryStrategy`], the one place where "is this worth retrying?" is
//! answered. Retry layers, fallback models and circuit breakers all consult
//! it, so a new error kind only needs classifying once.
//!
//! ```
//! use std::time::Duration;
//! use patinox::error::{PatinoxError, ProviderError, RecoveryStrategy};
//!
//! let err = PatinoxError::from(
//!     ProviderError::new("openai", 429, "Rate limit reached")
//!         .with_retry_after(Duration::from_secs(2)),
//! );
//! assert_eq!(
//!     err.recovery_strategy(),
//!     RecoveryStrategy::Retry { after: Some(Duration::from_secs(2)) },
//! );
//! ```

mod earlier;

use std::fmt;
use std::time::Duration;

use crate::agent::StepId;

pub use earlier::EarlierAttempts;

/// A boxed error usable as a `source`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`PatinoxError`] as the error type.
pub type Result<T, E = PatinoxError> = std::result::Result<T, E>;

/// The error type of every Patinox API.
///
/// Match on the variant to learn the category, or ask
/// [`recovery_strategy`](Self::recovery_strategy) what to do about it.
/// Source chains are kept: [`std::error::Error::source`] walks down to the
/// underlying `reqwest`, `serde_json`, `std::io` or `config` error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatinoxError {
    /// Input, output or arguments did not satisfy a rule.
    #[error(transparent)]
    Validation(Box<ValidationError>),
    /// A run could not complete: turn limit, a tool, cancellation, an open circuit.
    #[error(transparent)]
    Execution(Box<ExecutionError>),
    /// The request did not get a usable HTTP response: connect, timeout, I/O, body.
    #[error(transparent)]
    Network(Box<NetworkError>),
    /// A model provider answered with an error (HTTP status, error type, code).
    #[error(transparent)]
    Provider(Box<ProviderError>),
    /// Configuration is missing or invalid.
    #[error(transparent)]
    Configuration(Box<ConfigurationError>),
}

macro_rules! boxed_from {
    ($($variant:ident($detail:ty)),* $(,)?) => {$(
        impl From<$detail> for PatinoxError {
            fn from(detail: $detail) -> Self {
                Self::$variant(Box::new(detail))
            }
        }
    )*};
}

// The details are boxed so that `Result<T, PatinoxError>` stays two words
// wide on the happy path.
boxed_from!(
    Validation(ValidationError),
    Execution(ExecutionError),
    Network(NetworkError),
    Provider(ProviderError),
    Configuration(ConfigurationError),
);

macro_rules! with_source {
    ($($detail:ty),* $(,)?) => {$(
        impl $detail {
            /// Attaches the underlying error, kept in the source chain.
            #[must_use]
            pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
                self.source = Some(source.into());
                self
            }
        }
    )*};
}

with_source!(
    ValidationError,
    ExecutionError,
    NetworkError,
    ProviderError,
    ConfigurationError,
);

/// What a caller should do about an error; see [`PatinoxError::recovery_strategy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecoveryStrategy {
    /// The same call may succeed later; wait `after` if the server said how long.
    Retry {
        /// The delay the server asked for (`Retry-After`), if any.
        after: Option<Duration>,
    },
    /// This model cannot serve the request, another one might (a fallback model).
    Fallback,
    /// The dependency is unavailable for a while: stop calling it until it cools down.
    CircuitBreak,
    /// Retrying cannot help; report the error.
    Fail,
}

impl PatinoxError {
    /// Classifies this error into the strategy that can recover from it.
    ///
    /// The mapping is total and stable:
    ///
    /// | error | strategy |
    /// |---|---|
    /// | provider 408, 409, 425, 429, 5xx, 529 | `Retry { after }` (the server's `Retry-After`, if any) |
    /// | provider 429 with code `insufficient_quota` | `Fallback` (waiting will not add quota) |
    /// | provider 404, or 400 with a context-length code | `Fallback` (another model may serve it) |
    /// | provider 400, 401, 403, 422 and other 4xx | `Fail` |
    /// | network connect, timeout, interrupted body | `Retry { after: None }` |
    /// | network: response too large, undecodable body | `Fail` |
    /// | execution: circuit open | `CircuitBreak` |
    /// | execution: model timeout | `Retry { after: None }` |
    /// | other execution (journal, divergence, ...), validation, configuration | `Fail` |
    ///
    /// ```
    /// use patinox::error::{PatinoxError, ProviderError, RecoveryStrategy};
    ///
    /// let unauthorized = PatinoxError::from(ProviderError::new("anthropic", 401, "invalid x-api-key"));
    /// assert_eq!(unauthorized.recovery_strategy(), RecoveryStrategy::Fail);
    /// let overloaded = PatinoxError::from(ProviderError::new("anthropic", 529, "Overloaded"));
    /// assert_eq!(overloaded.recovery_strategy(), RecoveryStrategy::Retry { after: None });
    /// ```
    pub fn recovery_strategy(&self) -> RecoveryStrategy {
        match self {
            Self::Provider(err) => err.recovery_strategy(),
            Self::Network(err) => match err.kind {
                NetworkErrorKind::Connect
                | NetworkErrorKind::Timeout
                | NetworkErrorKind::Interrupted => RecoveryStrategy::Retry { after: None },
                NetworkErrorKind::ResponseTooLarge
                | NetworkErrorKind::Decode
                | NetworkErrorKind::Other => RecoveryStrategy::Fail,
            },
            Self::Execution(err) => match err.kind {
                ExecutionErrorKind::CircuitOpen => RecoveryStrategy::CircuitBreak,
                ExecutionErrorKind::Timeout => RecoveryStrategy::Retry { after: None },
                ExecutionErrorKind::MaxTurnsExceeded { .. }
                | ExecutionErrorKind::Cancelled
                | ExecutionErrorKind::InvalidState
                | ExecutionErrorKind::UsageLimitExceeded { .. }
                | ExecutionErrorKind::Internal
                | ExecutionErrorKind::Cleanup
                | ExecutionErrorKind::Journal
                | ExecutionErrorKind::Diverged { .. } => RecoveryStrategy::Fail,
            },
            Self::Validation(_) | Self::Configuration(_) => RecoveryStrategy::Fail,
        }
    }

    /// Shorthand for a [`ValidationError`] with `message`.
    pub fn validation(message: impl Into<String>) -> Self {
        ValidationError::new(message).into()
    }

    /// Shorthand for an [`ExecutionError`] of `kind` with `message`.
    pub fn execution(kind: ExecutionErrorKind, message: impl Into<String>) -> Self {
        ExecutionError::new(kind, message).into()
    }

    /// Shorthand for a [`ConfigurationError`] with `message`.
    pub fn configuration(message: impl Into<String>) -> Self {
        ConfigurationError::new(message).into()
    }

    /// The HTTP status of a provider error, if this is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Provider(err) => Some(err.status),
            _ => None,
        }
    }

    /// Whether [`recovery_strategy`](Self::recovery_strategy) is a `Retry`.
    pub fn is_retryable(&self) -> bool {
        matches!(self.recovery_strategy(), RecoveryStrategy::Retry { .. })
    }
}

/// Input, output or arguments broke a rule (a validator, a schema, a parse).
#[derive(Debug, thiserror::Error)]
#[error("validation failed{}: {message}", field_suffix(.field.as_deref()))]
pub struct ValidationError {
    /// What was wrong, in words a user can act on.
    pub message: String,
    /// The field, argument or validator the rule belongs to, if known.
    pub field: Option<String>,
    /// The underlying error (e.g. a `serde_json` parse error).
    #[source]
    pub source: Option<BoxError>,
}

fn field_suffix(field: Option<&str>) -> String {
    field.map(|f| format!(" ({f})")).unwrap_or_default()
}

impl ValidationError {
    /// A validation error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field: None,
            source: None,
        }
    }

    /// Names the field, argument or validator the error is about.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// A run could not complete.
#[derive(Debug, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ExecutionError {
    /// What kind of failure.
    pub kind: ExecutionErrorKind,
    /// Details.
    pub message: String,
    /// The underlying error.
    #[source]
    pub source: Option<BoxError>,
}

impl ExecutionError {
    /// An execution error of `kind` with `message`.
    pub fn new(kind: ExecutionErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }
}

/// The kinds of [`ExecutionError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecutionErrorKind {
    /// The model kept asking for tools past the agent's turn limit.
    MaxTurnsExceeded {
        /// The limit that was reached.
        max_turns: u32,
    },
    /// A run went past one of its [`UsageLimits`](crate::agent::UsageLimits).
    UsageLimitExceeded {
        /// The limit that was exceeded.
        limit: UsageLimit,
        /// The value the run reached (or would have reached with the next
        /// request or tool calls); for [`UsageLimit::Deadline`], milliseconds.
        reached: u64,
    },
    /// The run was cancelled through its cancellation token.
    Cancelled,
    /// A call did not finish in time.
    Timeout,
    /// A circuit breaker is open and refuses calls until its cool-down ends.
    CircuitOpen,
    /// An operation was attempted in a state that does not allow it.
    InvalidState,
    /// A bug or broken invariant inside Patinox.
    Internal,
    /// Resources failed to close (see `memory::ShutdownReport`).
    Cleanup,
    /// A durable run's journal cannot be used: it cannot be read or written,
    /// a record in it is corrupt, or it belongs to another run.
    Journal,
    /// A resumed run did not take the steps its journal recorded (the model
    /// asked for another tool, or a code change altered the steps): `step`
    /// is the first step that differs. Nothing of the two is mixed: the run
    /// stops there.
    Diverged {
        /// The step of the resumed run that does not match the journal.
        step: StepId,
    },
}

impl fmt::Display for ExecutionErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MaxTurnsExceeded { max_turns } => {
                write!(f, "turn limit of {max_turns} exceeded")
            }
            Self::UsageLimitExceeded { limit, reached } => {
                write!(f, "usage limit on {limit} exceeded ({reached} reached)")
            }
            Self::Cancelled => f.write_str("cancelled"),
            Self::Timeout => f.write_str("timed out"),
            Self::CircuitOpen => f.write_str("circuit open"),
            Self::InvalidState => f.write_str("invalid state"),
            Self::Internal => f.write_str("internal error"),
            Self::Cleanup => f.write_str("cleanup failed"),
            Self::Journal => f.write_str("journal unusable"),
            Self::Diverged { step } => write!(f, "replay diverged from the journal at the {step}"),
        }
    }
}

/// The limits of [`UsageLimits`](crate::agent::UsageLimits), as named in
/// [`ExecutionErrorKind::UsageLimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UsageLimit {
    /// Model requests.
    Requests,
    /// Prompt tokens, summed over the run's requests.
    InputTokens,
    /// Generated tokens, summed over the run's requests.
    OutputTokens,
    /// Prompt plus generated tokens.
    TotalTokens,
    /// Tool calls.
    ToolCalls,
    /// The wall-clock deadline of the run.
    Deadline,
}

impl fmt::Display for UsageLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Requests => "requests",
            Self::InputTokens => "input tokens",
            Self::OutputTokens => "output tokens",
            Self::TotalTokens => "total tokens",
            Self::ToolCalls => "tool calls",
            Self::Deadline => "the deadline (milliseconds)",
        })
    }
}

/// No usable HTTP response arrived.
#[derive(Debug, thiserror::Error)]
#[error("network error ({kind}): {message}")]
pub struct NetworkError {
    /// What went wrong on the wire.
    pub kind: NetworkErrorKind,
    /// Details (never contains credentials).
    pub message: String,
    /// The underlying error.
    #[source]
    pub source: Option<BoxError>,
}

impl NetworkError {
    /// A network error of `kind` with `message`.
    pub fn new(kind: NetworkErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }
}

/// The kinds of [`NetworkError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// The connection could not be established.
    Connect,
    /// The request or connection timed out.
    Timeout,
    /// The connection broke while the response was being read.
    Interrupted,
    /// The response was larger than the configured cap.
    ResponseTooLarge,
    /// The response body could not be decoded (bad JSON, wrong content type).
    Decode,
    /// Anything else.
    Other,
}

impl fmt::Display for NetworkErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Interrupted => "interrupted",
            Self::ResponseTooLarge => "response too large",
            Self::Decode => "decode",
            Self::Other => "other",
        })
    }
}

/// A model provider answered with an error.
#[derive(Debug, thiserror::Error)]
#[error("{provider} returned HTTP {status}{}: {message}", code_suffix(.error_type.as_deref(), .code.as_deref()))]
pub struct ProviderError {
    /// The provider's name (`openai`, `anthropic`, ...).
    pub provider: String,
    /// The HTTP status.
    pub status: u16,
    /// The provider's error type (`rate_limit_error`, `invalid_request_error`, ...).
    pub error_type: Option<String>,
    /// The provider's error code (`insufficient_quota`, `context_length_exceeded`, ...).
    pub code: Option<String>,
    /// The provider's message, with any credential redacted.
    pub message: String,
    /// How long the provider asked us to wait (`Retry-After`, `retry-after-ms`).
    pub retry_after: Option<Duration>,
    /// The underlying error.
    #[source]
    pub source: Option<BoxError>,
}

fn code_suffix(error_type: Option<&str>, code: Option<&str>) -> String {
    match (error_type, code) {
        (Some(t), Some(c)) => format!(" ({t}, {c})"),
        (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
        (None, None) => String::new(),
    }
}

impl ProviderError {
    /// An error from `provider` with HTTP `status` and `message`.
    pub fn new(provider: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            status,
            error_type: None,
            code: None,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    /// Sets the provider's error type.
    #[must_use]
    pub fn with_error_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sets the provider's error code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the delay the provider asked for.
    #[must_use]
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// See [`PatinoxError::recovery_strategy`].
    pub fn recovery_strategy(&self) -> RecoveryStrategy {
        let code_is = |needle: &str| {
            [self.code.as_deref(), self.error_type.as_deref()]
                .into_iter()
                .flatten()
                .any(|c| c.contains(needle))
        };
        match self.status {
            429 if code_is("insufficient_quota") => RecoveryStrategy::Fallback,
            // 5xx includes Anthropic's 529 "overloaded".
            408 | 409 | 425 | 429 | 500..=599 => RecoveryStrategy::Retry {
                after: self.retry_after,
            },
            404 => RecoveryStrategy::Fallback,
            400 if code_is("context_length") => RecoveryStrategy::Fallback,
            _ => RecoveryStrategy::Fail,
        }
    }
}

/// Configuration is missing or invalid.
#[derive(Debug, thiserror::Error)]
#[error("configuration error{}: {message}", key_suffix(.key.as_deref(), .origin.as_deref()))]
pub struct ConfigurationError {
    /// What is wrong and how to fix it.
    pub message: String,
    /// The offending key (`model`, `OPENAI_API_KEY`, ...), if known.
    pub key: Option<String>,
    /// Where the value came from (a file path, an environment variable, code).
    pub origin: Option<String>,
    /// The underlying error.
    #[source]
    pub source: Option<BoxError>,
}

fn key_suffix(key: Option<&str>, origin: Option<&str>) -> String {
    match (key, origin) {
        (Some(k), Some(o)) => format!(" in `{k}` (from {o})"),
        (Some(k), None) => format!(" in `{k}`"),
        (None, Some(o)) => format!(" (from {o})"),
        (None, None) => String::new(),
    }
}

impl ConfigurationError {
    /// A configuration error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            key: None,
            origin: None,
            source: None,
        }
    }

    /// Names the offending key.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Names where the value came from.
    #[must_use]
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
}

impl From<serde_json::Error> for PatinoxError {
    /// JSON that does not parse into the expected shape is a validation failure:
    /// the data broke the schema it was meant to follow.
    fn from(err: serde_json::Error) -> Self {
        ValidationError::new(format!("invalid JSON: {err}"))
            .with_source(err)
            .into()
    }
}

impl From<std::io::Error> for PatinoxError {
    fn from(err: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match err.kind() {
            K::TimedOut => NetworkErrorKind::Timeout,
            K::ConnectionRefused | K::NotConnected | K::AddrNotAvailable => {
                NetworkErrorKind::Connect
            }
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                NetworkErrorKind::Interrupted
            }
            _ => NetworkErrorKind::Other,
        };
        NetworkError::new(kind, err.to_string())
            .with_source(err)
            .into()
    }
}

impl From<reqwest::Error> for PatinoxError {
    fn from(err: reqwest::Error) -> Self {
        // reqwest's Display may include the URL; strip it so query-string
        // credentials can never leak through an error message.
        let err = err.without_url();
        let kind = if err.is_timeout() {
            NetworkErrorKind::Timeout
        } else if err.is_connect() {
            NetworkErrorKind::Connect
        } else if err.is_body() || err.is_request() || body_broke(&err) {
            NetworkErrorKind::Interrupted
        } else if err.is_decode() {
            NetworkErrorKind::Decode
        } else {
            NetworkErrorKind::Other
        };
        NetworkError::new(kind, err.to_string())
            .with_source(err)
            .into()
    }
}

/// Whether the body broke while being read. reqwest reports that as a
/// decode error of `bytes()` caused by a body error or, further down, an I/O
/// error: the connection failed, the bytes were never wrong, so a retry may
/// succeed.
fn body_broke(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let broke = cause
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_body);
        if broke || cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

impl From<config::ConfigError> for PatinoxError {
    fn from(err: config::ConfigError) -> Self {
        let key = match &err {
            config::ConfigError::NotFound(key) => Some(key.clone()),
            config::ConfigError::Type { key, .. } => key.clone(),
            config::ConfigError::At { key, .. } => key.clone(),
            _ => None,
        };
        let origin = match &err {
            config::ConfigError::Type { origin, .. } | config::ConfigError::At { origin, .. } => {
                origin.clone()
            }
            _ => None,
        };
        let mut out = ConfigurationError::new(err.to_string());
        out.key = key;
        out.origin = origin;
        out.with_source(err).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    const _: () = assert_send_sync_static::<PatinoxError>();
    const _: () = assert!(std::mem::size_of::<PatinoxError>() <= 16);

    #[test]
    fn source_chain_reaches_the_json_error() {
        let json_err = serde_json::from_str::<u32>("nope").unwrap_err();
        let err = PatinoxError::from(json_err);
        let source = std::error::Error::source(&err).expect("validation error has a source");
        assert!(source.is::<serde_json::Error>());
    }

    #[test]
    fn quota_exhaustion_is_not_retried() {
        let err = PatinoxError::from(
            ProviderError::new("openai", 429, "You exceeded your current quota")
                .with_code("insufficient_quota"),
        );
        assert_eq!(err.recovery_strategy(), RecoveryStrategy::Fallback);
    }

    #[test]
    fn display_names_provider_status_and_code() {
        let err = PatinoxError::from(
            ProviderError::new("openai", 400, "too long")
                .with_error_type("invalid_request_error")
                .with_code("context_length_exceeded"),
        );
        assert_eq!(
            err.to_string(),
            "openai returned HTTP 400 (invalid_request_error, context_length_exceeded): too long"
        );
        assert_eq!(err.recovery_strategy(), RecoveryStrategy::Fallback);
    }

    #[test]
    fn config_errors_keep_the_key() {
        let err = PatinoxError::from(config::ConfigError::NotFound("model".into()));
        match err {
            PatinoxError::Configuration(c) => assert_eq!(c.key.as_deref(), Some("model")),
            other => panic!("expected configuration error, got {other:?}"),
        }
    }
}
