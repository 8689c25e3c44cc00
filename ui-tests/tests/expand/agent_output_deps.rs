#[derive(patinox::__private::serde::Deserialize, patinox::__private::schemars::JsonSchema)]
#[serde(crate = "patinox::__private::serde")]
#[schemars(crate = "patinox::__private::schemars")]
pub struct Forecast {
    pub celsius: f64,
}

pub struct AppState;

/// You forecast the weather.
#[patinox::agent(output = Forecast, deps = AppState, max_turns = 3, model = "offline:patinox")]
pub struct Forecaster {
    /// The units to answer in.
    pub units: String,
    /// Whether to explain.
    #[agent(default)]
    pub verbose: bool,
}

fn main() {}
