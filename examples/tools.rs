//! Tools and validators written as plain functions with `#[tool]` and
//! `#[validator]`: optional, enum and nested arguments, a tool that reads the
//! agent's dependencies, a tool that fails, and a guardrail on the answer.
//!
//! Runs offline on the built-in model.
//!
//! ```text
//! cargo run -p patinox-examples --example tools
//! ```

use std::sync::Arc;

use patinox::agent::{AgentHandle, Runner};
use patinox::model::offline::OfflineModel;
use patinox::tool::{RunContext, Tool};
use patinox::validate::ValidationOutcome;
use patinox::{tool, validator};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A temperature unit.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(Serialize)]
struct Weather {
    city: String,
    temperature: f32,
    unit: &'static str,
    conditions: &'static str,
}

/// Current weather for a city (made-up data, so the example runs anywhere).
///
/// # Arguments
/// * `city` - City name, e.g. "Paris".
/// * `unit` - Temperature unit; Celsius when absent.
#[tool]
fn get_weather(city: String, unit: Option<Unit>) -> Weather {
    let (temperature, unit) = match unit.unwrap_or(Unit::Celsius) {
        Unit::Celsius => (18.5, "C"),
        Unit::Fahrenheit => (65.3, "F"),
    };
    Weather {
        city,
        temperature,
        unit,
        conditions: "partly cloudy",
    }
}

/// One leg of a trip.
#[derive(Debug, Deserialize, JsonSchema)]
struct Leg {
    /// Where the leg starts.
    from: String,
    /// Where it ends.
    to: String,
    /// Distance in kilometres.
    km: f64,
}

/// Describes one leg of a trip.
#[tool]
async fn describe_leg(
    /// The leg.
    leg: Leg,
    /// Places to stop at on the way, if any.
    stops: Option<Vec<String>>,
) -> String {
    let via = stops.map_or_else(String::new, |stops| format!(" via {}", stops.join(", ")));
    format!("{} km from {} to {}{via}", leg.km, leg.from, leg.to)
}

/// What every tool of this agent can use.
struct AppState {
    greeting: &'static str,
}

/// Greets a person the way this app does.
#[tool]
fn greet(ctx: &RunContext<AppState>, name: String) -> String {
    format!("{}, {name}!", ctx.deps().greeting)
}

/// Divides two numbers.
#[tool]
fn divide(dividend: f64, divisor: f64) -> Result<f64, String> {
    if divisor == 0.0 {
        return Err("cannot divide by zero; ask for another divisor".to_owned());
    }
    Ok(dividend / divisor)
}

/// Answers must not be empty.
#[validator(output)]
fn not_empty(answer: &str) -> ValidationOutcome {
    if answer.trim().is_empty() {
        ValidationOutcome::retry("Please answer with some text.")
    } else {
        ValidationOutcome::Pass
    }
}

async fn ask(runner: Runner, question: &str) -> patinox::Result<()> {
    let agent = AgentHandle::new(runner).start().await?;
    let reply = agent.run(question).await?;
    println!("> {question}\n{}\n", reply.output);
    agent.stop().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    // The functions stay plain functions.
    assert_eq!(divide(6.0, 3.0), Ok(2.0));

    // The generated structs are the tools; their specs are what the model sees.
    let spec = get_weather {}.spec().clone();
    println!(
        "{}: {}\n{}\n",
        spec.name(),
        spec.description(),
        spec.parameters()
    );

    let weather = Runner::builder(OfflineModel::new())
        .tool(get_weather {})
        .validator(not_empty {})
        .build()?;
    ask(weather, "What is the weather in Paris?").await?;

    let trips = Runner::builder(OfflineModel::new())
        .tool(describe_leg {})
        .build()?;
    ask(trips, "Describe the trip from Lyon to Nice, 470 km").await?;

    let greeter = Runner::builder(OfflineModel::new())
        .tool(greet {})
        .deps(Arc::new(AppState {
            greeting: "Welcome",
        }))
        .build()?;
    ask(greeter, "Please greet Ada").await?;

    // The tool's error goes back to the model, which reports it; the run goes on.
    let calculator = Runner::builder(OfflineModel::new())
        .tool(divide {})
        .build()?;
    ask(calculator, "Divide 1 by 0").await?;
    Ok(())
}
