//! Structured output, the providers' side: a request carrying a
//! `ResponseFormat` is sent the way each provider supports natively, checked
//! against the vendors' captures (tests/fixtures, sources in its README).

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use patinox::model::{
    CompletionRequest, LanguageModel, Message, ModelSettings, ProviderConfig, ResponseFormat,
    anthropic, chat_completions, lmstudio, ollama, openai, openrouter,
};
use serde_json::{Value, json};
use support::{bounded, fixture, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer};

fn format(schema: &Value) -> ResponseFormat {
    let raw = serde_json::value::to_raw_value(schema).unwrap();
    ResponseFormat::json_schema("Location", Arc::from(raw), true)
}

fn location_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "temperature": {"type": "number"},
            "units": {"type": "string", "enum": ["c", "f"]}
        },
        "required": ["city", "temperature", "units"],
        "additionalProperties": false
    })
}

fn config() -> ProviderConfig {
    ProviderConfig::new()
        .api_key("sk-test")
        .base_url("http://127.0.0.1:9/v1")
}

fn body(bytes: Vec<u8>) -> Value {
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn chat_completions_providers_send_a_strict_json_schema_response_format() {
    let messages = [Message::user("What's the weather like in SF?")];
    let request =
        CompletionRequest::new(&messages).with_response_format(format(&location_schema()));
    let expected = json!({
        "type": "json_schema",
        "json_schema": {"name": "Location", "schema": location_schema(), "strict": true}
    });
    let models = [
        openai::model("gpt-4o", config()).unwrap(),
        openrouter::model("openai/gpt-4o", config()).unwrap(),
        lmstudio::model("qwen", config()).unwrap(),
        // Ollama's compatible endpoint turns this field into its native `format`.
        ollama::model("llama3.2", config()).unwrap(),
        chat_completions::model("any", config()).unwrap(),
    ];
    for model in models {
        let sent = body(model.request_body(&request, false).unwrap());
        assert_eq!(sent["response_format"], expected, "{}", model.id());
        assert_eq!(sent["messages"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn openai_answers_with_the_json_in_content() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(
            json!({"response_format": {"type": "json_schema"}}),
        ))
        .respond_with(json(fixture(
            "openai/chat_completion_structured_output.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let model = openai::model(
        "gpt-4o",
        ProviderConfig::new()
            .api_key("sk-test")
            .base_url(format!("{}/v1", server.uri())),
    )
    .unwrap();
    let messages = [Message::user("What's the weather like in SF?")];
    let request =
        CompletionRequest::new(&messages).with_response_format(format(&location_schema()));
    let response = bounded(model.complete(request)).await.unwrap();
    let answer: Value = serde_json::from_str(response.content.as_deref().unwrap()).unwrap();
    let validator = jsonschema::validator_for(&location_schema()).unwrap();
    assert!(validator.is_valid(&answer), "{answer}");
}

#[test]
fn anthropic_sends_the_captured_output_config_request() {
    let capture = body(fixture("anthropic/request_structured_output.json"));
    let schema = &capture["output_config"]["format"]["schema"];
    let text = capture["messages"][0]["content"].as_str().unwrap();
    let messages = [Message::user(text)];
    let mut settings = ModelSettings::default();
    settings.max_tokens = Some(1024);
    let request = CompletionRequest::new(&messages)
        .with_settings(settings)
        .with_response_format(ResponseFormat::json_schema(
            "OrderDetails",
            Arc::from(serde_json::value::to_raw_value(schema).unwrap()),
            true,
        ));
    let model = anthropic::model("claude-sonnet-4-5", config()).unwrap();
    let sent = body(model.request_body(&request, false).unwrap());
    assert_eq!(sent, capture);
}

#[test]
fn a_server_without_response_format_gets_the_schema_in_its_system_prompt() {
    let model = chat_completions::model("any", config())
        .unwrap()
        .schema_in_prompt();
    let schema = location_schema();
    for (messages, system_at) in [
        (vec![Message::system("Be brief."), Message::user("SF?")], 0),
        (vec![Message::user("SF?")], 0),
    ] {
        let request = CompletionRequest::new(&messages).with_response_format(format(&schema));
        let sent = body(model.request_body(&request, false).unwrap());
        assert!(sent.get("response_format").is_none());
        let sent_messages = sent["messages"].as_array().unwrap();
        assert_eq!(sent_messages.len(), 2);
        let system = &sent_messages[system_at];
        assert_eq!(system["role"], "system");
        let content = system["content"].as_str().unwrap();
        assert!(
            content.contains(&serde_json::to_string(&schema).unwrap()),
            "{content}"
        );
        if messages.len() == 2 {
            assert!(content.starts_with("Be brief.\n\n"), "{content}");
        }
    }
}
