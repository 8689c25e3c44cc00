//! MCP servers that misbehave: every failure is a typed error within the
//! configured bounds, no call hangs, and no server process is left behind.

mod mcp_support;

use std::process::Command;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::error::NetworkErrorKind;
use patinox::mcp::McpClient;
use serde_json::json;

/// Fails the test instead of hanging it.
const HANG_GUARD: Duration = Duration::from_secs(30);

async fn connect(mode: &str) -> McpClient {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp_hostile_server"));
    command.arg(mode);
    McpClient::stdio(command)
        .name(mode)
        .request_timeout(Duration::from_secs(1))
        .max_message_bytes(1 << 20)
        .shutdown_grace(Duration::from_millis(500))
        .connect()
        .await
        .expect("the hostile server completes the handshake")
}

async fn probe(client: &McpClient) -> PatinoxError {
    let call = client.call_tool("probe", json!({}));
    match tokio::time::timeout(HANG_GUARD, call).await {
        Ok(Ok(output)) => panic!("the call succeeded: {output:?}"),
        Ok(Err(err)) => err,
        Err(_) => panic!("the call hung"),
    }
}

fn network_kind(err: &PatinoxError) -> NetworkErrorKind {
    match err {
        PatinoxError::Network(detail) => detail.kind,
        other => panic!("expected a network error, got {other:?}"),
    }
}

async fn assert_no_process_left(client: McpClient) {
    let pid = client.pid().expect("a stdio server has a pid");
    drop(client);
    assert!(
        mcp_support::gone_within(pid, Duration::from_secs(10)).await,
        "server process {pid} was left running"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_message_is_a_decode_error_and_closes_the_connection() {
    let client = connect("malformed").await;
    let err = probe(&client).await;
    assert_eq!(network_kind(&err), NetworkErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("not JSON-RPC"), "{err}");
    // The connection is closed: the next call fails at once, the same way.
    assert_eq!(
        network_kind(&probe(&client).await),
        NetworkErrorKind::Decode
    );
    assert_no_process_left(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_times_out() {
    let client = connect("silent").await;
    let err = probe(&client).await;
    assert_eq!(network_kind(&err), NetworkErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("within 1s"), "{err}");
    assert_no_process_left(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_message_is_refused() {
    let client = connect("oversized").await;
    let err = probe(&client).await;
    assert_eq!(
        network_kind(&err),
        NetworkErrorKind::ResponseTooLarge,
        "{err}"
    );
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
    assert_no_process_left(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_exits_mid_call_interrupts_it() {
    let client = connect("exit").await;
    let err = probe(&client).await;
    assert_eq!(network_kind(&err), NetworkErrorKind::Interrupted, "{err}");
    client
        .close()
        .await
        .expect("closing an ended connection is fine");
    assert_no_process_left(client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn close_ends_the_server_process() {
    let client = connect("silent").await;
    let pid = client.pid().unwrap();
    client.close().await.unwrap();
    assert!(
        !mcp_support::alive(pid),
        "server process {pid} survived close()"
    );
    let err = probe(&client).await;
    assert!(matches!(err, PatinoxError::Network(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_that_does_not_exist_is_a_connect_error() {
    let err = McpClient::stdio(Command::new("/nonexistent/mcp-server"))
        .connect()
        .await
        .unwrap_err();
    assert_eq!(network_kind(&err), NetworkErrorKind::Connect, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_that_is_not_an_mcp_server_fails_to_connect() {
    let mut command = Command::new("sh");
    command.args(["-c", "echo 'hello, I am not MCP'; sleep 30"]);
    let started = McpClient::stdio(command)
        .connect_timeout(Duration::from_secs(5))
        .connect();
    let err = tokio::time::timeout(HANG_GUARD, started)
        .await
        .expect("connecting does not hang")
        .unwrap_err();
    assert_eq!(network_kind(&err), NetworkErrorKind::Decode, "{err}");
}
