//! A `#[tool]` with a map argument, run by an agent against a mock OpenAI
//! server: the tool is offered in strict mode, the model answers with the
//! map as a list of entries, and the function receives the map.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod schema_support;

use std::collections::BTreeMap;

use patinox::agent::Runner;
use patinox::model::{Message, ProviderConfig, openai};
use schema_support::rules;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Labels a resource.
///
/// # Arguments
/// * `resource` - The resource to label.
/// * `labels` - The labels to set, by name.
#[patinox::tool]
fn label(resource: String, labels: BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{resource}: {}", pairs.join(", "))
}

/// A chat completion in the shape of `fixtures/openai/chat_completion_tool_call.json`.
fn completion(message: Value, finish_reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1727346165,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    }))
}

#[tokio::test]
async fn a_map_argument_travels_as_entries_under_strict_mode() {
    let server = MockServer::start().await;
    let arguments = json!({
        "resource": "disk-1",
        "labels": [{"key": "team", "value": "ops"}, {"key": "env", "value": "prod"}]
    });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(completion(
            json!({
                "role": "assistant",
                "content": null,
                "tool_calls": [{
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "label", "arguments": arguments.to_string()}
                }]
            }),
            "tool_calls",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(completion(
            json!({"role": "assistant", "content": "Labelled."}),
            "stop",
        ))
        .mount(&server)
        .await;
    let model = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new()
            .api_key("sk-test")
            .base_url(format!("{}/v1", server.uri())),
    )
    .unwrap();
    let runner = Runner::builder(model).tool(label {}).build().unwrap();

    let result = runner
        .run("Label disk-1 for the ops team in prod.")
        .await
        .unwrap();

    assert_eq!(result.output, "Labelled.");
    let tool_results: Vec<(&str, bool)> = result
        .messages
        .iter()
        .filter_map(|m| match m {
            Message::Tool {
                content, is_error, ..
            } => Some((content.as_str(), *is_error)),
            _ => None,
        })
        .collect();
    assert_eq!(tool_results, [(r#""disk-1: env=prod, team=ops""#, false)]);

    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let function = &body["tools"][0]["function"];
    assert_eq!(function["strict"], true, "{function:#}");
    let found = rules::violations(&function["parameters"]);
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(
        function["parameters"]["properties"]["labels"]["type"],
        "array"
    );
}
