//! Contract test: every request body the OpenAI provider builds validates
//! against `CreateChatCompletionRequest` from OpenAI's published OpenAPI
//! document. The component schemas it needs are extracted into
//! `tests/fixtures/openai/create_chat_completion_request.schema.json` by
//! `tests/fixtures/openai/extract_request_schema.py`.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use patinox::model::{
    ChatCompletionsModel, CompletionRequest, CompletionResponse, Message, ModelSettings,
    ProviderConfig, ResponseFormat, ToolCall, ToolChoice, ToolSpec, openai,
};
use serde_json::{Value, json};
use support::fixture;

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(&fixture(
        "openai/create_chat_completion_request.schema.json",
    ))
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, body: &[u8], what: &str) {
    let instance: Value = serde_json::from_slice(body).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{instance:#}");
}

fn model() -> ChatCompletionsModel {
    openai::model("gpt-4o-mini", ProviderConfig::new().api_key("sk-test")).unwrap()
}

fn raw(value: Value) -> Arc<serde_json::value::RawValue> {
    Arc::from(serde_json::value::to_raw_value(&value).unwrap())
}

#[test]
fn every_request_shape_validates() {
    let validator = validator();
    let schema = json!({
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": ["string", "null"]}},
        "required": ["city", "unit"],
        "additionalProperties": false
    });
    let tools = [
        ToolSpec::new("get_weather", "Current weather.", &schema)
            .unwrap()
            .with_strict_parameters(raw(schema.clone())),
        ToolSpec::new("lookup", "Looks things up.", &json!({"type": "object"})).unwrap(),
    ];
    let call = ToolCall::new("call_1", "get_weather", r#"{"city":"Paris","unit":null}"#).unwrap();
    let conversation = [
        Message::system("Be brief."),
        Message::user("Weather in Paris?"),
        CompletionResponse::tool_calls(vec![call.clone()]).into_message(),
        Message::tool_result(&call, r#"{"temp":21}"#),
        Message::tool_error(&call, "the service timed out"),
        Message::assistant("It is 21 °C."),
        Message::user("Thanks"),
    ];
    let mut settings = ModelSettings::default();
    settings.temperature = Some(0.2);
    settings.top_p = Some(0.9);
    settings.max_tokens = Some(256);
    let format = ResponseFormat::json_schema("weather", raw(schema), true);

    let requests = [
        ("plain", CompletionRequest::new(&conversation[..2])),
        ("whole conversation", CompletionRequest::new(&conversation)),
        (
            "tools, auto",
            CompletionRequest::new(&conversation).with_tools(&tools),
        ),
        (
            "tools, required",
            CompletionRequest::new(&conversation)
                .with_tools(&tools)
                .with_tool_choice(ToolChoice::Required),
        ),
        (
            "tools, none",
            CompletionRequest::new(&conversation)
                .with_tools(&tools)
                .with_tool_choice(ToolChoice::None),
        ),
        (
            "named tool",
            CompletionRequest::new(&conversation)
                .with_tools(&tools)
                .with_tool_choice(ToolChoice::Tool("get_weather".into())),
        ),
        (
            "settings",
            CompletionRequest::new(&conversation).with_settings(settings),
        ),
        (
            "structured output",
            CompletionRequest::new(&conversation).with_response_format(format),
        ),
    ];
    let model = model();
    for (what, request) in &requests {
        for stream in [false, true] {
            let body = model.request_body(request, stream).unwrap();
            assert_valid(&validator, &body, &format!("{what}, stream: {stream}"));
        }
    }
}

#[test]
fn the_schema_rejects_what_the_api_rejects() {
    let validator = validator();
    for bad in [
        json!({"model": "gpt-4o-mini"}),
        json!({"model": "gpt-4o-mini", "messages": [{"role": "wizard", "content": "hi"}]}),
        json!({"model": "gpt-4o-mini", "messages": [{"role": "tool", "content": "x"}]}),
        json!({"model": "gpt-4o-mini", "messages": [], "tool_choice": "sometimes"}),
    ] {
        assert!(!validator.is_valid(&bad), "accepted {bad}");
    }
}

#[test]
fn the_documented_examples_validate() {
    let validator = validator();
    for file in [
        "openai/openapi_request_default.json",
        "openai/openapi_request_tools.json",
        "openai/openapi_request_stream.json",
    ] {
        assert_valid(&validator, &fixture(file), file);
    }
}
