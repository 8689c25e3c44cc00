//! Durable runs on a real Restate server: the service process killed during
//! a tool call, one of two service processes killed, the server itself
//! killed. Each time the run completes with the answer an uninterrupted run
//! gives, and the steps that had completed are not repeated: the mock model
//! counts its requests, the tool counts its side effects in a file.
//!
//! The server is the npm package `@restatedev/restate-server` (`npm ci` in
//! `tests/server`); without it these tests are skipped, except under `CI`.

mod support;

use patinox_mock::{DEFAULT_FINAL_TEXT, Fault, MockConfig, MockServer};
use support::{Proxy, Restate, Service, Start, ToolDir, free_port, server_binary};

const INPUT: &str = "Record my visit to Paris.";

/// The processes the tool started in, asserting that every start had the
/// same idempotency key (the tool could make its effect once with it).
fn processes(started: &[Start]) -> Vec<&str> {
    let key = &started[0].key;
    // `<run id>:<turn>:<call id>`, the run id being the invocation's.
    assert!(key.starts_with("inv") && key.contains(":1:"), "{key}");
    for start in started {
        assert_eq!(&start.key, key, "every attempt of a call has its key");
    }
    started.iter().map(|start| start.pid.as_str()).collect()
}

/// The messages of the conversation's saved history.
fn messages(history: &serde_json::Value) -> &Vec<serde_json::Value> {
    history["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("no messages in {history}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_killed_during_a_tool_call_resumes_after_a_restart() {
    let Some(binary) = server_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let restate = Restate::start(binary, data.path()).await;
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let tools = ToolDir::new();
    let port = free_port();
    let service = Service::start(port, &mock.base_url(), &tools, "first").await;
    restate.register(&service.uri()).await;

    let ingress = restate.ingress();
    let turn = tokio::spawn(async move { ingress.run("ada", "turn-1", INPUT).await });
    tools.wait_started(1).await;
    let first = service.pid();
    service.kill();
    assert!(
        tools.effects().is_empty(),
        "the tool was killed before its effect"
    );

    let service = Service::start(port, &mock.base_url(), &tools, "second").await;
    let started = tools.wait_started(2).await;
    tools.release();
    let answer = turn
        .await
        .unwrap()
        .expect("the turn completes after the restart");

    assert_eq!(answer, DEFAULT_FINAL_TEXT);
    // The first model call was journaled before the kill: replayed, not sent again.
    assert_eq!(mock.requests(), 2, "each model call ran once");
    // The interrupted tool call ran again, in the new process; its effect happened once.
    assert_eq!(processes(&started), [first, service.pid()]);
    assert_eq!(tools.effects().len(), 1, "the tool's effect happened once");

    // The conversation lives in the object's state: the next turn continues it.
    let ingress = restate.ingress();
    assert_eq!(messages(&ingress.history("ada").await).len(), 4);
    let answer = ingress.run("ada", "turn-2", "Thanks!").await.unwrap();
    assert_eq!(answer, DEFAULT_FINAL_TEXT);
    let history = ingress.history("ada").await;
    assert_eq!(messages(&history).len(), 6);
    assert_eq!(history["runs"], 2);
    assert_eq!(messages(&ingress.history("bob").await).len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_moves_to_the_other_process_when_one_is_killed() {
    let Some(binary) = server_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let restate = Restate::start(binary, data.path()).await;
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let tools = ToolDir::new();
    let (a_port, b_port) = (free_port(), free_port());
    let a = Service::start(a_port, &mock.base_url(), &tools, "a").await;
    let b = Service::start(b_port, &mock.base_url(), &tools, "b").await;
    // One deployment, two processes: Restate pins an invocation to its
    // deployment's URI, so the processes share one, behind a proxy.
    let proxy = Proxy::start(vec![a_port, b_port]).await;
    restate.register(&proxy.uri()).await;

    let ingress = restate.ingress();
    let turn = tokio::spawn(async move { ingress.run("ada", "turn-1", INPUT).await });
    tools.wait_started(1).await;
    let a_pid = a.pid();
    a.kill();
    let started = tools.wait_started(2).await;
    tools.release();
    let answer = turn
        .await
        .unwrap()
        .expect("the turn completes on the other process");

    assert_eq!(answer, DEFAULT_FINAL_TEXT);
    assert_eq!(processes(&started), [a_pid, b.pid()]);
    assert_eq!(mock.requests(), 2, "each model call ran once");
    assert_eq!(tools.effects().len(), 1, "the tool's effect happened once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_is_fetched_by_its_idempotency_key_after_the_server_restarts() {
    let Some(binary) = server_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let mut restate = Restate::start(binary, data.path()).await;
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let tools = ToolDir::new();
    let service = Service::start(free_port(), &mock.base_url(), &tools, "service").await;
    restate.register(&service.uri()).await;

    let ingress = restate.ingress();
    let turn = tokio::spawn(async move { ingress.run("ada", "turn-1", INPUT).await });
    tools.wait_started(1).await;
    restate.kill();
    let lost = turn.await.unwrap();
    assert!(lost.is_err(), "the caller lost its connection: {lost:?}");

    restate.restart().await;
    // The restarted server invokes the service again: the interrupted tool
    // call runs again (the first attempt died with its connection).
    let started = tools.wait_started(2).await;
    tools.release();
    // Sent again with the same idempotency key, the request attaches to the
    // invocation that was under way, and answers its result.
    let answer = restate
        .ingress()
        .run("ada", "turn-1", INPUT)
        .await
        .expect("the result, by idempotency key");

    assert_eq!(answer, DEFAULT_FINAL_TEXT);
    assert_eq!(mock.requests(), 2, "each model call ran once");
    assert_eq!(processes(&started), [service.pid(), service.pid()]);
    assert_eq!(tools.effects().len(), 1, "the tool's effect happened once");
    let history = restate.ingress().history("ada").await;
    assert_eq!(
        messages(&history).len(),
        4,
        "one turn, recorded once: {history}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_fails_for_good_fails_the_invocation_and_keeps_the_history() {
    let Some(binary) = server_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let restate = Restate::start(binary, data.path()).await;
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let tools = ToolDir::new();
    // The model refuses every request: a 400 no retry can cure.
    let refusing = mock.base_url_with(&Fault::status(400));
    let service = Service::start(free_port(), &refusing, &tools, "service").await;
    restate.register(&service.uri()).await;

    let ingress = restate.ingress();
    let error = ingress
        .run("ada", "turn-1", INPUT)
        .await
        .expect_err("the model's error fails the turn");
    assert!(
        error.contains("400"),
        "the model's error reaches the caller: {error}"
    );
    // Recorded as a terminal failure, not retried.
    assert_eq!(mock.requests(), 1);
    assert!(tools.started().is_empty());
    assert_eq!(messages(&ingress.history("ada").await).len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_error_a_retry_may_cure_is_retried_by_restate() {
    let Some(binary) = server_binary() else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let restate = Restate::start(binary, data.path()).await;
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let tools = ToolDir::new();
    tools.release();
    // The first two requests get a 503; the model itself does not retry.
    let flaky = mock.base_url_with(&Fault::status(503).first(2));
    let service = Service::start(free_port(), &flaky, &tools, "service").await;
    restate.register(&service.uri()).await;

    let answer = restate.ingress().run("ada", "turn-1", INPUT).await;

    assert_eq!(answer.as_deref(), Ok(DEFAULT_FINAL_TEXT));
    assert_eq!(mock.requests(), 4, "two refused, then each model call once");
    assert_eq!(tools.effects().len(), 1);
}
