//! The server: tools (and agents, as tools) served over MCP.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::value::RawValue;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::{NetworkError, NetworkErrorKind, PatinoxError, Result};
use crate::tool::{RunContext, Tool, ToolSet};

/// A set of tools served over MCP, with the specs (names, descriptions and
/// canonical argument schemas) the tools give an agent, computed once.
///
/// Cloning is cheap. Serve it with [`serve_stdio`](Self::serve_stdio),
/// [`serve_http`](super::serve_http) or [`serve_io`](Self::serve_io).
///
/// ```
/// use patinox::mcp::McpServer;
/// use patinox::tool::ToolSet;
///
/// /// Adds two numbers.
/// #[patinox::tool]
/// fn add(a: f64, b: f64) -> f64 {
///     a + b
/// }
///
/// let server = McpServer::new(ToolSet::new(vec![std::sync::Arc::new(add {})])?)
///     .with_name("calculator");
/// assert_eq!(server.tools().len(), 1);
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Clone)]
pub struct McpServer {
    tools: ToolSet,
    listed: Arc<[rmcp::model::Tool]>,
    context: RunContext,
    name: String,
    instructions: Option<String>,
}

impl fmt::Debug for McpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServer")
            .field("name", &self.name)
            .field("tools", &self.tools)
            .finish_non_exhaustive()
    }
}

impl McpServer {
    /// A server offering `tools`, named `patinox`, whose tools get an empty
    /// [`RunContext`].
    pub fn new(tools: ToolSet) -> Self {
        let listed = tools.specs().iter().map(listed_tool).collect();
        Self {
            tools,
            listed,
            context: RunContext::empty(),
            name: "patinox".to_owned(),
            instructions: None,
        }
    }

    /// The server's name in the handshake (`serverInfo.name`).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Instructions for the client's model, sent in the handshake.
    #[must_use]
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Dependencies handed to the tools through their [`RunContext`].
    #[must_use]
    pub fn with_deps<D: Send + Sync + 'static>(mut self, deps: Arc<D>) -> Self {
        self.context = RunContext::new(deps).erase();
        self
    }

    /// The tools served.
    pub fn tools(&self) -> &ToolSet {
        &self.tools
    }

    /// Serves one client on this process's stdin and stdout until it
    /// disconnects. Nothing else may write to stdout meanwhile (log to stderr).
    ///
    /// # Errors
    /// A [`PatinoxError::Network`] if the handshake fails.
    pub async fn serve_stdio(self) -> Result<()> {
        self.serve_io(tokio::io::stdin(), tokio::io::stdout()).await
    }

    /// Serves one client over a byte stream pair (newline-delimited JSON-RPC)
    /// until it disconnects.
    ///
    /// # Errors
    /// A [`PatinoxError::Network`] if the handshake fails.
    pub async fn serve_io<R, W>(self, read: R, write: W) -> Result<()>
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let running = self.serve((read, write)).await.map_err(|err| {
            PatinoxError::from(NetworkError::new(
                NetworkErrorKind::Connect,
                format!("MCP handshake with the client failed: {err}"),
            ))
        })?;
        // The service ends when the client closes the stream; how it ended is
        // not an error of the server.
        let _ = running.waiting().await;
        Ok(())
    }

    async fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> std::result::Result<CallToolResponse, ErrorData> {
        let Some(tool) = self.tools.get(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        };
        let arguments = serde_json::value::to_raw_value(&request.arguments.unwrap_or_default())
            .map_err(|err| ErrorData::invalid_params(err.to_string(), None))?;
        let progress = Progress::new(&context);
        progress.report(0.0).await;
        let outcome = tokio::select! {
            outcome = call_tool(tool.as_ref(), &self.context, &arguments) => outcome,
            () = context.ct.cancelled() => {
                // The client cancelled: the tool's future is dropped, and the
                // answer is discarded by the SDK anyway.
                return Err(ErrorData::internal_error("the call was cancelled", None));
            }
        };
        progress.report(1.0).await;
        Ok(CallToolResponse::Complete(outcome))
    }
}

async fn call_tool(tool: &dyn Tool, context: &RunContext, arguments: &RawValue) -> CallToolResult {
    match tool.call(context, arguments).await {
        Ok(text) => CallToolResult::success(vec![ContentBlock::text(text)]),
        Err(err) => CallToolResult::error(vec![ContentBlock::text(err.to_string())]),
    }
}

/// Progress notifications for a request that asked for them (`_meta.progressToken`).
struct Progress<'a> {
    context: &'a RequestContext<RoleServer>,
    token: Option<rmcp::model::ProgressToken>,
}

impl<'a> Progress<'a> {
    fn new(context: &'a RequestContext<RoleServer>) -> Self {
        Self {
            context,
            token: context.meta.get_progress_token(),
        }
    }

    async fn report(&self, done: f64) {
        let Some(token) = &self.token else { return };
        let params = ProgressNotificationParam::new(token.clone(), done).with_total(1.0);
        if let Err(err) = self.context.peer.notify_progress(params).await {
            tracing::debug!(%err, "could not send an MCP progress notification");
        }
    }
}

/// The tool as `tools/list` shows it: the spec's name, description and
/// canonical schema.
fn listed_tool(spec: &crate::model::ToolSpec) -> rmcp::model::Tool {
    let schema = serde_json::from_str(spec.parameters().get()).unwrap_or_default();
    rmcp::model::Tool::new(
        spec.name().to_owned(),
        spec.description().to_owned(),
        Arc::new(schema),
    )
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let config = ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                self.name.clone(),
                env!("CARGO_PKG_VERSION"),
            ));
        match &self.instructions {
            Some(instructions) => config.with_instructions(instructions.clone()),
            None => config,
        }
    }

    fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = std::result::Result<ListToolsResult, ErrorData>> + Send + '_ {
        std::future::ready(Ok(ListToolsResult::with_all_items(self.listed.to_vec())))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.listed.iter().find(|tool| tool.name == name).cloned()
    }

    fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = std::result::Result<CallToolResponse, ErrorData>> + Send + '_ {
        self.call(request, context)
    }
}
