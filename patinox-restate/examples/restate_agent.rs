//! A weather agent served on Restate: each conversation is a virtual object,
//! each model call and tool call a journaled step, so a run survives the
//! death of this process.
//!
//! The model comes from `patinox::model::from_env()`: the built-in offline
//! model unless a provider key (or a local Ollama) is present.
//!
//! ```text
//! npx @restatedev/restate-server                    # in another terminal
//! cargo run -p patinox-restate --example restate_agent
//! curl -X POST localhost:9070/deployments --json '{"uri": "http://127.0.0.1:9080"}'
//! curl -X POST localhost:8080/Agent/ada/run --json '"Weather in Paris?"'
//! ```

use std::net::SocketAddr;

use patinox::agent::Runner;
use patinox::tool;

/// Current weather for a city (made-up data, so the example runs anywhere).
///
/// # Arguments
/// * `city` - City name, e.g. "Paris".
#[tool]
async fn get_weather(city: String) -> String {
    format!("It is 22 °C and sunny in {city}.")
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    let model = patinox::model::from_env().await?;
    let runner = Runner::builder(model)
        .instructions("You are a concise weather assistant.")
        .tool(get_weather {})
        .build()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], 9080));
    println!("Serving the Restate virtual object `Agent` on http://{addr}");
    patinox_restate::serve(runner, addr).await
}
