//! The Anthropic client against a wiremock server: headers, the request
//! shape (top-level system, tool_use / tool_result blocks), responses,
//! streams and error statuses.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use patinox::PatinoxError;
use patinox::error::RecoveryStrategy;
use patinox::model::anthropic::{self, AnthropicModel};
use patinox::model::{
    CompletionRequest, CompletionResponse, FinishReason, LanguageModel, Message, ProviderConfig,
    ToolCall, ToolChoice, ToolSpec,
};
use serde_json::{Value, json};
use support::{bounded, drain, fixture, json, json_status, sse, text_of};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

fn model(server: &MockServer) -> AnthropicModel {
    anthropic::model(
        "claude-opus-4-8",
        ProviderConfig::new()
            .api_key("sk-ant-test")
            .base_url(server.uri()),
    )
    .unwrap()
}

/// The conversation recorded in `request_tool_result.json`, as Patinox messages.
fn recorded_conversation() -> Vec<Message> {
    let call = ToolCall::new(
        "toolu_011LF2VkWpAfJnTKJcmh1PNf",
        "test_tool",
        r#"{"value":"test"}"#,
    )
    .unwrap();
    let mut answer = CompletionResponse::tool_calls(vec![call.clone()]);
    answer.content = Some(
        "I'll use the test_tool with the value \"test\" as requested, then provide a final response."
            .into(),
    );
    vec![
        Message::user("Use the test_tool with value \"test\", then provide a final response"),
        answer.into_message(),
        Message::tool_result(&call, "Tool result"),
    ]
}

