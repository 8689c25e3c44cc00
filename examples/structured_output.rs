//! Structured output: an agent whose runs return a typed value.
//!
//! `#[agent(output = Trip)]` sends `Trip`'s JSON Schema with every request
//! (natively where the provider supports it) and parses the final answer
//! into `Trip`, once; an answer that does not parse goes back to the model
//! with the error. Runs offline on the built-in model by default.
//!
//! ```text
//! cargo run -p patinox-examples --example structured_output
//! ```

use patinox::agent;
use serde::Deserialize;

/// A trip plan.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Trip {
    /// Where to go.
    destination: String,
    /// How many days.
    days: u32,
    /// What to pack.
    packing: Vec<String>,
}

/// You plan short trips.
#[agent(output = Trip)]
struct Planner;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();

    let model = patinox::model::from_env().await?;
    let planner = Planner::builder().model(model).build()?.start().await?;
    let trip: Trip = planner.run("A weekend by the sea").await?.output;
    println!(
        "{} days in {}; pack: {}",
        trip.days,
        trip.destination,
        trip.packing.join(", ")
    );
    planner.stop().await?;
    Ok(())
}
