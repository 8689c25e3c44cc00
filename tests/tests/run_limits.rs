//! Usage limits and cancellation of a run.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::agent::{CancellationToken, RunOptions, Runner, UsageLimits};
use patinox::error::{ExecutionErrorKind, UsageLimit};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Usage};
use patinox_tests::{Behaviour, EndlessTool, RecordingTool};

/// A model that calls `get_weather` twice, then answers; each request uses
/// 100 input and 10 output tokens.
fn chatty_runner() -> (Runner, Arc<RecordingTool>) {
    let usage = Usage::new(100, 10);
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#).with_usage(usage),
        ScriptedModel::call("get_weather", r#"{"city":"Rome"}"#).with_usage(usage),
        CompletionResponse::text("Both sunny.").with_usage(usage),
    ]);
    let tool = Arc::new(RecordingTool::new(
        "get_weather",
        Behaviour::Return(r#"{"celsius":20}"#.into()),
    ));
    let runner = Runner::builder(model)
        .shared_tool(tool.clone())
        .build()
        .unwrap();
    (runner, tool)
}

fn limit_error(error: &PatinoxError) -> (UsageLimit, u64) {
    match error {
        PatinoxError::Execution(e) => match e.kind {
            ExecutionErrorKind::UsageLimitExceeded { limit, reached } => (limit, reached),
            ref other => panic!("expected a usage limit, got {other:?}"),
        },
        other => panic!("expected an execution error, got {other:?}"),
    }
}

async fn run_limited(limits: UsageLimits) -> (Result<String, PatinoxError>, Arc<RecordingTool>) {
    let (runner, tool) = chatty_runner();
    let result = runner
        .run_with("Paris and Rome?", RunOptions::default().limits(limits))
        .await
        .map(|r| r.output);
    (result, tool)
}

#[tokio::test]
async fn within_its_limits_a_run_finishes() {
    let limits = UsageLimits::default()
        .requests(3)
        .tool_calls(2)
        .input_tokens(300)
        .output_tokens(30)
        .total_tokens(330);
    let (result, _) = run_limited(limits).await;
    assert_eq!(result.unwrap(), "Both sunny.");
}

#[tokio::test]
async fn each_exceeded_limit_is_named_with_the_value_reached() {
    let cases = [
        (UsageLimits::default().requests(2), UsageLimit::Requests, 3),
        (
            UsageLimits::default().tool_calls(1),
            UsageLimit::ToolCalls,
            2,
        ),
        (
            UsageLimits::default().input_tokens(150),
            UsageLimit::InputTokens,
            200,
        ),
        (
            UsageLimits::default().output_tokens(25),
            UsageLimit::OutputTokens,
            30,
        ),
        (
            UsageLimits::default().total_tokens(200),
            UsageLimit::TotalTokens,
            220,
        ),
    ];
    for (limits, limit, reached) in cases {
        let (result, _) = run_limited(limits).await;
        let error = result.unwrap_err();
        assert_eq!(limit_error(&error), (limit, reached), "{limits:?}");
        assert!(error.to_string().contains(&reached.to_string()), "{error}");
    }
}

#[tokio::test]
async fn a_tool_call_limit_stops_the_run_before_the_tool_runs() {
    let (result, tool) = run_limited(UsageLimits::default().tool_calls(1)).await;
    assert!(result.is_err());
    assert_eq!(tool.calls().len(), 1, "the second call must not run");
}

#[tokio::test]
async fn the_runners_limits_apply_unless_the_run_sets_its_own() {
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("sunny"),
    ]);
    let runner = Runner::builder(model)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return("{}".into()),
        ))
        .limits(UsageLimits::default().requests(1))
        .build()
        .unwrap();
    let error = runner.run("Paris?").await.unwrap_err();
    assert_eq!(limit_error(&error), (UsageLimit::Requests, 2));
}

fn sleeping_runner(sleep: Duration) -> (Runner, Arc<RecordingTool>) {
    let model = ScriptedModel::new([
        ScriptedModel::call("slow", r#"{"city":"x"}"#),
        CompletionResponse::text("done"),
    ]);
    let tool = Arc::new(RecordingTool::new("slow", Behaviour::Sleep(sleep)));
    let runner = Runner::builder(model)
        .shared_tool(tool.clone())
        .build()
        .unwrap();
    (runner, tool)
}

#[tokio::test]
async fn a_run_past_its_deadline_fails_naming_the_deadline() {
    let (runner, _) = sleeping_runner(Duration::from_secs(3600));
    let limits = UsageLimits::default().deadline(Duration::from_millis(50));
    let error = runner
        .run_with("go", RunOptions::default().limits(limits))
        .await
        .unwrap_err();
    assert_eq!(limit_error(&error), (UsageLimit::Deadline, 50));
}

#[tokio::test]
async fn a_cancelled_run_ends_with_cancelled_and_drops_its_tool_calls() {
    let tool = EndlessTool::new();
    let (started, dropped) = (tool.started(), tool.dropped());
    let runner = Runner::builder(ScriptedModel::new([ScriptedModel::call("endless", "{}")]))
        .tool(tool)
        .build()
        .unwrap();
    let token = CancellationToken::new();
    let options = RunOptions::default().cancel(token.clone());
    let cancel = async {
        started.notified().await;
        token.cancel();
    };
    let (result, ()) = tokio::join!(runner.run_with("go", options), cancel);

    let error = result.unwrap_err();
    assert!(
        matches!(&error, PatinoxError::Execution(e) if e.kind == ExecutionErrorKind::Cancelled),
        "{error:?}"
    );
    assert!(
        dropped.load(Ordering::SeqCst),
        "the tool call outlived the run"
    );
}

#[tokio::test]
async fn a_token_cancelled_before_the_run_stops_it_before_the_model_is_called() {
    let model = Arc::new(ScriptedModel::new([CompletionResponse::text("hi")]));
    let runner = Runner::builder(Arc::clone(&model)).build().unwrap();
    let token = CancellationToken::new();
    token.cancel();
    let error = runner
        .run_with("hi", RunOptions::default().cancel(token))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PatinoxError::Execution(e) if e.kind == ExecutionErrorKind::Cancelled)
    );
    assert!(model.requests().is_empty());
}
