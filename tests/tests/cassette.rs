//! Record and replay: a whole agent run is recorded against the mock server
//! and replayed with the server stopped; a changed request, a corrupt file
//! and a wrong kind of call are typed errors that say what differs.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use patinox::PatinoxError;
use patinox::agent::{ModelStep, RunEvent, RunResult, Runner, StepExecutor, StepId, ToolStep};
use patinox::model::cassette::{Call, CassetteError, CassetteMode, CassetteModel};
use patinox::model::{
    CompletionRequest, CompletionResponse, LanguageModel, Message, ProviderConfig, StreamEvent,
    anthropic, openai,
};
use patinox_mock::{DEFAULT_FINAL_TEXT, MockConfig, MockServer, Wire};
use patinox_tests::{Behaviour, RecordingTool};
use proptest::prelude::*;

/// A provider of `wire` on `server`, with `key`.
fn provider(server: &MockServer, wire: Wire, key: &str) -> Arc<dyn LanguageModel> {
    let config = ProviderConfig::new()
        .api_key(key)
        .timeout(Duration::from_secs(5));
    match wire {
        Wire::OpenAi => {
            Arc::new(openai::model("gpt-4o-mini", config.base_url(server.base_url())).unwrap())
        }
        _ => Arc::new(
            anthropic::model("claude-sonnet-4-5", config.base_url(server.base_url())).unwrap(),
        ),
    }
}

fn weather() -> RecordingTool {
    RecordingTool::new(
        "get_weather",
        Behaviour::Return(r#"{"celsius":22}"#.to_owned()),
    )
}

/// A run of an agent with the `get_weather` tool on `model`, and the tool's calls.
async fn run(model: CassetteModel, input: &str) -> patinox::Result<(RunResult, Vec<String>)> {
    let tool = Arc::new(weather());
    let runner = Runner::builder(model)
        .instructions("You report the weather.")
        .tool(Arc::clone(&tool))
        .build()?;
    let result = tokio::time::timeout(Duration::from_secs(10), runner.run(input))
        .await
        .expect("the run hung")?;
    Ok((result, tool.calls()))
}

/// Records one run of `input` on `wire` to `path`, then stops the server.
async fn record(path: &Path, wire: Wire, input: &str) -> (RunResult, Vec<String>) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let model = CassetteModel::record(path, provider(&server, wire, "mock-key"));
    let recorded = run(model, input).await.unwrap();
    assert_eq!(server.requests(), 2, "two model calls reach the server");
    recorded
}

/// The [`CassetteError`] under a cassette's [`PatinoxError`].
fn cassette_error(err: &PatinoxError) -> &CassetteError {
    assert!(
        matches!(err, PatinoxError::Configuration(detail) if detail.key.as_deref() == Some("cassette")),
        "{err:?}"
    );
    std::error::Error::source(err)
        .and_then(|source| source.downcast_ref::<CassetteError>())
        .unwrap_or_else(|| panic!("no CassetteError under {err:?}"))
}

#[tokio::test]
async fn a_recorded_run_replays_with_the_server_stopped() {
    for wire in [Wire::OpenAi, Wire::Anthropic] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cassettes/weather.json");
        let (recorded, recorded_calls) = record(&path, wire, "Weather in Paris?").await;
        assert_eq!(recorded.output, DEFAULT_FINAL_TEXT);

        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(file["exchanges"].as_array().unwrap().len(), 2);

        let replaying = CassetteModel::replay(&path).unwrap();
        assert_eq!(replaying.mode(), CassetteMode::Replay);
        let (replayed, replayed_calls) = run(replaying, "Weather in Paris?").await.unwrap();
        assert_eq!(replayed.output, recorded.output);
        assert_eq!(replayed.messages, recorded.messages);
        assert_eq!(replayed.usage, recorded.usage);
        assert_eq!(replayed_calls, recorded_calls);
        assert_eq!(replayed_calls.len(), 1, "the tool still runs in replay");
    }
}

#[tokio::test]
async fn a_changed_request_names_the_exchange_the_field_and_both_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weather.json");
    record(&path, Wire::OpenAi, "Weather in Paris?").await;

    let err = run(CassetteModel::replay(&path).unwrap(), "Weather in Lyon?")
        .await
        .unwrap_err();
    let CassetteError::Mismatch {
        exchange,
        differences,
    } = cassette_error(&err)
    else {
        panic!("not a mismatch: {err}");
    };
    assert_eq!(*exchange, 1);
    assert_eq!(differences.len(), 1);
    assert_eq!(differences[0].path, "messages[1].content");
    assert_eq!(differences[0].expected, r#""Weather in Paris?""#);
    assert_eq!(differences[0].got, r#""Weather in Lyon?""#);
    let shown = err.to_string();
    assert!(
        shown.contains("request 1 does not match")
            && shown.contains(
                r#"messages[1].content: expected "Weather in Paris?", got "Weather in Lyon?""#
            ),
        "{shown}"
    );
}

#[tokio::test]
async fn more_requests_than_recorded_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weather.json");
    record(&path, Wire::OpenAi, "Weather in Paris?").await;
    let model = CassetteModel::replay(&path).unwrap();
    let messages = [Message::user("Weather in Paris?")];
    for _ in 0..2 {
        // Differs from the recorded requests, which carry the instructions.
        model
            .complete(CompletionRequest::new(&messages))
            .await
            .unwrap_err();
    }
    let err = model
        .complete(CompletionRequest::new(&messages))
        .await
        .unwrap_err();
    assert_eq!(
        cassette_error(&err),
        &CassetteError::Exhausted {
            exchange: 3,
            recorded: 2
        }
    );
}

