use patinox::agent;

struct Forecast {
    celsius: f64,
}

#[agent(output = Forecast)]
struct ForecastBot;

fn main() {}
