//! Conversations: history kept across runs, fitted to a token budget, saved
//! to JSON and resumed.

use patinox::PatinoxError;
use patinox::agent::{CONVERSATION_FORMAT_VERSION, SavedConversation};
use patinox::model::Message;

const FIXTURE_V1: &str = include_str!("../fixtures/conversation_v1.json");

fn validation_field(error: &PatinoxError) -> Option<&str> {
    match error {
        PatinoxError::Validation(detail) => detail.field.as_deref(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_conversation_saved_in_format_1_still_loads() {
    let saved = SavedConversation::from_json(FIXTURE_V1).expect("format 1 loads");
    assert_eq!(saved.messages.len(), 6);
    assert_eq!(
        saved.messages[0],
        Message::user("What is the weather in Paris?")
    );
    let Message::Assistant { tool_calls, .. } = &saved.messages[1] else {
        panic!("expected a tool call, got {:?}", saved.messages[1]);
    };
    assert_eq!(tool_calls[0].name, "get_weather");
    assert_eq!(tool_calls[0].arguments.get(), r#"{"city": "Paris"}"#);
    assert!(
        matches!(&saved.messages[2], Message::Tool { call_id, .. } if call_id == "call_0_get_weather")
    );
    assert_eq!(
        saved.messages[5].text(),
        Some("I only know the weather in Paris.")
    );
    assert_eq!(saved.usage.input_tokens, 412);
    assert_eq!(saved.usage.cached_input_tokens, 128);
    assert_eq!(saved.usage.requests, 3);
    assert_eq!(saved.runs, 2);
    assert_eq!(saved.metadata["user"], "ada");

    // Written back, it is the same document: the fixture is what this
    // version writes.
    let written: serde_json::Value =
        serde_json::from_str(&saved.to_json().expect("saves")).expect("JSON");
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE_V1).expect("JSON");
    assert_eq!(written, fixture);
    assert_eq!(written["format_version"], CONVERSATION_FORMAT_VERSION);
}

#[test]
fn text_that_is_not_json_is_a_validation_error() {
    let error = SavedConversation::from_json("{not json").expect_err("refused");
    assert_eq!(validation_field(&error), None);
    assert!(error.to_string().contains("must be JSON"), "{error}");
    let source = std::error::Error::source(&error).expect("the JSON error is kept");
    assert!(source.is::<serde_json::Error>());
}

#[test]
fn a_conversation_from_a_later_version_is_refused_by_name() {
    let later = FIXTURE_V1.replacen(r#""format_version": 1"#, r#""format_version": 2"#, 1);
    let error = SavedConversation::from_json(&later).expect_err("refused");
    assert_eq!(validation_field(&error), Some("format_version"));
    assert!(error.to_string().contains("format version 2"), "{error}");
    assert!(error.to_string().contains("upgrade Patinox"), "{error}");
}

#[test]
fn json_without_a_format_version_or_with_unknown_fields_is_refused() {
    let error = SavedConversation::from_json(r#"{"messages": []}"#).expect_err("refused");
    assert_eq!(validation_field(&error), Some("format_version"));

    let error = SavedConversation::from_json(r#"{"format_version": 0}"#).expect_err("refused");
    assert_eq!(validation_field(&error), Some("format_version"));

    // A field version 1 does not have would be lost on the next save.
    let extra = FIXTURE_V1.replacen(r#""runs": 2"#, r#""runs": 2, "summary": "x""#, 1);
    let error = SavedConversation::from_json(&extra).expect_err("refused");
    assert!(error.to_string().contains("summary"), "{error}");

    let bad_message = FIXTURE_V1.replacen(r#""role": "user""#, r#""role": "narrator""#, 1);
    assert!(SavedConversation::from_json(&bad_message).is_err());
}

#[test]
fn a_field_that_does_not_belong_to_the_role_is_refused_not_dropped() {
    let json = r#"{"format_version": 1, "runs": 0, "usage": {}, "messages": [
        {"role": "user", "content": "Hi", "tool_calls": [{"id": "a", "name": "t", "arguments": {}}]}
    ]}"#;
    let error = SavedConversation::from_json(json).expect_err("refused");
    assert_eq!(validation_field(&error), Some("messages[0].tool_calls"));

    let json = r#"{"format_version": 1, "runs": 0, "usage": {}, "messages": [
        {"role": "tool", "name": "t", "content": "42"}
    ]}"#;
    let error = SavedConversation::from_json(json).expect_err("refused");
    assert_eq!(validation_field(&error), Some("messages[0].call_id"));
}
