//! A mock LLM server for tests, benchmarks and examples: OpenAI's Chat
//! Completions and Anthropic's Messages API, plain JSON and SSE, with
//! scripted answers and faults chosen per request.
//!
//! # Answers
//! A request that declares tools gets a call to the **first** tool, with
//! arguments made up from its JSON Schema (every required property, the first
//! enum value, minimum numbers and lengths), until a tool result is present in
//! the conversation; then, and for requests without tools, the final text of
//! [`MockConfig::final_text`]. `"stream": true` gets the same answer as SSE
//! events in the vendor's format, usage included. So one agent run is two
//! model calls and one tool call.
//!
//! The wire is chosen by the path: `…/chat/completions` is OpenAI,
//! `…/messages` Anthropic. Use [`MockServer::base_url`] as the provider's
//! base URL.
//!
//! # Faults
//! A request asks for a [`Fault`] by the [`FAULT_HEADER`] header or by a URL
//! path prefix (see [`MockServer::base_url_with`]); [`fault`] lists them.
//!
//! ```
//! use patinox_mock::{Fault, MockConfig, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = MockServer::start(MockConfig::default()).await?;
//! let base = server.base_url_with(&Fault::status(503).first(1));
//! assert!(base.ends_with("/fault/status=503,first=1/v1"));
//! assert_eq!(server.requests(), 0);
//! # Ok(())
//! # }
//! ```
//!
//! The `patinox-mock` binary serves the same on a chosen port:
//! `cargo run -p patinox-mock -- --port 8080 --latency-ms 50`.

mod answer;
mod arguments;
pub mod fault;
mod request;
mod serve;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use fault::{Fault, FaultKind};
pub use request::Wire;
pub use serve::FAULT_HEADER;

use serve::{State, accept_loop};

/// The final text the mock answers with unless configured otherwise.
pub const DEFAULT_FINAL_TEXT: &str = "It is 22 °C and sunny in Paris today.";

/// How the mock answers.
#[derive(Debug, Clone)]
pub struct MockConfig {
    latency: Duration,
    final_text: String,
}

impl Default for MockConfig {
    /// No latency, [`DEFAULT_FINAL_TEXT`].
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            final_text: DEFAULT_FINAL_TEXT.to_owned(),
        }
    }
}

impl MockConfig {
    /// How long the server waits before answering each request (as a model
    /// would think). Default: none.
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The text of final answers.
    #[must_use]
    pub fn final_text(mut self, text: impl Into<String>) -> Self {
        self.final_text = text.into();
        self
    }
}

/// A running mock server on 127.0.0.1. Dropping it stops accepting
/// connections; open ones finish their requests.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("config", &self.config)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1, on the current Tokio runtime.
    ///
    /// # Errors
    /// If no port can be bound.
    pub async fn start(config: MockConfig) -> io::Result<Self> {
        Self::serve(TcpListener::bind("127.0.0.1:0").await?, config)
    }

    /// Serves on `listener`, on the current Tokio runtime.
    ///
    /// # Errors
    /// If the listener's address cannot be read.
    pub fn serve(listener: TcpListener, config: MockConfig) -> io::Result<Self> {
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(config));
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(Self {
            addr,
            state,
            accept,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of a provider on this server (`…/v1`), for OpenAI and
    /// Anthropic alike: each appends its own path (`/chat/completions`,
    /// `/messages`).
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// [`base_url`](Self::base_url), with every request asking for `fault`.
    pub fn base_url_with(&self, fault: &Fault) -> String {
        format!("{}/fault/{fault}/v1", self.url())
    }

    /// Requests received so far, on every path.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Connections accepted so far. `GET /stats` answers both counters as
    /// JSON (`{"requests": …, "connections": …}`, itself included), for a
    /// server in another process.
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
