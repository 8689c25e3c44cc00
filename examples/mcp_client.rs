//! An agent using the tools of an MCP server.
//!
//! The server is `@modelcontextprotocol/server-everything`, the MCP project's
//! reference server, when it is installed (`npm ci` in `tests/mcp`, as
//! `.ci/run` does) or `MCP_EVERYTHING=npx` asks for it through `npx`;
//! otherwise an MCP server built from this example's own `#[tool]`, served
//! over HTTP on 127.0.0.1. Runs offline on the built-in model; set a
//! provider's key (see the README) to talk to a real model.
//!
//! ```text
//! cargo run --features mcp --example mcp_client
//! ```

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use patinox::agent::{AgentHandle, Runner};
use patinox::mcp::{McpClient, McpServer, serve_http};
use patinox::memory::ResourceRegistry;
use patinox::tool::ToolSet;
use tokio::sync::oneshot;

/// Echoes back the input string.
///
/// # Arguments
/// * `message` - Message to echo.
#[patinox::tool]
fn echo(message: String) -> String {
    format!("Echo: {message}")
}

/// How to start server-everything, if it can be.
fn server_everything() -> Option<Command> {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if installed.exists() {
        let mut command = Command::new("node");
        command.arg(installed).arg("stdio");
        return Some(command);
    }
    if std::env::var("MCP_EVERYTHING").as_deref() == Ok("npx") {
        let mut command = Command::new("npx");
        command.args(["-y", "@modelcontextprotocol/server-everything", "stdio"]);
        return Some(command);
    }
    None
}

/// Serves `echo` over HTTP on a free port; the sender stops it.
async fn own_server() -> patinox::Result<(String, oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| patinox::PatinoxError::configuration(err.to_string()))?;
    let url = format!(
        "http://{}/mcp",
        listener
            .local_addr()
            .map_err(|err| patinox::PatinoxError::configuration(err.to_string()))?
    );
    let server = McpServer::new(ToolSet::new(vec![Arc::new(echo {})])?).with_name("examples");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_http(server, listener, async {
        let _ = stopped.await;
    }));
    Ok((url, stop))
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    // rmcp logs every connection and request at INFO; only its warnings matter here.
    patinox_examples::init_logging_with("info,rmcp=warn");
    let (client, own) = match server_everything() {
        Some(command) => {
            println!("MCP server: server-everything (stdio)");
            (
                McpClient::stdio(command)
                    .name("everything")
                    .connect()
                    .await?,
                None,
            )
        }
        None => {
            let (url, stop) = own_server().await?;
            println!("MCP server: this example's own tools at {url}");
            (
                McpClient::http(url).name("examples").connect().await?,
                Some(stop),
            )
        }
    };
    let listed: Vec<String> = client
        .tools()
        .iter()
        .map(|t| t.spec().name().to_owned())
        .collect();
    println!("tools: {}", listed.join(", "));

    // The connection is a resource of the agent: stop() closes it (and ends
    // a stdio server's process).
    let resources = Arc::new(ResourceRegistry::new());
    client.register(&resources)?;
    let mut builder = Runner::builder(patinox::model::from_env().await?)
        .instructions("Use the echo tool to repeat what the user says.")
        .resources(resources);
    for tool in client
        .tools()
        .into_iter()
        .filter(|t| t.spec().name() == "echo")
    {
        builder = builder.shared_tool(tool);
    }
    let agent = AgentHandle::new(builder.build()?).start().await?;
    let reply = agent.run("Please echo: hello from Patinox").await?;
    println!("agent: {}", reply.output);
    agent.stop().await?;
    if let Some(stop) = own {
        let _ = stop.send(());
    }
    Ok(())
}
