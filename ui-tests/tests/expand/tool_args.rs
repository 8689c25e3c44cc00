use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(Deserialize, JsonSchema)]
struct Place {
    city: String,
    country: Option<String>,
}

/// Forecast for a place.
#[patinox::tool]
fn forecast(
    /// Where.
    place: Place,
    /// Unit; Celsius when absent.
    unit: Option<Unit>,
    /// Days ahead.
    days: Vec<u8>,
) -> String {
    let _ = (place.city, place.country, unit, days);
    String::new()
}

fn main() {}
