//! The step seam: every model call and tool call of a run goes through a
//! [`StepExecutor`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};

use super::events::{RunEvent, Sink};
use crate::error::{NetworkError, NetworkErrorKind, Result};
use crate::model::{
    CompletionRequest, CompletionResponse, LanguageModel, Message, StreamEvent, ToolCall,
};
use crate::tool::{RunContext, Tool, ToolSet};

/// Names one step of a run, the same way every time the run is replayed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepId {
    /// The model request of a turn.
    Model {
        /// The turn (1-based).
        turn: u32,
    },
    /// A tool call the model asked for in a turn.
    Tool {
        /// The turn (1-based).
        turn: u32,
        /// The call's id, as the model gave it.
        call_id: String,
    },
}

impl std::fmt::Display for StepId {
    /// `model call of turn 2`, `tool call "call_1" of turn 1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Model { turn } => write!(f, "model call of turn {turn}"),
            Self::Tool { turn, call_id } => write!(f, "tool call {call_id:?} of turn {turn}"),
        }
    }
}

/// Performs the steps of a run. The loop hands it every model call and every
/// tool call; the default methods run the step.
///
/// This is where a durable engine journals steps and replays them after a
/// restart, a recorder captures them, or a test fakes them, without touching
/// the loop. Set it with [`RunnerBuilder::step_executor`] or
/// [`RunOptions::step_executor`].
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use async_trait::async_trait;
/// use patinox::agent::{ModelStep, RunOptions, Runner, StepExecutor, StepId};
/// use patinox::model::{CompletionResponse, scripted::ScriptedModel};
///
/// /// Remembers which steps ran.
/// #[derive(Default)]
/// struct Journal(Mutex<Vec<StepId>>);
///
/// #[async_trait]
/// impl StepExecutor for Journal {
///     async fn model_call(&self, step: ModelStep<'_>) -> patinox::Result<CompletionResponse> {
///         self.0.lock().unwrap().push(step.id().clone());
///         step.run().await
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let journal = Arc::new(Journal::default());
/// let runner = Runner::builder(ScriptedModel::new([CompletionResponse::text("Hi")])).build()?;
/// runner.run_with("Hello", RunOptions::default().step_executor(journal.clone())).await?;
/// assert_eq!(*journal.0.lock().unwrap(), [StepId::Model { turn: 1 }]);
/// # Ok(())
/// # }
/// ```
///
/// [`RunnerBuilder::step_executor`]: crate::agent::RunnerBuilder::step_executor
/// [`RunOptions::step_executor`]: crate::agent::RunOptions::step_executor
#[async_trait]
pub trait StepExecutor: Send + Sync {
    /// Performs a model call. The default is [`ModelStep::run`].
    ///
    /// # Errors
    /// The model's error; an executor may add its own (a journal it cannot read).
    async fn model_call(&self, step: ModelStep<'_>) -> Result<CompletionResponse> {
        step.run().await
    }

    /// Performs a tool call: the message is the tool's result for the model,
    /// or its error. The default is [`ToolStep::run`].
    ///
    /// # Errors
    /// None by default; an error ends the run.
    async fn tool_call(&self, step: ToolStep<'_>) -> Result<Message> {
        Ok(step.run().await)
    }
}

/// One model call of a run: the request and the model it goes to.
pub struct ModelStep<'a> {
    pub(crate) id: StepId,
    pub(crate) request: CompletionRequest<'a>,
    pub(crate) model: &'a dyn LanguageModel,
    pub(crate) sink: Option<&'a Sink>,
}

impl std::fmt::Debug for ModelStep<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStep")
            .field("id", &self.id)
            .field("model", &self.model.id().to_string())
            .field("messages", &self.request.messages.len())
            .finish_non_exhaustive()
    }
}

impl<'a> ModelStep<'a> {
    /// The step's id.
    pub fn id(&self) -> &StepId {
        &self.id
    }

