/// Current weather for a city.
#[patinox::tool]
fn get_weather(city: String, unit: Option<&str>) -> String {
    format!("{city} {unit:?}")
}

fn main() {}
