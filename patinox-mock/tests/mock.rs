//! The mock as a client sees it: scripted answers on both wires, and every fault.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use patinox_mock::{FAULT_HEADER, Fault, MockConfig, MockServer};
use serde_json::{Value, json};

const OPENAI_TOOLS: &str = r#"[{"type":"function","function":{"name":"get_weather","parameters":
    {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},
     "required":["city","days"],"additionalProperties":false}}}]"#;
const ANTHROPIC_TOOLS: &str = r#"[{"name":"get_weather","input_schema":
    {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]"#;

async fn server() -> MockServer {
    MockServer::start(MockConfig::default().final_text("Sunny."))
        .await
        .unwrap()
}

fn openai_body(stream: bool, tool_result: bool) -> String {
    let result = if tool_result {
        r#",{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"22"}"#
    } else {
        ""
    };
    format!(
        r#"{{"model":"gpt-4o-mini","stream":{stream},"messages":[{{"role":"user","content":"Weather?"}}{result}],"tools":{OPENAI_TOOLS}}}"#
    )
}

async fn post(
    url: &str,
    body: String,
    fault: Option<&Fault>,
) -> reqwest::Result<reqwest::Response> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().post(url).body(body);
    if let Some(fault) = fault {
        request = request.header(FAULT_HEADER, fault.to_string());
    }
    request.send().await
}

async fn openai(
    server: &MockServer,
    fault: Option<&Fault>,
    stream: bool,
) -> reqwest::Result<reqwest::Response> {
    let url = format!("{}/chat/completions", server.base_url());
    post(&url, openai_body(stream, false), fault).await
}

