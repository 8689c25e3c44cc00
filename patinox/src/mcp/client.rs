//! The client: connects to an MCP server and offers its tools to an agent.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation, JsonObject,
};
use rmcp::service::{NotificationContext, Peer, RunningService, ServiceError};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;

use super::errors::{self, Call};
use super::remote_tool::{McpTool, ToolOutput};
use super::stdio::{ChildTransport, FaultSlot};
use crate::agent::ToolSource;
use crate::error::{ConfigurationError, Result};
use crate::memory::ResourceRegistry;
use crate::tool::Tool;

/// The default time a request to an MCP server may take (a tool call included).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time connecting (starting the server and the MCP handshake) may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default largest message accepted from a server (16 MiB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// The default time a stdio server is given to exit after its stdin closes,
/// before it is killed.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

enum Endpoint {
    Stdio(tokio::process::Command),
    Http(String),
}

/// Settings of a connection to an MCP server; see [`McpClient::stdio`] and
/// [`McpClient::http`].
#[must_use = "nothing connects until `connect` is awaited"]
pub struct McpConnect {
    endpoint: Endpoint,
    name: Option<String>,
    prefix: Option<String>,
    request_timeout: Duration,
    connect_timeout: Duration,
    max_message_bytes: usize,
    shutdown_grace: Duration,
}

impl fmt::Debug for McpConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpConnect")
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl McpConnect {
    fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            name: None,
            prefix: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }

    /// Names the server in errors, logs and its resource id (default: the
    /// program or the URL).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Offers the server's tools as `{prefix}_{name}`, so that tools of two
    /// servers, or a server's and the agent's own, cannot clash. Without a
    /// prefix a clash makes the agent builder fail (see the
    /// [module docs](super#tool-names)).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// How long one request, a tool call included, may take
    /// (default [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long starting the server and the handshake may take
    /// (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest message accepted from a stdio server
    /// (default [`DEFAULT_MAX_MESSAGE_BYTES`]); a longer one ends the connection.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// How long a stdio server may take to exit once its stdin is closed,
    /// before it is killed (default [`DEFAULT_SHUTDOWN_GRACE`]).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Starts (stdio) or reaches (HTTP) the server, performs the MCP
    /// handshake and lists its tools.
    ///
    /// # Errors
    /// - a [`PatinoxError::Network`](crate::PatinoxError::Network) if the program cannot start, the server
    ///   closes the connection, sends something that is not JSON-RPC or a
    ///   message past the size limit, or does not answer within the connect
    ///   timeout;
    /// - a [`PatinoxError::Configuration`](crate::PatinoxError::Configuration) if a tool's name or schema cannot
    ///   be offered to a model.
    pub async fn connect(mut self) -> Result<McpClient> {
        let label = self.name.clone().unwrap_or_else(|| match &self.endpoint {
            Endpoint::Stdio(command) => command
                .as_std()
                .get_program()
                .to_string_lossy()
                .into_owned(),
            Endpoint::Http(url) => url.clone(),
        });
        let fault = FaultSlot::default();
        let changed = Arc::new(AtomicBool::new(false));
        let events = Events {
            changed: Arc::clone(&changed),
        };
        let (service, pid) =
            match tokio::time::timeout(self.connect_timeout, self.start(events, &label, &fault))
                .await
            {
                Ok(started) => started?,
                Err(_) => {
                    return Err(errors::timed_out(
                        &label,
                        Call::Connect,
                        self.connect_timeout,
                    ));
                }
            };
        let shared = Arc::new(Shared {
            peer: service.peer().clone(),
            service: tokio::sync::Mutex::new(Some(service)),
            label,
            prefix: self.prefix,
            request_timeout: self.request_timeout,
            shutdown_grace: self.shutdown_grace,
            fault,
            pid,
            changed,
        });
        let client = McpClient {
            shared,
            tools: Arc::default(),
        };
        client.refresh_tools().await?;
        Ok(client)
    }

    async fn start(
        &mut self,
        events: Events,
        label: &str,
        fault: &FaultSlot,
    ) -> Result<(RunningService<RoleClient, Events>, Option<u32>)> {
        match &mut self.endpoint {
            Endpoint::Stdio(command) => {
                let transport = ChildTransport::spawn(
                    command,
                    self.max_message_bytes,
                    self.shutdown_grace,
                    Arc::clone(fault),
                )
                .map_err(|err| errors::spawn_failed(label, err))?;
                let pid = transport.pid();
                let service = events
                    .serve(transport)
                    .await
                    .map_err(|err| errors::handshake(label, err, fault))?;
                Ok((service, pid))
            }
            Endpoint::Http(url) => {
                let client = http_client(label)?;
                let config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
                let transport = StreamableHttpClientTransport::with_client(client, config);
                let service = events
                    .serve(transport)
                    .await
                    .map_err(|err| errors::handshake(label, err, fault))?;
                Ok((service, None))
            }
        }
    }
}