#[tokio::test]
async fn sends_key_version_and_the_recorded_message_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-ant-test"))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(json(fixture("anthropic/message_text.json")))
        .expect(1)
        .mount(&server)
        .await;
    let messages = recorded_conversation();
    let response = bounded(model(&server).complete(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    assert_eq!(response.finish_reason, FinishReason::Stop);
    assert!(response.content.unwrap().starts_with("I have successfully"));
    assert_eq!(response.usage.input_tokens, 505);
    assert_eq!(response.usage.output_tokens, 41);

    let received = &server.received_requests().await.unwrap()[0];
    assert!(received.headers.get("authorization").is_none());
    let sent: Value = serde_json::from_slice(&received.body).unwrap();
    let recorded: Value =
        serde_json::from_slice(&fixture("anthropic/request_tool_result.json")).unwrap();
    assert_eq!(sent["messages"], recorded["messages"]);
    assert_eq!(sent["max_tokens"], json!(4096));
    assert!(sent.get("system").is_none());
}

#[tokio::test]
async fn system_is_top_level_and_tools_use_input_schema() {
    let server = MockServer::start().await;
    let schema = json!({"type": "object", "properties": {"value": {"type": "string"}}});
    let tools = [ToolSpec::new("test_tool", "A test tool", &schema).unwrap()];
    let a = ToolCall::new("t1", "test_tool", "{}").unwrap();
    let b = ToolCall::new("t2", "test_tool", "{}").unwrap();
    let messages = [
        Message::system("Be brief."),
        Message::system("Answer in French."),
        Message::user("Go"),
        CompletionResponse::tool_calls(vec![a.clone(), b.clone()]).into_message(),
        Message::tool_result(&a, "one"),
        Message::tool_error(&b, "failed"),
    ];
    let request = CompletionRequest::new(&messages)
        .with_tools(&tools)
        .with_tool_choice(ToolChoice::Tool("test_tool".into()));
    let body: Value =
        serde_json::from_slice(&model(&server).request_body(&request, true).unwrap()).unwrap();
    assert_eq!(body["system"], "Be brief.\n\nAnswer in French.");
    assert_eq!(
        body["tools"],
        json!([{"name": "test_tool", "description": "A test tool", "input_schema": schema}])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "test_tool"})
    );
    assert_eq!(body["stream"], json!(true));
    // Both results share one user turn, as the API requires alternating roles.
    assert_eq!(
        body["messages"][2],
        json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": "one"},
            {"type": "tool_result", "tool_use_id": "t2", "content": "failed", "is_error": true}
        ]})
    );
    assert_eq!(body["messages"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn maps_parallel_tool_use() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(fixture("anthropic/message_parallel_tool_use.json")))
        .mount(&server)
        .await;
    let messages = [Message::user("Go")];
    let response = bounded(model(&server).complete(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    assert_eq!(response.finish_reason, FinishReason::ToolCalls);
    assert_eq!(response.tool_calls.len(), 2);
    assert!(response.tool_calls[0].id.starts_with("toolu_"));
}

#[tokio::test]
async fn streams_text_and_tool_use() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(fixture("anthropic/stream_tool_use.sse")))
        .mount(&server)
        .await;
    let messages = [Message::user("Weather in Paris?")];
    let stream = bounded(model(&server).stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let (events, done) = bounded(drain(stream)).await;
    let done = done.unwrap();
    assert_eq!(
        text_of(&events),
        "I'll check the current weather in Paris for you."
    );
    assert_eq!(done.finish_reason, FinishReason::ToolCalls);
    assert_eq!(done.tool_calls[0].name, "get_weather");
    let args: Value = serde_json::from_str(done.tool_calls[0].arguments.get()).unwrap();
    assert_eq!(args["location"], "Paris");
    assert_eq!(done.usage.input_tokens, 377);
}

#[tokio::test]
async fn an_overloaded_error_event_ends_the_stream_with_529() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(fixture("anthropic/docs_stream_error_overloaded.sse")))
        .mount(&server)
        .await;
    let messages = [Message::user("Hi")];
    let stream = bounded(model(&server).stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let error = bounded(drain(stream)).await.1.unwrap_err();
    assert_eq!(error.status(), Some(529));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn error_statuses_become_typed_provider_errors() {
    let overloaded =
        br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let cases: [(u16, Vec<u8>, &str, bool); 3] = [
        (
            429,
            fixture("anthropic/error_429_rate_limit.json"),
            "rate_limit_error",
            true,
        ),
        (529, overloaded.to_vec(), "overloaded_error", true),
        (
            401,
            br#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
                .to_vec(),
            "authentication_error",
            false,
        ),
    ];
    for (status, body, error_type, retryable) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_status(status, body))
            .mount(&server)
            .await;
        let messages = [Message::user("Hi")];
        let error = bounded(model(&server).complete(CompletionRequest::new(&messages)))
            .await
            .unwrap_err();
        let PatinoxError::Provider(detail) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(detail.status, status);
        assert_eq!(detail.error_type.as_deref(), Some(error_type));
        assert_eq!(error.is_retryable(), retryable, "{error}");
        if !retryable {
            assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
        }
    }
}

#[tokio::test]
async fn structured_output_matches_the_recorded_request() {
    let server = MockServer::start().await;
    let recorded: Value =
        serde_json::from_slice(&fixture("anthropic/request_structured_output.json")).unwrap();
    let schema =
        serde_json::value::to_raw_value(&recorded["output_config"]["format"]["schema"]).unwrap();
    let messages = [Message::user(
        recorded["messages"][0]["content"].as_str().unwrap(),
    )];
    let mut settings = patinox::model::ModelSettings::default();
    settings.max_tokens = Some(1024);
    let request = CompletionRequest::new(&messages)
        .with_settings(settings)
        .with_response_format(patinox::model::ResponseFormat::json_schema(
            "OrderDetails",
            schema.into(),
            true,
        ));
    let model = anthropic::model(
        "claude-sonnet-4-5",
        ProviderConfig::new().api_key("k").base_url(server.uri()),
    )
    .unwrap();
    let sent: Value =
        serde_json::from_slice(&model.request_body(&request, false).unwrap()).unwrap();
    assert_eq!(sent, recorded);
}
