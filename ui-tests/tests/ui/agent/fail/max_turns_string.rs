use patinox::agent;

#[agent(max_turns = "six")]
struct WeatherBot;

fn main() {}
