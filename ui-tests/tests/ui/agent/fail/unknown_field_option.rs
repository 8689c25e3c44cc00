use patinox::agent;

#[agent]
struct WeatherBot {
    #[agent(optional)]
    units: String,
}

fn main() {}
