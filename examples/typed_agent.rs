//! An agent declared with `#[agent]`: typed structured output, dependencies
//! handed to a tool, and the typestate lifecycle.
//!
//! The model comes from `patinox::model::from_env()`: the built-in offline
//! model unless a provider key (or a local Ollama) is present. The offline
//! model calls the tool, then answers the structured request with a value
//! valid for `Forecast`'s schema, filled from the tool's result; a real
//! provider is asked for the schema natively (OpenAI `response_format`,
//! Anthropic `output_config`).
//!
//! ```text
//! cargo run --example typed_agent
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use patinox::tool::RunContext;
use patinox::{agent, tool};
use serde::{Deserialize, Serialize};

/// The application's state, shared with the tools.
struct WeatherService {
    readings: HashMap<&'static str, f64>,
}

/// The agent's final answer.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Forecast {
    /// The city the forecast is for.
    city: String,
    /// Temperature in degrees Celsius.
    celsius: f64,
    /// One sentence for a person.
    summary: String,
}

/// Temperature of a city, in °C, from the `WeatherService` readings.
///
/// # Arguments
/// * `city` - City name, e.g. "Paris".
#[tool]
fn get_temperature(ctx: &RunContext<WeatherService>, city: String) -> Result<Reading, String> {
    let celsius = ctx
        .deps()
        .readings
        .get(city.as_str())
        .copied()
        .ok_or_else(|| format!("no reading for {city}"))?;
    Ok(Reading { city, celsius })
}

/// One temperature reading, as the tool returns it.
#[derive(Serialize)]
struct Reading {
    city: String,
    celsius: f64,
}

/// You are a weather forecaster. Use `get_temperature` for the current
/// reading, then forecast.
#[agent(tools(get_temperature), output = Forecast, deps = WeatherService, max_turns = 4)]
struct Forecaster;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();

    let model = patinox::model::from_env().await?;
    let service = Arc::new(WeatherService {
        readings: HashMap::from([("Paris", 18.5), ("Oslo", 4.0)]),
    });

    // Forgetting `.model(..)` or `.deps(..)` here is a compile error that names it.
    let agent = Forecaster::builder().model(model).deps(service).build()?;
    let agent = agent.start().await?; // `run` exists only on a started agent
    let result = agent.run("What is the weather in Paris?").await?;
    let forecast: Forecast = result.output;
    println!(
        "{}: {} °C. {} ({} turns)",
        forecast.city, forecast.celsius, forecast.summary, result.turns
    );
    agent.stop().await?; // consumes the agent: nothing can run after this
    Ok(())
}
