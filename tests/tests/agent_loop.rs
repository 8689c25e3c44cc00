//! The agent loop against a scripted model: what a user sees of a run.

use std::sync::Arc;
use std::time::Duration;

use patinox::agent::{Agent, AgentHandle, Runner};
use patinox::error::{ExecutionErrorKind, PatinoxError, RecoveryStrategy};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message, Usage};
use patinox::monitor::RecordingMonitor;
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use patinox_tests::{Behaviour, RecordingTool};

fn weather_tool() -> Arc<RecordingTool> {
    Arc::new(RecordingTool::new(
        "get_weather",
        Behaviour::Return(r#"{"temperature_c":18}"#.to_owned()),
    ))
}

/// The tool results the model was sent in its `n`th request (0-based).
fn tool_results(model: &ScriptedModel, n: usize) -> Vec<(String, String, bool)> {
    model.requests()[n]
        .messages
        .iter()
        .filter_map(|m| match m {
            Message::Tool {
                name,
                content,
                is_error,
                ..
            } => Some((name.clone(), content.clone(), *is_error)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_tool_call_runs_the_tool_and_the_model_answers_from_its_result() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#).with_usage(Usage::new(20, 5)),
        CompletionResponse::text("18°C in Paris.").with_usage(Usage::new(40, 6)),
    ]));
    let tool = weather_tool();
    let agent = Runner::builder(Arc::clone(&model))
        .instructions("You report the weather.")
        .shared_tool(tool.clone())
        .build()
        .unwrap();

    let result = agent.run("Weather in Paris?").await.unwrap();

    assert_eq!(result.output, "18°C in Paris.");
    assert_eq!(result.turns, 2);
    assert_eq!(tool.calls(), vec![r#"{"city":"Paris"}"#.to_owned()]);
    assert_eq!(result.usage.input_tokens, 60);
    assert_eq!(result.usage.output_tokens, 11);
    assert_eq!(result.usage.requests, 2);
    // system, user, assistant(tool call), tool result, assistant(answer)
    assert_eq!(result.messages.len(), 5);
    assert_eq!(
        result.messages[0],
        Message::system("You report the weather.")
    );
    assert_eq!(
        tool_results(&model, 1),
        vec![(
            "get_weather".to_owned(),
            r#"{"temperature_c":18}"#.to_owned(),
            false
        )]
    );
    assert_eq!(model.requests()[0].tools, vec!["get_weather".to_owned()]);
}

#[tokio::test]
async fn two_tool_calls_in_one_turn_both_run_and_results_keep_call_order() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::calls(&[
            ("get_weather", r#"{"city":"Paris"}"#),
            ("get_time", r#"{"city":"Tokyo"}"#),
        ]),
        CompletionResponse::text("done"),
    ]));
    let weather = weather_tool();
    let time = Arc::new(RecordingTool::new(
        "get_time",
        Behaviour::Return(r#""09:00""#.to_owned()),
    ));
    let agent = Runner::builder(Arc::clone(&model))
        .shared_tool(weather.clone())
        .shared_tool(time.clone())
        .build()
        .unwrap();

    let result = agent.run("Paris weather and Tokyo time?").await.unwrap();

    assert_eq!(result.output, "done");
    assert_eq!(weather.calls().len(), 1);
    assert_eq!(time.calls(), vec![r#"{"city":"Tokyo"}"#.to_owned()]);
    let results = tool_results(&model, 1);
    assert_eq!(results[0].0, "get_weather");
    assert_eq!(results[1], ("get_time".into(), r#""09:00""#.into(), false));
}

#[tokio::test]
async fn tool_calls_of_one_turn_run_concurrently() {
    // Observed through the monitor, not the clock: the second call must
    // start before the first one finishes.
    let monitor = Arc::new(RecordingMonitor::default());
    let model = ScriptedModel::new([
        ScriptedModel::calls(&[("slow_a", r#"{"city":"A"}"#), ("slow_b", r#"{"city":"B"}"#)]),
        CompletionResponse::text("ok"),
    ]);
    let agent = Runner::builder(model)
        .tool(RecordingTool::new(
            "slow_a",
            Behaviour::Sleep(Duration::from_millis(20)),
        ))
        .tool(RecordingTool::new(
            "slow_b",
            Behaviour::Sleep(Duration::from_millis(20)),
        ))
        .monitor(monitor.clone())
        .build()
        .unwrap();
    agent.run("go").await.unwrap();
    let events = monitor.events();
    let position = |wanted: &dyn Fn(&String) -> bool| {
        events
            .iter()
            .position(wanted)
            .unwrap_or_else(|| panic!("an event was not recorded: {events:?}"))
    };
    let started_b = position(&|e| e == "tool_started slow_b");
    let finished_a = position(&|e| e.starts_with("tool_finished slow_a"));
    assert!(
        started_b < finished_a,
        "slow_b should start before slow_a finishes: {events:?}"
    );
}

#[tokio::test]
async fn an_unknown_tool_is_reported_to_the_model_which_then_answers() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_wether", r#"{"city":"Paris"}"#),
        CompletionResponse::text("Sorry, let me answer directly."),
    ]));
    let agent = Runner::builder(Arc::clone(&model))
        .shared_tool(weather_tool())
        .build()
        .unwrap();

    let result = agent.run("Weather?").await.unwrap();

    assert_eq!(result.output, "Sorry, let me answer directly.");
    let results = tool_results(&model, 1);
    assert_eq!(results.len(), 1);
    let (name, content, is_error) = &results[0];
    assert_eq!(name, "get_wether");
    assert!(is_error);
    assert!(content.contains("unknown tool `get_wether`"), "{content}");
    assert!(
        content.contains("get_weather"),
        "lists the real tools: {content}"
    );
}

#[tokio::test]
async fn a_failing_tool_is_fed_back_and_the_run_continues() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Atlantis"}"#),
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("Paris is fine."),
    ]));
    let tool = Arc::new(RecordingTool::new(
        "get_weather",
        Behaviour::Fail("no such city".to_owned()),
    ));
    let agent = Runner::builder(Arc::clone(&model))
        .shared_tool(tool.clone())
        .build()
        .unwrap();

    let result = agent.run("Weather in Atlantis?").await.unwrap();

    assert_eq!(result.output, "Paris is fine.");
    assert_eq!(tool.calls().len(), 2);
    let (_, content, is_error) = &tool_results(&model, 1)[0];
    assert!(is_error);
    assert_eq!(content, "Error: no such city");
}

#[tokio::test]
async fn a_panicking_tool_does_not_crash_the_run() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("boom", r#"{"city":"x"}"#),
        CompletionResponse::text("recovered"),
    ]));
    let agent = Runner::builder(Arc::clone(&model))
        .tool(RecordingTool::new(
            "boom",
            Behaviour::Panic("kaboom".to_owned()),
        ))
        .build()
        .unwrap();

    let result = agent.run("go").await.unwrap();

    assert_eq!(result.output, "recovered");
    let (_, content, is_error) = &tool_results(&model, 1)[0];
    assert!(is_error);
    assert!(content.contains("panicked: kaboom"), "{content}");
}

