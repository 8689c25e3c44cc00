//! OpenRouter, Ollama and LM Studio share the Chat Completions client: their
//! URLs, headers and quirks.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use patinox::model::{
    CompletionRequest, FinishReason, LanguageModel, Message, ModelSettings, ProviderConfig,
    lmstudio, ollama, openrouter,
};
use serde_json::{Value, json};
use support::{bounded, drain, fixture, json, json_status, sse, text_of};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn openrouter_sends_attribution_headers_and_maps_its_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-or-test"))
        .and(header("http-referer", "https://example.com"))
        .and(header("x-title", "Patinox tests"))
        .respond_with(json(fixture("openrouter/chat_completion_text.json")))
        .expect(1)
        .mount(&server)
        .await;
    let config = openrouter::app_headers(
        ProviderConfig::new()
            .api_key("sk-or-test")
            .base_url(format!("{}/api/v1", server.uri())),
        "https://example.com",
        "Patinox tests",
    )
    .unwrap();
    let model = openrouter::model("openai/gpt-4o", config).unwrap();
    let messages = [Message::user("Hi")];
    let response = bounded(model.complete(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    assert!(response.content.is_some());
    assert_eq!(model.id().to_string(), "openrouter:openai/gpt-4o");
}

#[tokio::test]
async fn openrouter_comment_lines_are_ignored() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sse(fixture("openrouter/stream_with_comments.sse")))
        .mount(&server)
        .await;
    let model = openrouter::model(
        "openai/gpt-4o",
        ProviderConfig::new()
            .api_key("sk-or-test")
            .base_url(server.uri()),
    )
    .unwrap();
    let messages = [Message::user("Summarize")];
    let stream = bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let (events, done) = bounded(drain(stream)).await;
    assert_eq!(text_of(&events), "Here's the summary:");
    assert_eq!(
        done.unwrap().content.as_deref(),
        Some("Here's the summary:")
    );
}

#[tokio::test]
async fn openrouter_mid_stream_errors_are_errors() {
    for (file, status) in [
        ("openrouter/stream_midstream_error.sse", 502),
        ("openrouter/stream_midstream_error_429.sse", 429),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(sse(fixture(file)))
            .mount(&server)
            .await;
        let model = openrouter::model(
            "openai/gpt-4o",
            ProviderConfig::new().api_key("k").base_url(server.uri()),
        )
        .unwrap();
        let messages = [Message::user("Hi")];
        let stream = bounded(model.stream(CompletionRequest::new(&messages)))
            .await
            .unwrap();
        let error = bounded(drain(stream)).await.1.unwrap_err();
        assert_eq!(error.status(), Some(status), "{file}: {error}");
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn openrouter_errors_before_the_stream_keep_their_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_status(
            400,
            fixture("openrouter/error_400_before_stream.json"),
        ))
        .mount(&server)
        .await;
    let model = openrouter::model(
        "openai/gpt-4o",
        ProviderConfig::new().api_key("k").base_url(server.uri()),
    )
    .unwrap();
    let messages = [Message::user("Hi")];
    let error = bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .err()
        .unwrap();
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn local_servers_need_no_key_and_use_max_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(sse(fixture("openai/stream_text_with_usage.sse")))
        .mount(&server)
        .await;
    let base = format!("{}/v1", server.uri());
    let mut settings = ModelSettings::default();
    settings.max_tokens = Some(64);
    let messages = [Message::user("Hi")];
    for model in [
        ollama::model("llama3.2", ProviderConfig::new().base_url(&base)).unwrap(),
        lmstudio::model("qwen2.5-7b-instruct", ProviderConfig::new().base_url(&base)).unwrap(),
    ] {
        let request = CompletionRequest::new(&messages).with_settings(settings.clone());
        let stream = bounded(model.stream(request)).await.unwrap();
        let done = bounded(drain(stream)).await.1.unwrap();
        assert_eq!(done.finish_reason, FinishReason::Stop);
    }
    for received in server.received_requests().await.unwrap() {
        assert!(received.headers.get("authorization").is_none());
        let body: Value = serde_json::from_slice(&received.body).unwrap();
        assert_eq!(body["max_tokens"], json!(64));
        assert!(body.get("max_completion_tokens").is_none());
    }
}

#[test]
fn default_local_urls() {
    let ollama = ollama::model("llama3.2", ProviderConfig::new()).unwrap();
    assert_eq!(
        ollama.endpoint(),
        "http://127.0.0.1:11434/v1/chat/completions"
    );
    let lmstudio = lmstudio::model("m", ProviderConfig::new()).unwrap();
    assert_eq!(
        lmstudio.endpoint(),
        "http://127.0.0.1:1234/v1/chat/completions"
    );
}

#[test]
fn hosted_providers_need_a_key() {
    let error = openrouter::model("x", ProviderConfig::new()).unwrap_err();
    assert!(error.to_string().contains("OPENROUTER_API_KEY"), "{error}");
}

#[test]
fn ollama_sends_the_documented_request() {
    let documented: Value =
        serde_json::from_slice(&fixture("ollama/request_chat_basic.json")).unwrap();
    let model = ollama::model("gpt-oss:20b", ProviderConfig::new()).unwrap();
    let messages = [Message::user("Say this is a test")];
    let body = model
        .request_body(&CompletionRequest::new(&messages), false)
        .unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), documented);
}
