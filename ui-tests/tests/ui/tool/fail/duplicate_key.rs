/// Current weather.
#[patinox::tool(name = "weather", name = "get_weather")]
fn get_weather(city: String) -> String {
    city
}

fn main() {}
