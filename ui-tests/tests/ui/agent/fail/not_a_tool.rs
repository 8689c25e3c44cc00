use patinox::agent;

#[allow(non_camel_case_types)]
struct get_weather {}

#[agent(tools(get_weather))]
struct WeatherBot;

fn main() {}