    /// The request the model is sent.
    pub fn request(&self) -> &CompletionRequest<'a> {
        &self.request
    }

    /// Answers with `response`, recorded earlier, instead of calling the
    /// model: a journal replaying the step. A streaming run receives the
    /// answer's text as one delta.
    pub fn replayed(self, response: CompletionResponse) -> CompletionResponse {
        if let (Some(sink), Some(text)) = (self.sink, &response.content) {
            sink.send(RunEvent::TextDelta(text.clone()));
        }
        response
    }

    /// Sends the request: streamed when the run streams (its deltas become
    /// [`RunEvent`]s), completed in one piece otherwise.
    ///
    /// # Errors
    /// The model's error, or a stream that ends before its final event.
    pub async fn run(self) -> Result<CompletionResponse> {
        match self.sink {
            None => self.model.complete(self.request).await,
            Some(sink) => stream(self.model, self.request, sink).await,
        }
    }
}

/// Streams one completion, forwarding its deltas to `sink`.
async fn stream(
    model: &dyn LanguageModel,
    request: CompletionRequest<'_>,
    sink: &Sink,
) -> Result<CompletionResponse> {
    let mut events = model.stream(request).await?;
    while let Some(event) = events.next().await {
        match event? {
            StreamEvent::TextDelta(text) => sink.send(RunEvent::TextDelta(text)),
            StreamEvent::ToolCallDelta {
                index,
                name,
                arguments,
            } => sink.send(RunEvent::ToolCallDelta {
                index,
                name,
                arguments,
            }),
            StreamEvent::Done(response) => return Ok(response),
            _ => {}
        }
    }
    Err(NetworkError::new(
        NetworkErrorKind::Interrupted,
        "the model's stream ended before its final event",
    )
    .into())
}

/// One tool call of a run.
pub struct ToolStep<'a> {
    pub(crate) id: StepId,
    pub(crate) call: &'a ToolCall,
    pub(crate) tools: &'a ToolSet,
    pub(crate) context: &'a RunContext,
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for ToolStep<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolStep")
            .field("id", &self.id)
            .field("tool", &self.call.name)
            .finish_non_exhaustive()
    }
}

impl ToolStep<'_> {
    /// The step's id.
    pub fn id(&self) -> &StepId {
        &self.id
    }

    /// The call the model asked for.
    pub fn call(&self) -> &ToolCall {
        self.call
    }

    /// Runs the tool, within the runner's tool timeout and with its panics
    /// caught. Every failure, including an unknown tool, becomes an error
    /// result for the model, which may try again.
    pub async fn run(self) -> Message {
        let call = self.call;
        let Some(tool) = self.tools.get(&call.name) else {
            return unknown_tool(call, self.tools);
        };
        let guarded = AssertUnwindSafe(call_tool(tool, self.context, call)).catch_unwind();
        match tokio::time::timeout(self.timeout, guarded).await {
            Ok(Ok(message)) => message,
            Ok(Err(panic)) => Message::tool_error(
                call,
                format!("Error: the tool panicked: {}", panic_message(&*panic)),
            ),
            Err(_) => Message::tool_error(
                call,
                format!("Error: the tool did not finish within {:?}", self.timeout),
            ),
        }
    }
}

async fn call_tool(tool: &Arc<dyn Tool>, context: &RunContext, call: &ToolCall) -> Message {
    match tool.call(context, &call.arguments).await {
        Ok(content) => Message::tool_result(call, content),
        Err(error) => Message::tool_error(call, format!("Error: {error}")),
    }
}

pub(super) fn unknown_tool(call: &ToolCall, tools: &ToolSet) -> Message {
    let available: Vec<&str> = tools.specs().iter().map(|s| s.name()).collect();
    Message::tool_error(
        call,
        format!(
            "unknown tool `{}`; the available tools are: {}",
            call.name,
            available.join(", ")
        ),
    )
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
