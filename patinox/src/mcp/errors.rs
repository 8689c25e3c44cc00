//! How failures of an MCP connection become [`PatinoxError`]s.

use std::time::Duration;

use rmcp::service::{ClientInitializeError, ServiceError};

use super::stdio::{FaultSlot, StreamFault, read_fault};
use crate::error::{ExecutionErrorKind, NetworkError, NetworkErrorKind, PatinoxError};

/// What was being done when a failure happened.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Call<'a> {
    Connect,
    ListTools,
    Tool(&'a str),
}

impl std::fmt::Display for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Connect => f.write_str("the MCP handshake"),
            Self::ListTools => f.write_str("`tools/list`"),
            Self::Tool(name) => write!(f, "`tools/call` of `{name}`"),
        }
    }
}

pub(crate) fn timed_out(server: &str, call: Call<'_>, after: Duration) -> PatinoxError {
    NetworkError::new(
        NetworkErrorKind::Timeout,
        format!("MCP server `{server}` did not answer {call} within {after:?}"),
    )
    .into()
}

pub(crate) fn spawn_failed(server: &str, err: std::io::Error) -> PatinoxError {
    NetworkError::new(
        NetworkErrorKind::Connect,
        format!("could not start MCP server `{server}`: {err}"),
    )
    .with_source(err)
    .into()
}

pub(crate) fn cleanup(server: &str, message: String) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Cleanup,
        format!("closing MCP server `{server}`: {message}"),
    )
}

/// The error for a connection that ended: what the transport saw, if anything.
fn ended(server: &str, call: Call<'_>, fault: &FaultSlot, detail: &str) -> PatinoxError {
    let (kind, why) = match read_fault(fault) {
        Some(StreamFault::Malformed(what)) => (
            NetworkErrorKind::Decode,
            format!("sent a message that is not JSON-RPC ({what})"),
        ),
        Some(StreamFault::TooLarge(limit)) => (
            NetworkErrorKind::ResponseTooLarge,
            format!("sent a message larger than {limit} bytes"),
        ),
        Some(StreamFault::Closed) | None => (
            NetworkErrorKind::Interrupted,
            format!("closed the connection ({detail})"),
        ),
    };
    NetworkError::new(
        kind,
        format!("MCP server `{server}` {why} during {call}; the connection is closed"),
    )
    .into()
}

pub(crate) fn handshake(
    server: &str,
    err: ClientInitializeError,
    fault: &FaultSlot,
) -> PatinoxError {
    ended(server, Call::Connect, fault, &err.to_string())
}

pub(crate) fn service(
    server: &str,
    call: Call<'_>,
    err: ServiceError,
    fault: &FaultSlot,
) -> PatinoxError {
    match err {
        // The server refused the request: a usable connection but no usable
        // answer, which retrying the same request does not change.
        ServiceError::McpError(data) => NetworkError::new(
            NetworkErrorKind::Other,
            format!(
                "MCP server `{server}` answered {call} with error {}: {}",
                data.code.0, data.message
            ),
        )
        .into(),
        ServiceError::Timeout { timeout } => timed_out(server, call, timeout),
        other => ended(server, call, fault, &other.to_string()),
    }
}
