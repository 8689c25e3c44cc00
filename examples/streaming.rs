//! A streaming run: the answer's text is printed as it arrives, and the tool
//! calls are shown as they start and finish.
//!
//! Runs offline on the built-in model by default; set a provider's key
//! (see the README) to stream from a real model.
//!
//! ```text
//! cargo run -p patinox-examples --example streaming
//! ```

use std::io::Write;

use futures_util::StreamExt;
use patinox::agent::{RunEvent, ToolOutcome};
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

    let model = patinox::model::from_env().await?;
    let bot = WeatherBot::builder().model(model).build()?.start().await?;

    let mut events = bot.run_stream("What is the weather in Paris?");
    let mut stdout = std::io::stdout();
    while let Some(event) = events.next().await {
        match event? {
            RunEvent::TextDelta(text) => {
                print!("{text}");
                // Show each delta now, not at the end of the line.
                let _ = stdout.flush();
            }
            RunEvent::ToolCallStarted { name, .. } => println!("[calling {name}]"),
            RunEvent::ToolFinished {
                name,
                outcome,
                duration,
                ..
            } => match outcome {
                ToolOutcome::Succeeded => println!("[{name} answered in {duration:?}]"),
                _ => println!("[{name} failed]"),
            },
            RunEvent::OutputRetried { .. } => println!("\n[the answer is being redone]"),
            RunEvent::Finished(result) => {
                println!(
                    "\n[{} turns, {} tokens]",
                    result.turns,
                    result.usage.total_tokens()
                );
            }
            _ => {}
        }
    }
    drop(events);
    bot.stop().await?;
    Ok(())
}
