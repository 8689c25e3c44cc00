use patinox::agent;

#[agent(tools("get_weather"))]
struct WeatherBot;

fn main() {}
