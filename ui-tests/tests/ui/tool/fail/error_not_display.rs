#[derive(Debug)]
struct LookupError;

/// Current weather for a city.
#[patinox::tool]
fn get_weather(city: String) -> Result<String, LookupError> {
    Ok(city)
}

fn main() {}
