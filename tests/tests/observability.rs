//! The spans of an agent run, per the OpenTelemetry GenAI semantic
//! conventions, as a `tracing` subscriber sees them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use patinox::agent::{Conversation, Runner};
use patinox::error::{NetworkError, NetworkErrorKind};
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Usage};
use patinox_tests::{Behaviour, RecordingTool};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One span as recorded: its name, fields, parent (an index into the
/// capture) and the messages of its events.
#[derive(Debug, Clone, Default)]
struct SpanRecord {
    name: String,
    parent: Option<usize>,
    fields: BTreeMap<String, String>,
    events: Vec<String>,
}

impl SpanRecord {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Every span in the order created, and the open ones by id (the registry
/// reuses the ids of closed spans).
#[derive(Default)]
struct Spans {
    all: Vec<SpanRecord>,
    open: HashMap<u64, usize>,
}

impl Spans {
    fn get_mut(&mut self, id: &Id) -> Option<&mut SpanRecord> {
        let index = *self.open.get(&id.into_u64())?;
        self.all.get_mut(index)
    }
}

/// Records every span with its fields and the messages of its events.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Spans>>);

impl Capture {
    fn spans(&self) -> Vec<(usize, SpanRecord)> {
        let spans = self.0.lock().unwrap();
        spans.all.iter().cloned().enumerate().collect()
    }

    fn named(&self, name: &str) -> Vec<(usize, SpanRecord)> {
        self.spans()
            .into_iter()
            .filter(|(_, span)| span.name == name)
            .collect()
    }

    fn only(&self, name: &str) -> (usize, SpanRecord) {
        let mut spans = self.named(name);
        assert_eq!(spans.len(), 1, "one `{name}` span in {:#?}", self.spans());
        spans.remove(0)
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        let parent = ctx
            .span(id)
            .and_then(|span| span.parent())
            .and_then(|parent| spans.open.get(&parent.id().into_u64()).copied());
        let mut record = SpanRecord {
            name: attrs.metadata().name().to_owned(),
            parent,
            ..SpanRecord::default()
        };
        attrs.record(&mut Fields(&mut record.fields));
        let index = spans.all.len();
        spans.all.push(record);
        spans.open.insert(id.into_u64(), index);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        if let Some(span) = self.0.lock().unwrap().get_mut(id) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        if let Some(span) = self.0.lock().unwrap().get_mut(&span.id()) {
            span.events
                .push(fields.remove("message").unwrap_or_default());
        }
    }

    fn on_close(&self, id: Id, _ctx: Context<'_, S>) {
        self.0.lock().unwrap().open.remove(&id.into_u64());
    }
}

/// A run of `weather` that calls `get_weather` once, then answers.
fn runner(record_content: bool) -> Runner {
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#)
            .with_usage(Usage::new(20, 5))
            .with_model("test-2025")
            .with_id("resp-1"),
        CompletionResponse::text("Sunny, 18 °C.").with_usage(Usage::new(30, 7)),
    ]);
    Runner::builder(model)
        .name("weather")
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#"{"temperature_c":18}"#.to_owned()),
        ))
        .record_content(record_content)
        .build()
        .unwrap()
}

/// Runs `runner` on "Weather in Paris?" with `capture` as the subscriber.
async fn traced_run(runner: &Runner, capture: &Capture) -> patinox::Result<String> {
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    Ok(runner.run("Weather in Paris?").await?.output)
}

#[tokio::test]
async fn a_run_with_a_tool_call_has_one_agent_span_with_chat_and_tool_children() {
    let capture = Capture::default();
    traced_run(&runner(false), &capture).await.unwrap();

    let (agent_id, agent) = capture.only("invoke_agent");
    assert_eq!(agent.parent, None);
    assert_eq!(agent.field("otel.name"), Some("invoke_agent weather"));
    assert_eq!(agent.field("gen_ai.operation.name"), Some("invoke_agent"));
    assert_eq!(agent.field("gen_ai.agent.name"), Some("weather"));
    assert_eq!(agent.field("gen_ai.provider.name"), Some("scripted"));
    assert_eq!(agent.field("gen_ai.request.model"), Some("test"));
    assert_eq!(agent.field("gen_ai.usage.input_tokens"), Some("50"));
    assert_eq!(agent.field("gen_ai.usage.output_tokens"), Some("12"));
    assert_eq!(agent.field("error.type"), None);

    let chats = capture.named("chat");
    assert_eq!(chats.len(), 2);
    for (_, chat) in &chats {
        assert_eq!(chat.parent, Some(agent_id));
        assert_eq!(chat.field("otel.name"), Some("chat test"));
        assert_eq!(chat.field("gen_ai.operation.name"), Some("chat"));
        assert_eq!(chat.field("gen_ai.provider.name"), Some("scripted"));
        assert_eq!(chat.field("gen_ai.request.model"), Some("test"));
    }
    let (first, second) = (&chats[0].1, &chats[1].1);
    assert_eq!(first.field("gen_ai.response.model"), Some("test-2025"));
    assert_eq!(first.field("gen_ai.response.id"), Some("resp-1"));
    assert_eq!(second.field("gen_ai.response.id"), None);
    assert_eq!(agent.field("gen_ai.conversation.id"), None);
    assert_eq!(
        first.field("gen_ai.response.finish_reasons"),
        Some("tool_calls")
    );
    assert_eq!(first.field("gen_ai.usage.input_tokens"), Some("20"));
    assert_eq!(first.field("gen_ai.usage.output_tokens"), Some("5"));
    assert_eq!(second.field("gen_ai.response.finish_reasons"), Some("stop"));
    assert_eq!(second.field("gen_ai.usage.output_tokens"), Some("7"));

    let (_, tool) = capture.only("execute_tool");
    assert_eq!(tool.parent, Some(agent_id));
    assert_eq!(tool.field("otel.name"), Some("execute_tool get_weather"));
    assert_eq!(tool.field("gen_ai.operation.name"), Some("execute_tool"));
    assert_eq!(tool.field("gen_ai.tool.name"), Some("get_weather"));
    assert_eq!(
        tool.field("gen_ai.tool.call.id"),
        Some("call_0_get_weather")
    );
    assert_eq!(tool.field("error.type"), None);
}

