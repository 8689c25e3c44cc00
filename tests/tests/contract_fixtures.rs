//! Contract tests: every response and SSE fixture recorded or documented by
//! the vendors (`tests/fixtures/`) parses into the neutral types with the
//! content the vendor's data says: text, tool names, assembled arguments,
//! usage and finish reason.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use patinox::Result;
use patinox::model::anthropic;
use patinox::model::internals::SseDecoder;
use patinox::model::{
    CompletionRequest, CompletionResponse, FinishReason, LanguageModel, Message, ProviderConfig,
    StreamEvent, openai, openrouter,
};
use serde_json::Value;
use support::{bounded, drain, fixture, json, sse, text_of};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

/// Serves `file` and returns what the matching client makes of it: a
/// completion for `.json`, a drained stream for `.sse`.
async fn parse(file: &str) -> (Vec<StreamEvent>, Result<CompletionResponse>) {
    let server = MockServer::start().await;
    let streaming = file.ends_with(".sse");
    let template = if streaming {
        sse(fixture(file))
    } else {
        json(fixture(file))
    };
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    let config = ProviderConfig::new().api_key("k").base_url(server.uri());
    let model: Box<dyn LanguageModel> = match file.split('/').next() {
        Some("anthropic") => Box::new(anthropic::model("claude", config).unwrap()),
        Some("openrouter") => Box::new(openrouter::model("m", config).unwrap()),
        _ => Box::new(openai::model("m", config).unwrap()),
    };
    let messages = [Message::user("Hi")];
    let request = CompletionRequest::new(&messages);
    if streaming {
        let stream = bounded(model.stream(request)).await.unwrap();
        bounded(drain(stream)).await
    } else {
        (Vec::new(), bounded(model.complete(request)).await)
    }
}

async fn response(file: &str) -> CompletionResponse {
    parse(file)
        .await
        .1
        .unwrap_or_else(|err| panic!("{file}: {err}"))
}

fn args(response: &CompletionResponse, n: usize) -> Value {
    serde_json::from_str(response.tool_calls[n].arguments.get()).unwrap()
}

#[tokio::test]
async fn openai_responses() {
    let text = response("openai/chat_completion_text.json").await;
    assert!(
        text.content
            .unwrap()
            .starts_with("I'm unable to provide real-time")
    );
    assert_eq!(text.finish_reason, FinishReason::Stop);
    assert_eq!(
        (text.usage.input_tokens, text.usage.output_tokens),
        (14, 37)
    );
    assert_eq!(text.model.as_deref(), Some("gpt-4o-2024-08-06"));

    let call = response("openai/chat_completion_tool_call.json").await;
    assert_eq!(call.finish_reason, FinishReason::ToolCalls);
    assert_eq!(call.tool_calls[0].name, "GetWeatherArgs");
    assert_eq!(args(&call, 0)["city"], "Edinburgh");
    assert_eq!(call.content, None);

    let parallel = response("openai/chat_completion_parallel_tool_calls.json").await;
    let names: Vec<&str> = parallel
        .tool_calls
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["GetWeatherArgs", "get_stock_price"]);
    assert_eq!(args(&parallel, 1)["ticker"], "AAPL");

    let refusal = response("openai/chat_completion_refusal.json").await;
    assert_eq!(refusal.finish_reason, FinishReason::Refusal);
    assert!(refusal.refusal.unwrap().starts_with("I'm very sorry"));

    let length = response("openai/chat_completion_finish_length.json").await;
    assert_eq!(length.finish_reason, FinishReason::Length);

    let structured = response("openai/chat_completion_structured_output.json").await;
    let output: Value = serde_json::from_str(&structured.content.unwrap()).unwrap();
    assert_eq!(output["city"], "San Francisco");

    let documented = response("openai/openapi_response_default.json").await;
    assert_eq!(
        documented.content.as_deref(),
        Some("Hello! How can I assist you today?")
    );
    let documented_call = response("openai/openapi_response_tool_call.json").await;
    assert_eq!(documented_call.tool_calls[0].name, "get_current_weather");
    assert_eq!(args(&documented_call, 0)["location"], "Boston, MA");
}

#[tokio::test]
async fn openai_streams() {
    let (events, done) = parse("openai/stream_text_with_usage.sse").await;
    let done = done.unwrap();
    assert_eq!(done.content.as_deref(), Some(text_of(&events).as_str()));
    assert!(text_of(&events).starts_with("I'm unable to provide real-time"));
    assert_eq!(done.usage.input_tokens, 14);

    let done = parse("openai/stream_tool_call.sse").await.1.unwrap();
    assert_eq!(done.finish_reason, FinishReason::ToolCalls);
    assert_eq!(done.tool_calls[0].name, "get_weather");
    assert!(args(&done, 0).is_object());
    assert_eq!(done.usage.input_tokens, 44);

    let done = parse("openai/stream_parallel_tool_calls.sse")
        .await
        .1
        .unwrap();
    let names: Vec<&str> = done.tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["GetWeatherArgs", "get_stock_price"]);
    assert_eq!(args(&done, 1)["ticker"], "AAPL");

    let (events, done) = parse("openai/stream_refusal.sse").await;
    let done = done.unwrap();
    assert_eq!(done.finish_reason, FinishReason::Refusal);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::RefusalDelta(_)))
    );
    assert!(done.refusal.unwrap().starts_with("I'm sorry"));

    let done = parse("openai/stream_finish_length.sse").await.1.unwrap();
    assert_eq!(done.finish_reason, FinishReason::Length);

    let done = parse("openai/stream_logprobs.sse").await.1.unwrap();
    assert_eq!(done.finish_reason, FinishReason::Stop);
    assert!(done.content.is_some());

    // n = 3: only the first choice is assembled.
    let (events, done) = parse("openai/stream_multiple_choices_n3.sse").await;
    let done = done.unwrap();
    assert_eq!(done.content.as_deref(), Some(text_of(&events).as_str()));
    assert_eq!(done.usage.input_tokens, 79);
}