fn http_client(label: &str) -> Result<reqwest::Client> {
    // reqwest's `rustls-no-provider` feature needs a process-wide crypto provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .build()
        .map_err(|err| errors::spawn_failed(label, std::io::Error::other(err)))
}

/// Receives the server's notifications.
struct Events {
    changed: Arc<AtomicBool>,
}

impl ClientHandler for Events {
    fn on_tool_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        self.changed.store(true, Ordering::Release);
        std::future::ready(())
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("patinox", env!("CARGO_PKG_VERSION")),
        )
    }
}

pub(crate) struct Shared {
    label: String,
    peer: Peer<RoleClient>,
    service: tokio::sync::Mutex<Option<RunningService<RoleClient, Events>>>,
    prefix: Option<String>,
    request_timeout: Duration,
    shutdown_grace: Duration,
    fault: FaultSlot,
    pid: Option<u32>,
    changed: Arc<AtomicBool>,
}

impl Shared {
    /// Runs `request` within the request timeout, mapping its failure.
    async fn request<T>(
        &self,
        call: Call<'_>,
        request: impl Future<Output = std::result::Result<T, ServiceError>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.request_timeout, request).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(errors::service(&self.label, call, err, &self.fault)),
            Err(_) => Err(errors::timed_out(&self.label, call, self.request_timeout)),
        }
    }

    pub(crate) async fn call_tool(&self, name: &str, arguments: JsonObject) -> Result<ToolOutput> {
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = Some(arguments);
        let result = self
            .request(Call::Tool(name), self.peer.call_tool(params))
            .await?;
        Ok(ToolOutput::from_result(&result))
    }
}

/// A connection to an MCP server whose tools an agent can use.
///
/// Cloning is cheap and shares the connection. The connection (and a stdio
/// server's process) ends with [`close`](Self::close), when the
/// [`ResourceRegistry`] it was [registered](Self::register) in shuts down
/// (the agent's `stop()`), or when the client, its tools and the registry are
/// all dropped (the process is then killed).
#[derive(Clone)]
pub struct McpClient {
    shared: Arc<Shared>,
    /// Kept apart from `shared`, which every tool holds: a list of tools
    /// inside it would keep the connection alive forever.
    tools: Arc<Mutex<Vec<Arc<dyn Tool>>>>,
}

impl fmt::Debug for McpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpClient")
            .field("server", &self.shared.label)
            .field("pid", &self.shared.pid)
            .finish_non_exhaustive()
    }
}

