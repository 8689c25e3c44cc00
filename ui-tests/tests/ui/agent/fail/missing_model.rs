use patinox::agent;
use patinox::agent::{AgentHandle, Created};

/// You are a weather assistant.
#[agent]
struct WeatherBot;

fn build() -> patinox::Result<AgentHandle<WeatherBot, Created>> {
    WeatherBot::builder().build()
}

fn main() {
    let _ = build();
}
