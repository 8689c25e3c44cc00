//! HTTP plumbing shared by the provider clients: configuration, timeouts,
//! the response-size cap, error mapping and `Retry-After` parsing.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::ResponseStream;
use super::streaming::{StreamLimits, StreamParser, event_stream, too_large};
use crate::error::{
    ConfigurationError, NetworkError, NetworkErrorKind, PatinoxError, ProviderError, Result,
};

/// Default cap on a response body: far above any real completion, low enough
/// that a misbehaving server cannot exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Connection, timeout and credential settings of a provider client.
///
/// Every provider constructor takes one; unset fields get the provider's
/// defaults (its public base URL, no key for local servers).
///
/// ```
/// use std::time::Duration;
/// use patinox::model::ProviderConfig;
///
/// let config = ProviderConfig::new()
///     .api_key("sk-example")
///     .base_url("http://127.0.0.1:8080/v1")
///     .timeout(Duration::from_secs(30))
///     .header("x-team", "search")?;
/// assert!(!format!("{config:?}").contains("sk-example"));
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Clone)]
pub struct ProviderConfig {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_response_bytes: usize,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            headers: HeaderMap::new(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(600),
            idle_timeout: Duration::from_secs(600),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ProviderConfig {
    /// Defaults: no key, the provider's base URL, 10 s connect timeout,
    /// 600 s request timeout (also the idle timeout between stream chunks),
    /// a 16 MiB response cap.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API key, kept as a [`SecretString`] and never printed.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The API key, already a secret.
    #[must_use]
    pub fn secret_api_key(mut self, key: SecretString) -> Self {
        self.api_key = Some(key);
        self
    }

    /// Overrides the base URL (a proxy, a gateway, a mock server). For every
    /// provider the base URL includes the API version, as OpenAI's has it:
    /// `https://api.openai.com/v1`, `https://api.anthropic.com/v1`,
    /// `http://127.0.0.1:11434/v1`. A bare origin, `http://127.0.0.1:8080`,
    /// means `http://127.0.0.1:8080/v1`.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Adds a header sent with every request.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Configuration`] if the name or value is not a valid header.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let invalid = |what: &str| {
            ConfigurationError::new(format!("invalid HTTP header {what}")).with_key(name.to_owned())
        };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// How long to wait for a connection.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take and, unless
    /// [`idle_timeout`](Self::idle_timeout) is set after it, how long a
    /// response may stay silent.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.idle_timeout = timeout;
        self
    }

    /// How long a response may stay silent between two reads: for a stream,
    /// between two events.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The largest response body accepted, streamed or not; larger ones fail
    /// with [`NetworkErrorKind::ResponseTooLarge`]. A stream is counted as
    /// its bytes arrive and ends with that error once it passes the cap.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }
}

/// A configured client: one `reqwest::Client` per provider model, reused for every request.
#[derive(Clone)]
pub(crate) struct HttpClient {
    pub(crate) provider: &'static str,
    client: reqwest::Client,
    /// Parsed once: a request clones it rather than parsing a string again.
    pub(crate) url: reqwest::Url,
    key: Option<SecretString>,
    timeout: Duration,
    idle_timeout: Duration,
    max_response_bytes: usize,
}

/// The one base-URL rule of every provider: the base URL includes the API
/// version (`https://api.openai.com/v1`, `https://api.anthropic.com/v1`);
/// a bare origin (`http://127.0.0.1:8080`, no path) means its `/v1`.
pub(super) fn versioned(base: &str) -> String {
    let base = base.trim_end_matches('/');
    let path_start = base.find("://").map_or(0, |scheme| scheme + 3);
    if base[path_start..].contains('/') {
        base.to_owned()
    } else {
        format!("{base}/v1")
    }
}

