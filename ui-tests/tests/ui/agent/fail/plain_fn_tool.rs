use patinox::agent;

/// Current weather for a city.
fn get_weather(city: String) -> String {
    city
}

#[agent(tools(get_weather))]
struct WeatherBot;

fn main() {
    let _ = get_weather(String::new());
}