#[tokio::test]
async fn a_tool_that_hangs_times_out_and_the_model_is_told() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("slow", r#"{"city":"x"}"#),
        CompletionResponse::text("gave up on it"),
    ]));
    let agent = Runner::builder(Arc::clone(&model))
        .tool(RecordingTool::new(
            "slow",
            Behaviour::Sleep(Duration::from_secs(3600)),
        ))
        .tool_timeout(Duration::from_millis(50))
        .build()
        .unwrap();

    let result = tokio::time::timeout(Duration::from_secs(10), agent.run("go"))
        .await
        .expect("the run must not hang")
        .unwrap();

    assert_eq!(result.output, "gave up on it");
    let (_, content, is_error) = &tool_results(&model, 1)[0];
    assert!(is_error);
    assert!(content.contains("did not finish"), "{content}");
}

#[tokio::test]
async fn exceeding_max_turns_is_a_typed_error_that_is_not_retried() {
    let model = ScriptedModel::new(
        (0..5).map(|_| ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#)),
    );
    let agent = Runner::builder(model)
        .shared_tool(weather_tool())
        .max_turns(3)
        .build()
        .unwrap();

    let error = agent.run("loop forever").await.unwrap_err();

    match &error {
        PatinoxError::Execution(e) => {
            assert_eq!(
                e.kind,
                ExecutionErrorKind::MaxTurnsExceeded { max_turns: 3 }
            );
        }
        other => panic!("expected an execution error, got {other:?}"),
    }
    assert_eq!(error.recovery_strategy(), RecoveryStrategy::Fail);
    assert!(error.to_string().contains("turn limit of 3 exceeded"));
}

#[tokio::test]
async fn a_model_error_ends_the_run_with_that_error() {
    let model = ScriptedModel::new([])
        .then_fail(|| patinox::error::ProviderError::new("scripted", 503, "unavailable").into());
    let agent = Runner::builder(model).build().unwrap();
    let error = agent.run("hi").await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(error.is_retryable());
}

#[test]
fn zero_max_turns_and_duplicate_tools_are_configuration_errors() {
    let zero = Runner::builder(ScriptedModel::new([])).max_turns(0).build();
    assert!(matches!(zero, Err(PatinoxError::Configuration(_))));

    let duplicate = Runner::builder(ScriptedModel::new([]))
        .shared_tool(weather_tool())
        .shared_tool(weather_tool())
        .build();
    let error = duplicate.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("two tools are named `get_weather`")
    );
}

struct Keyword {
    stage: ValidationStage,
    word: &'static str,
    reject: bool,
}

#[async_trait::async_trait]
impl Validator for Keyword {
    fn name(&self) -> &str {
        "keyword"
    }
    fn stage(&self) -> ValidationStage {
        self.stage
    }
    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
        let text = match target {
            ValidationTarget::Input(t) | ValidationTarget::Output(t) => t.to_owned(),
            ValidationTarget::ToolCall { arguments, .. } => arguments.get().to_owned(),
            _ => String::new(),
        };
        match (text.contains(self.word), self.reject) {
            (false, _) => ValidationOutcome::Pass,
            (true, true) => ValidationOutcome::reject(format!("`{}` is not allowed", self.word)),
            (true, false) => ValidationOutcome::retry(format!("do not say `{}`", self.word)),
        }
    }
}

