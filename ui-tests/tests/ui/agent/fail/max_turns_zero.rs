use patinox::agent;

#[agent(max_turns = 0)]
struct WeatherBot;

fn main() {}
