#![deny(warnings)]

use std::sync::Arc;

use patinox::agent::{AgentHandle, RunResult, Started};
use patinox::model::offline::OfflineModel;

#[derive(Debug, patinox::__private::serde::Deserialize, patinox::__private::schemars::JsonSchema)]
#[serde(crate = "patinox::__private::serde")]
#[schemars(crate = "patinox::__private::schemars")]
struct Forecast {
    #[allow(dead_code)]
    celsius: f64,
}

struct AppState {
    #[allow(dead_code)]
    city: String,
}

/// You forecast the weather.
#[patinox::agent(output = Forecast, deps = AppState)]
struct ForecastBot;

#[allow(dead_code)]
async fn typed(bot: &AgentHandle<ForecastBot, Started>) -> patinox::Result<f64> {
    let result: RunResult<Forecast> = bot.run("Tomorrow in Paris?").await?;
    Ok(result.output.celsius)
}

fn main() -> patinox::Result<()> {
    // The deps as a value...
    let _bot = ForecastBot::builder()
        .deps(AppState { city: "Paris".into() })
        .model(OfflineModel::new())
        .build()?;
    // ...or shared.
    let shared = Arc::new(AppState { city: "Lyon".into() });
    let _bot = ForecastBot::builder()
        .model(OfflineModel::new())
        .deps(shared)
        .build()?;
    Ok(())
}
