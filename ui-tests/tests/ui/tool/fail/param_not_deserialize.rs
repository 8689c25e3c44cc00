struct City {
    name: String,
}

/// Current weather.
#[patinox::tool]
fn get_weather(city: City) -> String {
    city.name
}

fn main() {}
