//! Model Context Protocol, both ways (feature `mcp`): an MCP server's tools
//! in an agent ([`McpClient`]), and tools or agents served as an MCP server
//! ([`McpServer`]). Built on the official Rust SDK, `rmcp`.
//!
//! # Client
//!
//! [`McpClient::stdio`] starts a server as a child process;
//! [`McpClient::http`] reaches one over streamable HTTP. Once connected,
//! [`McpClient::tools`] gives its tools as `Arc<dyn Tool>`s, used beside
//! `#[tool]`s:
//!
//! ```no_run
//! use std::sync::Arc;
//! use patinox::agent::{AgentHandle, Runner};
//! use patinox::mcp::McpClient;
//! use patinox::memory::ResourceRegistry;
//! use patinox::model::offline::OfflineModel;
//!
//! # #[tokio::main]
//! # async fn main() -> patinox::Result<()> {
//! let mut command = std::process::Command::new("npx");
//! command.args(["-y", "@modelcontextprotocol/server-everything"]);
//! let everything = McpClient::stdio(command).prefix("everything").connect().await?;
//!
//! let resources = Arc::new(ResourceRegistry::new());
//! everything.register(&resources)?; // stop() ends the server process
//! let mut builder = Runner::builder(OfflineModel::new()).resources(resources);
//! for tool in everything.tools() {
//!     builder = builder.shared_tool(tool);
//! }
//! let agent = AgentHandle::new(builder.build()?).start().await?;
//! let reply = agent.run("Echo hello").await?;
//! agent.stop().await?;
//! # Ok(())
//! # }
//! ```
//!
//! A declared `#[agent]` takes them the same way, through its builder's
//! `.configure(|b| b.shared_tool(tool))`.
//!
//! ## Tool names
//!
//! A tool is offered under the server's name for it, or `{prefix}_{name}`
//! with [`McpConnect::prefix`]; characters models do not accept in tool
//! names (anything but ASCII letters, digits, `_` and `-`) become `_`. Two
//! tools with the same name in one agent — from two servers, or a server's
//! and a local one — make the agent builder fail with a
//! [`PatinoxError::Configuration`](crate::PatinoxError::Configuration) naming
//! the tool: give the servers prefixes.
//!
//! ## Schemas
//!
//! A tool's `inputSchema` is its canonical schema (Anthropic's
//! `input_schema`, OpenAI's non-strict `parameters`). When it has an OpenAI
//! strict form ([`crate::schema::strict_schema`]), OpenAI gets that with
//! `strict: true`; otherwise the tool is offered with `strict: false`. No
//! tool is left out. A strict call's `null` for an optional argument is
//! removed before the call reaches the server, which expects it absent.
//!
//! ## Results
//!
//! The model reads [`ToolOutput::text`]: text parts as they are, images,
//! audio and binary resources as a bracketed placeholder, embedded text
//! resources with their URI, and the structured content as JSON when there
//! are no content parts. A result with `isError` is a failed call
//! ([`ToolError::Failed`](crate::tool::ToolError::Failed)) the model can act on.
//!
//! ## Changed tool lists
//!
//! A server's `notifications/tools/list_changed` sets
//! [`McpClient::tools_changed`]; [`McpClient::refresh_tools`] lists them again.
//!
//! ## Lifetime of the server process
//!
//! [`McpClient::close`] closes a stdio server's stdin, waits up to the
//! shutdown grace ([`DEFAULT_SHUTDOWN_GRACE`]) for it to exit, then kills it.
//! [`McpClient::register`] puts the connection in a
//! [`ResourceRegistry`](crate::memory::ResourceRegistry), so the agent's
//! `stop()` closes it. When the client, its tools and the registry are all
//! dropped, the process is killed. Drop them inside the Tokio runtime, which
//! reaps the process.
//!
//! ## Failures
//!
//! Every request is bounded by the request timeout
//! ([`DEFAULT_REQUEST_TIMEOUT`], [`McpConnect::request_timeout`]), connecting by
//! the connect timeout ([`DEFAULT_CONNECT_TIMEOUT`]). A stdio server that
//! prints a line that is not JSON-RPC, or a message past
//! [`McpConnect::max_message_bytes`], has its connection closed: pending and
//! later calls fail at once with a [`PatinoxError::Network`](crate::PatinoxError::Network)
//! of kind `Decode` or `ResponseTooLarge`; a server that exits gives kind
//! `Interrupted`, one that does not answer kind `Timeout`.
//!
//! # Server
//!
//! [`McpServer`] serves a [`ToolSet`](crate::tool::ToolSet) — `#[tool]`s,
//! and agents as [`AgentTool`]s — with the specs the tools give an agent:
//! over stdio ([`McpServer::serve_stdio`]) or streamable HTTP
//! ([`serve_http`]). A client's `notifications/cancelled` drops the tool's
//! future; a request with a `progressToken` gets progress notifications when
//! the call starts (0 of 1) and ends (1 of 1).

mod agent_tool;
mod client;
mod errors;
mod http;
mod remote_tool;
mod server;
mod stdio;

pub use agent_tool::AgentTool;
pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SHUTDOWN_GRACE, McpClient, McpConnect,
};
pub use http::serve_http;
pub use remote_tool::ToolOutput;
pub use server::McpServer;
