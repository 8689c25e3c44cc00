//! The core traits are object safe and their trait objects cross tasks.

use std::sync::Arc;

use patinox::agent::{Agent, Runner};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionRequest, CompletionResponse, LanguageModel, Message};
use patinox::monitor::{Event, Monitor, RecordingMonitor};
use patinox::tool::{RunContext, Tool};
use patinox::validate::{ValidationOutcome, ValidationTarget, Validator};
use patinox_tests::{Behaviour, RecordingTool};
use serde_json::value::RawValue;

fn assert_send_sync<T: Send + Sync + ?Sized>() {}

#[test]
fn trait_objects_are_send_and_sync() {
    assert_send_sync::<dyn Agent>();
    assert_send_sync::<dyn Tool>();
    assert_send_sync::<dyn Validator>();
    assert_send_sync::<dyn Monitor>();
    assert_send_sync::<dyn LanguageModel>();
    assert_send_sync::<patinox::PatinoxError>();
    assert_send_sync::<Runner>();
}

struct AlwaysPass;

#[async_trait::async_trait]
impl Validator for AlwaysPass {
    fn name(&self) -> &str {
        "always_pass"
    }
    fn stage(&self) -> patinox::validate::ValidationStage {
        patinox::validate::ValidationStage::Output
    }
    async fn validate(&self, _target: ValidationTarget<'_>) -> ValidationOutcome {
        ValidationOutcome::Pass
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boxed_and_shared_trait_objects_work_across_spawned_tasks() {
    let model: Box<dyn LanguageModel> =
        Box::new(ScriptedModel::new([CompletionResponse::text("boxed")]));
    let answer = tokio::spawn(async move {
        let messages = [Message::user("hi")];
        model.complete(CompletionRequest::new(&messages)).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(answer.content.as_deref(), Some("boxed"));

    let tool: Arc<dyn Tool> = Arc::new(RecordingTool::new(
        "echo",
        Behaviour::Return("1".to_owned()),
    ));
    let boxed_tool: Box<dyn Tool> = Box::new(Arc::clone(&tool));
    let result = tokio::spawn(async move {
        let args = RawValue::from_string(r#"{"city":"x"}"#.to_owned()).unwrap();
        boxed_tool.call(&RunContext::empty(), &args).await
    })
    .await
    .unwrap();
    assert_eq!(result, Ok("1".to_owned()));

    let validator: Arc<dyn Validator> = Arc::new(AlwaysPass);
    let boxed_validator: Box<dyn Validator> = Box::new(Arc::clone(&validator));
    let outcome = tokio::spawn(async move {
        boxed_validator
            .validate(ValidationTarget::Output("fine"))
            .await
    })
    .await
    .unwrap();
    assert_eq!(outcome, ValidationOutcome::Pass);

    let recorder = Arc::new(RecordingMonitor::default());
    let monitor: Box<dyn Monitor> = Box::new(Arc::clone(&recorder));
    tokio::spawn(async move {
        monitor.on_event(&Event::ToolStarted {
            name: "t",
            call_id: "1",
        });
    })
    .await
    .unwrap();
    assert_eq!(recorder.events(), vec!["tool_started t".to_owned()]);

    let agent: Arc<dyn Agent> = Arc::new(
        Runner::builder(ScriptedModel::new([
            CompletionResponse::text("one"),
            CompletionResponse::text("two"),
        ]))
        .build()
        .unwrap(),
    );
    agent.start().await.unwrap();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let agent = Arc::clone(&agent);
            tokio::spawn(async move { agent.execute("go").await })
        })
        .collect();
    let mut outputs = Vec::new();
    for task in tasks {
        outputs.push(task.await.unwrap().unwrap().output);
    }
    outputs.sort();
    assert_eq!(outputs, vec!["one".to_owned(), "two".to_owned()]);
    let boxed_agent: Box<dyn Agent> = Box::new(
        Runner::builder(ScriptedModel::new([]))
            .name("boxed")
            .build()
            .unwrap(),
    );
    assert_eq!(
        tokio::spawn(async move { boxed_agent.name().to_owned() })
            .await
            .unwrap(),
        "boxed"
    );
}
