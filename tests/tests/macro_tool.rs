//! `#[tool]`: the generated tools as an agent sees them (`dyn Tool`): their
//! specs and what calling them returns.

use std::collections::HashMap;
use std::sync::Arc;

use patinox::tool::{RunContext, Tool, ToolError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json, value::RawValue};

/// Current weather for a city.
///
/// # Arguments
/// * `city` - City name, e.g. "Paris".
/// * `unit` - Temperature unit; Celsius when absent.
#[patinox::tool]
fn get_weather(city: String, unit: Option<Unit>) -> String {
    format!(
        "22 degrees {} in {city}",
        unit.unwrap_or(Unit::Celsius).symbol()
    )
}

/// A temperature unit.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

impl Unit {
    fn symbol(self) -> &'static str {
        match self {
            Unit::Celsius => "C",
            Unit::Fahrenheit => "F",
        }
    }
}

/// A point on a map.
#[derive(Debug, Deserialize, JsonSchema)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(Debug, Serialize, PartialEq)]
struct Summary {
    count: usize,
    total: f64,
}

/// Sums the distances of points from the origin.
#[patinox::tool(name = "sum_distances")]
async fn distances(
    /// The points to measure.
    points: Vec<Point>,
    /// Weights by label.
    weights: HashMap<String, f64>,
) -> Summary {
    let total = points.iter().map(|p| p.x.hypot(p.y)).sum::<f64>() * weights.values().sum::<f64>();
    Summary {
        count: points.len(),
        total,
    }
}

#[patinox::tool(description = "Divides a by b.")]
fn divide(a: i64, b: i64) -> Result<i64, String> {
    if b == 0 {
        return Err("cannot divide by zero".to_owned());
    }
    Ok(a / b)
}

struct AppState {
    greeting: &'static str,
}

/// Greets someone with the app's greeting.
#[patinox::tool]
async fn greet(ctx: &RunContext<AppState>, who: String) -> String {
    format!("{}, {who}!", ctx.deps().greeting)
}

/// Reports the turn it was called in.
#[patinox::tool]
fn which_turn(ctx: &RunContext) -> u32 {
    ctx.turn()
}

fn spec_json(tool: &dyn Tool) -> Value {
    serde_json::from_str(tool.spec().parameters().get()).expect("the schema is JSON")
}

fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_owned()).expect("test JSON is valid")
}

async fn call(tool: &dyn Tool, ctx: &RunContext, json: &str) -> Result<String, ToolError> {
    tool.call(ctx, &raw(json)).await
}

#[test]
fn the_function_stays_callable() {
    assert_eq!(get_weather("Oslo".into(), None), "22 degrees C in Oslo");
    assert_eq!(divide(6, 3), Ok(2));
}

#[test]
fn spec_takes_name_description_and_argument_docs_from_the_function() {
    let tool: &dyn Tool = &get_weather {};
    let spec = tool.spec();
    assert_eq!(spec.name(), "get_weather");
    assert_eq!(spec.description(), "Current weather for a city.");
    let schema = spec_json(tool);
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["required"],
        json!(["city"]),
        "Option parameters are not required"
    );
    assert_eq!(
        schema["properties"]["city"]["description"],
        "City name, e.g. \"Paris\"."
    );
    assert_eq!(
        schema["properties"]["unit"]["description"],
        "Temperature unit; Celsius when absent."
    );
    assert!(tool.check_spec().is_ok());
}

#[test]
fn attribute_overrides_name_and_description_and_parameter_docs_describe_fields() {
    let tool: &dyn Tool = &distances {};
    assert_eq!(tool.spec().name(), "sum_distances");
    assert_eq!(
        tool.spec().description(),
        "Sums the distances of points from the origin."
    );
    let schema = spec_json(tool);
    assert_eq!(
        schema["properties"]["points"]["description"],
        "The points to measure."
    );
    assert_eq!(
        schema["properties"]["weights"]["description"],
        "Weights by label."
    );
    let mut required: Vec<_> = schema["required"].as_array().unwrap().iter().collect();
    required.sort_by_key(|v| v.as_str().map(str::to_owned));
    assert_eq!(required, [&json!("points"), &json!("weights")]);

    let divide: &dyn Tool = &divide {};
    assert_eq!(divide.spec().description(), "Divides a by b.");
}

