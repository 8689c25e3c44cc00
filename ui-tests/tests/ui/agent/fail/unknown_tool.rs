use patinox::agent;

/// You are a weather assistant.
#[agent(tools(get_wether))]
struct WeatherBot;

fn main() {}
