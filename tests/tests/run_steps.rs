//! The step seam, the state between turns, the history a run starts from,
//! and the model a runner holds.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use patinox::agent::{
    HistoryPolicy, ModelStep, RunOptions, RunState, Runner, StepExecutor, StepId, ToolStep,
};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, LanguageModel, Message, Usage};
use patinox_tests::{Behaviour, RecordingTool};

/// Records every step, and answers model steps from a cassette when it has one.
#[derive(Default)]
struct Cassette {
    seen: Mutex<Vec<StepId>>,
    replay: Mutex<Vec<CompletionResponse>>,
}

#[async_trait]
impl StepExecutor for Cassette {
    async fn model_call(&self, step: ModelStep<'_>) -> patinox::Result<CompletionResponse> {
        self.seen.lock().unwrap().push(step.id().clone());
        let recorded = self.replay.lock().unwrap().pop();
        match recorded {
            Some(response) => Ok(response),
            None => step.run().await,
        }
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> patinox::Result<Message> {
        self.seen.lock().unwrap().push(step.id().clone());
        Ok(step.run().await)
    }
}

fn weather_runner(model: ScriptedModel) -> Runner {
    Runner::builder(model)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#"{"celsius":18}"#.into()),
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_model_call_and_tool_call_goes_through_the_step_executor() {
    let runner = weather_runner(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("18°C"),
    ]));
    let cassette = Arc::new(Cassette::default());
    let options = RunOptions::default().step_executor(cassette.clone());

    runner.run_with("Paris?", options).await.unwrap();

    let call_id = match &cassette.seen.lock().unwrap()[1] {
        StepId::Tool { turn: 1, call_id } => call_id.clone(),
        other => panic!("expected the tool step, got {other:?}"),
    };
    assert_eq!(
        *cassette.seen.lock().unwrap(),
        [
            StepId::Model { turn: 1 },
            StepId::Tool { turn: 1, call_id },
            StepId::Model { turn: 2 }
        ]
    );
}

#[tokio::test]
async fn a_step_executor_can_replay_a_model_call_without_the_model() {
    let model = Arc::new(ScriptedModel::new([]));
    let runner = Runner::builder(Arc::clone(&model)).build().unwrap();
    let cassette = Arc::new(Cassette::default());
    cassette
        .replay
        .lock()
        .unwrap()
        .push(CompletionResponse::text("recorded answer"));

    let result = runner
        .run_with("Hi", RunOptions::default().step_executor(cassette))
        .await
        .unwrap();

    assert_eq!(result.output, "recorded answer");
    assert!(model.requests().is_empty());
}

#[test]
fn the_state_between_turns_round_trips_through_json() {
    let mut state = RunState::new(vec![
        Message::system("Be brief."),
        Message::user("Weather?"),
    ]);
    state.usage = Usage::new(10, 2);
    state.turn = 1;
    state.tool_calls = 1;
    let json = serde_json::to_string(&state).unwrap();
    assert_eq!(serde_json::from_str::<RunState>(&json).unwrap(), state);
}

#[tokio::test]
async fn a_run_continues_from_earlier_history_after_the_instructions() {
    let model = Arc::new(ScriptedModel::new([CompletionResponse::text(
        "Your name is Ada.",
    )]));
    let runner = Runner::builder(Arc::clone(&model))
        .instructions("Be brief.")
        .build()
        .unwrap();
    let history = vec![Message::user("I am Ada."), Message::assistant("Hello Ada!")];

    let result = runner
        .run_with("What is my name?", RunOptions::default().history(history))
        .await
        .unwrap();

    let sent = &model.requests()[0].messages;
    assert_eq!(
        *sent,
        [
            Message::system("Be brief."),
            Message::user("I am Ada."),
            Message::assistant("Hello Ada!"),
            Message::user("What is my name?"),
        ]
    );
    assert_eq!(result.messages.len(), 5);
}

/// Sends only the last message, and remembers what the provider reported.
#[derive(Default)]
struct LastOnly {
    observed: Mutex<Vec<(usize, u64)>>,
}

impl HistoryPolicy for LastOnly {
    fn window<'m>(&self, history: &'m [Message]) -> Cow<'m, [Message]> {
        Cow::Borrowed(&history[history.len() - 1..])
    }

    fn observe(&self, sent: &[Message], usage: &Usage) {
        self.observed
            .lock()
            .unwrap()
            .push((sent.len(), usage.input_tokens));
    }
}

#[tokio::test]
async fn a_history_policy_chooses_what_each_request_sends() {
    let model = Arc::new(ScriptedModel::new([
        CompletionResponse::text("ok").with_usage(Usage::new(7, 1))
    ]));
    let runner = Runner::builder(Arc::clone(&model))
        .instructions("Be brief.")
        .build()
        .unwrap();
    let policy = Arc::new(LastOnly::default());

    let result = runner
        .run_with("Hi", RunOptions::default().history_policy(policy.clone()))
        .await
        .unwrap();

    assert_eq!(model.requests()[0].messages, [Message::user("Hi")]);
    assert_eq!(*policy.observed.lock().unwrap(), [(1, 7)]);
    // The result keeps the whole history.
    assert_eq!(result.messages.len(), 3);
}

#[test]
fn a_shared_model_is_held_as_it_is() {
    let model: Arc<dyn LanguageModel> = Arc::new(ScriptedModel::new([]));
    let runner = Runner::builder(Arc::clone(&model)).build().unwrap();
    assert!(Arc::ptr_eq(runner.model(), &model));
}
