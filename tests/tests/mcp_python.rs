//! The MCP server driven by the official Python SDK (`mcp` on PyPI) as the
//! client, over stdio and over streamable HTTP (`tests/mcp/python_client.py`).

mod mcp_support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use patinox::mcp::{McpServer, serve_http};
use patinox::tool::ToolSet;
use serde_json::Value;

/// Runs the Python client with `args` and returns the JSON lines it printed.
async fn run_python(args: &[&str]) -> Option<Vec<Value>> {
    let (python, script) = mcp_support::python_client()?;
    let run = tokio::process::Command::new(python)
        .arg(script)
        .args(args)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("the Python client does not hang")
        .expect("the Python client starts");
    assert!(
        output.status.success(),
        "the Python client failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = String::from_utf8(output.stdout).expect("UTF-8 output");
    Some(
        lines
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect(),
    )
}

/// What the Python client must have seen: our tools as the agent sees them,
/// a successful `add` and a failed `shout` (a number is not a text).
fn check(lines: &[Value]) {
    let expected = ToolSet::new(patinox_tests::mcp_fixture_tools()).unwrap();
    let listed = lines[0]["tools"].as_array().expect("a tools line");
    assert_eq!(listed.len(), expected.len());
    for spec in expected.specs() {
        let tool = listed
            .iter()
            .find(|tool| tool["name"] == spec.name())
            .unwrap_or_else(|| panic!("{} not listed", spec.name()));
        assert_eq!(tool["description"], spec.description());
        let schema: Value = serde_json::from_str(spec.parameters().get()).unwrap();
        assert_eq!(tool["schema"], schema);
    }
    assert_eq!(lines[1]["call"], "add");
    assert_eq!(lines[1]["text"], "5.5");
    assert_eq!(lines[1]["is_error"], false);
    // Progress was asked for: the server reports the start and the end.
    assert_eq!(lines[1]["progress"], serde_json::json!([0.0, 1.0]));
    assert_eq!(lines[2]["call"], "shout");
    assert_eq!(lines[2]["is_error"], true);
    assert!(
        lines[2]["text"]
            .as_str()
            .unwrap()
            .contains("invalid arguments"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["call"], "wait");
    assert_eq!(lines[3]["timed_out"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_lists_and_calls_our_tools_over_stdio() {
    let server = env!("CARGO_BIN_EXE_mcp_fixture_server");
    let Some(lines) = run_python(&["stdio", server]).await else {
        return;
    };
    check(&lines);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_lists_and_calls_our_tools_over_http() {
    if mcp_support::python_client().is_none() {
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let server = McpServer::new(ToolSet::new(patinox_tests::mcp_fixture_tools()).unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(serve_http(server, listener, async {
        let _ = stopped.await;
    }));

    let lines = run_python(&["http", &url]).await.expect("checked above");
    check(&lines);

    // The client gave up on `wait` and sent `notifications/cancelled`: the
    // server dropped the tool's future instead of letting it run its minute.
    let calls = &patinox_tests::WAIT_CALLS;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while calls.dropped.load(Ordering::SeqCst) == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(calls.started.load(Ordering::SeqCst), 1);
    assert_eq!(
        calls.dropped.load(Ordering::SeqCst),
        1,
        "the call was not cancelled"
    );
    assert_eq!(calls.finished.load(Ordering::SeqCst), 0);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("the server stops when asked")
        .unwrap()
        .unwrap();
}
