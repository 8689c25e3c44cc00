use patinox::agent;

#[agent(max_turns = 3, temperature = 0.2)]
struct WeatherBot;

fn main() {}
