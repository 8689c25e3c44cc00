//! Durable runs in one process: run ids and idempotency keys as tools see
//! them, a run resumed from its journal after a failure, a finished run
//! replayed, and replays that diverge from the journal.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use patinox::agent::{RunEvent, RunId, RunOptions, Runner, StepId};
use patinox::async_trait;
use patinox::durable::Journal;
use patinox::error::{ExecutionErrorKind, NetworkError, NetworkErrorKind, PatinoxError};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, ToolSpec};
use patinox::tool::{RunContext, Tool, ToolResult};
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use serde_json::value::RawValue;

/// A tool that keeps the run id and idempotency key of each call.
struct KeyTool {
    spec: ToolSpec,
    seen: Mutex<Vec<(Option<String>, Option<String>)>>,
}

impl KeyTool {
    fn new() -> Arc<Self> {
        let schema = serde_json::json!({"type": "object", "properties": {}});
        Arc::new(Self {
            spec: ToolSpec::new("ship", "Ships the order.", &schema).unwrap(),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn keys(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter_map(|(_, key)| key.clone()).collect()
    }

    fn run_ids(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter_map(|(run, _)| run.clone()).collect()
    }
}

#[async_trait]
impl Tool for KeyTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, ctx: &RunContext, _arguments: &RawValue) -> ToolResult {
        let run = ctx.run_id().map(ToString::to_string);
        let key = ctx.idempotency_key().map(|key| key.to_string());
        self.seen.lock().unwrap().push((run, key));
        Ok(r#""shipped""#.to_owned())
    }
}

/// Two calls in turn 1, the same call id again in turn 2, then an answer.
fn two_turns() -> ScriptedModel {
    ScriptedModel::new([
        ScriptedModel::calls(&[("ship", "{}"), ("ship", "{}")]),
        ScriptedModel::call("ship", "{}"),
        CompletionResponse::text("Shipped twice and once."),
    ])
}

fn runner(model: ScriptedModel, tool: &Arc<KeyTool>) -> Runner {
    Runner::builder(model)
        .shared_tool(tool.clone())
        .build()
        .unwrap()
}

fn journal(dir: &tempfile::TempDir, run: &str) -> Journal {
    Journal::open(dir.path(), RunId::new(run).unwrap()).unwrap()
}

fn diverged_at(err: &PatinoxError) -> &StepId {
    match err {
        PatinoxError::Execution(e) => match &e.kind {
            ExecutionErrorKind::Diverged { step } => step,
            other => panic!("expected a divergence, got {other:?}: {err}"),
        },
        other => panic!("expected an execution error, got {other:?}"),
    }
}

#[tokio::test]
async fn each_tool_call_gets_a_key_from_the_run_id_turn_and_call_id() {
    let tool = KeyTool::new();
    let options = RunOptions::default().run_id(RunId::new("order-42").unwrap());
    runner(two_turns(), &tool)
        .run_with("Ship", options)
        .await
        .unwrap();
    assert_eq!(
        tool.keys(),
        [
            "order-42:1:call_0_ship",
            "order-42:1:call_1_ship",
            "order-42:2:call_0_ship"
        ]
    );
    assert_eq!(tool.run_ids(), ["order-42"; 3]);
}

#[tokio::test]
async fn runs_without_an_id_get_distinct_ones() {
    let tool = KeyTool::new();
    let model = ScriptedModel::new([
        ScriptedModel::call("ship", "{}"),
        CompletionResponse::text("one"),
        ScriptedModel::call("ship", "{}"),
        CompletionResponse::text("two"),
    ]);
    let runner = runner(model, &tool);
    runner.run("Ship").await.unwrap();
    runner.run("Ship").await.unwrap();
    let runs = tool.run_ids();
    assert_eq!(runs.len(), 2);
    assert_ne!(runs[0], runs[1]);
    RunId::new(runs[0].as_str()).expect("a generated id is a valid run id");
}

#[tokio::test]
async fn a_failed_run_resumes_without_repeating_its_completed_steps() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    // The model fails after the first turn, as if the connection died.
    let failing = ScriptedModel::new([ScriptedModel::calls(&[("ship", "{}"), ("ship", "{}")])])
        .then_fail(|| NetworkError::new(NetworkErrorKind::Interrupted, "connection reset").into());
    let first = runner(failing, &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r1")))
        .await;
    assert!(first.is_err());
    assert_eq!(tool.keys().len(), 2);

    // The resumed run's model answers only what was not recorded.
    let rest = ScriptedModel::new([
        ScriptedModel::call("ship", "{}"),
        CompletionResponse::text("Shipped twice and once."),
    ]);
    let resumed = Runner::builder(rest)
        .shared_tool(tool.clone())
        .build()
        .unwrap();
    let result = resumed
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r1")))
        .await
        .unwrap();
    assert_eq!(result.output, "Shipped twice and once.");
    assert_eq!(result.turns, 3);
    // Turn 1's calls were replayed; only turn 2's ran, with its stable key.
    assert_eq!(
        tool.keys(),
        ["r1:1:call_0_ship", "r1:1:call_1_ship", "r1:2:call_0_ship"]
    );

    // The uninterrupted run's messages, step for step.
    let whole_tool = KeyTool::new();
    let whole = runner(two_turns(), &whole_tool).run("Ship").await.unwrap();
    assert_eq!(result.messages, whole.messages);
}

#[tokio::test]
async fn a_finished_run_returns_its_answer_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    let first = runner(two_turns(), &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r2")))
        .await
        .unwrap();

    // A model with nothing to say: every step comes from the journal.
    let again = runner(ScriptedModel::new([]), &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r2")))
        .await
        .unwrap();
    assert_eq!(again.output, first.output);
    assert_eq!(again.messages, first.messages);
    assert_eq!(again.usage, first.usage);
    assert_eq!(tool.keys().len(), 3, "no tool ran again");
}

#[tokio::test]
async fn a_streaming_replay_still_streams_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    runner(two_turns(), &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r3")))
        .await
        .unwrap();

    let runner = runner(ScriptedModel::new([]), &tool);
    let mut events =
        runner.run_stream_with("Ship", RunOptions::default().durable(journal(&dir, "r3")));
    let mut text = String::new();
    while let Some(event) = events.next().await {
        match event.unwrap() {
            RunEvent::TextDelta(delta) => text.push_str(&delta),
            RunEvent::Finished(result) => assert_eq!(result.output, text),
            _ => {}
        }
    }
    assert_eq!(text, "Shipped twice and once.");
}

#[tokio::test]
async fn resuming_with_another_input_is_a_divergence_at_the_first_model_call() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    runner(two_turns(), &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r4")))
        .await
        .unwrap();

    let err = runner(two_turns(), &tool)
        .run_with("Cancel", RunOptions::default().durable(journal(&dir, "r4")))
        .await
        .unwrap_err();
    assert_eq!(diverged_at(&err), &StepId::Model { turn: 1 });
    assert!(err.to_string().contains("model call of turn 1"), "{err}");
}

/// Refuses every tool call: a code change that drops recorded steps.
struct NoShipping;

#[async_trait]
impl Validator for NoShipping {
    fn name(&self) -> &str {
        "no_shipping"
    }

    fn stage(&self) -> ValidationStage {
        ValidationStage::ToolCall
    }

    async fn validate(&self, _target: ValidationTarget<'_>) -> ValidationOutcome {
        ValidationOutcome::retry("shipping is paused")
    }
}

#[tokio::test]
async fn a_code_change_that_skips_recorded_steps_is_a_divergence_naming_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    runner(two_turns(), &tool)
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r5")))
        .await
        .unwrap();

    let changed = Runner::builder(two_turns())
        .shared_tool(tool.clone())
        .validator(NoShipping)
        .build()
        .unwrap();
    let err = changed
        .run_with("Ship", RunOptions::default().durable(journal(&dir, "r5")))
        .await
        .unwrap_err();
    assert_eq!(diverged_at(&err), &StepId::Model { turn: 2 });
    assert!(err.to_string().contains("tool call"), "{err}");
    assert_eq!(tool.keys().len(), 3, "nothing ran on the diverged replay");
}

#[tokio::test]
async fn a_journal_serves_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let tool = KeyTool::new();
    let runner = runner(two_turns(), &tool);
    let options = RunOptions::default().durable(journal(&dir, "r6"));
    runner.run_with("Ship", options.clone()).await.unwrap();
    let err = runner.run_with("Ship", options).await.unwrap_err();
    match &err {
        PatinoxError::Execution(e) => assert_eq!(e.kind, ExecutionErrorKind::Journal),
        other => panic!("expected a journal error, got {other:?}"),
    }
}
