//! Tools and an agent served as an MCP server.
//!
//! ```text
//! cargo run --features mcp --example mcp_server                  # demo: serves, calls itself, exits
//! cargo run --features mcp --example mcp_server -- --stdio       # a real stdio server
//! cargo run --features mcp --example mcp_server -- --http 127.0.0.1:8080
//! ```
//!
//! As a stdio server it is what MCP hosts launch: point one at the built
//! binary (`target/debug/examples/mcp_server --stdio`). Over HTTP it serves
//! until Ctrl-C; clients connect to `http://127.0.0.1:8080/mcp`.

use std::sync::Arc;

use patinox::agent::{Agent, Runner};
use patinox::mcp::{AgentTool, McpClient, McpServer, serve_http};
use patinox::model::offline::OfflineModel;
use patinox::tool::{Tool, ToolSet};
use serde_json::json;

/// Converts a temperature from Celsius to Fahrenheit.
///
/// # Arguments
/// * `celsius` - The temperature in degrees Celsius.
#[patinox::tool]
fn to_fahrenheit(celsius: f64) -> f64 {
    celsius * 9.0 / 5.0 + 32.0
}

/// Counts the words of a text.
///
/// # Arguments
/// * `text` - The text to count.
#[patinox::tool]
fn word_count(text: String) -> usize {
    text.split_whitespace().count()
}

async fn server() -> patinox::Result<McpServer> {
    // An agent is served as one tool taking {"input": "..."}.
    let assistant: Arc<dyn Agent> = Arc::new(Runner::builder(OfflineModel::new()).build()?);
    assistant.start().await?;
    let tools: Vec<Arc<dyn Tool>> = vec![
        Arc::new(to_fahrenheit {}),
        Arc::new(word_count {}),
        Arc::new(AgentTool::new(
            "assistant",
            "Answers a request in plain text.",
            assistant,
        )?),
    ];
    Ok(McpServer::new(ToolSet::new(tools)?).with_name("patinox-example"))
}

fn io_error(err: std::io::Error) -> patinox::PatinoxError {
    patinox::PatinoxError::configuration(err.to_string())
}

/// Serves over HTTP on a free port, calls the tools with an MCP client, exits.
async fn demo(server: McpServer) -> patinox::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(io_error)?;
    let url = format!("http://{}/mcp", listener.local_addr().map_err(io_error)?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(serve_http(server, listener, async {
        let _ = stopped.await;
    }));
    println!("serving at {url}");

    let client = McpClient::http(&url).connect().await?;
    for tool in client.tools() {
        println!("- {}: {}", tool.spec().name(), tool.spec().description());
    }
    let warm = client
        .call_tool("to_fahrenheit", json!({"celsius": 21.5}))
        .await?;
    println!("to_fahrenheit(21.5) = {}", warm.text);
    let words = client
        .call_tool("word_count", json!({"text": "served over MCP"}))
        .await?;
    println!("word_count = {}", words.text);
    let answer = client
        .call_tool("assistant", json!({"input": "Hello"}))
        .await?;
    println!("assistant: {}", answer.text);

    client.close().await?;
    let _ = stop.send(());
    serving
        .await
        .map_err(|err| patinox::PatinoxError::configuration(err.to_string()))?
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = server().await?;
    match args.first().map(String::as_str) {
        // Logs go to stderr: stdout carries the protocol.
        Some("--stdio") => server.serve_stdio().await,
        Some("--http") => {
            patinox_examples::init_logging();
            let address = args.get(1).map_or("127.0.0.1:8080", String::as_str);
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .map_err(io_error)?;
            println!("serving MCP at http://{address}/mcp; Ctrl-C stops");
            serve_http(server, listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
        }
        _ => demo(server).await,
    }
}
