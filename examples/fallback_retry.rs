//! Fallback and retry against a local mock provider, offline.
//!
//! The example starts two mock OpenAI-compatible servers on 127.0.0.1
//! (`patinox-mock`), one per "model": `primary` is down (HTTP 503 on every
//! call) and `secondary` is rate limited once (HTTP 429 with
//! `retry-after-ms`) before it answers.
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
use patinox_mock::{Fault, MockConfig, MockServer};

/// One mock server per model, so each counts its own requests; the fault is
/// asked for by the base URL the model is given.
async fn mock_provider(fault: &Fault) -> std::io::Result<(MockServer, String)> {
    let config = MockConfig::default().final_text("Hello from the secondary model.");
    let server = MockServer::start(config).await?;
    let base_url = server.base_url_with(fault);
    Ok((server, base_url))
}

/// You greet people in one short sentence.
#[agent]
struct Greeter;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();
    // The primary is down: a 503 on every call.
    let (primary, primary_url) = mock_provider(&Fault::status(503)).await?;
    // The secondary is rate limited once, asking for a 100 ms wait, then answers.
    let (secondary, secondary_url) =
        mock_provider(&Fault::status(429).retry_after_ms(100).first(1)).await?;
    let config = |base_url: &str| {
        ProviderConfig::new()
            .api_key("sk-example-not-a-real-key")
            .base_url(base_url)
            .timeout(Duration::from_secs(5))
    };
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(50))
        .max_delay(Duration::from_secs(1));
    let model = FallbackModel::new(vec![
        Arc::new(RetryModel::new(
            openai::model("primary", config(&primary_url))?,
            policy.clone(),
        )),
        Arc::new(RetryModel::new(
            openai::model("secondary", config(&secondary_url))?,
            policy,
        )),
    ])?;

    // The resilient model is a model like any other: give it to an agent.
    let greeter = Greeter::builder().model(model).build()?.start().await?;
    let reply = greeter.run("Say hello.").await?;
    println!("answer: {}", reply.output);
    greeter.stop().await?;

    println!(
        "requests: primary {} (503 each), secondary {} (429, then 200)",
        primary.requests(),
        secondary.requests()
    );
    Ok(())
}
