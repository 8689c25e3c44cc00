//! Fallback and retry against a local mock provider, offline.
//!
//! The example starts a mock OpenAI-compatible server on 127.0.0.1 with two
//! "models": `primary` is down (HTTP 503 on every call) and `secondary` is
//! rate limited once (HTTP 429 with `retry-after-ms`) before it answers.
//! Each model is wrapped in a `RetryModel`, and a `FallbackModel` tries them
//! in order: the primary's retries are exhausted, the fallback moves on, and
//! the secondary's retry honours the server's delay and succeeds.
//!
//! Run with `cargo run --example fallback_retry`.

use std::sync::Arc;
use std::time::Duration;

use patinox::agent;
use patinox::model::fallback::FallbackModel;
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{ProviderConfig, openai};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ANSWER: &str = r#"{
  "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "secondary",
  "choices": [{"index": 0, "finish_reason": "stop",
               "message": {"role": "assistant", "content": "Hello from the secondary model."}}],
  "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15}
}"#;

async fn mock_provider() -> MockServer {
    let server = MockServer::start().await;
    let for_model = |name: &str| {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(body_partial_json(serde_json::json!({ "model": name })))
    };
    for_model("primary")
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            r#"{"error":{"message":"The server is overloaded","type":"server_error"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    for_model("secondary")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after-ms", "100")
                .set_body_raw(
                    r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    for_model("secondary")
        .respond_with(ResponseTemplate::new(200).set_body_raw(ANSWER, "application/json"))
        .mount(&server)
        .await;
    server
}

/// You greet people in one short sentence.
#[agent]
struct Greeter;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();
    let server = mock_provider().await;
    let config = || {
        ProviderConfig::new()
            .api_key("sk-example-not-a-real-key")
            .base_url(format!("{}/v1", server.uri()))
            .timeout(Duration::from_secs(5))
    };
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(50))
        .max_delay(Duration::from_secs(1));
    let model = FallbackModel::new(vec![
        Arc::new(RetryModel::new(
            openai::model("primary", config())?,
            policy.clone(),
        )),
        Arc::new(RetryModel::new(
            openai::model("secondary", config())?,
            policy,
        )),
    ])?;

    // The resilient model is a model like any other: give it to an agent.
    let greeter = Greeter::builder().model(model).build()?.start().await?;
    let reply = greeter.run("Say hello.").await?;
    println!("answer: {}", reply.output);
    greeter.stop().await?;

    let requests = server.received_requests().await.unwrap_or_default();
    let calls = |name: &str| {
        requests
            .iter()
            .filter(|r| {
                serde_json::from_slice::<serde_json::Value>(&r.body)
                    .is_ok_and(|body| body["model"] == name)
            })
            .count()
    };
    println!(
        "requests: primary {} (503 each), secondary {} (429, then 200)",
        calls("primary"),
        calls("secondary")
    );
    Ok(())
}
