//! A weather assistant with one tool.
//!
//! Runs offline on the built-in model by default; set a provider's key
//! (see the README) to talk to a real model.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use patinox::{agent, tool};
use serde::Serialize;

/// What the tool returns; the model reads it as JSON.
#[derive(Serialize)]
struct Weather {
    city: String,
    temperature_c: f32,
    conditions: &'static str,
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
        conditions: "sunny",
    }
}

/// You are a concise weather assistant. Use the get_weather tool.
#[agent(tools(get_weather), max_turns = 6)]
struct WeatherBot;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();

    // A real provider if one is configured, else the built-in offline model.
    let model = patinox::model::from_env().await?;
    let bot = WeatherBot::builder().model(model).build()?; // no .model(..): compile error
    let bot = bot.start().await?; // `run` exists only once started
    let reply = bot.run("What is the weather in Paris?").await?;
    println!("{}", reply.output);
    bot.stop().await?; // nothing can run after this
    Ok(())
}
