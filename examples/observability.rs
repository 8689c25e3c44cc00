//! The spans of an agent run, named per the OpenTelemetry GenAI semantic
//! conventions: `invoke_agent weather`, with a `chat` span per model call and
//! an `execute_tool get_weather` span for the tool call as its children.
//!
//! Runs offline on the built-in model and prints each span as it closes,
//! with its attributes (`gen_ai.*`); message content is recorded because the
//! runner asks for it (`tracing.record_content` in the configuration).
//!
//! ```text
//! cargo run --example observability
//! ```

use patinox::agent::Runner;
use patinox::config::ConfigLoader;
use patinox::model::offline::OfflineModel;
use patinox::tool;
use serde::Serialize;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// What the tool returns.
#[derive(Serialize)]
struct Weather {
    city: String,
    temperature_c: f32,
}

/// Current weather for a city (made-up data, so the example runs anywhere).
///
/// # Arguments
/// * `city` - City name, e.g. "Paris".
#[tool]
fn get_weather(city: String) -> Weather {
    Weather {
        city,
        temperature_c: 18.5,
    }
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    // Spans print when they close, with every field recorded on them. No
    // ANSI colours, so that the output reads the same in a file or a pipe.
    let gen_ai_spans = Targets::new()
        .with_target("patinox::gen_ai", LevelFilter::INFO)
        .with_default(LevelFilter::WARN);
    tracing_subscriber::fmt()
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .finish()
        .with(gen_ai_spans)
        .init();

    // Content recording is off unless configured: here it is set in the
    // configuration in code, over any patinox.toml or
    // PATINOX_TRACING_RECORD_CONTENT, and the runner takes it from there.
    let config = ConfigLoader::new()
        .set("tracing.record_content", true)
        .load()?;
    let runner = Runner::builder(OfflineModel::new())
        .name("weather")
        .tool(get_weather {})
        .config(&config)
        .build()?;
    let result = runner.run("What is the weather in Paris?").await?;
    println!("{}", result.output);
    Ok(())
}
