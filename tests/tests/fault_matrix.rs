//! The fault matrix: what a user sees when a provider or the network
//! misbehaves. Faults the recovery strategy calls transient are recovered by
//! retry or fallback; the rest end in the right typed error. Every call is
//! bounded in time: nothing may hang.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::error::{ExecutionErrorKind, NetworkErrorKind, RecoveryStrategy};
use patinox::model::circuit::{CircuitBreaker, CircuitBreakerModel, CircuitState};
use patinox::model::fallback::FallbackModel;
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{
    ChatCompletionsModel, CompletionRequest, LanguageModel, Message, ProviderConfig, openai,
};
use support::{
    Raw, bounded, capture_logs, chunked, drain, fixture, json, json_status, raw_server, sse,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn openai_at(base: &str) -> ChatCompletionsModel {
    openai::model(
        "gpt-4o-mini",
        ProviderConfig::new()
            .api_key("sk-test")
            .base_url(base)
            .timeout(Duration::from_millis(500))
            .max_response_bytes(64 * 1024),
    )
    .unwrap()
}

fn fast_retry<M: LanguageModel>(model: M) -> RetryModel<M> {
    RetryModel::new(
        model,
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(5))
            .max_delay(Duration::from_secs(2)),
    )
}

async fn complete(
    model: &dyn LanguageModel,
) -> patinox::Result<patinox::model::CompletionResponse> {
    let messages = [Message::user("Hi")];
    bounded(model.complete(CompletionRequest::new(&messages))).await
}

/// A server that fails once with `failure`, then answers normally.
async fn failing_once(failure: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(failure)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    for status in [500, 502, 503, 529] {
        let server = failing_once(json_status(
            status,
            br#"{"error":{"message":"busy"}}"#.to_vec(),
        ))
        .await;
        let model = fast_retry(openai_at(&server.uri()));
        let response = complete(&model).await.unwrap();
        assert!(response.content.is_some(), "{status}");
        assert_eq!(requests(&server).await, 2, "{status}");
    }
}

