use patinox::agent;

struct Service;

impl Service {
    /// Current weather for a city.
    #[patinox::tool]
    fn get_weather(&self, city: String) -> String {
        city
    }
}

#[agent(tools(Service::get_weather))]
struct WeatherBot;

fn main() {}