#[tokio::test]
async fn an_output_validator_retry_sends_feedback_and_the_model_answers_again() {
    let model = Arc::new(ScriptedModel::new([
        CompletionResponse::text("It is darn cold."),
        CompletionResponse::text("It is cold."),
    ]));
    let agent = Runner::builder(Arc::clone(&model))
        .validator(Keyword {
            stage: ValidationStage::Output,
            word: "darn",
            reject: false,
        })
        .build()
        .unwrap();

    let result = agent.run("How cold?").await.unwrap();

    assert_eq!(result.output, "It is cold.");
    assert_eq!(result.turns, 2);
    let second = &model.requests()[1].messages;
    assert_eq!(second.last(), Some(&Message::user("do not say `darn`")));
}

#[tokio::test]
async fn an_input_validator_rejection_fails_before_the_model_is_called() {
    let model = Arc::new(ScriptedModel::new([CompletionResponse::text("never")]));
    let agent = Runner::builder(Arc::clone(&model))
        .validator(Keyword {
            stage: ValidationStage::Input,
            word: "password",
            reject: true,
        })
        .build()
        .unwrap();

    let error = agent.run("my password is hunter2").await.unwrap_err();

    assert!(matches!(error, PatinoxError::Validation(_)));
    assert!(error.to_string().contains("(keyword)"), "{error}");
    assert!(model.requests().is_empty());
}

#[tokio::test]
async fn a_tool_call_validator_refuses_the_call_and_tells_the_model() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Mordor"}"#),
        CompletionResponse::text("I cannot look that up."),
    ]));
    let tool = weather_tool();
    let agent = Runner::builder(Arc::clone(&model))
        .shared_tool(tool.clone())
        .validator(Keyword {
            stage: ValidationStage::ToolCall,
            word: "Mordor",
            reject: false,
        })
        .build()
        .unwrap();

    let result = agent.run("Weather in Mordor?").await.unwrap();

    assert_eq!(result.output, "I cannot look that up.");
    assert!(tool.calls().is_empty(), "the tool must not run");
    let (_, content, is_error) = &tool_results(&model, 1)[0];
    assert!(is_error);
    assert_eq!(content, "do not say `Mordor`");
}

#[tokio::test]
async fn the_runtime_lifecycle_refuses_runs_outside_the_started_state() {
    let agent = Runner::builder(ScriptedModel::new([CompletionResponse::text("hi")]))
        .name("greeter")
        .build()
        .unwrap();
    let before = agent.execute("hello").await.unwrap_err();
    assert!(
        before
            .to_string()
            .contains("agent `greeter`: it is not started")
    );

    agent.start().await.unwrap();
    assert!(agent.start().await.is_err(), "starting twice is an error");
    assert_eq!(agent.execute("hello").await.unwrap().output, "hi");

    agent.stop().await.unwrap();
    let after = agent.execute("hello").await.unwrap_err();
    assert!(after.to_string().contains("it is stopped"), "{after}");
}

#[tokio::test]
async fn the_typed_handle_runs_only_when_started_and_costs_no_space() {
    let runner = Runner::builder(ScriptedModel::new([CompletionResponse::text("hi")]))
        .build()
        .unwrap();
    let created = AgentHandle::new(runner);
    assert_eq!(
        std::mem::size_of_val(&created),
        std::mem::size_of::<Runner>()
    );
    let started = created.start().await.unwrap();
    assert_eq!(started.run("hello").await.unwrap().output, "hi");
    started.stop().await.unwrap();
}

#[tokio::test]
async fn monitors_see_every_step_of_a_run() {
    let monitor = Arc::new(RecordingMonitor::default());
    let agent = Runner::builder(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("sunny"),
    ]))
    .name("bot")
    .shared_tool(weather_tool())
    .monitor(monitor.clone())
    .build()
    .unwrap();

    agent.run("weather?").await.unwrap();

    assert_eq!(
        monitor.events(),
        vec![
            "run_started bot",
            "model_request 1",
            "model_response 1 tool_calls=1",
            "tool_started get_weather",
            "tool_finished get_weather ok=true",
            "model_request 2",
            "model_response 2 tool_calls=0",
            "run_finished turns=2",
        ]
    );
}

#[tokio::test]
async fn the_offline_model_calls_the_tool_and_answers_with_its_output() {
    let tool = weather_tool();
    let agent = Runner::builder(patinox::model::offline::OfflineModel::new())
        .shared_tool(tool.clone())
        .build()
        .unwrap();

    let result = agent.run("What is the weather in Paris?").await.unwrap();

    assert_eq!(tool.calls(), vec![r#"{"city":"Paris"}"#.to_owned()]);
    assert!(
        result.output.contains(r#"{"temperature_c":18}"#),
        "{}",
        result.output
    );
}