#[tokio::test]
async fn rate_limits_wait_for_retry_after() {
    // The wait is read from the retry's log line, not the clock.
    for (header, value, delay) in [
        ("retry-after", "1", "delay_ms=1000"),
        ("retry-after-ms", "200", "delay_ms=200"),
    ] {
        let failure = json_status(429, fixture("openai/error_429_rate_limit.json"))
            .insert_header(header, value);
        let server = failing_once(failure).await;
        let model = fast_retry(openai_at(&server.uri()));
        let (logs, _guard) = capture_logs();
        complete(&model).await.unwrap();
        let logs = logs.text();
        let retries: Vec<&str> = logs.lines().filter(|l| l.contains("retrying")).collect();
        assert_eq!(retries.len(), 1, "{header}: {logs}");
        assert!(retries[0].contains(delay), "{header}: {logs}");
    }
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(503, b"{}".to_vec()))
        .mount(&server)
        .await;
    let error = complete(&fast_retry(openai_at(&server.uri())))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_status(
                status,
                br#"{"error":{"message":"no"}}"#.to_vec(),
            ))
            .mount(&server)
            .await;
        let error = complete(&fast_retry(openai_at(&server.uri())))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(requests(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn connection_resets_are_retried() {
    let healthy = chunked(
        "application/json",
        &fixture("openai/chat_completion_text.json"),
        true,
    );
    let base = raw_server(vec![Raw::Reset, Raw::Reply(healthy)]).await;
    let response = complete(&fast_retry(openai_at(&base))).await.unwrap();
    assert!(response.content.is_some());

    let base = raw_server(vec![Raw::Reset]).await;
    let error = complete(&openai_at(&base)).await.unwrap_err();
    let PatinoxError::Network(detail) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(detail.kind, NetworkErrorKind::Interrupted, "{error}");
    assert_eq!(
        error.recovery_strategy(),
        RecoveryStrategy::Retry { after: None }
    );
}

#[tokio::test]
async fn timeouts_are_typed_and_recovered_by_fallback() {
    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(fixture("openai/chat_completion_text.json")).set_delay(Duration::from_secs(3)),
        )
        .mount(&slow)
        .await;
    let error = complete(&openai_at(&slow.uri())).await.unwrap_err();
    let PatinoxError::Network(detail) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(detail.kind, NetworkErrorKind::Timeout);

    let healthy = failing_once(json_status(
        200,
        fixture("openai/chat_completion_text.json"),
    ))
    .await;
    let fallback = FallbackModel::new(vec![
        Arc::new(openai_at(&slow.uri())),
        Arc::new(openai_at(&healthy.uri())),
    ])
    .unwrap();
    assert!(complete(&fallback).await.unwrap().content.is_some());
}

#[tokio::test]
async fn a_stream_cut_mid_event_is_an_interrupted_error() {
    let events = fixture("openai/stream_text_with_usage.sse");
    let cut = &events[..events.len() / 2];
    let messages = [Message::user("Hi")];
    // The connection dies mid-body, and a body that ends cleanly mid-event.
    let broken = raw_server(vec![Raw::Reply(chunked("text/event-stream", cut, false))]).await;
    let clean = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(cut.to_vec()))
        .mount(&clean)
        .await;
    for base in [broken, clean.uri()] {
        let model = openai_at(&base);
        let stream = bounded(model.stream(CompletionRequest::new(&messages)))
            .await
            .unwrap();
        let (events, end) = bounded(drain(stream)).await;
        assert!(!events.is_empty());
        let error = end.unwrap_err();
        let PatinoxError::Network(detail) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(detail.kind, NetworkErrorKind::Interrupted, "{error}");
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn malformed_oversized_and_mislabelled_bodies_fail_without_retry() {
    let cases: [(ResponseTemplate, NetworkErrorKind); 3] = [
        (json(b"{\"choices\": [".to_vec()), NetworkErrorKind::Decode),
        (
            json(vec![b' '; 200 * 1024]),
            NetworkErrorKind::ResponseTooLarge,
        ),
        (
            ResponseTemplate::new(200).set_body_raw(b"<html>hi</html>".to_vec(), "text/html"),
            NetworkErrorKind::Decode,
        ),
    ];
    for (template, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(template)
            .mount(&server)
            .await;
        let error = complete(&fast_retry(openai_at(&server.uri())))
            .await
            .unwrap_err();
        let PatinoxError::Network(detail) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(detail.kind, kind, "{error}");
        assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
        assert_eq!(requests(&server).await, 1);
    }
}

#[tokio::test]
async fn a_stream_request_answered_with_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .mount(&server)
        .await;
    let messages = [Message::user("Hi")];
    let model = openai_at(&server.uri());
    let error = bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .err()
        .unwrap();
    assert!(matches!(&error, PatinoxError::Network(d) if d.kind == NetworkErrorKind::Decode));
}

#[tokio::test]
async fn fallback_moves_on_for_fallback_errors_and_stops_on_failures() {
    let missing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(
            404,
            br#"{"error":{"message":"no such model"}}"#.to_vec(),
        ))
        .mount(&missing)
        .await;
    let unauthorized = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(
            401,
            br#"{"error":{"message":"bad key"}}"#.to_vec(),
        ))
        .mount(&unauthorized)
        .await;
    let healthy = failing_once(json_status(
        200,
        fixture("openai/chat_completion_text.json"),
    ))
    .await;

    let recovered = FallbackModel::new(vec![
        Arc::new(openai_at(&missing.uri())),
        Arc::new(openai_at(&healthy.uri())),
    ])
    .unwrap();
    assert!(complete(&recovered).await.is_ok());

    let stops = FallbackModel::new(vec![
        Arc::new(openai_at(&unauthorized.uri())),
        Arc::new(openai_at(&healthy.uri())),
    ])
    .unwrap();
    let before = requests(&healthy).await;
    assert_eq!(complete(&stops).await.unwrap_err().status(), Some(401));
    assert_eq!(requests(&healthy).await, before);

    let all_fail = FallbackModel::new(vec![
        Arc::new(openai_at(&missing.uri())),
        Arc::new(fast_retry(openai_at(&missing.uri()))),
        Arc::new(openai_at(&unauthorized.uri())),
    ])
    .unwrap();
    let error = complete(&all_fail).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    let earlier: Vec<_> = error
        .earlier_attempts()
        .iter()
        .map(|e| e.status())
        .collect();
    assert_eq!(earlier, [Some(404), Some(404)]);
}

#[tokio::test]
async fn an_open_circuit_fails_fast_then_probes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(500, b"{}".to_vec()))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .mount(&server)
        .await;
    let model = CircuitBreakerModel::new(
        openai_at(&server.uri()),
        CircuitBreaker::new(2, Duration::from_millis(200)),
    );
    for _ in 0..2 {
        assert_eq!(complete(&model).await.unwrap_err().status(), Some(500));
    }
    let error = complete(&model).await.unwrap_err();
    assert!(
        matches!(&error, PatinoxError::Execution(e) if e.kind == ExecutionErrorKind::CircuitOpen)
    );
    assert_eq!(error.recovery_strategy(), RecoveryStrategy::CircuitBreak);
    assert_eq!(requests(&server).await, 2, "an open circuit sends nothing");

    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(model.breaker().state(), CircuitState::HalfOpen);
    assert!(complete(&model).await.is_ok());
    assert_eq!(model.breaker().state(), CircuitState::Closed);
}

#[tokio::test]
async fn dropping_a_stream_closes_its_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 8192];
        let _ = socket.read(&mut buf).await;
        let first = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";
        let head = chunked("text/event-stream", first, false);
        socket.write_all(&head).await.unwrap();
        // The server never finishes; only the client going away ends this read.
        let closed = matches!(socket.read(&mut buf).await, Ok(0) | Err(_));
        let _ = closed_tx.send(closed);
    });
    let model = openai_at(&base);
    let messages = [Message::user("Hi")];
    let mut stream = bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let first = bounded(futures_util::StreamExt::next(&mut stream)).await;
    assert!(matches!(
        first,
        Some(Ok(patinox::model::StreamEvent::TextDelta(_)))
    ));
    drop(stream);
    assert!(
        bounded(closed_rx).await.unwrap(),
        "the connection was closed"
    );
}
