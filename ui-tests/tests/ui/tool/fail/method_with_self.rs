struct Weather;

impl Weather {
    /// Current weather.
    #[patinox::tool]
    fn get(&self, city: String) -> String {
        city
    }
}

fn main() {}
