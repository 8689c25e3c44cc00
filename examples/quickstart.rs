//! A weather assistant with one tool.
//!
//! Runs offline on the built-in model by default; set a provider's key
//! (see the README) to talk to a real model.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use async_trait::async_trait;
use patinox::agent::{AgentHandle, Runner};
use patinox::model::ToolSpec;
use patinox::tool::{RunContext, Tool, ToolError, ToolResult};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct WeatherArgs {
    city: String,
}

#[derive(Serialize)]
struct Weather {
    city: String,
    temperature_c: f32,
    conditions: &'static str,
}

/// Current weather for a city (made-up data, so the example runs anywhere).
struct GetWeather {
    spec: ToolSpec,
}

impl GetWeather {
    fn new() -> patinox::Result<Self> {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "city": { "type": "string", "description": "City name, e.g. \"Paris\"." }
            },
            "required": ["city"],
            "additionalProperties": false
        });
        Ok(Self {
            spec: ToolSpec::new("get_weather", "Current weather for a city.", &schema)?,
        })
    }
}

#[async_trait]
impl Tool for GetWeather {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        let args: WeatherArgs =
            serde_json::from_str(arguments.get()).map_err(ToolError::invalid_arguments)?;
        let weather = Weather {
            temperature_c: 18.5,
            conditions: "sunny",
            city: args.city,
        };
        serde_json::to_string(&weather).map_err(ToolError::failed)
    }
}

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();

    let model = patinox::model::from_env().await?;
    let agent = Runner::builder(model)
        .name("weather-bot")
        .instructions("You are a concise weather assistant. Use the get_weather tool.")
        .tool(GetWeather::new()?)
        .max_turns(6)
        .build()?;

    let agent = AgentHandle::new(agent).start().await?;
    let reply = agent.run("What is the weather in Paris?").await?;
    println!("{}", reply.output);
    agent.stop().await?;
    Ok(())
}
