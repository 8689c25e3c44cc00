use patinox::agent;

struct Service;

impl Service {
    /// Current weather for a city.
    fn get_weather(city: String) -> String {
        city
    }
}

#[agent(tools(Service::get_weather))]
struct WeatherBot;

fn main() {
    let _ = Service::get_weather(String::new());
}
