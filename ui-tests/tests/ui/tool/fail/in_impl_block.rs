struct Weather;

impl Weather {
    /// Current weather for a city.
    #[patinox::tool]
    fn get_weather(city: String) -> String {
        city
    }
}

fn main() {}
