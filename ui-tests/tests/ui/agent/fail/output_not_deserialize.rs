use patinox::agent;

#[derive(schemars::JsonSchema)]
struct Forecast {
    celsius: f64,
}

#[agent(output = Forecast)]
struct ForecastBot;

fn main() {}
