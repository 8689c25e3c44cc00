//! The offline model is fed schemas it has never seen: whatever it sends must
//! satisfy them, and nothing may panic it.

use patinox::model::offline::OfflineModel;
use patinox::model::{CompletionRequest, LanguageModel, Message, ResponseFormat, ToolSpec};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Schemas built from the subset of JSON Schema that tool parameters use.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        prop::collection::vec("[a-z]{1,6}", 1..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        (-50i64..50, 0i64..100).prop_map(
            |(min, span)| json!({"type": "integer", "minimum": min, "maximum": min + span})
        ),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": ["string", "null"]})),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), 0u64..3)
                .prop_map(|(items, min)| json!({"type": "array", "items": items, "minItems": min})),
            object(inner.clone()),
            prop::collection::vec(inner, 2..3).prop_map(|options| json!({"anyOf": options})),
        ]
    })
}

fn object(inner: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z]{1,8}", (inner, any::<bool>()), 0..5).prop_map(|fields| {
        let required: Vec<&String> = fields.iter().filter(|(_, (_, r))| *r).map(|(k, _)| k).collect();
        let properties: serde_json::Map<String, Value> =
            fields.iter().map(|(k, (s, _))| (k.clone(), s.clone())).collect();
        json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
    })
}

fn root_object() -> impl Strategy<Value = Value> {
    object(schema())
}

async fn first_call(schema: &Value, user: &str) -> Option<Value> {
    let tools = [ToolSpec::new("tool", "a generated tool", schema).unwrap()];
    let messages = [Message::user(user)];
    let response = OfflineModel::new()
        .complete(CompletionRequest::new(&messages).with_tools(&tools))
        .await
        .unwrap();
    response
        .tool_calls
        .first()
        .map(|call| serde_json::from_str(call.arguments.get()).unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

proptest! {
    #[test]
    fn arguments_always_satisfy_the_schema(schema in root_object(), user in ".{0,80}") {
        let arguments = runtime().block_on(first_call(&schema, &user));
        let arguments = arguments.expect("every schema of this grammar is satisfiable");
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&arguments).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "{arguments} violates {schema}: {errors:?}");
    }

    #[test]
    fn arbitrary_object_schemas_never_panic_the_model(
        extra in prop::collection::btree_map("[a-zA-Z$]{1,8}", any::<i32>().prop_map(Value::from), 0..4),
        user in ".{0,40}",
    ) {
        let mut schema = json!({"type": "object"});
        for (key, value) in extra {
            schema[key] = value;
        }
        schema["type"] = json!("object");
        let _ = runtime().block_on(first_call(&schema, &user));
    }
}

#[tokio::test]
async fn after_the_tool_result_it_answers_in_text_quoting_the_result() {
    let tools = [ToolSpec::new(
        "lookup",
        "Look up",
        &json!({"type": "object", "properties": {}}),
    )
    .unwrap()];
    let call = patinox::model::ToolCall::new("c1", "lookup", "{}").unwrap();
    let messages = [
        Message::user("Find it"),
        Message::Assistant {
            content: None,
            tool_calls: vec![call.clone()],
        },
        Message::tool_result(&call, r#"{"found":true}"#),
    ];
    let response = OfflineModel::new()
        .complete(CompletionRequest::new(&messages).with_tools(&tools))
        .await
        .unwrap();
    assert!(response.tool_calls.is_empty());
    assert_eq!(
        response.content.as_deref(),
        Some(r#"(offline model) `lookup` returned {"found":true}."#)
    );
}

async fn structured_answer(schema: &Value, messages: &[Message]) -> Value {
    let raw = serde_json::value::to_raw_value(schema).unwrap();
    let request = CompletionRequest::new(messages)
        .with_response_format(ResponseFormat::json_schema("Answer", raw.into(), true));
    let response = OfflineModel::new().complete(request).await.unwrap();
    assert!(response.tool_calls.is_empty());
    serde_json::from_str(response.content.as_deref().unwrap()).unwrap()
}

proptest! {
    #[test]
    fn structured_answers_always_satisfy_the_schema(schema in root_object(), user in ".{0,80}") {
        let answer = runtime().block_on(structured_answer(&schema, &[Message::user(user)]));
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&answer).map(|e| e.to_string()).collect();
        prop_assert!(errors.is_empty(), "{answer} violates {schema}: {errors:?}");
    }
}

fn forecast_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "celsius": {"type": "number"},
            "summary": {"type": "string"}
        },
        "required": ["city", "celsius", "summary"],
        "additionalProperties": false
    })
}

#[tokio::test]
async fn a_structured_answer_takes_fields_from_the_tool_result() {
    let call =
        patinox::model::ToolCall::new("c1", "get_temperature", r#"{"city":"Oslo"}"#).unwrap();
    let messages = [
        Message::user("How warm is it in Oslo?"),
        Message::Assistant {
            content: None,
            tool_calls: vec![call.clone()],
        },
        Message::tool_result(&call, r#"{"city":"Oslo","celsius":4.5}"#),
    ];
    let answer = structured_answer(&forecast_schema(), &messages).await;
    assert_eq!(answer["city"], "Oslo");
    assert_eq!(answer["celsius"], 4.5);
    assert!(answer["summary"].is_string());
}

#[tokio::test]
async fn validator_feedback_never_becomes_tool_arguments() {
    let tools = [ToolSpec::new(
        "get_temperature",
        "Temperature of a city",
        &json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
    .unwrap()];
    let call =
        patinox::model::ToolCall::new("c1", "get_temperature", r#"{"city":"Paris"}"#).unwrap();
    let history = [
        Message::system("You forecast weather."),
        Message::user("How warm is it in Paris?"),
        Message::Assistant {
            content: None,
            tool_calls: vec![call.clone()],
        },
        Message::tool_result(&call, r#"{"celsius":18.5}"#),
        Message::Assistant {
            content: Some("Mild.".into()),
            tool_calls: Vec::new(),
        },
        Message::user("Not accepted. Try again and mention Berlin Or London"),
    ];
    let response = OfflineModel::new()
        .complete(CompletionRequest::new(&history).with_tools(&tools))
        .await
        .unwrap();
    assert!(response.tool_calls.is_empty(), "{:?}", response.tool_calls);
    let text = response.content.unwrap();
    assert!(text.contains("18.5") && !text.contains("Berlin"), "{text}");

    // A new question after an answer is a question, with its own tool call.
    let mut next = history.to_vec();
    next.pop();
    next.push(Message::user("And in Rome?"));
    let response = OfflineModel::new()
        .complete(CompletionRequest::new(&next).with_tools(&tools))
        .await
        .unwrap();
    assert_eq!(response.tool_calls[0].arguments.get(), r#"{"city":"Rome"}"#);
}
