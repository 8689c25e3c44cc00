#![deny(warnings)]

use patinox::model::offline::OfflineModel;
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};

mod tools {
    /// Current weather.
    #[patinox::tool]
    pub fn get_weather() -> f64 {
        21.5
    }
}

/// What `#[validator(output)] fn one_sentence(..)` generates.
#[allow(non_camel_case_types)]
struct one_sentence {}

#[patinox::__private::async_trait]
impl Validator for one_sentence {
    fn name(&self) -> &str {
        "one_sentence"
    }
    fn stage(&self) -> ValidationStage {
        ValidationStage::Output
    }
    async fn validate(&self, _target: ValidationTarget<'_>) -> ValidationOutcome {
        ValidationOutcome::Pass
    }
}

/// You are a concise weather assistant.
#[patinox::agent(
    tools(tools::get_weather),
    validators(one_sentence),
    max_turns = 6,
    instructions = "Answer in one sentence."
)]
struct WeatherBot;

fn main() -> patinox::Result<()> {
    let bot = WeatherBot::builder().model(OfflineModel::new()).build()?;
    assert_eq!(bot.inner().runner().tools().len(), 1);
    Ok(())
}
