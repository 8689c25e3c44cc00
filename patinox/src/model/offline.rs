//! The built-in offline model.
//!
//! It makes every example and test run without a key or a network, and it is
//! honest about what it is: no language understanding, only a fixed procedure.
//!
//! 1. If the conversation since the user's question has no tool result and
//!    a tool is offered, it calls the first tool whose schema it can satisfy,
//!    with arguments built from that schema and the user's words.
//! 2. Once tool results are in, it answers quoting them.
//! 3. With no tools, it answers by restating the user's message.
//!
//! A request with a [`ResponseFormat`] (structured
//! output) is answered with a JSON value valid for its schema instead of
//! text: properties named like a field of a tool result take that value, the
//! rest come from the user's words.
//!
//! A user message right after one of its answers is read as a new question
//! only if it is phrased as one (it ends with `?`); otherwise it is feedback
//! on that answer (an output validator asking again), and the model answers
//! the original question again. Words of feedback never become tool arguments.

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::{
    CompletionRequest, CompletionResponse, LanguageModel, Message, ModelId, ResponseFormat,
    ToolCall, ToolSpec, Usage,
};
use crate::error::Result;

/// A deterministic model that runs anywhere; see the [module docs](self).
///
/// ```
/// use patinox::model::{CompletionRequest, LanguageModel, Message, ToolSpec};
/// use patinox::model::offline::OfflineModel;
/// use serde_json::json;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let tools = [ToolSpec::new(
///     "get_weather",
///     "Weather for a city",
///     &json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
/// )?];
/// let messages = [Message::user("What is the weather in Paris?")];
/// let response = OfflineModel::new()
///     .complete(CompletionRequest::new(&messages).with_tools(&tools))
///     .await?;
/// assert_eq!(response.tool_calls[0].name, "get_weather");
/// assert_eq!(response.tool_calls[0].arguments.get(), r#"{"city":"Paris"}"#);
/// # Ok(())
/// # }
/// ```
///
/// Structured output:
///
/// ```
/// use std::sync::Arc;
/// use patinox::model::{CompletionRequest, LanguageModel, Message, ResponseFormat};
/// use patinox::model::offline::OfflineModel;
/// use serde_json::value::RawValue;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let schema: Arc<RawValue> = RawValue::from_string(
///     r#"{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"],"additionalProperties":false}"#.into(),
/// )?.into();
/// let messages = [Message::user("Plan 3 days in Rome")];
/// let request = CompletionRequest::new(&messages)
///     .with_response_format(ResponseFormat::json_schema("Trip", schema, true));
/// let response = OfflineModel::new().complete(request).await?;
/// assert_eq!(response.content.as_deref(), Some(r#"{"city":"Rome","days":3}"#));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct OfflineModel {
    id: ModelId,
}

impl OfflineModel {
    /// The offline model, id `offline:patinox`.
    pub fn new() -> Self {
        Self {
            id: ModelId::new("offline", "patinox"),
        }
    }
}

impl Default for OfflineModel {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl LanguageModel for OfflineModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        let messages = request.messages;
        let question = question(messages);
        let user_text = question
            .and_then(|i| messages[i].text())
            .unwrap_or_default();
        let since_question = &messages[question.map_or(0, |i| i + 1)..];
        let results: Vec<ToolResult<'_>> = since_question
            .iter()
            .filter_map(|m| match m {
                Message::Tool {
                    name,
                    content,
                    is_error,
                    ..
                } => Some((name.as_str(), content.as_str(), *is_error)),
                _ => None,
            })
            .collect();
        let usage = Usage::new(estimate_tokens(messages), 0);

        let planned_call = || {
            request
                .tools
                .iter()
                .find_map(|tool| plan_call(tool, user_text, messages.len()))
        };
        let response = if results.is_empty()
            && let Some(call) = planned_call()
        {
            CompletionResponse::tool_calls(vec![call])
        } else {
            let text = answer_text(&results, user_text);
            match &request.response_format {
                Some(format) => CompletionResponse::text(
                    structured_answer(format, user_text, &results).unwrap_or(text),
                ),
                None => CompletionResponse::text(text),
            }
        };
        let output_tokens = response
            .content
            .as_deref()
            .map_or(8, |t| t.len() as u64 / 4);
        Ok(response
            .with_usage(Usage {
                output_tokens,
                ..usage
            })
            .with_model("offline"))
    }
}

/// A tool result: the tool's name, its content, whether it failed.
type ToolResult<'a> = (&'a str, &'a str, bool);

