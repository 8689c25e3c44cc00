//! Faults of the agent's own parts, through whole runs against the mock
//! server: tools that fail, panic, time out or get arguments they cannot
//! read are reported to the model, which answers; a validator's rejection,
//! the turn limit, each usage limit and cancellation end the run with their
//! typed error.

mod reliability_support;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use patinox::PatinoxError;
use patinox::agent::{CancellationToken, RunOptions, Runner, UsageLimits};
use patinox::error::{ExecutionErrorKind, RecoveryStrategy, UsageLimit};
use patinox::model::{Message, ToolSpec};
use patinox::tool::{RunContext, Tool, ToolError, ToolResult};
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use patinox_mock::{DEFAULT_FINAL_TEXT, MockConfig, MockServer, Wire};
use patinox_tests::{Behaviour, RecordingTool};
use reliability_support::{agent, bounded, provider, provider_within, weather};
use serde_json::value::RawValue;

/// The tool results of a finished run: (content, is_error).
fn tool_results(messages: &[Message]) -> Vec<(String, bool)> {
    messages
        .iter()
        .filter_map(|m| match m {
            Message::Tool {
                content, is_error, ..
            } => Some((content.clone(), *is_error)),
            _ => None,
        })
        .collect()
}

/// Declares `city` but needs `days` too: the model's arguments do not deserialize.
struct Strict {
    spec: ToolSpec,
}

#[async_trait]
impl Tool for Strict {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Arguments {
            city: String,
            days: u32,
        }
        serde_json::from_str::<Arguments>(arguments.get())
            .map(|_| "\"ok\"".to_owned())
            .map_err(ToolError::invalid_arguments)
    }
}

fn strict() -> Strict {
    let schema = serde_json::json!({
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]
    });
    Strict {
        spec: ToolSpec::new("get_weather", "Weather.", &schema).unwrap(),
    }
}

/// A run whose tool misbehaves: the model is told, and answers.
async fn run_with_tool(
    tool: impl Tool + 'static,
    timeout: Duration,
) -> (String, Vec<(String, bool)>) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let runner = Runner::builder(provider(&server, Wire::OpenAi, None))
        .tool(tool)
        .tool_timeout(timeout)
        .build()
        .unwrap();
    let result = bounded(runner.run("Weather in Paris?")).await.unwrap();
    assert_eq!(server.requests(), 2);
    (result.output, tool_results(&result.messages))
}

#[tokio::test]
async fn tool_failures_go_back_to_the_model_and_the_run_ends_with_its_answer() {
    let cases: Vec<(&str, Box<dyn Tool>, &str)> = vec![
        ("invalid arguments", Box::new(strict()), "days"),
        (
            "tool error",
            Box::new(RecordingTool::new(
                "get_weather",
                Behaviour::Fail("no data".into()),
            )),
            "no data",
        ),
        (
            "tool panic",
            Box::new(RecordingTool::new(
                "get_weather",
                Behaviour::Panic("boom".into()),
            )),
            "panicked: boom",
        ),
        (
            "tool timeout",
            Box::new(RecordingTool::new(
                "get_weather",
                Behaviour::Sleep(Duration::from_secs(30)),
            )),
            "did not finish within",
        ),
    ];
    for (case, tool, says) in cases {
        let (output, results) = run_with_tool(tool, Duration::from_millis(100)).await;
        println!(
            "| {case} | the model is told ({:?}), the run answers |",
            results[0].0
        );
        assert_eq!(output, DEFAULT_FINAL_TEXT, "{case}");
        assert_eq!(results.len(), 1, "{case}");
        assert!(results[0].1, "{case}: not marked as an error");
        assert!(results[0].0.contains(says), "{case}: {}", results[0].0);
    }
}

struct RejectToolCalls;

#[async_trait]
impl Validator for RejectToolCalls {
    fn name(&self) -> &str {
        "no_tools"
    }

    fn stage(&self) -> ValidationStage {
        ValidationStage::ToolCall
    }

    async fn validate(&self, _target: ValidationTarget<'_>) -> ValidationOutcome {
        ValidationOutcome::reject("tools are off today")
    }
}

