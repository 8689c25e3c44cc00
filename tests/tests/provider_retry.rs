//! Retries on by default: whole agent runs with the model `from_vars` picks
//! (the testable core of `from_env`) against a local mock of the provider.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use futures_util::StreamExt;
use patinox::agent::Runner;
use patinox::model::retry::RetryPolicy;
use patinox::model::{
    CompletionRequest, LanguageModel, LocalProbe, Message, StreamEvent, from_vars, from_vars_with,
};
use support::{bounded, capture_logs, fixture, json, json_status, sse};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The variables of an environment that points OpenAI at `server`.
fn openai_env(server: &MockServer) -> impl Fn(&str) -> Option<String> {
    let base = format!("{}/v1", server.uri());
    move |name| match name {
        "OPENAI_API_KEY" => Some("sk-test".to_owned()),
        "OPENAI_BASE_URL" => Some(base.clone()),
        _ => None,
    }
}

/// The wait of each retry, as logged (`delay_ms=…`): read from the log
/// rather than the clock.
fn waits(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|line| line.contains("retrying model call"))
        .filter_map(|line| line.split_whitespace().find(|w| w.starts_with("delay_ms=")))
        .collect()
}

async fn default_model(server: &MockServer) -> Arc<dyn LanguageModel> {
    from_vars(openai_env(server), &LocalProbe::disabled())
        .await
        .unwrap()
}

/// Fails the first `times` requests with `failure`, then answers with text.
async fn fail_then_answer(server: &MockServer, failure: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(failure)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn unavailable() -> ResponseTemplate {
    json_status(
        503,
        r#"{"error":{"message":"The server is overloaded","type":"server_error"}}"#,
    )
}

fn rate_limited() -> ResponseTemplate {
    json_status(429, fixture("openai/error_429_rate_limit.json"))
}

#[tokio::test]
async fn a_run_survives_two_unavailable_answers() {
    let server = MockServer::start().await;
    fail_then_answer(&server, unavailable(), 2).await;
    let runner = Runner::builder(default_model(&server).await)
        .build()
        .unwrap();
    let result = bounded(runner.run("Hello")).await.unwrap();
    assert!(!result.output.is_empty());
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn a_rate_limit_waits_as_long_as_retry_after_says() {
    let server = MockServer::start().await;
    fail_then_answer(&server, rate_limited().insert_header("retry-after", "1"), 1).await;
    let runner = Runner::builder(default_model(&server).await)
        .build()
        .unwrap();
    let (logs, _guard) = capture_logs();
    bounded(runner.run("Hello")).await.unwrap();
    assert_eq!(waits(&logs.text()), ["delay_ms=1000"]);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_ms_takes_precedence() {
    let server = MockServer::start().await;
    // `retry-after-ms` wins over `Retry-After`; a 30 s wait would outlast `bounded`.
    let failure = rate_limited()
        .insert_header("retry-after", "30")
        .insert_header("retry-after-ms", "300");
    fail_then_answer(&server, failure, 1).await;
    let runner = Runner::builder(default_model(&server).await)
        .build()
        .unwrap();
    let (logs, _guard) = capture_logs();
    bounded(runner.run("Hello")).await.unwrap();
    assert_eq!(waits(&logs.text()), ["delay_ms=300"]);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_bad_request_is_not_retried() {
    let server = MockServer::start().await;
    let failure = json_status(
        400,
        r#"{"error":{"message":"Invalid value for temperature","type":"invalid_request_error"}}"#,
    );
    fail_then_answer(&server, failure, 1).await;
    let runner = Runner::builder(default_model(&server).await)
        .build()
        .unwrap();
    let error = bounded(runner.run("Hello")).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    fail_then_answer(&server, unavailable(), 1).await;
    let model = from_vars_with(
        openai_env(&server),
        &LocalProbe::disabled(),
        RetryPolicy::none(),
    )
    .await
    .unwrap();
    let runner = Runner::builder(model).build().unwrap();
    let error = bounded(runner.run("Hello")).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_stream_that_fails_before_its_first_event_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(sse(fixture("anthropic/docs_stream_error_overloaded.sse")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(sse(fixture("anthropic/stream_text.sse")))
        .mount(&server)
        .await;
    let base = format!("{}/v1", server.uri());
    let vars = move |name: &str| match name {
        "ANTHROPIC_API_KEY" => Some("sk-ant-test".to_owned()),
        "ANTHROPIC_BASE_URL" => Some(base.clone()),
        _ => None,
    };
    let model = from_vars(vars, &LocalProbe::disabled()).await.unwrap();
    let messages = [Message::user("Hello")];
    let stream = bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let events: Vec<_> = bounded(stream.collect::<Vec<_>>()).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert!(matches!(events.last(), Some(Ok(StreamEvent::Done(_)))));
    assert_eq!(requests(&server).await, 2);
}