/// How a provider wants its key sent.
pub(crate) enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key as the value of this header (Anthropic's `x-api-key`).
    Header(&'static str),
}

impl HttpClient {
    pub(crate) fn new(
        provider: &'static str,
        config: ProviderConfig,
        default_base: &str,
        path: &str,
        auth: Auth,
    ) -> Result<Self> {
        // reqwest's `rustls-no-provider` feature needs a process-wide crypto
        // provider; installing fails harmlessly when the application set one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = config.headers;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(key) = &config.api_key {
            let (name, value) = match auth {
                Auth::Bearer => (
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {}", key.expose_secret()),
                ),
                Auth::Header(name) => (
                    HeaderName::from_static(name),
                    key.expose_secret().to_owned(),
                ),
            };
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                ConfigurationError::new(format!(
                    "the {provider} API key contains characters not allowed in a header"
                ))
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        // Default headers live in the client: no header map is cloned per request.
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(config.connect_timeout);
        // Our own timers bound the same waits when the idle timeout is not
        // the shorter one (the default): the request timeout around a whole
        // exchange, the idle timeout around a stream's start and each of its
        // chunks. reqwest's read timeout would add a timer per request and a
        // reset per chunk.
        if config.idle_timeout < config.timeout {
            builder = builder.read_timeout(config.idle_timeout);
        }
        let client = builder.build().map_err(|err| {
            ConfigurationError::new(format!("cannot build the {provider} HTTP client"))
                .with_source(err.without_url())
        })?;
        let base = config.base_url.as_deref().unwrap_or(default_base);
        let url = format!("{}{path}", versioned(base));
        let url = reqwest::Url::parse(&url).map_err(|err| {
            ConfigurationError::new(format!("the {provider} base URL is not a valid URL: {err}"))
                .with_key("base_url")
        })?;
        Ok(Self {
            provider,
            client,
            url,
            key: config.api_key,
            timeout: config.timeout,
            idle_timeout: config.idle_timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// POSTs `body` and returns the response once its status is a success.
    /// Only the client's idle timeout applies here; `complete` bounds the whole exchange.
    async fn post(&self, body: Vec<u8>) -> Result<reqwest::Response> {
        let response = self.client.post(self.url.clone()).body(body).send().await?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.error_from(response).await)
    }

    /// POSTs `body` and parses the JSON answer with `parse(status, body)`,
    /// enforcing the size cap, the content type and the request timeout.
    pub(crate) async fn complete<T>(
        &self,
        body: Vec<u8>,
        parse: impl FnOnce(u16, &[u8]) -> Result<T>,
    ) -> Result<T> {
        // One tokio timer around the whole exchange: cheaper than reqwest's
        // per-request timeout, which boxes its own.
        let exchange = async {
            let mut response = self.post(body).await?;
            let status = response.status().as_u16();
            expect_content_type(self.provider, &response, "json")?;
            let parsed = match response.content_length() {
                // The common case: a declared length within the cap, read in
                // one buffer without copying.
                Some(length) if length <= self.max_response_bytes as u64 => {
                    let bytes = response.bytes().await?;
                    parse(status, &bytes)
                }
                _ => {
                    let bytes = read_capped(&mut response, self.max_response_bytes).await?;
                    parse(status, &bytes)
                }
            };
            // A 200 may carry an error body that echoes the key.
            parsed.map_err(|error| redact_error(error, self.key.as_ref()))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| Err(self.timed_out(self.timeout)))
    }

    fn timed_out(&self, after: Duration) -> crate::PatinoxError {
        NetworkError::new(
            NetworkErrorKind::Timeout,
            format!("{} did not answer within {after:?}", self.provider),
        )
        .into()
    }

    /// POSTs `body` for a `text/event-stream` answer and streams it through `parser`.
    pub(crate) async fn stream<P: StreamParser>(
        &self,
        body: Vec<u8>,
        parser: P,
    ) -> Result<ResponseStream> {
        // Until the stream's headers arrive, the idle timeout bounds the wait.
        let response = tokio::time::timeout(self.idle_timeout, self.post(body))
            .await
            .unwrap_or_else(|_| Err(self.timed_out(self.idle_timeout)))?;
        expect_content_type(self.provider, &response, "text/event-stream")?;
        let limits = StreamLimits {
            idle_timeout: self.idle_timeout,
            max_bytes: self.max_response_bytes,
        };
        Ok(event_stream(response, parser, limits, self.key.clone()))
    }

    async fn error_from(&self, mut response: reqwest::Response) -> crate::PatinoxError {
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers(), SystemTime::now());
        // The error body matters less than the status: a truncated or broken
        // one still yields a typed error with the status.
        let body = read_capped(&mut response, 64 * 1024)
            .await
            .unwrap_or_default();
        let mut error = parse_error_body(self.provider, status, &body, self.key.as_ref());
        error.retry_after = retry_after;
        error.into()
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.provider)
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Serializes a request body straight into bytes, from borrowed structs.
pub(crate) fn json_body(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut body = Vec::with_capacity(512);
    serde_json::to_writer(&mut body, value)?;
    Ok(body)
}

/// Fails with a decode error unless the response's content type contains `expected`.
fn expect_content_type(provider: &str, response: &reqwest::Response, expected: &str) -> Result<()> {
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.contains(expected) {
        Ok(())
    } else {
        Err(NetworkError::new(
            NetworkErrorKind::Decode,
            format!("{provider} answered with content type {content_type:?}, expected {expected}"),
        )
        .into())
    }
}

async fn read_capped(response: &mut reqwest::Response, cap: usize) -> Result<Vec<u8>> {
    let declared = response.content_length().unwrap_or(0);
    if declared > cap as u64 {
        return Err(too_large(cap));
    }
    let mut body = Vec::with_capacity(declared as usize);
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Err(too_large(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The error envelope of OpenAI, Anthropic and OpenRouter:
/// `{"error": {"message", "type", "code"}}` (Anthropic adds a top-level `"type": "error"`).
#[derive(Deserialize)]
pub(crate) struct ErrorEnvelope<'a> {
    #[serde(borrow)]
    pub(crate) error: ErrorBody<'a>,
}

#[derive(Deserialize)]
pub(crate) struct ErrorBody<'a> {
    #[serde(borrow, default)]
    pub(crate) message: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    pub(crate) error_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) code: Option<ErrorCode<'a>>,
}

/// OpenAI sends string codes; OpenRouter sends the HTTP status as a number.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum ErrorCode<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Number(i64),
}

impl ErrorBody<'_> {
    /// OpenRouter's numeric `code` is the HTTP status the error stands for.
    pub(crate) fn status_code(&self) -> Option<u16> {
        match self.code {
            Some(ErrorCode::Number(code)) => {
                u16::try_from(code).ok().filter(|c| (100..600).contains(c))
            }
            _ => None,
        }
    }

    /// The typed error for this body, with `key` redacted from the message.
    pub(crate) fn into_error(
        self,
        provider: &str,
        status: u16,
        key: Option<&SecretString>,
    ) -> ProviderError {
        let message = self.message.as_deref().unwrap_or("no message");
        let mut error = ProviderError::new(provider, status, redact(message, key));
        error.error_type = self.error_type.map(|t| redact(&t, key));
        error.code = match self.code {
            Some(ErrorCode::Text(code)) => Some(redact(&code, key)),
            Some(ErrorCode::Number(_)) | None => None,
        };
        error
    }
}

fn parse_error_body(
    provider: &str,
    status: u16,
    body: &[u8],
    key: Option<&SecretString>,
) -> ProviderError {
    match serde_json::from_slice::<ErrorEnvelope<'_>>(body) {
        Ok(envelope) => envelope.error.into_error(provider, status, key),
        Err(_) => {
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
            let text = text.trim();
            let message = if text.is_empty() {
                "no error body".to_owned()
            } else {
                redact(text, key)
            };
            ProviderError::new(provider, status, message)
        }
    }
}