/// Every event of `model.stream(..)` for one question.
async fn stream_events(model: &CassetteModel) -> patinox::Result<Vec<StreamEvent>> {
    let messages = [Message::user("Weather in Paris?")];
    let stream = model.stream(CompletionRequest::new(&messages)).await?;
    stream.collect::<Vec<_>>().await.into_iter().collect()
}

#[tokio::test]
async fn streams_replay_as_streams() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stream.json");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let recording = CassetteModel::record(&path, provider(&server, Wire::OpenAi, "mock-key"));
    let recorded = stream_events(&recording).await.unwrap();
    drop(server);
    assert!(
        recorded.len() > 2,
        "the mock streams the text in pieces: {recorded:?}"
    );
    assert!(matches!(recorded.last(), Some(StreamEvent::Done(_))));

    let replaying = CassetteModel::replay(&path).unwrap();
    assert_eq!(stream_events(&replaying).await.unwrap(), recorded);

    let again = CassetteModel::replay(&path).unwrap();
    let messages = [Message::user("Weather in Paris?")];
    let err = again
        .complete(CompletionRequest::new(&messages))
        .await
        .unwrap_err();
    assert_eq!(
        cassette_error(&err),
        &CassetteError::WrongCall {
            exchange: 1,
            recorded: Call::Stream,
            requested: Call::Complete
        }
    );
}

/// The text deltas and the output of a streaming run.
async fn streaming_run(model: CassetteModel) -> (Vec<String>, String) {
    let runner = Runner::builder(model).tool(weather()).build().unwrap();
    let mut deltas = Vec::new();
    let mut output = None;
    let mut events = runner.run_stream("Weather in Paris?");
    while let Some(event) = events.next().await {
        match event.unwrap() {
            RunEvent::TextDelta(text) => deltas.push(text),
            RunEvent::Finished(result) => output = Some(result.output),
            _ => {}
        }
    }
    (deltas, output.expect("the run finishes"))
}

/// Keeps the id of every step of a run, in order.
#[derive(Default)]
struct StepLog(std::sync::Mutex<Vec<StepId>>);

#[async_trait::async_trait]
impl StepExecutor for StepLog {
    async fn model_call(&self, step: ModelStep<'_>) -> patinox::Result<CompletionResponse> {
        self.0.lock().unwrap().push(step.id().clone());
        step.run().await
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> patinox::Result<Message> {
        self.0.lock().unwrap().push(step.id().clone());
        Ok(step.run().await)
    }
}

/// A streaming run through a step executor: the cassette sits under the
/// step seam, so a replayed run takes the same steps, and its tools run
/// again (a cassette records the model's side only).
#[tokio::test]
async fn a_replayed_streaming_run_takes_the_same_steps() {
    async fn steps(model: CassetteModel) -> (Vec<StepId>, Vec<String>) {
        let log = Arc::new(StepLog::default());
        let tool = Arc::new(weather());
        let runner = Runner::builder(model)
            .tool(Arc::clone(&tool))
            .step_executor(log.clone())
            .build()
            .unwrap();
        let events: Vec<_> = runner.run_stream("Weather in Paris?").collect().await;
        assert!(events.iter().all(Result::is_ok), "{events:?}");
        let steps = log.0.lock().unwrap().clone();
        (steps, tool.calls())
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steps.json");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let recording = CassetteModel::record(&path, provider(&server, Wire::OpenAi, "mock-key"));
    let recorded = steps(recording).await;
    drop(server);
    assert!(
        matches!(
            recorded.0.as_slice(),
            [
                StepId::Model { turn: 1 },
                StepId::Tool { turn: 1, .. },
                StepId::Model { turn: 2 }
            ]
        ),
        "{recorded:?}"
    );
    assert_eq!(recorded.1.len(), 1, "the tool ran once");
    let replayed = steps(CassetteModel::replay(&path).unwrap()).await;
    assert_eq!(replayed, recorded);
}

#[tokio::test]
async fn a_streaming_run_replays_its_deltas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("streaming-run.json");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let recording = CassetteModel::record(&path, provider(&server, Wire::Anthropic, "mock-key"));
    let recorded = streaming_run(recording).await;
    drop(server);
    assert_eq!(recorded.1, DEFAULT_FINAL_TEXT);
    let replayed = streaming_run(CassetteModel::replay(&path).unwrap()).await;
    assert_eq!(replayed, recorded);
}

#[tokio::test]
async fn no_secret_is_written_and_a_redacted_recording_still_replays() {
    // No `sk-` prefix: the generic redaction must not be what hides it.
    let canary = "canary-7d41e0b9c2a84f6e9b3c5d1a";
    let tail = "7d41e0b9c2a84f6e9b3c5d1a";
    let question = format!("My key is {canary}; also sk-proj-abc123. Weather in Paris?");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.json");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let recording =
        CassetteModel::record(&path, provider(&server, Wire::OpenAi, canary)).redact(canary);
    let (recorded, _) = run(recording, &question).await.unwrap();
    drop(server);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(tail), "the canary was written:\n{text}");
    assert!(!text.contains("abc123"), "an sk- key was written:\n{text}");
    assert!(text.contains("[REDACTED]"));