#[tokio::test]
async fn openai_calls_the_first_tool_then_answers() {
    let server = server().await;
    let url = format!("{}/chat/completions", server.base_url());
    let first: Value = serde_json::from_slice(
        &post(&url, openai_body(false, false), None)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let call = &first["choices"][0]["message"]["tool_calls"][0]["function"];
    assert_eq!(call["name"], "get_weather");
    let arguments: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(arguments, json!({"city": "Paris", "days": 1}));
    assert_eq!(first["choices"][0]["finish_reason"], "tool_calls");

    let second: Value = serde_json::from_slice(
        &post(&url, openai_body(false, true), None)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(second["choices"][0]["message"]["content"], "Sunny.");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn openai_streams_end_with_usage_and_done() {
    let server = server().await;
    let response = openai(&server, None, true).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert!(
        events[0].contains(r#""name":"get_weather""#),
        "{}",
        events[0]
    );
    assert!(events[events.len() - 2].contains(r#""usage""#));
    assert_eq!(*events.last().unwrap(), "data: [DONE]");
}

#[tokio::test]
async fn anthropic_answers_with_tool_use_blocks_plain_and_streamed() {
    let server = server().await;
    let url = format!("{}/messages", server.base_url());
    let body = |stream: bool| {
        format!(
            r#"{{"model":"claude","max_tokens":100,"stream":{stream},"messages":[{{"role":"user","content":"Weather?"}}],"tools":{ANTHROPIC_TOOLS}}}"#
        )
    };
    let plain: Value = serde_json::from_slice(
        &post(&url, body(false), None)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(plain["content"][0]["type"], "tool_use");
    assert_eq!(plain["content"][0]["input"], json!({"city": "Paris"}));
    assert_eq!(plain["stop_reason"], "tool_use");

    let streamed = post(&url, body(true), None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(streamed.starts_with("event: message_start\n"));
    assert!(
        streamed.contains(r#""partial_json":"{\"city\":\"Paris\"}""#),
        "{streamed}"
    );
    assert!(streamed.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

#[tokio::test]
async fn status_faults_carry_retry_after_and_transient_ones_pass_later() {
    let server = server().await;
    let fault = Fault::status(429).retry_after_secs(2).first(1);
    let url = format!("{}/chat/completions", server.base_url_with(&fault));
    let failed = post(&url, openai_body(false, false), None).await.unwrap();
    assert_eq!(failed.status(), 429);
    assert_eq!(failed.headers()["retry-after"], "2");
    let error: Value = serde_json::from_slice(&failed.bytes().await.unwrap()).unwrap();
    assert!(error["error"]["message"].is_string());
    let passed = post(&url, openai_body(false, false), None).await.unwrap();
    assert_eq!(passed.status(), 200);

    let overloaded = openai(&server, Some(&Fault::status(529)), false)
        .await
        .unwrap();
    assert_eq!(overloaded.status(), 529);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn resets_give_no_response() {
    let server = server().await;
    let error = openai(&server, Some(&Fault::reset()), false)
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error}");
}

#[tokio::test]
async fn truncated_bodies_fail_to_read_and_truncated_streams_lack_their_end() {
    let server = server().await;
    let plain = openai(&server, Some(&Fault::truncate()), false)
        .await
        .unwrap();
    assert!(plain.bytes().await.is_err());
    let stream = openai(&server, Some(&Fault::truncate()), true)
        .await
        .unwrap();
    let text = stream.text().await.unwrap();
    assert!(text.starts_with("data: {"));
    assert!(!text.contains("[DONE]"));
}

#[tokio::test]
async fn malformed_html_and_oversized_answers() {
    let server = server().await;
    let malformed = openai(&server, Some(&Fault::malformed()), false)
        .await
        .unwrap();
    assert_eq!(malformed.status(), 200);
    assert!(serde_json::from_slice::<Value>(&malformed.bytes().await.unwrap()).is_err());
    let stream = openai(&server, Some(&Fault::malformed()), true)
        .await
        .unwrap();
    let text = stream.text().await.unwrap();
    let broken = text
        .split("\n\n")
        .nth(1)
        .unwrap()
        .strip_prefix("data: ")
        .unwrap();
    assert!(serde_json::from_str::<Value>(broken).is_err());

    let html = openai(&server, Some(&Fault::html()), false).await.unwrap();
    assert_eq!(html.status(), 502);
    assert_eq!(html.headers()["content-type"], "text/html");

    let big = openai(&server, Some(&Fault::oversized().bytes(300_000)), false)
        .await
        .unwrap();
    assert!(big.content_length().is_none());
    assert!(big.bytes().await.unwrap().len() > 300_000);
    let big_stream = openai(&server, Some(&Fault::oversized().bytes(300_000)), true)
        .await
        .unwrap();
    assert!(big_stream.text().await.unwrap().len() > 300_000);
}

#[tokio::test]
async fn stalls_send_nothing_or_stop_halfway() {
    let server = server().await;
    let stall = Fault::stall().stall_for(Duration::from_secs(30));
    let plain = tokio::time::timeout(
        Duration::from_millis(300),
        openai(&server, Some(&stall), false),
    )
    .await;
    assert!(plain.is_err(), "the plain answer came");

    let mut stream = openai(&server, Some(&stall), true).await.unwrap();
    let mut received = Vec::new();
    while let Ok(chunk) = tokio::time::timeout(Duration::from_millis(300), stream.chunk()).await {
        received.extend_from_slice(&chunk.unwrap().expect("the stream ended"));
    }
    let text = String::from_utf8(received).unwrap();
    assert!(text.contains(r#""arguments":"{\"city\""#), "{text}");
    assert!(!text.contains("[DONE]"), "{text}");
}

#[tokio::test]
async fn bad_fault_specs_and_unknown_paths_are_client_errors() {
    let server = server().await;
    let url = format!("{}/fault/explode/v1/chat/completions", server.url());
    let response = post(&url, openai_body(false, false), None).await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("unknown fault `explode`")
    );
    let missing = post(
        &format!("{}/v1/embeddings", server.url()),
        "{}".into(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(missing.status(), 404);
}
