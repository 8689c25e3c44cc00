//! Conversations: history kept across runs, fitted to a token budget, saved
//! to JSON and resumed.

use std::sync::Arc;

use futures_util::StreamExt;
use patinox::PatinoxError;
use patinox::agent::{
    AgentHandle, CONVERSATION_FORMAT_VERSION, Conversation, RunEvent, Runner, SavedConversation,
    Started, TokenBudget, UsageLimits,
};
use patinox::error::{ExecutionErrorKind, UsageLimit};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message, Usage};
use patinox_tests::{Behaviour, RecordingTool};

const FIXTURE_V1: &str = include_str!("../fixtures/conversation_v1.json");
const FIXTURE_V2: &str = include_str!("../fixtures/conversation_v2.json");

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

    // Format 1 had no ids: it gets a fresh one, kept from then on.
    assert_eq!(saved.id.len(), 36, "a UUID: {}", saved.id);
    let again = SavedConversation::from_json(FIXTURE_V1).expect("format 1 loads");
    assert_ne!(again.id, saved.id);

    // Written back, it is the document in the current format: with the id.
    let written: serde_json::Value =
        serde_json::from_str(&saved.to_json().expect("saves")).expect("JSON");
    let mut fixture: serde_json::Value = serde_json::from_str(FIXTURE_V1).expect("JSON");
    fixture["format_version"] = CONVERSATION_FORMAT_VERSION.into();
    fixture["id"] = saved.id.clone().into();
    assert_eq!(written, fixture);
}

#[test]
fn a_conversation_saved_in_format_2_keeps_its_id() {
    let saved = SavedConversation::from_json(FIXTURE_V2).expect("format 2 loads");
    assert_eq!(saved.id, "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b");
    assert_eq!(saved.messages.len(), 6);
    assert_eq!(saved.runs, 2);

    // Written back, it is the same document: the fixture is what this
    // version writes.
    let written: serde_json::Value =
        serde_json::from_str(&saved.to_json().expect("saves")).expect("JSON");
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE_V2).expect("JSON");
    assert_eq!(written, fixture);
    assert_eq!(written["format_version"], CONVERSATION_FORMAT_VERSION);

    let without_id = FIXTURE_V2.replacen(r#""id": "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b","#, "", 1);
    let error = SavedConversation::from_json(&without_id).expect_err("format 2 has an id");
    assert!(error.to_string().contains("id"), "{error}");
}

