/// Current weather.
///
/// # Arguments
/// * `town` - Town name.
#[patinox::tool(nmae = "weather")]
fn get_weather<T>(city: &str, (a, b): (T, T), extra: impl Clone) -> String {
    let _ = (a, b, extra);
    city.to_owned()
}

fn main() {}
