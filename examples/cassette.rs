//! Record and replay: an agent run is recorded against a mock provider, then
//! replayed from the cassette file with the server stopped.
//!
//! The example starts the `patinox-mock` server on 127.0.0.1, records one run
//! (two model calls and one tool call) to a cassette in a temporary folder,
//! stops the server, and runs the same agent again from the cassette alone.
//! In a test, `CassetteModel::from_env` lets `PATINOX_CASSETTE=record|replay|auto`
//! choose instead.
//!
//! Run with `cargo run --example cassette`.

use std::path::Path;

use patinox::agent::Runner;
use patinox::model::cassette::CassetteModel;
use patinox::model::{ProviderConfig, openai};
use patinox::prelude::*;
use patinox_mock::{MockConfig, MockServer};

/// The weather in a city.
#[tool]
async fn get_weather(city: String) -> Result<String, ToolError> {
    Ok(format!("22 °C and sunny in {city}"))
}

async fn weather_run(model: CassetteModel) -> patinox::Result<String> {
    let runner = Runner::builder(model)
        .instructions("You report the weather.")
        .tool(get_weather {})
        .build()?;
    Ok(runner.run("What is the weather in Paris?").await?.output)
}

async fn record(path: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let server = MockServer::start(MockConfig::default()).await?;
    let provider = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new()
            .api_key("mock-key")
            .base_url(server.base_url()),
    )?;
    let output = weather_run(CassetteModel::record(path, provider)).await?;
    println!(
        "recorded {} requests to {}",
        server.requests(),
        path.display()
    );
    Ok(output)
    // The server stops when it is dropped here.
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    patinox_examples::init_logging();
    let dir = std::env::temp_dir().join(format!("patinox-cassette-{}", std::process::id()));
    let path = dir.join("weather.json");

    let recorded = record(&path).await?;
    println!("recorded answer: {recorded}");

    // Replay needs no server, no key and no model behind it.
    let replaying = CassetteModel::replay(&path)?;
    let replayed = weather_run(replaying).await?;
    println!("replayed answer: {replayed}");
    assert_eq!(
        recorded, replayed,
        "the replay answers as the recording did"
    );

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