/// The index of the user message being answered: the last one, unless it is
/// feedback on an answer (it follows a final answer and is not a question),
/// in which case the one that answer was for.
fn question(messages: &[Message]) -> Option<usize> {
    let is_user = |m: &Message| matches!(m, Message::User { .. });
    let mut index = messages.iter().rposition(is_user)?;
    while index > 0 && is_final_answer(&messages[index - 1]) && !is_question(&messages[index]) {
        match messages[..index - 1].iter().rposition(is_user) {
            Some(earlier) => index = earlier,
            None => break,
        }
    }
    Some(index)
}

fn is_final_answer(message: &Message) -> bool {
    matches!(message, Message::Assistant { tool_calls, .. } if tool_calls.is_empty())
}

fn is_question(message: &Message) -> bool {
    message.text().is_some_and(|t| t.trim_end().ends_with('?'))
}

fn answer_text(results: &[ToolResult<'_>], user_text: &str) -> String {
    if !results.is_empty() {
        answer_from_results(results)
    } else if user_text.is_empty() {
        "(offline model) There is no question to answer.".to_owned()
    } else {
        format!("(offline model) You said: {user_text}. Configure a provider for real answers.")
    }
}

/// A JSON answer valid for `format`'s schema, or `None` if this procedure
/// cannot build one.
fn structured_answer(
    format: &ResponseFormat,
    user_text: &str,
    results: &[ToolResult<'_>],
) -> Option<String> {
    let schema: Value = serde_json::from_str(format.schema().get()).ok()?;
    let mut words = Words::new(user_text);
    for (_, content, is_error) in results {
        if !is_error && let Ok(Value::Object(fields)) = serde_json::from_str(content) {
            words.known.extend(fields);
        }
    }
    let value = arguments_for(&schema, &schema, &mut words, 0)?;
    serde_json::to_string(&value).ok()
}

fn estimate_tokens(messages: &[Message]) -> u64 {
    // About four bytes a token, the usual rule of thumb for English text.
    messages
        .iter()
        .map(|m| m.text().map_or(0, str::len) as u64 / 4 + 1)
        .sum()
}

fn answer_from_results(results: &[ToolResult<'_>]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|(name, content, is_error)| {
            if *is_error {
                format!("`{name}` failed: {content}")
            } else {
                format!("`{name}` returned {content}")
            }
        })
        .collect();
    format!("(offline model) {}.", parts.join("; "))
}

fn plan_call(tool: &ToolSpec, user_text: &str, seq: usize) -> Option<ToolCall> {
    let schema: Value = serde_json::from_str(tool.parameters().get()).ok()?;
    let mut words = Words::new(user_text);
    let args = arguments_for(&schema, &schema, &mut words, 0)?;
    let arguments = serde_json::to_string(&args).ok()?;
    ToolCall::new(format!("offline_call_{seq}"), tool.name(), arguments).ok()
}

/// Picks values from the user's text: capitalised words and quoted strings
/// first (likely names), then numbers; and from `known` fields (of tool
/// results) for properties of the same name.
struct Words<'a> {
    candidates: Vec<&'a str>,
    numbers: Vec<f64>,
    fallback: &'a str,
    known: Map<String, Value>,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '?' | '!' | ';' | '"'))
            .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '.'))
            .map(|t| t.trim_end_matches('.'))
            .filter(|t| !t.is_empty())
            .collect();
        let numbers = tokens
            .iter()
            .filter_map(|t| t.parse::<f64>().ok())
            .collect();
        let candidates = tokens
            .iter()
            .skip(1)
            .filter(|t| t.chars().next().is_some_and(char::is_uppercase))
            .copied()
            .collect();
        Self {
            candidates,
            numbers,
            fallback: tokens.last().copied().unwrap_or("example"),
            known: Map::new(),
        }
    }

    fn next_string(&mut self) -> String {
        if self.candidates.is_empty() {
            self.fallback.to_owned()
        } else {
            self.candidates.remove(0).to_owned()
        }
    }

    fn next_number(&mut self) -> Option<f64> {
        (!self.numbers.is_empty()).then(|| self.numbers.remove(0))
    }
}

const MAX_DEPTH: usize = 8;

