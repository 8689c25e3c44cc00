//! Structured output: an agent whose final answer is JSON of a known type.
//!
//! `#[agent(output = T)]` uses these three pieces: the schema of `T` appended
//! to the instructions ([`output_instructions`]), an output validator that
//! re-asks the model while its answer does not parse ([`JsonOutput`]), and the
//! final parse ([`parse_output`]).

use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::RunResult;
use crate::error::{Result, ValidationError};
use crate::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};

/// The validator's name, as it appears in errors and monitor events.
const NAME: &str = "structured_output";

/// `instructions` followed by the request to answer with JSON matching `T`'s schema.
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct Forecast { celsius: f64 }
///
/// let text = patinox::agent::output_instructions::<Forecast>("You forecast weather.");
/// assert!(text.starts_with("You forecast weather."));
/// assert!(text.contains("\"celsius\""));
/// ```
pub fn output_instructions<T: JsonSchema>(instructions: &str) -> String {
    let schema = schemars::schema_for!(T);
    let schema = serde_json::to_string(schema.as_value()).unwrap_or_default();
    let mut text = String::with_capacity(instructions.len() + schema.len() + 120);
    if !instructions.trim().is_empty() {
        text.push_str(instructions.trim_end());
        text.push_str("\n\n");
    }
    text.push_str(
        "Give your final answer as a single JSON value, with no other text, \
         that matches this JSON Schema:\n",
    );
    text.push_str(&schema);
    text
}

/// The JSON in a final answer: the text itself, or the body of a fenced code
/// block (models often wrap JSON in one even when told not to).
fn json_text(answer: &str) -> &str {
    let trimmed = answer.trim();
    let Some(rest) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let body = rest.split_once('\n').map_or("", |(_, body)| body);
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// Parses a run's final answer into `T`.
///
/// ```
/// # use patinox::model::Message;
/// #[derive(serde::Deserialize)]
/// struct Forecast { celsius: f64 }
///
/// let forecast: Forecast = patinox::agent::parse_output("```json\n{\"celsius\": 21.5}\n```")?;
/// assert_eq!(forecast.celsius, 21.5);
/// assert!(patinox::agent::parse_output::<Forecast>("warm").is_err());
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Validation`] with the parse error if the answer is
/// not JSON of type `T`.
pub fn parse_output<T: DeserializeOwned>(answer: &str) -> Result<T> {
    serde_json::from_str(json_text(answer)).map_err(|error| {
        ValidationError::new(format!(
            "the final answer is not valid JSON for the requested output type: {error}"
        ))
        .with_field(NAME)
        .with_source(error)
        .into()
    })
}

impl RunResult {
    /// Parses the final answer into `T`; see [`parse_output`].
    ///
    /// # Errors
    /// As [`parse_output`].
    pub fn parse<T: DeserializeOwned>(self) -> Result<RunResult<T>> {
        self.try_map(|text| parse_output(&text))
    }
}

/// An output validator that asks the model to answer again, with the parse
/// error as feedback, while its final answer is not JSON of type `T`.
///
/// If the model never produces a parsable answer within the agent's turn
/// limit, the run fails with [`crate::PatinoxError::Validation`].
pub struct JsonOutput<T> {
    output: PhantomData<fn() -> T>,
}

impl<T> JsonOutput<T> {
    /// The validator.
    pub fn new() -> Self {
        Self {
            output: PhantomData,
        }
    }
}

impl<T> Default for JsonOutput<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for JsonOutput<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonOutput")
            .field("type", &std::any::type_name::<T>())
            .finish()
    }
}

#[async_trait]
impl<T: DeserializeOwned> Validator for JsonOutput<T> {
    fn name(&self) -> &str {
        NAME
    }

    fn stage(&self) -> ValidationStage {
        ValidationStage::Output
    }

    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
        let ValidationTarget::Output(answer) = target else {
            return ValidationOutcome::Pass;
        };
        match serde_json::from_str::<T>(json_text(answer)) {
            Ok(_) => ValidationOutcome::Pass,
            Err(error) => ValidationOutcome::retry(format!(
                "Your answer could not be parsed: {error}. Answer again with only the JSON value \
                 that matches the schema in the instructions."
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_strips_fences_and_space() {
        assert_eq!(json_text(" {\"a\":1} \n"), "{\"a\":1}");
        assert_eq!(json_text("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(json_text("```\n[1]\n```\n"), "[1]");
        assert_eq!(json_text("```"), "");
    }

    #[tokio::test]
    async fn validator_retries_until_the_answer_parses() {
        let validator = JsonOutput::<Vec<u8>>::new();
        assert_eq!(
            validator.validate(ValidationTarget::Output("[1, 2]")).await,
            ValidationOutcome::Pass
        );
        let outcome = validator
            .validate(ValidationTarget::Output("one, two"))
            .await;
        assert!(
            matches!(&outcome, ValidationOutcome::Retry { feedback } if feedback.contains("could not be parsed")),
            "{outcome:?}"
        );
    }
}
