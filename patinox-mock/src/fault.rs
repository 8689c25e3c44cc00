//! Faults a request can ask for, and their text form.
//!
//! A fault is chosen per request, either by the `x-mock-fault` header or by a
//! URL path prefix `/fault/<spec>/…` (so that a client configured only with a
//! base URL can ask for one). The spec is a comma-separated list: one fault
//! word, then optional `key=value` modifiers.
//!
//! | spec | what the server does |
//! |---|---|
//! | `status=503` | answers 503 with the wire's JSON error body (`529` gives Anthropic's `overloaded_error`) |
//! | `status=429,retry-after=2` | … and a `Retry-After: 2` header (`retry-after-ms=250` for OpenAI's header) |
//! | `reset` | reads the request, then resets the connection (TCP RST) without answering |
//! | `stall` | plain: sends nothing for `stall-ms` (default 60 s); stream: sends half the events, then nothing for as long |
//! | `truncate` | plain: declares the whole body's length, sends half, closes; stream: sends half the events, then ends without the final one |
//! | `malformed` | a 200 whose JSON (plain) or one event's JSON (stream) does not parse |
//! | `html` | a 502 `text/html` error page, as a gateway sends |
//! | `oversized` | a valid answer whose text is `bytes=N` long (default 20 MiB), with no declared length |
//! | `…,first=N` | the fault applies to the first N requests carrying this spec only; later ones are answered normally |
//!
//! ```
//! use patinox_mock::Fault;
//!
//! let fault = Fault::status(429).retry_after_secs(1).first(2);
//! assert_eq!(fault.to_string(), "status=429,retry-after=1,first=2");
//! assert_eq!("status=429,retry-after=1,first=2".parse::<Fault>(), Ok(fault));
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The default length of an `oversized` answer: above Patinox's 16 MiB cap.
pub const DEFAULT_OVERSIZED_BYTES: usize = 20 * 1024 * 1024;
/// How long a `stall` lasts unless the spec says otherwise.
pub const DEFAULT_STALL: Duration = Duration::from_secs(60);

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// An HTTP error status with the wire's JSON error body.
    Status(u16),
    /// The connection is reset without an answer.
    Reset,
    /// Nothing is sent for a while (plain), or after half the events (stream).
    Stall,
    /// The body or stream ends early.
    Truncate,
    /// JSON that does not parse.
    Malformed,
    /// A 502 HTML error page.
    Html,
    /// A valid answer larger than any cap.
    Oversized,
}

/// A delay the server asks for with a status fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Secs(u64),
    /// `retry-after-ms: <milliseconds>` (OpenAI's header).
    Millis(u64),
}

/// A fault and its modifiers; see [the module docs](self) for the text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// What goes wrong.
    pub kind: FaultKind,
    /// The delay a status fault asks for.
    pub retry_after: Option<RetryAfter>,
    /// Only the first N requests with this spec fail.
    pub first: Option<u64>,
    /// How long a stall lasts.
    pub stall: Option<Duration>,
    /// How long an oversized answer's text is.
    pub bytes: Option<usize>,
}

impl Fault {
    fn of(kind: FaultKind) -> Self {
        Self {
            kind,
            retry_after: None,
            first: None,
            stall: None,
            bytes: None,
        }
    }

    /// An HTTP error status.
    pub fn status(status: u16) -> Self {
        Self::of(FaultKind::Status(status))
    }

    /// A connection reset.
    pub fn reset() -> Self {
        Self::of(FaultKind::Reset)
    }

    /// A stall of [`DEFAULT_STALL`] (see [`stall_for`](Self::stall_for)).
    pub fn stall() -> Self {
        Self::of(FaultKind::Stall)
    }

    /// A body or stream cut short.
    pub fn truncate() -> Self {
        Self::of(FaultKind::Truncate)
    }

    /// JSON that does not parse.
    pub fn malformed() -> Self {
        Self::of(FaultKind::Malformed)
    }

    /// An HTML error page.
    pub fn html() -> Self {
        Self::of(FaultKind::Html)
    }

    /// An answer of [`DEFAULT_OVERSIZED_BYTES`] (see [`bytes`](Self::bytes)).
    pub fn oversized() -> Self {
        Self::of(FaultKind::Oversized)
    }