/// Builds a value satisfying `schema`, or `None` if this procedure cannot.
fn arguments_for(
    schema: &Value,
    root: &Value,
    words: &mut Words<'_>,
    depth: usize,
) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = resolve_ref(root, reference)?;
        return arguments_for(target, root, words, depth + 1);
    }
    if let Some(value) = schema.get("const") {
        return Some(value.clone());
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(first.clone());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            // Prefer a non-null option so the tool gets something to work with.
            let mut ordered: Vec<&Value> = options.iter().filter(|o| !is_null_type(o)).collect();
            ordered.extend(options.iter().filter(|o| is_null_type(o)));
            return ordered
                .into_iter()
                .find_map(|option| arguments_for(option, root, words, depth + 1));
        }
    }
    match primary_type(schema)? {
        "object" => object_for(schema, root, words, depth),
        "string" => Some(Value::String(words.next_string())),
        "integer" => {
            let n = words.next_number().map_or(0, |n| n.round() as i64);
            let min = schema
                .get("minimum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MIN);
            let max = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            Some(Value::from(n.clamp(min, max.max(min))))
        }
        "number" => {
            let n = words.next_number().unwrap_or(0.0);
            let min = schema
                .get("minimum")
                .and_then(Value::as_f64)
                .unwrap_or(f64::MIN);
            let max = schema
                .get("maximum")
                .and_then(Value::as_f64)
                .unwrap_or(f64::MAX);
            serde_json::Number::from_f64(n.clamp(min, max.max(min))).map(Value::Number)
        }
        "boolean" => Some(Value::Bool(false)),
        "array" => {
            let min_items = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let items = schema.get("items");
            let values = (0..min_items)
                .map(|_| items.and_then(|i| arguments_for(i, root, words, depth + 1)))
                .collect::<Option<Vec<_>>>()?;
            Some(Value::Array(values))
        }
        "null" => Some(Value::Null),
        _ => None,
    }
}

fn object_for(schema: &Value, root: &Value, words: &mut Words<'_>, depth: usize) -> Option<Value> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            if required.contains(&name.as_str()) {
                let value = match words.known.get(name) {
                    Some(known) if fits(property, root, known) => known.clone(),
                    _ => arguments_for(property, root, words, depth + 1)?,
                };
                out.insert(name.clone(), value);
            }
        }
    }
    // A required property that is not declared cannot be satisfied.
    if required.iter().any(|r| !out.contains_key(*r)) {
        return None;
    }
    Some(Value::Object(out))
}

/// Whether `value`, a scalar, plainly satisfies `schema` (a `$ref`, a type
/// and its bounds, an enum); anything more complex is built from the schema.
fn fits(schema: &Value, root: &Value, value: &Value) -> bool {
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve_ref(root, r))
    {
        return fits(target, root, value);
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        return allowed.contains(value);
    }
    let constrained = [
        "const",
        "anyOf",
        "oneOf",
        "pattern",
        "minLength",
        "maxLength",
    ];
    if constrained.iter().any(|key| schema.get(key).is_some()) {
        return false;
    }
    let within = |n: f64| {
        schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_none_or(|min| n >= min)
            && schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_none_or(|max| n <= max)
    };
    match (primary_type(schema), value) {
        (Some("string"), Value::String(_)) | (Some("boolean"), Value::Bool(_)) => true,
        (Some("number"), Value::Number(n)) => n.as_f64().is_some_and(within),
        (Some("integer"), Value::Number(n)) => n.as_i64().is_some_and(|i| within(i as f64)),
        _ => false,
    }
}

fn primary_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .or(Some("null")),
        None if schema.get("properties").is_some() => Some("object"),
        _ => None,
    }
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn resolve_ref<'v>(root: &'v Value, reference: &str) -> Option<&'v Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(schema: &Value) -> ToolSpec {
        ToolSpec::new("t", "test tool", schema).expect("valid spec")
    }

    #[test]
    fn fills_required_fields_and_skips_optional_ones() {
        let tool = spec(&json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
                "unit": {"type": ["string", "null"], "enum": ["celsius", "fahrenheit", null]},
                "verbose": {"type": "boolean"}
            },
            "required": ["city", "days", "unit"]
        }));
        let call = plan_call(&tool, "Forecast for Lyon over 3 days", 0).expect("a call");
        let args: Value = serde_json::from_str(call.arguments.get()).expect("json");
        assert_eq!(args, json!({"city": "Lyon", "days": 3, "unit": "celsius"}));
    }

    #[test]
    fn follows_refs_into_definitions() {
        let tool = spec(&json!({
            "type": "object",
            "properties": {"place": {"$ref": "#/$defs/Place"}},
            "required": ["place"],
            "$defs": {"Place": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}
        }));
        let call = plan_call(&tool, "Visit Rome", 0).expect("a call");
        assert_eq!(call.arguments.get(), r#"{"place":{"name":"Rome"}}"#);
    }

    #[test]
    fn gives_up_on_unsatisfiable_schemas() {
        let tool = spec(&json!({"type": "object", "properties": {}, "required": ["ghost"]}));
        assert!(plan_call(&tool, "anything", 0).is_none());
    }
}