#[test]
fn context_parameter_is_not_part_of_the_schema() {
    let schema = spec_json(&greet {});
    assert_eq!(schema["required"], json!(["who"]));
    assert!(schema["properties"].get("ctx").is_none());
    let schema = spec_json(&which_turn {});
    assert!(
        schema["properties"]
            .as_object()
            .is_none_or(|p| p.is_empty()),
        "{schema}"
    );
    assert!(
        schema["required"].as_array().is_none_or(|r| r.is_empty()),
        "{schema}"
    );
}

#[test]
fn spec_is_computed_once() {
    assert!(std::ptr::eq(get_weather {}.spec(), get_weather {}.spec()));
}

#[tokio::test]
async fn calls_deserialize_arguments_and_serialize_the_result() {
    let ctx = RunContext::empty();
    let out = call(
        &get_weather {},
        &ctx,
        r#"{"city":"Paris","unit":"fahrenheit"}"#,
    )
    .await;
    assert_eq!(out, Ok(r#""22 degrees F in Paris""#.to_owned()));
    let out = call(&get_weather {}, &ctx, r#"{"city":"Paris"}"#).await;
    assert_eq!(out, Ok(r#""22 degrees C in Paris""#.to_owned()));

    let out = call(
        &distances {},
        &ctx,
        r#"{"points":[{"x":3,"y":4},{"x":0,"y":1}],"weights":{"a":1.0,"b":1.0}}"#,
    )
    .await
    .unwrap();
    let out: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(out, json!({"count": 2, "total": 12.0}));
}

#[tokio::test]
async fn bad_arguments_are_invalid_arguments_with_serdes_message() {
    let ctx = RunContext::empty();
    let err = call(&get_weather {}, &ctx, r#"{"unit":"kelvin"}"#)
        .await
        .unwrap_err();
    let ToolError::InvalidArguments(message) = err else {
        panic!("expected InvalidArguments, got {err:?}")
    };
    assert!(message.contains("kelvin"), "{message}");

    let err = call(&get_weather {}, &ctx, r#"{"city":"Paris","extra":1}"#)
        .await
        .unwrap_err();
    assert!(matches!(err, ToolError::InvalidArguments(m) if m.contains("extra")));
}

#[tokio::test]
async fn an_err_result_goes_back_as_a_failure() {
    let ctx = RunContext::empty();
    assert_eq!(
        call(&divide {}, &ctx, r#"{"a":7,"b":2}"#).await,
        Ok("3".to_owned())
    );
    assert_eq!(
        call(&divide {}, &ctx, r#"{"a":7,"b":0}"#).await,
        Err(ToolError::Failed("cannot divide by zero".to_owned()))
    );
}

#[tokio::test]
async fn context_is_downcast_to_the_declared_dependencies() {
    let ctx = RunContext::new(Arc::new(AppState { greeting: "Hello" })).erase();
    assert_eq!(
        call(&greet {}, &ctx, r#"{"who":"Ada"}"#).await,
        Ok(r#""Hello, Ada!""#.to_owned())
    );

    let err = call(&greet {}, &RunContext::empty(), r#"{"who":"Ada"}"#)
        .await
        .unwrap_err();
    assert!(matches!(err, ToolError::MissingDeps { expected } if expected.ends_with("AppState")));

    let ctx = RunContext::empty().at_turn(3);
    assert_eq!(call(&which_turn {}, &ctx, "{}").await, Ok("3".to_owned()));
    assert_eq!(call(&which_turn {}, &ctx, "null").await, Ok("3".to_owned()));
}

#[tokio::test]
async fn tools_run_inside_an_agent() {
    use patinox::agent::Runner;
    use patinox::model::CompletionResponse;
    use patinox::model::scripted::ScriptedModel;

    let model = ScriptedModel::new([
        ScriptedModel::call("divide", r#"{"a":10,"b":0}"#),
        ScriptedModel::call("greet", r#"{"who":"Ada"}"#),
        CompletionResponse::text("done"),
    ]);
    let runner = Runner::builder(model)
        .tool(divide {})
        .tool(greet {})
        .deps(Arc::new(AppState { greeting: "Hi" }))
        .build()
        .unwrap();
    let result = runner.run("go").await.unwrap();
    assert_eq!(result.output, "done");
    let texts: Vec<String> = result
        .messages
        .iter()
        .filter_map(|m| m.text().map(str::to_owned))
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("cannot divide by zero")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("Hi, Ada!")), "{texts:?}");
}
