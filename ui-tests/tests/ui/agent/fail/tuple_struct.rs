use patinox::agent;

#[agent]
struct WeatherBot(String);

fn main() {}
