use patinox::agent;

#[agent]
#[derive(Clone, Debug)]
struct WeatherBot {
    city: String,
}

#[derive(Clone)]
#[agent]
struct ClonedFirst;

fn main() {
    let _ = WeatherBot::builder();
    let _ = ClonedFirst::builder();
}
