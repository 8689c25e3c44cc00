//! A server's `notifications/tools/list_changed` changes the tools an agent
//! offers from the next turn on.

use std::process::Command;
use std::sync::Arc;

use patinox::agent::Runner;
use patinox::mcp::McpClient;
use patinox::model::CompletionResponse;
use patinox::model::scripted::ScriptedModel;

#[tokio::test(flavor = "multi_thread")]
async fn the_agent_offers_the_refreshed_tools_after_a_change() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp_hostile_server"));
    command.arg("changing");
    let client = McpClient::stdio(command).connect().await.unwrap();
    assert!(!client.tools_changed());

    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("probe", "{}"),
        ScriptedModel::call("probe", "{}"),
        CompletionResponse::text("done"),
    ]));
    let runner = Runner::builder(Arc::clone(&model))
        .tool_source(Arc::new(client.clone()))
        .build()
        .unwrap();
    let result = runner.run("Probe twice").await.unwrap();
    assert_eq!(result.output, "done");

    let offered: Vec<Vec<String>> = model.requests().into_iter().map(|r| r.tools).collect();
    assert_eq!(offered[0], ["probe"]);
    assert_eq!(offered[2], ["probe", "second"], "{offered:?}");
    assert!(!client.tools_changed(), "the refresh consumed the change");
    client.close().await.unwrap();
}
