/// Current weather.
#[patinox::tool(title = "Weather")]
fn get_weather(city: String) -> String {
    city
}

fn main() {}
