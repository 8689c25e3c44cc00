use patinox::agent;

#[agent(max_turns = 3, max_turns = 5)]
struct WeatherBot;

fn main() {}
