/// Current weather.
///
/// # Arguments
/// * `city` - City name.
/// * `country` - Country code.
#[patinox::tool]
fn get_weather(city: String) -> String {
    city
}

fn main() {}
