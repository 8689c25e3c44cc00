use patinox::tool::RunContext;

/// Current weather.
#[patinox::tool]
fn get_weather(city: String, ctx: &RunContext<()>) -> String {
    let _ = ctx;
    city
}

fn main() {}
