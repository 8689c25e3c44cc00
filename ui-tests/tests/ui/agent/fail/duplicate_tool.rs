use patinox::agent;

#[agent(tools(get_weather, get_weather))]
struct WeatherBot;

fn main() {}
