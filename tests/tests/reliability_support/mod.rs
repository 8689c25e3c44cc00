//! Shared by the reliability tests: agents on the mock server, on either wire.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use patinox::agent::Runner;
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{LanguageModel, ProviderConfig, anthropic, openai};
use patinox_mock::{Fault, MockServer, Wire};
use patinox_tests::{Behaviour, RecordingTool};

/// Every call to a provider gives up after this long, so that a stall ends quickly.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_millis(300);
/// The response cap of these tests: oversized answers are four times larger.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// A provider model of `wire` on `server`, every request asking for `fault`.
pub fn provider(server: &MockServer, wire: Wire, fault: Option<&Fault>) -> Arc<dyn LanguageModel> {
    provider_within(server, wire, fault, PROVIDER_TIMEOUT)
}

/// [`provider`] whose calls give up after `timeout`.
pub fn provider_within(
    server: &MockServer,
    wire: Wire,
    fault: Option<&Fault>,
    timeout: Duration,
) -> Arc<dyn LanguageModel> {
    let config = ProviderConfig::new()
        .api_key("mock-key")
        .timeout(timeout)
        .max_response_bytes(MAX_RESPONSE_BYTES);
    let base = fault.map_or_else(|| server.base_url(), |f| server.base_url_with(f));
    let config = config.base_url(base);
    match wire {
        Wire::OpenAi => Arc::new(openai::model("gpt-4o-mini", config).expect("an OpenAI model")),
        _ => Arc::new(anthropic::model("claude-sonnet-4-5", config).expect("an Anthropic model")),
    }
}

/// Retries quickly (5 ms base delay), up to `attempts` attempts.
pub fn retrying(model: Arc<dyn LanguageModel>, attempts: u32) -> Arc<dyn LanguageModel> {
    Arc::new(RetryModel::new(
        model,
        RetryPolicy::default()
            .max_attempts(attempts)
            .base_delay(Duration::from_millis(5))
            .max_delay(Duration::from_secs(2)),
    ))
}

/// An agent with one tool, `get_weather`, that answers 22 °C.
pub fn agent(model: Arc<dyn LanguageModel>) -> Runner {
    Runner::builder(model)
        .instructions("You report the weather.")
        .tool(weather())
        .build()
        .expect("a valid agent")
}

/// The `get_weather` tool, answering 22 °C.
pub fn weather() -> RecordingTool {
    RecordingTool::new(
        "get_weather",
        Behaviour::Return(r#"{"celsius":22}"#.to_owned()),
    )
}

/// Fails the test if `future` takes more than 10 s: nothing may hang.
pub async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the run hung")
}

/// The wire's name in the printed matrix.
pub fn wire_name(wire: Wire) -> &'static str {
    match wire {
        Wire::OpenAi => "openai",
        _ => "anthropic",
    }
}