#[tokio::test]
async fn a_validator_rejection_ends_the_run_with_a_validation_error() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let runner = Runner::builder(provider(&server, Wire::Anthropic, None))
        .tool(weather())
        .validator(RejectToolCalls)
        .build()
        .unwrap();
    let error = bounded(runner.run("Weather in Paris?")).await.unwrap_err();
    println!(
        "| validator rejection | {error} | {:?} |",
        error.recovery_strategy()
    );
    assert!(matches!(&error, PatinoxError::Validation(e) if e.message.contains("tools are off")));
    assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn the_turn_limit_ends_a_run_that_still_calls_tools() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let tool = Arc::new(weather());
    let runner = Runner::builder(provider(&server, Wire::OpenAi, None))
        .shared_tool(tool.clone())
        .max_turns(1)
        .build()
        .unwrap();
    let error = bounded(runner.run("Weather in Paris?")).await.unwrap_err();
    println!("| turn limit | {error} | {:?} |", error.recovery_strategy());
    assert!(matches!(
        &error,
        PatinoxError::Execution(e) if e.kind == ExecutionErrorKind::MaxTurnsExceeded { max_turns: 1 }
    ));
    assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
    assert_eq!(tool.calls().len(), 1);
}

/// A run of the mock needs 2 requests, 1 tool call and some tokens; each
/// limit set below that ends it with the limit named, before the mock sees
/// more. The deadline is shorter than the mock's latency.
#[tokio::test]
async fn every_usage_limit_ends_the_run_with_its_name() {
    let cases = [
        (UsageLimits::default().requests(1), UsageLimit::Requests),
        (UsageLimits::default().tool_calls(0), UsageLimit::ToolCalls),
        (
            UsageLimits::default().input_tokens(1),
            UsageLimit::InputTokens,
        ),
        (
            UsageLimits::default().output_tokens(1),
            UsageLimit::OutputTokens,
        ),
        (
            UsageLimits::default().total_tokens(1),
            UsageLimit::TotalTokens,
        ),
        (
            UsageLimits::default().deadline(Duration::from_millis(100)),
            UsageLimit::Deadline,
        ),
    ];
    for (limits, expected) in cases {
        let config = MockConfig::default().latency(Duration::from_millis(300));
        let server = MockServer::start(config).await.unwrap();
        let runner = agent(provider_within(
            &server,
            Wire::OpenAi,
            None,
            Duration::from_secs(5),
        ));
        let options = RunOptions::default().limits(limits);
        let error = bounded(runner.run_with("Weather in Paris?", options))
            .await
            .unwrap_err();
        println!(
            "| limit {expected} | {error} | {:?} |",
            error.recovery_strategy()
        );
        assert!(
            matches!(
                &error,
                PatinoxError::Execution(e)
                    if matches!(e.kind, ExecutionErrorKind::UsageLimitExceeded { limit, .. } if limit == expected)
            ),
            "{expected}: {error:?}"
        );
        assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
        assert!(server.requests() <= 1, "{expected}: {}", server.requests());
    }
}

#[tokio::test]
async fn cancelling_a_run_ends_it_at_once() {
    let config = MockConfig::default().latency(Duration::from_secs(30));
    let server = MockServer::start(config).await.unwrap();
    let runner = agent(provider_within(
        &server,
        Wire::Anthropic,
        None,
        Duration::from_secs(60),
    ));
    let cancel = CancellationToken::new();
    let options = RunOptions::default().cancel(cancel.clone());
    // A run's future is large: box it before joining it with another.
    let run = Box::pin(runner.run_with("Weather in Paris?", options));
    let canceller = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
    };
    let (result, ()) = bounded(async { tokio::join!(run, canceller) }).await;
    let error = result.unwrap_err();
    println!(
        "| cancellation | {error} | {:?} |",
        error.recovery_strategy()
    );
    assert!(matches!(
        &error,
        PatinoxError::Execution(e) if e.kind == ExecutionErrorKind::Cancelled
    ));
}
