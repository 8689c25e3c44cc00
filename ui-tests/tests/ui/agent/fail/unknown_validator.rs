use patinox::agent;

#[agent(validators(one_sentense))]
struct WeatherBot;

fn main() {}
