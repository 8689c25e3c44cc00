#![deny(warnings)]

use std::sync::OnceLock;

use patinox::model::ToolSpec;
use patinox::model::offline::OfflineModel;
use patinox::tool::{RunContext, Tool, ToolResult};
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};

mod tools {
    use super::*;

    /// What `#[tool] fn get_weather(..)` generates.
    #[allow(non_camel_case_types)]
    pub struct get_weather {}

    #[patinox::__private::async_trait]
    impl Tool for get_weather {
        fn spec(&self) -> &ToolSpec {
            static SPEC: OnceLock<ToolSpec> = OnceLock::new();
            SPEC.get_or_init(|| {
                let schema = patinox::__private::serde_json::json!({"type": "object"});
                match ToolSpec::new("get_weather", "Current weather.", &schema) {
                    Ok(spec) => spec,
                    Err(error) => panic!("{error}"),
                }
            })
        }

        async fn call(&self, _ctx: &RunContext, _arguments: &patinox::__private::serde_json::value::RawValue) -> ToolResult {
            Ok("{\"celsius\":21.5}".to_owned())
        }
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
