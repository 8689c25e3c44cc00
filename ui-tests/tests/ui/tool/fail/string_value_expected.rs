/// Current weather.
#[patinox::tool(description = 42)]
fn get_weather(city: String) -> String {
    city
}

fn main() {}
