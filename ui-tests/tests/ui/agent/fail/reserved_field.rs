use patinox::agent;

#[agent]
struct WeatherBot {
    model: String,
}

fn main() {}