    /// Adds `Retry-After: secs`.
    #[must_use]
    pub fn retry_after_secs(mut self, secs: u64) -> Self {
        self.retry_after = Some(RetryAfter::Secs(secs));
        self
    }

    /// Adds `retry-after-ms: millis`.
    #[must_use]
    pub fn retry_after_ms(mut self, millis: u64) -> Self {
        self.retry_after = Some(RetryAfter::Millis(millis));
        self
    }

    /// Fails only the first `n` requests carrying this spec.
    #[must_use]
    pub fn first(mut self, n: u64) -> Self {
        self.first = Some(n);
        self
    }

    /// How long a stall lasts.
    #[must_use]
    pub fn stall_for(mut self, duration: Duration) -> Self {
        self.stall = Some(duration);
        self
    }

    /// The length of an oversized answer's text.
    #[must_use]
    pub fn bytes(mut self, bytes: usize) -> Self {
        self.bytes = Some(bytes);
        self
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FaultKind::Status(status) => write!(f, "status={status}")?,
            FaultKind::Reset => f.write_str("reset")?,
            FaultKind::Stall => f.write_str("stall")?,
            FaultKind::Truncate => f.write_str("truncate")?,
            FaultKind::Malformed => f.write_str("malformed")?,
            FaultKind::Html => f.write_str("html")?,
            FaultKind::Oversized => f.write_str("oversized")?,
        }
        match self.retry_after {
            Some(RetryAfter::Secs(secs)) => write!(f, ",retry-after={secs}")?,
            Some(RetryAfter::Millis(ms)) => write!(f, ",retry-after-ms={ms}")?,
            None => {}
        }
        if let Some(stall) = self.stall {
            write!(f, ",stall-ms={}", stall.as_millis())?;
        }
        if let Some(bytes) = self.bytes {
            write!(f, ",bytes={bytes}")?;
        }
        if let Some(first) = self.first {
            write!(f, ",first={first}")?;
        }
        Ok(())
    }
}

/// Why a fault spec did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultParseError(String);

impl fmt::Display for FaultParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid mock fault spec: {}", self.0)
    }
}

impl std::error::Error for FaultParseError {}

impl FromStr for Fault {
    type Err = FaultParseError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut parts = spec.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let mut fault = match head.split_once('=') {
            Some(("status", code)) => Fault::status(number(head, code)?),
            _ => Fault::of(match head {
                "reset" => FaultKind::Reset,
                "stall" => FaultKind::Stall,
                "truncate" => FaultKind::Truncate,
                "malformed" => FaultKind::Malformed,
                "html" => FaultKind::Html,
                "oversized" => FaultKind::Oversized,
                other => return Err(FaultParseError(format!("unknown fault `{other}`"))),
            }),
        };
        for part in parts {
            let Some((key, value)) = part.split_once('=') else {
                return Err(FaultParseError(format!("`{part}` is not `key=value`")));
            };
            match key {
                "retry-after" => fault = fault.retry_after_secs(number(part, value)?),
                "retry-after-ms" => fault = fault.retry_after_ms(number(part, value)?),
                "first" => fault = fault.first(number(part, value)?),
                "stall-ms" => fault = fault.stall_for(Duration::from_millis(number(part, value)?)),
                "bytes" => fault = fault.bytes(number(part, value)?),
                other => return Err(FaultParseError(format!("unknown modifier `{other}`"))),
            }
        }
        Ok(fault)
    }
}

fn number<T: FromStr>(part: &str, value: &str) -> Result<T, FaultParseError> {
    value
        .parse()
        .map_err(|_| FaultParseError(format!("`{part}`: not a number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_round_trips_through_its_text() {
        let faults = [
            Fault::status(503),
            Fault::status(529).first(1),
            Fault::status(429).retry_after_ms(250),
            Fault::reset(),
            Fault::stall().stall_for(Duration::from_millis(300)),
            Fault::truncate(),
            Fault::malformed(),
            Fault::html().first(3),
            Fault::oversized().bytes(1024),
        ];
        for fault in faults {
            assert_eq!(fault.to_string().parse::<Fault>(), Ok(fault), "{fault}");
        }
    }

    #[test]
    fn bad_specs_are_rejected() {
        for spec in [
            "",
            "explode",
            "status=abc",
            "reset,first",
            "reset,colour=red",
        ] {
            assert!(spec.parse::<Fault>().is_err(), "{spec}");
        }
    }
}
