use patinox::agent;

#[agent]
struct WeatherBot<T> {
    units: T,
}

fn main() {}
