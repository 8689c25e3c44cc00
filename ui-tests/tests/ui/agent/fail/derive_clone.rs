use patinox::agent;

#[agent]
#[derive(Clone, Debug)]
struct WeatherBot {
    city: String,
}

fn main() {
    let _ = WeatherBot::builder();
}
