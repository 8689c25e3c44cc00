//! The OpenAI client against a wiremock server: the exact request it sends,
//! how responses, streams and error statuses map to Patinox types.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use patinox::PatinoxError;
use patinox::error::RecoveryStrategy;
use patinox::model::{
    CompletionRequest, FinishReason, LanguageModel, Message, ModelSettings, ProviderConfig,
    ResponseFormat, StreamEvent, ToolCall, ToolChoice, ToolSpec, openai,
};
use serde_json::{Value, json};
use support::{bounded, drain, fixture, json, json_status, sse, text_of};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

fn model(server: &MockServer) -> patinox::model::ChatCompletionsModel {
    openai::model(
        "gpt-4o-mini",
        ProviderConfig::new()
            .api_key("sk-test")
            .base_url(format!("{}/v1", server.uri())),
    )
    .unwrap()
}

fn weather_tool() -> ToolSpec {
    let schema = json!({
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": false
    });
    ToolSpec::new("get_weather", "Current weather.", &schema)
        .unwrap()
        .with_strict_parameters(Arc::from(serde_json::value::to_raw_value(&schema).unwrap()))
}

#[tokio::test]
async fn sends_the_documented_request_body_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .and(header("content-type", "application/json"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .expect(1)
        .mount(&server)
        .await;
    let call = ToolCall::new("call_1", "get_weather", r#"{"city":"Paris"}"#).unwrap();
    let messages = [
        Message::system("Be brief."),
        Message::user("Weather in Paris?"),
        patinox::model::CompletionResponse::tool_calls(vec![call.clone()]).into_message(),
        Message::tool_result(&call, r#"{"temp":21}"#),
    ];
    let tools = [weather_tool()];
    let mut settings = ModelSettings::default();
    settings.temperature = Some(0.5);
    settings.max_tokens = Some(100);
    let request = CompletionRequest::new(&messages)
        .with_tools(&tools)
        .with_tool_choice(ToolChoice::Required)
        .with_settings(settings);
    bounded(model(&server).complete(request)).await.unwrap();

    let received = &server.received_requests().await.unwrap()[0];
    let body: Value = serde_json::from_slice(&received.body).unwrap();
    assert_eq!(
        body,
        json!({
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\":21}"}
            ],
            "tools": [{"type": "function", "function": {
                "name": "get_weather", "description": "Current weather.",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                               "required": ["city"], "additionalProperties": false},
                "strict": true
            }}],
            "tool_choice": "required",
            "temperature": 0.5,
            "max_completion_tokens": 100
        })
    );
}

#[tokio::test]
async fn structured_output_and_streaming_options_are_sent() {
    let server = MockServer::start().await;
    let model = model(&server);
    let messages = [Message::user("Extract.")];
    let schema: Arc<serde_json::value::RawValue> =
        Arc::from(serde_json::value::to_raw_value(&json!({"type": "object"})).unwrap());
    let request = CompletionRequest::new(&messages)
        .with_response_format(ResponseFormat::json_schema("order", schema, true));
    let body: Value = serde_json::from_slice(&model.request_body(&request, true).unwrap()).unwrap();
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "order", "schema": {"type": "object"}, "strict": true}})
    );
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn maps_a_tool_call_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(fixture("openai/chat_completion_tool_call.json")))
        .mount(&server)
        .await;
    let messages = [Message::user("Weather?")];
    let response = bounded(model(&server).complete(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    assert_eq!(response.finish_reason, FinishReason::ToolCalls);
    assert_eq!(response.tool_calls.len(), 1);
    assert_eq!(response.tool_calls[0].name, "GetWeatherArgs");
    let args: Value = serde_json::from_str(response.tool_calls[0].arguments.get()).unwrap();
    assert_eq!(args["city"], "Edinburgh");
    assert!(response.usage.input_tokens > 0);
}

#[tokio::test]
async fn streams_text_deltas_and_final_usage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(fixture("openai/stream_text_with_usage.sse")))
        .mount(&server)
        .await;
    let messages = [Message::user("Hi")];
    let stream = bounded(model(&server).stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let (events, done) = bounded(drain(stream)).await;
    let done = done.unwrap();
    assert!(!text_of(&events).is_empty());
    assert_eq!(done.content.as_deref(), Some(text_of(&events).as_str()));
    assert_eq!(done.finish_reason, FinishReason::Stop);
    assert!(done.usage.output_tokens > 0);
}

#[tokio::test]
async fn streams_reassemble_parallel_tool_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(fixture("openai/stream_parallel_tool_calls.sse")))
        .mount(&server)
        .await;
    let messages = [Message::user("Weather?")];
    let stream = bounded(model(&server).stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let (events, done) = bounded(drain(stream)).await;
    let done = done.unwrap();
    assert_eq!(done.finish_reason, FinishReason::ToolCalls);
    assert_eq!(done.tool_calls.len(), 2);
    let calls: Vec<&ToolCall> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCall(call) => Some(call),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2);
    for call in &done.tool_calls {
        let args: Value = serde_json::from_str(call.arguments.get()).unwrap();
        assert!(args.is_object(), "{}", call.arguments);
    }
}

async fn error_for(status: u16, body: &[u8]) -> PatinoxError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(status, body.to_vec()).insert_header("retry-after", "2"))
        .mount(&server)
        .await;
    let messages = [Message::user("Hi")];
    bounded(model(&server).complete(CompletionRequest::new(&messages)))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn error_statuses_become_typed_provider_errors() {
    let cases: [(u16, &str, RecoveryStrategy); 5] = [
        (
            401,
            "openai/error_401_invalid_api_key.json",
            RecoveryStrategy::Fail,
        ),
        (
            400,
            "openai/error_400_context_length_exceeded.json",
            RecoveryStrategy::Fallback,
        ),
        (
            429,
            "openai/error_429_rate_limit.json",
            RecoveryStrategy::Retry {
                after: Some(std::time::Duration::from_secs(2)),
            },
        ),
        (
            429,
            "openai/error_429_insufficient_quota.json",
            RecoveryStrategy::Fallback,
        ),
        (
            404,
            "openai/error_401_invalid_api_key.json",
            RecoveryStrategy::Fallback,
        ),
    ];
    for (status, file, strategy) in cases {
        let error = error_for(status, &fixture(file)).await;
        assert_eq!(error.status(), Some(status), "{file}");
        assert_eq!(error.recovery_strategy(), strategy, "{file}: {error}");
        let PatinoxError::Provider(detail) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(detail.provider, "openai");
        assert!(!detail.message.is_empty());
    }
    let error = error_for(500, b"<html>oops</html>").await;
    assert_eq!(error.status(), Some(500));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn error_codes_are_kept() {
    let error = error_for(429, &fixture("openai/error_429_insufficient_quota.json")).await;
    let PatinoxError::Provider(detail) = error else {
        panic!()
    };
    assert_eq!(detail.code.as_deref(), Some("insufficient_quota"));
    assert_eq!(detail.error_type.as_deref(), Some("insufficient_quota"));
}
