//! Patinox as a user writes it: a `#[tool]`, a `Runner` around the OpenAI
//! provider with the default retry policy, one `run` per agent run.

use futures_util::StreamExt;
use patinox::agent::{RunEvent, Runner};
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{ProviderConfig, openai};

use crate::shared::{MODEL, SYSTEM, USER};

/// Current weather for a city.
///
/// # Arguments
/// * `city` - City name.
#[patinox::tool]
pub(crate) fn get_weather(city: String) -> String {
    crate::shared::weather(&city)
}

pub fn runner(base: &str) -> Runner {
    let model = openai::model(
        MODEL,
        ProviderConfig::new()
            .api_key("bench-key")
            .base_url(format!("{base}/v1")),
    )
    .expect("model");
    Runner::builder(RetryModel::new(model, RetryPolicy::default()))
        .instructions(SYSTEM)
        .tool(get_weather {})
        .build()
        .expect("runner")
}

/// One streaming agent run, drained; the answer's length.
pub async fn run_stream(runner: &Runner) -> usize {
    let mut events = runner.run_stream(USER);
    while let Some(event) = events.next().await {
        if let RunEvent::Finished(result) = event.expect("run") {
            return result.output.len();
        }
    }
    panic!("the run ended without its result")
}

/// One agent run; the answer's length.
pub async fn run(runner: &Runner) -> usize {
    runner.run(USER).await.expect("run").output.len()
}
