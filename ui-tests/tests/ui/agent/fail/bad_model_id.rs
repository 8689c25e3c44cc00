use patinox::agent;

#[agent(model = "gpt-4o")]
struct WeatherBot;

fn main() {}