#[tokio::test]
async fn a_conversation_keeps_its_id_through_save_and_restore() {
    let model = Arc::new(ScriptedModel::new([reply("Hello, Ada!", 10, 3)]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent);
    let other = Conversation::new(&agent);
    assert_ne!(chat.id(), other.id());
    chat.run("Hi, I am Ada.").await.expect("runs");

    let json = chat.to_json().expect("saves");
    let resumed = Conversation::new(&agent).restore(SavedConversation::from_json(&json).unwrap());
    assert_eq!(resumed.id(), chat.id());
    assert_eq!(chat.to_saved().id, chat.id());

    let named = Conversation::new(&agent).with_id("session-7");
    assert_eq!(named.id(), "session-7");
    assert!(named.to_json().unwrap().contains(r#""id":"session-7""#));
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
    let later = FIXTURE_V2.replacen(r#""format_version": 2"#, r#""format_version": 3"#, 1);
    let error = SavedConversation::from_json(&later).expect_err("refused");
    assert_eq!(validation_field(&error), Some("format_version"));
    assert!(error.to_string().contains("format version 3"), "{error}");
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

const INSTRUCTIONS: &str = "You remember names.";

fn reply(text: &str, input_tokens: u64, output_tokens: u64) -> CompletionResponse {
    CompletionResponse::text(text).with_usage(Usage::new(input_tokens, output_tokens))
}

async fn started(model: &Arc<ScriptedModel>) -> AgentHandle<Runner, Started> {
    let runner = Runner::builder(Arc::clone(model))
        .instructions(INSTRUCTIONS)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#""sunny""#.into()),
        ))
        .build()
        .expect("builds");
    AgentHandle::new(runner).start().await.expect("starts")
}

fn exceeded(error: &PatinoxError) -> (UsageLimit, u64) {
    match error {
        PatinoxError::Execution(detail) => match detail.kind {
            ExecutionErrorKind::UsageLimitExceeded { limit, reached } => (limit, reached),
            ref other => panic!("expected a usage limit, got {other:?}"),
        },
        other => panic!("expected an execution error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_second_run_sends_the_first_runs_messages() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        reply("Sunny, Ada.", 20, 4),
        reply("You are Ada.", 40, 4),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent);

    chat.run("I am Ada. Weather in Paris?")
        .await
        .expect("first run");
    let second = chat.run("Who am I?").await.expect("second run");
    assert_eq!(second.output, "You are Ada.");

    let first_run = &model.requests()[1].messages;
    let sent = &model.requests()[2].messages;
    assert_eq!(sent[0], Message::system(INSTRUCTIONS));
    assert_eq!(
        &sent[1..4],
        &first_run[1..],
        "the first run, tool call and result included"
    );
    assert_eq!(sent[4], Message::assistant("Sunny, Ada."));
    assert_eq!(sent[5], Message::user("Who am I?"));
    assert_eq!(sent.len(), 6);

    // The conversation keeps it all, without the instructions; the result
    // of a run is its whole history, as for any run.
    let mut expected = sent[1..].to_vec();
    expected.push(Message::assistant("You are Ada."));
    assert_eq!(chat.messages(), expected);
    assert_eq!(second.messages[0], Message::system(INSTRUCTIONS));
    assert_eq!(&second.messages[1..], chat.messages());
    assert_eq!(chat.runs(), 2);
    assert_eq!(chat.usage().requests, 3);
    assert_eq!(chat.usage().input_tokens, 60);
}

#[tokio::test]
async fn the_budget_trims_old_turns_from_requests_but_not_from_the_conversation() {
    let long = "word ".repeat(200); // about 250 tokens
    let model = Arc::new(ScriptedModel::new([
        reply("first answer", 0, 0),
        reply("second answer", 0, 0),
        reply("third answer", 0, 0),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent).history_policy(Arc::new(TokenBudget::new(400)));

    chat.run(&format!("first {long}")).await.expect("run 1");
    chat.run(&format!("second {long}")).await.expect("run 2");
    chat.run("third, short").await.expect("run 3");

    let requests = model.requests();
    // Run 2: two long questions are over 400 tokens: the oldest exchange
    // goes, its answer with it.
    assert_eq!(
        requests[1].messages,
        [
            Message::system(INSTRUCTIONS),
            Message::user(format!("second {long}"))
        ]
    );
    // Run 3: the second exchange fits beside the short question.
    assert_eq!(
        requests[2].messages,
        [
            Message::system(INSTRUCTIONS),
            Message::user(format!("second {long}")),
            Message::assistant("second answer"),
            Message::user("third, short"),
        ]
    );
    assert_eq!(
        chat.messages().len(),
        6,
        "the conversation keeps every message"
    );
}

#[tokio::test]
async fn reported_usage_calibrates_the_budget_of_the_next_request() {
    let model = Arc::new(ScriptedModel::new([
        // The provider counts far more than the messages show (tool
        // definitions, say): 995 input tokens for a short exchange.
        reply("Hello.", 995, 2),
        reply("Again.", 950, 2),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent).history_policy(Arc::new(TokenBudget::new(1_000)));

    chat.run("Hi").await.expect("run 1");
    chat.run("Hi again").await.expect("run 2");

    // Uncalibrated, the second request (a few dozen tokens) would fit whole;
    // calibrated by the 995 reported, only the latest question does.
    assert_eq!(
        model.requests()[1].messages,
        [Message::system(INSTRUCTIONS), Message::user("Hi again")]
    );
}

#[tokio::test]
async fn a_saved_conversation_resumes_where_it_stopped() {
    let model = Arc::new(ScriptedModel::new([
        reply("Hello, Ada.", 10, 3),
        reply("You are Ada.", 20, 3),
    ]));
    let agent = started(&model).await;
    let json = {
        let mut chat = Conversation::new(&agent);
        chat.metadata_mut().insert("user".into(), "ada".into());
        chat.run("I am Ada.").await.expect("run 1");
        chat.to_json().expect("saves")
    };

    let saved = SavedConversation::from_json(&json).expect("loads");
    let mut chat = Conversation::new(&agent).restore(saved);
    assert_eq!(chat.runs(), 1);
    assert_eq!(chat.metadata()["user"], "ada");
    chat.run("Who am I?").await.expect("run 2");

    assert_eq!(
        model.requests()[1].messages,
        [
            Message::system(INSTRUCTIONS),
            Message::user("I am Ada."),
            Message::assistant("Hello, Ada."),
            Message::user("Who am I?"),
        ]
    );
    assert_eq!(
        chat.usage().input_tokens,
        30,
        "usage adds up across the save"
    );
    assert_eq!(chat.runs(), 2);
    assert_eq!(chat.to_saved().messages, chat.messages());
}

#[tokio::test]
async fn a_conversation_continues_a_finished_run() {
    let model = Arc::new(ScriptedModel::new([
        reply("Hello, Ada.", 10, 3),
        reply("You are Ada.", 20, 3),
    ]));
    let runner = Runner::builder(Arc::clone(&model))
        .instructions(INSTRUCTIONS)
        .build()
        .expect("builds");
    let first = runner.run("I am Ada.").await.expect("one run");

    let mut chat = Conversation::with_runner(&runner).restore(first);
    chat.run("Who am I?").await.expect("continues");
    assert_eq!(model.requests()[1].messages.len(), 4);
    assert_eq!(model.requests()[1].messages[1], Message::user("I am Ada."));
    assert_eq!(chat.usage().input_tokens, 30);
}

#[tokio::test]
async fn a_failed_run_leaves_the_history_as_it_was() {
    let model = Arc::new(
        ScriptedModel::new([reply("Hello.", 10, 3)]).then_fail(|| PatinoxError::validation("boom")),
    );
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent);
    chat.run("Hi").await.expect("run 1");
    chat.run("Fail now").await.expect_err("the model fails");
    assert_eq!(
        chat.messages(),
        [Message::user("Hi"), Message::assistant("Hello.")]
    );
    assert_eq!(chat.runs(), 1);
}

#[tokio::test]
async fn request_limits_count_across_runs() {
    let model = Arc::new(ScriptedModel::new([
        reply("one", 1, 1),
        reply("two", 1, 1),
        reply("three", 1, 1),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent).limits(UsageLimits::default().requests(2));
    chat.run("1").await.expect("run 1");
    chat.run("2").await.expect("run 2");

    let error = chat
        .run("3")
        .await
        .expect_err("a third request is over the limit");
    assert_eq!(exceeded(&error), (UsageLimit::Requests, 3));
    assert!(error.to_string().contains("conversation"), "{error}");
    assert_eq!(model.requests().len(), 2, "no request was made");
    assert_eq!(chat.messages().len(), 4);
}

#[tokio::test]
async fn token_limits_count_failed_runs_and_refuse_an_exhausted_conversation() {
    let model = Arc::new(ScriptedModel::new([
        reply("one", 50, 10),
        reply("two", 50, 10),
        reply("three", 50, 10),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent).limits(UsageLimits::default().total_tokens(100));

    chat.run("1").await.expect("60 tokens");
    let error = chat.run("2").await.expect_err("120 tokens is over 100");
    assert_eq!(exceeded(&error), (UsageLimit::TotalTokens, 120));
    assert_eq!(
        chat.usage().total_tokens(),
        120,
        "the failed run's tokens count"
    );
    assert_eq!(chat.messages().len(), 2);

    let error = chat.run("3").await.expect_err("nothing left");
    assert_eq!(exceeded(&error), (UsageLimit::TotalTokens, 120));
    assert_eq!(model.requests().len(), 2, "refused before any request");
}

#[tokio::test]
async fn tool_call_limits_count_the_calls_in_the_history() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        reply("Sunny.", 1, 1),
        ScriptedModel::call("get_weather", r#"{"city":"Oslo"}"#),
        reply("unused", 1, 1),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent).limits(UsageLimits::default().tool_calls(1));
    chat.run("Paris?").await.expect("one tool call");
    let error = chat.run("Oslo?").await.expect_err("a second tool call");
    assert_eq!(exceeded(&error), (UsageLimit::ToolCalls, 2));
}

#[tokio::test]
async fn a_streamed_run_joins_the_conversation_when_it_finishes() {
    let model = Arc::new(ScriptedModel::new([
        reply("Hello, Ada.", 10, 3),
        reply("You are Ada.", 20, 3),
        reply("unused", 1, 1),
    ]));
    let agent = started(&model).await;
    let mut chat = Conversation::new(&agent);

    let mut text = String::new();
    let mut finished = false;
    let mut events = chat.run_stream("I am Ada.");
    while let Some(event) = events.next().await {
        match event.expect("no error") {
            RunEvent::TextDelta(delta) => text.push_str(&delta),
            RunEvent::Finished(result) => finished = result.output == text,
            _ => {}
        }
    }
    drop(events);
    assert!(finished);
    assert_eq!(chat.messages().len(), 2);
    assert_eq!(chat.usage().input_tokens, 10);

    // A stream dropped before its end leaves the history as it was.
    let mut events = chat.run_stream("Who am I?");
    let first = events.next().await.expect("an event").expect("no error");
    assert!(!matches!(first, RunEvent::Finished(_)), "{first:?}");
    drop(events);
    assert_eq!(chat.messages().len(), 2);
    assert_eq!(chat.runs(), 1);
    assert_eq!(
        chat.usage().input_tokens,
        30,
        "what the stopped run spent counts"
    );

    // The next run still continues from the first one.
    chat.run("Who am I?").await.expect("run");
    assert_eq!(
        model.requests().last().expect("a request").messages.len(),
        4
    );
}

#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct Name {
    name: String,
}

/// You find the user's name.
#[patinox::agent(output = Name)]
struct NameFinder;

#[tokio::test]
async fn a_conversation_with_a_typed_agent_returns_typed_outputs() {
    let model = ScriptedModel::new([
        CompletionResponse::text(r#"{"name": "Ada"}"#),
        CompletionResponse::text(r#"{"name": "Ada"}"#),
    ]);
    let agent = NameFinder::builder()
        .model(model)
        .build()
        .expect("builds")
        .start()
        .await
        .expect("starts");
    let mut chat = Conversation::new(&agent);
    chat.run("I am Ada.").await.expect("run 1");
    let second = chat.run("Who am I?").await.expect("run 2");
    assert_eq!(second.output, Name { name: "Ada".into() });
    assert_eq!(chat.messages().len(), 4);
}