/// A provider's error with `key` (and `sk-` shaped words) redacted from
/// what the provider wrote: its message, type and code.
pub(crate) fn redact_error(error: PatinoxError, key: Option<&SecretString>) -> PatinoxError {
    match error {
        PatinoxError::Provider(mut provider) => {
            provider.message = redact(&provider.message, key);
            provider.error_type = provider.error_type.map(|t| redact(&t, key));
            provider.code = provider.code.map(|c| redact(&c, key));
            PatinoxError::Provider(provider)
        }
        other => other,
    }
}

/// Removes the key, and anything shaped like an `sk-` key, from a provider's message.
pub(crate) fn redact(message: &str, key: Option<&SecretString>) -> String {
    let mut out = match key.map(ExposeSecret::expose_secret) {
        Some(key) if !key.is_empty() => message.replace(key, "[REDACTED]"),
        _ => message.to_owned(),
    };
    let mut from = 0;
    while let Some(found) = out[from..].find("sk-") {
        let start = from + found;
        let starts_word = out[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '_');
        if !starts_word {
            from = start + 3;
            continue;
        }
        let end = out[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '.'))
            .map_or(out.len(), |len| start + len);
        out.replace_range(start..end, "[REDACTED]");
        from = start + "[REDACTED]".len();
    }
    out
}

/// The delay a response asks for: `retry-after-ms` (OpenAI), else `Retry-After`
/// in seconds or as an HTTP date (relative to `now`).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_origin_means_its_v1() {
        assert_eq!(
            versioned("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            versioned("https://api.anthropic.com/"),
            "https://api.anthropic.com/v1"
        );
        assert_eq!(
            versioned("https://api.openai.com/v1/"),
            "https://api.openai.com/v1"
        );
        assert_eq!(
            versioned("https://openrouter.ai/api/v1"),
            "https://openrouter.ai/api/v1"
        );
        let gemini = "https://generativelanguage.googleapis.com/v1beta/openai";
        assert_eq!(versioned(gemini), gemini);
    }

    #[test]
    fn retry_after_prefers_milliseconds() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        let now = SystemTime::now();
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_millis(250)));
        headers.insert("retry-after-ms", HeaderValue::from_static("-1"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
    }

    #[test]
    fn retry_after_reads_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:30 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn redaction_removes_key_shaped_words() {
        let key = SecretString::from("sk-canary-123");
        assert_eq!(
            redact(
                "Incorrect API key provided: sk-canary-123. Or sk-other",
                Some(&key)
            ),
            "Incorrect API key provided: [REDACTED]. Or [REDACTED]"
        );
    }

    #[test]
    fn openrouter_numeric_codes_parse() {
        let body = br#"{"error":{"code":429,"message":"Rate limited","metadata":{}}}"#;
        let error = parse_error_body("openrouter", 429, body, None);
        assert_eq!(error.message, "Rate limited");
        assert_eq!(error.code, None);
    }
}
