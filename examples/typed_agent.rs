//! An agent declared with `#[agent]`: typed structured output, dependencies
//! handed to a tool, and the typestate lifecycle.
//!
//! The model here is scripted (it asks for the tool, then answers with JSON),
//! so the example shows the whole flow offline and deterministically. With a
//! real model, pass `patinox::model::from_env().await?` to `.model(..)`.
//!
//! ```text
//! cargo run --example typed_agent
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use patinox::agent;
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, ToolSpec};
use patinox::tool::{RunContext, Tool, ToolError, ToolResult};
use serde::Deserialize;
use serde_json::value::RawValue;

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

/// Reads the temperature of a city from the `WeatherService` dependency.
///
/// What `#[tool] fn get_temperature(ctx: &RunContext<WeatherService>, city: String)`
/// generates, written out by hand.
#[allow(non_camel_case_types)]
struct get_temperature {}

#[async_trait]
impl Tool for get_temperature {
    fn spec(&self) -> &ToolSpec {
        static SPEC: std::sync::OnceLock<ToolSpec> = std::sync::OnceLock::new();
        SPEC.get_or_init(|| {
            let schema = serde_json::json!({
                "type": "object",
                "properties": { "city": { "type": "string" } },
                "required": ["city"],
                "additionalProperties": false
            });
            ToolSpec::new("get_temperature", "Temperature of a city, in °C.", &schema)
                .unwrap_or_else(|error| unreachable!("the schema literal is valid: {error}"))
        })
    }

    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        #[derive(Deserialize)]
        struct Args {
            city: String,
        }
        let Args { city } =
            serde_json::from_str(arguments.get()).map_err(ToolError::invalid_arguments)?;
        let service = ctx
            .downcast::<WeatherService>()
            .ok_or(ToolError::MissingDeps {
                expected: "WeatherService",
            })?;
        let celsius = service
            .deps()
            .readings
            .get(city.as_str())
            .ok_or_else(|| ToolError::failed(format!("no reading for {city}")))?;
        Ok(serde_json::json!({ "city": city, "celsius": celsius }).to_string())
    }
}

/// You are a weather forecaster. Use `get_temperature` for the current
/// reading, then forecast.
#[agent(tools(get_temperature), output = Forecast, deps = WeatherService, max_turns = 4)]
struct Forecaster;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();

    let model = ScriptedModel::new([
        ScriptedModel::call("get_temperature", r#"{"city":"Paris"}"#),
        // Not JSON: the agent sends the parse error back and asks again.
        CompletionResponse::text("Mild and sunny in Paris."),
        CompletionResponse::text(
            r#"{"city":"Paris","celsius":18.5,"summary":"Mild and sunny, 18.5 °C."}"#,
        ),
    ]);
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
