//! A declared `#[agent]` using an MCP server's tools through `.configure(..)`,
//! with the server's process tied to the agent's lifecycle.

mod mcp_support;

use std::process::Command;
use std::sync::Arc;

use patinox::agent;
use patinox::mcp::McpClient;
use patinox::memory::ResourceRegistry;
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message};

/// You probe things.
#[agent(max_turns = 4)]
struct Prober;

#[tokio::test(flavor = "multi_thread")]
async fn a_declared_agent_uses_mcp_tools_and_stop_ends_the_server() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp_hostile_server"));
    command.arg("changing");
    let client = McpClient::stdio(command)
        .prefix("lab")
        .connect()
        .await
        .unwrap();
    let pid = client.pid().unwrap();
    let resources = Arc::new(ResourceRegistry::new());
    client.register(&resources).unwrap();

    let model = ScriptedModel::new([
        ScriptedModel::call("lab_probe", "{}"),
        CompletionResponse::text("probed"),
    ]);
    let source = Arc::new(client.clone());
    let registry = Arc::clone(&resources);
    let prober = Prober::builder()
        .model(model)
        .configure(move |b| b.tool_source(source).resources(registry))
        .build()
        .unwrap();
    let prober = prober.start().await.unwrap();
    let result = prober.run("Probe it").await.unwrap();
    assert_eq!(result.output, "probed");
    assert!(result.messages.iter().any(|message| matches!(
        message,
        Message::Tool { content, is_error: false, .. } if content == "called"
    )));

    prober.stop().await.unwrap();
    assert!(
        !mcp_support::alive(pid),
        "the MCP server process {pid} outlived the agent"
    );
}