#[tokio::test]
async fn message_content_is_absent_by_default() {
    let capture = Capture::default();
    traced_run(&runner(false), &capture).await.unwrap();

    let content_fields = [
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
    ];
    for (_, span) in capture.spans() {
        for field in content_fields {
            assert_eq!(span.field(field), None, "{field} in {span:#?}");
        }
        let all = format!("{:?}", span.fields);
        for secret in ["Paris", "Sunny", "temperature_c"] {
            assert!(!all.contains(secret), "`{secret}` in {span:#?}");
        }
    }
}

#[tokio::test]
async fn message_content_is_recorded_when_enabled() {
    let capture = Capture::default();
    traced_run(&runner(true), &capture).await.unwrap();

    let (_, agent) = capture.only("invoke_agent");
    assert!(
        agent
            .field("gen_ai.input.messages")
            .unwrap()
            .contains("Weather in Paris?")
    );
    assert!(
        agent
            .field("gen_ai.output.messages")
            .unwrap()
            .contains("Sunny")
    );
    let chats = capture.named("chat");
    assert!(
        chats[0]
            .1
            .field("gen_ai.input.messages")
            .unwrap()
            .contains("Weather in Paris?")
    );
    assert!(
        chats[0]
            .1
            .field("gen_ai.output.messages")
            .unwrap()
            .contains("get_weather")
    );
    assert!(
        chats[1]
            .1
            .field("gen_ai.input.messages")
            .unwrap()
            .contains("temperature_c")
    );
    let (_, tool) = capture.only("execute_tool");
    assert_eq!(
        tool.field("gen_ai.tool.call.arguments"),
        Some(r#"{"city":"Paris"}"#)
    );
    assert_eq!(
        tool.field("gen_ai.tool.call.result"),
        Some(r#"{"temperature_c":18}"#)
    );
}

#[tokio::test]
async fn a_failed_tool_and_a_failed_run_set_error_type() {
    let model = ScriptedModel::new([ScriptedModel::call("get_weather", r#"{"city":"Atlantis"}"#)]);
    let runner = Runner::builder(model)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Fail("no such city".to_owned()),
        ))
        .build()
        .unwrap();
    let capture = Capture::default();
    // The script ends after the tool call: the second model call fails.
    assert!(traced_run(&runner, &capture).await.is_err());

    let (_, tool) = capture.only("execute_tool");
    assert_eq!(tool.field("error.type"), Some("tool_error"));
    let chats = capture.named("chat");
    assert_eq!(chats.len(), 2);
    assert!(chats[1].1.field("error.type").is_some());
    let (_, agent) = capture.only("invoke_agent");
    assert_eq!(agent.field("error.type"), chats[1].1.field("error.type"));
}

#[tokio::test]
async fn a_retry_is_an_event_of_the_chat_span() {
    let model = ScriptedModel::new([])
        .then_fail(|| NetworkError::new(NetworkErrorKind::Timeout, "timed out").into())
        .then(CompletionResponse::text("Hello"));
    let policy = RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(1));
    let runner = Runner::builder(RetryModel::new(model, policy))
        .build()
        .unwrap();
    let capture = Capture::default();
    traced_run(&runner, &capture).await.unwrap();

    let (_, chat) = capture.only("chat");
    assert_eq!(chat.events, ["retrying model call"]);
    assert_eq!(chat.field("error.type"), None);
}

#[tokio::test]
async fn a_streamed_run_has_the_same_spans() {
    use futures_util::StreamExt;

    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let runner = runner(false);
    let events: Vec<_> = runner.run_stream("Weather in Paris?").collect().await;
    assert!(events.iter().all(Result::is_ok));

    let (agent_id, _) = capture.only("invoke_agent");
    let (_, tool) = capture.only("execute_tool");
    assert_eq!(tool.parent, Some(agent_id));
    let chats = capture.named("chat");
    assert_eq!(chats.len(), 2);
    assert!(chats.iter().all(|(_, chat)| chat.parent == Some(agent_id)));
    assert_eq!(
        chats[1].1.field("gen_ai.response.finish_reasons"),
        Some("stop")
    );
}

#[tokio::test]
async fn the_runs_of_a_conversation_carry_its_id() {
    let runner = runner(false);
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let mut chat = Conversation::with_runner(&runner).with_id("chat-42");
    chat.run("Weather in Paris?").await.unwrap();

    let (_, agent) = capture.only("invoke_agent");
    assert_eq!(agent.field("gen_ai.conversation.id"), Some("chat-42"));
}
