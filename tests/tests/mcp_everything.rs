//! The MCP client against `@modelcontextprotocol/server-everything`, the
//! reference server of the MCP project (npm), over stdio.

mod mcp_support;

use std::sync::Arc;
use std::time::Duration;

use patinox::agent::{AgentHandle, Runner};
use patinox::mcp::McpClient;
use patinox::memory::ResourceRegistry;
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message};
use serde_json::json;

async fn connect() -> Option<McpClient> {
    let command = mcp_support::server_everything()?;
    let client = McpClient::stdio(command)
        .name("everything")
        .prefix("everything")
        .connect()
        .await
        .expect("server-everything connects");
    Some(client)
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_and_calls_the_tools_of_server_everything() {
    let Some(client) = connect().await else {
        return;
    };
    let names: Vec<String> = client
        .tools()
        .iter()
        .map(|tool| tool.spec().name().to_owned())
        .collect();
    for expected in [
        "everything_echo",
        "everything_get-sum",
        "everything_get-structured-content",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }

    // Every tool is offered, each with its canonical schema; those that
    // qualify also with a strict one.
    let echo = client
        .tools()
        .into_iter()
        .find(|t| t.spec().name() == "everything_echo");
    let echo = echo.expect("echo is listed");
    let schema: serde_json::Value = serde_json::from_str(echo.spec().parameters().get()).unwrap();
    assert_eq!(schema["properties"]["message"]["type"], "string");
    assert!(echo.spec().strict_parameters().is_some());

    let echoed = client
        .call_tool("echo", json!({"message": "hello"}))
        .await
        .unwrap();
    assert_eq!(echoed.text, "Echo: hello");
    assert!(!echoed.is_error);

    let sum = client
        .call_tool("get-sum", json!({"a": 2, "b": 40}))
        .await
        .unwrap();
    assert!(sum.text.contains("42"), "{}", sum.text);

    let weather = client
        .call_tool("get-structured-content", json!({"location": "New York"}))
        .await
        .unwrap();
    let structured = weather.structured.expect("a structured result");
    assert!(structured.get("temperature").is_some(), "{structured}");

    // Invalid arguments come back as an error result the model can read.
    let wrong = client.call_tool("get-sum", json!({"a": "two"})).await;
    match wrong {
        Ok(output) => assert!(output.is_error, "{output:?}"),
        Err(err) => assert!(err.to_string().contains("get-sum"), "{err}"),
    }
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_uses_a_tool_of_server_everything_and_stop_ends_the_server() {
    let Some(client) = connect().await else {
        return;
    };
    let pid = client.pid().expect("a stdio server has a pid");
    assert!(mcp_support::alive(pid));

    let model = ScriptedModel::new([
        ScriptedModel::call("everything_echo", r#"{"message": "from the agent"}"#),
        CompletionResponse::text("done"),
    ]);
    let resources = Arc::new(ResourceRegistry::new());
    client.register(&resources).unwrap();
    let mut builder = Runner::builder(model).resources(Arc::clone(&resources));
    for tool in client.tools() {
        builder = builder.shared_tool(tool);
    }
    let agent = AgentHandle::new(builder.build().unwrap())
        .start()
        .await
        .unwrap();
    let result = agent.run("Echo something").await.unwrap();
    assert_eq!(result.output, "done");
    let tool_message = result.messages.iter().find_map(|message| match message {
        Message::Tool {
            content, is_error, ..
        } => Some((content.clone(), *is_error)),
        _ => None,
    });
    assert_eq!(
        tool_message,
        Some(("Echo: from the agent".to_owned(), false))
    );

    agent.stop().await.unwrap();
    assert!(
        mcp_support::gone_within(pid, Duration::from_secs(10)).await,
        "the server process {pid} outlived the agent"
    );
    assert!(resources.leak_report().open().is_empty());
}
