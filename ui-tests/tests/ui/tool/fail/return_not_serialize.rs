struct Forecast;

/// Tomorrow's forecast.
#[patinox::tool]
fn forecast(city: String) -> Forecast {
    let _ = city;
    Forecast
}

fn main() {}