impl McpClient {
    /// A server started as a child process speaking MCP over its stdin and
    /// stdout. Its stderr goes to this process's stderr.
    ///
    /// ```no_run
    /// use patinox::mcp::McpClient;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> patinox::Result<()> {
    /// let mut command = std::process::Command::new("npx");
    /// command.args(["-y", "@modelcontextprotocol/server-everything"]);
    /// let client = McpClient::stdio(command).prefix("everything").connect().await?;
    /// for tool in client.tools() {
    ///     println!("{}", tool.spec().name());
    /// }
    /// client.close().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdio(command: impl Into<tokio::process::Command>) -> McpConnect {
        McpConnect::new(Endpoint::Stdio(command.into()))
    }

    /// A server reached over streamable HTTP at `url` (e.g.
    /// `http://127.0.0.1:8080/mcp`).
    pub fn http(url: impl Into<String>) -> McpConnect {
        McpConnect::new(Endpoint::Http(url.into()))
    }

    /// The server's name in errors and logs.
    pub fn name(&self) -> &str {
        &self.shared.label
    }

    /// The process id of a stdio server.
    pub fn pid(&self) -> Option<u32> {
        self.shared.pid
    }

    /// The server's tools as of the last listing, ready for
    /// [`RunnerBuilder::shared_tool`](crate::agent::RunnerBuilder::shared_tool).
    pub fn tools(&self) -> Vec<Arc<dyn Tool>> {
        self.tools
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the server announced (`notifications/tools/list_changed`)
    /// that its tools changed since the last listing.
    pub fn tools_changed(&self) -> bool {
        self.shared.changed.load(Ordering::Acquire)
    }

    /// Lists the server's tools again and returns them.
    ///
    /// # Errors
    /// As [`McpConnect::connect`].
    pub async fn refresh_tools(&self) -> Result<Vec<Arc<dyn Tool>>> {
        self.shared.changed.store(false, Ordering::Release);
        let listed = self
            .shared
            .request(Call::ListTools, self.shared.peer.list_all_tools())
            .await?;
        let tools = listed
            .iter()
            .map(|tool| {
                McpTool::new(
                    Arc::clone(&self.shared),
                    self.shared.prefix.as_deref(),
                    tool,
                )
                .map(|tool| Arc::new(tool) as Arc<dyn Tool>)
            })
            .collect::<Result<Vec<_>>>()?;
        *self.tools.lock().unwrap_or_else(PoisonError::into_inner) = tools.clone();
        Ok(tools)
    }

    /// Calls the server's tool `name` (its own name, without the prefix).
    ///
    /// A result the server marks `isError` is returned, not an error:
    /// see [`ToolOutput::is_error`].
    ///
    /// # Errors
    /// - [`ConfigurationError`](crate::error::ConfigurationError) if `arguments` is not a JSON object;
    /// - a [`PatinoxError::Network`](crate::PatinoxError::Network) if the connection fails, ends, carries
    ///   a malformed or oversized message, or the call times out;
    /// - a [`NetworkErrorKind::Other`](crate::error::NetworkErrorKind::Other)
    ///   error, naming the JSON-RPC code, if the server answers with a
    ///   JSON-RPC error.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<ToolOutput> {
        let Value::Object(arguments) = arguments else {
            return Err(ConfigurationError::new(format!(
                "the arguments of MCP tool `{name}` must be a JSON object"
            ))
            .into());
        };
        self.shared.call_tool(name, arguments).await
    }

    /// Registers the connection in `registry` (as `mcp:{name}`, kind
    /// `mcp server`), so that the registry's shutdown — an agent's `stop()` —
    /// closes it.
    ///
    /// # Errors
    /// As [`ResourceRegistry::register`].
    pub fn register(&self, registry: &ResourceRegistry) -> Result<()> {
        let client = self.clone();
        registry.register(
            format!("mcp:{}", self.shared.label),
            "mcp server",
            || async move { client.close().await },
        )
    }

    /// Ends the connection; a stdio server's stdin is closed and the process
    /// is killed if it has not exited within the shutdown grace. Calls made
    /// afterwards fail. Closing twice does nothing.
    ///
    /// # Errors
    /// An [`ExecutionErrorKind::Cleanup`](crate::error::ExecutionErrorKind::Cleanup)
    /// error if the connection's task failed.
    pub async fn close(&self) -> Result<()> {
        let Some(service) = self.shared.service.lock().await.take() else {
            return Ok(());
        };
        // The grace covers the server's exit; the rest bounds the task's own shutdown.
        let limit = self.shared.shutdown_grace + Duration::from_secs(5);
        match tokio::time::timeout(limit, service.cancel()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) => Err(errors::cleanup(&self.shared.label, err.to_string())),
            Err(_) => Err(errors::cleanup(
                &self.shared.label,
                format!("the connection did not close within {limit:?}"),
            )),
        }
    }
}

#[async_trait::async_trait]
impl ToolSource for McpClient {
    fn current(&self) -> Vec<Arc<dyn Tool>> {
        self.tools()
    }

    fn changed(&self) -> bool {
        self.tools_changed()
    }

    async fn refresh(&self) -> Result<Vec<Arc<dyn Tool>>> {
        self.refresh_tools().await
    }
}