    let replaying = CassetteModel::replay(&path).unwrap().redact(canary);
    let (replayed, _) = run(replaying, &question).await.unwrap();
    assert_eq!(replayed.output, recorded.output);
    // Debug shows neither the key nor the secrets.
    let shown = format!("{:?}", CassetteModel::replay(&path).unwrap().redact(canary));
    assert!(!shown.contains(tail), "{shown}");
}

fn corrupt(text: &str) -> CassetteError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.json");
    std::fs::write(&path, text).unwrap();
    let err = CassetteModel::replay(&path).unwrap_err();
    cassette_error(&err).clone()
}

#[test]
fn a_corrupt_cassette_is_a_typed_error() {
    assert!(matches!(
        corrupt("{\n  \"version\": 1,\n  \"model\": oops"),
        CassetteError::Corrupt { line: 3, .. }
    ));
    assert!(matches!(
        corrupt(r#"{"version": 1, "model": "openai:x", "exchanges": [{"request": {}}]}"#),
        CassetteError::Corrupt { .. }
    ));
    assert_eq!(
        corrupt(r#"{"version": 9, "model": "openai:x", "exchanges": []}"#),
        CassetteError::Version { found: 9 }
    );
}

#[test]
fn a_missing_cassette_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = CassetteModel::replay(dir.path().join("none.json")).unwrap_err();
    assert!(
        matches!(&err, PatinoxError::Configuration(d) if d.key.as_deref() == Some("cassette")),
        "{err:?}"
    );
    assert!(err.to_string().contains("PATINOX_CASSETTE=record"), "{err}");
}

#[tokio::test]
async fn auto_records_when_the_file_is_missing_and_replays_when_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auto.json");
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let first = CassetteModel::open(CassetteMode::Auto, &path, || {
        Ok(provider(&server, Wire::OpenAi, "mock-key"))
    })
    .unwrap();
    assert_eq!(first.mode(), CassetteMode::Record);
    run(first, "Weather in Paris?").await.unwrap();
    drop(server);

    let second = CassetteModel::open(
        CassetteMode::Auto,
        &path,
        || -> patinox::Result<CassetteModel> { panic!("replay must not build the model") },
    )
    .unwrap();
    assert_eq!(second.mode(), CassetteMode::Replay);
    let (result, _) = run(second, "Weather in Paris?").await.unwrap();
    assert_eq!(result.output, DEFAULT_FINAL_TEXT);
}

#[test]
fn modes_parse_and_unknown_modes_are_configuration_errors() {
    assert_eq!(
        "replay".parse::<CassetteMode>().unwrap(),
        CassetteMode::Replay
    );
    assert_eq!(
        " AUTO ".parse::<CassetteMode>().unwrap(),
        CassetteMode::Auto
    );
    let err = "rewind".parse::<CassetteMode>().unwrap_err();
    assert!(
        matches!(&err, PatinoxError::Configuration(d) if d.key.as_deref() == Some("PATINOX_CASSETTE")),
        "{err:?}"
    );
}

/// A valid cassette of one exchange, for the parser property.
const VALID: &str = r#"{
  "version": 1,
  "model": "openai:gpt-4o-mini",
  "exchanges": [
    {
      "request": {"messages": [{"role": "user", "content": "Hi"}], "tool_choice": "auto"},
      "response": {"content": "Hello", "finish_reason": "stop", "usage": {"input_tokens": 1, "output_tokens": 1, "cached_input_tokens": 0, "reasoning_tokens": 0, "requests": 1}}
    }
  ]
}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any text, or a valid cassette cut or spliced anywhere, is read as a
    /// cassette or refused with a cassette error; never a panic.
    #[test]
    fn the_cassette_parser_never_panics(
        noise in ".{0,200}",
        cut in 0..VALID.len(),
        splice in proptest::option::of("[\\[\\]{}\",:0-9a-z ]{0,8}"),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.json");
        let mangled = match splice {
            Some(piece) => format!("{}{piece}{}", &VALID[..cut], &VALID[cut..]),
            None => VALID[..cut].to_owned(),
        };
        for text in [noise.as_str(), mangled.as_str()] {
            std::fs::write(&path, text).unwrap();
            if let Err(err) = CassetteModel::replay(&path) {
                cassette_error(&err);
            }
        }
    }
}
