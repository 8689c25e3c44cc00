#[patinox::tool]
struct GetWeather {
    city: String,
}

fn main() {}