#[tokio::test]
async fn anthropic_responses() {
    let text = response("anthropic/message_text.json").await;
    assert_eq!(text.finish_reason, FinishReason::Stop);
    assert_eq!(
        (text.usage.input_tokens, text.usage.output_tokens),
        (505, 41)
    );

    let call = response("anthropic/message_tool_use.json").await;
    assert_eq!(call.finish_reason, FinishReason::ToolCalls);
    assert_eq!(call.tool_calls[0].name, "test_tool");
    assert_eq!(args(&call, 0)["value"], "test");
    assert!(call.content.unwrap().starts_with("I'll use the test_tool"));

    let parallel = response("anthropic/message_parallel_tool_use.json").await;
    assert_eq!(parallel.tool_calls.len(), 2);
    assert_eq!(
        (parallel.usage.input_tokens, parallel.usage.output_tokens),
        (418, 113)
    );
}

#[tokio::test]
async fn anthropic_streams() {
    let (events, done) = parse("anthropic/stream_text.sse").await;
    let done = done.unwrap();
    assert_eq!(done.finish_reason, FinishReason::Stop);
    assert_eq!(done.content.as_deref(), Some(text_of(&events).as_str()));
    assert_eq!(done.usage.output_tokens, 6);

    let done = parse("anthropic/stream_text_recorded_2025.sse")
        .await
        .1
        .unwrap();
    assert_eq!(done.finish_reason, FinishReason::Stop);
    assert_eq!(done.usage.output_tokens, 10);
    assert!(done.content.is_some());

    for file in [
        "anthropic/stream_tool_use.sse",
        "anthropic/docs_stream_tool_use.sse",
    ] {
        let done = parse(file).await.1.unwrap();
        assert_eq!(done.finish_reason, FinishReason::ToolCalls, "{file}");
        assert_eq!(done.tool_calls[0].name, "get_weather", "{file}");
        assert!(args(&done, 0)["location"].is_string(), "{file}");
    }

    let done = parse("anthropic/stream_refusal.sse").await.1.unwrap();
    assert_eq!(done.finish_reason, FinishReason::Refusal);

    // The tool's JSON was cut off by max_tokens: no call, finish reason Length.
    let done = parse("anthropic/stream_max_tokens_partial_tool_json.sse")
        .await
        .1
        .unwrap();
    assert_eq!(done.finish_reason, FinishReason::Length);
    assert!(done.tool_calls.is_empty());

    // Thinking deltas are not answer text.
    let (events, done) = parse("anthropic/docs_stream_thinking.sse").await;
    let done = done.unwrap();
    assert_eq!(done.content.as_deref(), Some(text_of(&events).as_str()));

    let error = parse("anthropic/docs_stream_error_overloaded.sse")
        .await
        .1
        .unwrap_err();
    assert_eq!(error.status(), Some(529));
}

#[tokio::test]
async fn openrouter_fixtures() {
    let text = response("openrouter/chat_completion_text.json").await;
    assert_eq!(text.content.as_deref(), Some("Hello there!"));
    assert_eq!((text.usage.input_tokens, text.usage.output_tokens), (10, 4));

    let (events, done) = parse("openrouter/stream_with_comments.sse").await;
    assert_eq!(text_of(&events), "Here's the summary:");
    assert!(done.is_ok());

    let error = parse("openrouter/stream_midstream_error_429.sse")
        .await
        .1
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    let error = parse("openrouter/stream_midstream_error.sse")
        .await
        .1
        .unwrap_err();
    assert!(
        error.to_string().contains("Provider disconnected"),
        "{error}"
    );
}

#[test]
fn a_keep_alive_comment_is_no_event() {
    let mut decoder = SseDecoder::new();
    let mut count = 0;
    decoder.feed(&fixture("openrouter/stream_comment_line.sse"), |_| {
        count += 1;
    });
    decoder.finish(|_| {
        count += 1;
    });
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_response_id_is_read_from_bodies_and_streams() {
    for (file, id) in [
        (
            "openai/chat_completion_text.json",
            "chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY",
        ),
        (
            "openai/stream_text_with_usage.sse",
            "chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL",
        ),
        (
            "anthropic/message_tool_use.json",
            "msg_012foMGXNQ1eqhaq3QvA5dY6",
        ),
        (
            "anthropic/stream_text.sse",
            "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK",
        ),
    ] {
        assert_eq!(response(file).await.id.as_deref(), Some(id), "{file}");
    }
}
