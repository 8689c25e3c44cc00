//! Structured output: an agent whose final answer is JSON of a known type.
//!
//! `#[agent(output = T)]`, or [`RunnerBuilder::output`] with
//! [`Runner::run_as`], asks the model for `T`'s schema on every request
//! ([`ResponseFormat`], from the strict form of [`output_schema`]), and parses
//! the final answer once. How the schema reaches the model (a provider's
//! native structured output, or instructions in the prompt) is the model's
//! business.
//!
//! [`RunnerBuilder::output`]: super::RunnerBuilder::output
//! [`Runner::run_as`]: super::Runner::run_as
//! [`ResponseFormat`]: crate::model::ResponseFormat
//! [`output_schema`]: crate::schema::output_schema

use std::marker::PhantomData;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::RunResult;
use crate::error::{Result, ValidationError};
use crate::model::ResponseFormat;
use crate::schema::output_schema;

/// The validator name of errors about the output type.
const NAME: &str = "structured_output";

/// How a run's final answer becomes its output: [`Text`] keeps the text,
/// [`Json<T>`] parses it as `T`.
pub trait OutputFormat: Send + 'static {
    /// The output of a run.
    type Output: Send + 'static;

    /// Parses a final answer, or says what is wrong with it (for the model).
    ///
    /// # Errors
    /// The reason the answer is not an output.
    fn parse(answer: &str) -> std::result::Result<Self::Output, String>;
}

/// The output is the final answer's text.
#[derive(Debug)]
pub enum Text {}

impl OutputFormat for Text {
    type Output = String;

    fn parse(answer: &str) -> std::result::Result<String, String> {
        Ok(answer.to_owned())
    }
}

/// The output is the final answer parsed as JSON of type `T`.
pub struct Json<T>(PhantomData<fn() -> T>);

impl<T> std::fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Json<{}>", std::any::type_name::<T>())
    }
}

impl<T: DeserializeOwned + Send + 'static> OutputFormat for Json<T> {
    type Output = T;

    fn parse(answer: &str) -> std::result::Result<T, String> {
        serde_json::from_str(json_text(answer)).map_err(|error| error.to_string())
    }
}

/// The response format that asks for `T`: its strict schema when it has one
/// (strict mode), its canonical schema otherwise.
pub(crate) fn response_format<T: JsonSchema>() -> Result<ResponseFormat> {
    let output = output_schema::<T>();
    let (schema, strict) = match output.strict() {
        Some(strict) => (strict, true),
        None => (output.schema(), false),
    };
    let schema: Arc<RawValue> = RawValue::from_string(serde_json::to_string(schema)?)?.into();
    Ok(ResponseFormat::json_schema(output.name(), schema, strict))
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

/// Parses a final answer into `T`.
///
/// ```
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

    #[test]
    fn json_output_reports_what_does_not_parse() {
        assert_eq!(Json::<Vec<u8>>::parse("[1, 2]"), Ok(vec![1, 2]));
        let error = Json::<Vec<u8>>::parse("one, two").unwrap_err();
        assert!(error.contains("expected value"), "{error}");
    }

    #[derive(serde::Deserialize, schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Forecast {
        celsius: f64,
    }

    #[test]
    fn response_format_is_the_strict_output_schema() {
        let format = response_format::<Forecast>().unwrap();
        assert_eq!(format.name(), "Forecast");
        assert!(format.strict());
        let schema: serde_json::Value = serde_json::from_str(format.schema().get()).unwrap();
        assert!(schema.get("$schema").is_none(), "{schema}");
        assert_eq!(schema["additionalProperties"], false);
    }
}
