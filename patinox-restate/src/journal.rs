//! The step seam on Restate: each model call and tool call of a run is a
//! journaled `ctx.run` step.
//!
//! A run's steps borrow the run, and a Restate context borrows its
//! invocation, so neither can move into the other's task. The two meet over
//! a channel instead, inside the handler's task:
//!
//! - the run's executor ([`Steps`]) sends each step's name and waits;
//! - the handler's side ([`Journal::drive`]) opens a `ctx.run` for it. When
//!   the journal already holds the step, Restate returns the recorded result
//!   and drops the closure unrun; otherwise the closure asks the executor to
//!   perform the step, and its result is journaled before the run goes on.
//!
//! Steps are journaled one at a time, in the order the loop asks for them (a
//! turn's tool calls in call order), so a replay meets them in the same
//! order: on Restate the tool calls of a turn run one after the other.

use std::convert::Infallible;
use std::future::Future;

use async_trait::async_trait;
use patinox::agent::{ModelStep, StepExecutor, StepId, ToolStep};
use patinox::error::{ExecutionErrorKind, RecoveryStrategy};
use patinox::model::{CompletionResponse, Message};
use patinox::{PatinoxError, Result};
use restate_sdk::prelude::{
    ContextSideEffects, HandlerError, Json, ObjectContext, RunFuture, TerminalError,
};
use tokio::sync::{mpsc, oneshot};

use crate::record::Recorded;

/// A step's result on its way into the journal.
type Performed = std::result::Result<Recorded, HandlerError>;

/// A step's journaled result: the record, or the message of a step that
/// failed for good.
type Journaled = std::result::Result<Recorded, String>;

/// One step on its way to the journal.
struct StepRequest {
    /// The step's name in the journal; Restate checks it on replay.
    name: String,
    /// Asks the executor to perform the step, handing it where to send the result.
    perform: oneshot::Sender<oneshot::Sender<Performed>>,
    /// The journaled result, recorded now or earlier.
    done: oneshot::Sender<Journaled>,
}

/// The executor a run on Restate goes through: it performs a step only when
/// the journal asks it to.
pub(crate) struct Steps {
    requests: mpsc::UnboundedSender<StepRequest>,
}

/// The handler's side: journals the steps the run sends.
pub(crate) struct Journal {
    requests: mpsc::UnboundedReceiver<StepRequest>,
}

/// A connected executor and journal, for one invocation.
pub(crate) fn channel() -> (Steps, Journal) {
    let (sender, receiver) = mpsc::unbounded_channel();
    (Steps { requests: sender }, Journal { requests: receiver })
}

#[async_trait]
impl StepExecutor for Steps {
    async fn model_call(&self, step: ModelStep<'_>) -> Result<CompletionResponse> {
        let id = step.id().clone();
        let perform = async move { step.run().await.map(Recorded::Model) };
        match self
            .journaled(&id, journal_name(&id, None), perform)
            .await?
        {
            Recorded::Model(response) => Ok(response),
            Recorded::Tool(_) => Err(diverged(id, "a model response", "a tool result")),
        }
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> Result<Message> {
        let id = step.id().clone();
        let name = journal_name(&id, Some(&step.call().name));
        let perform = async move { Ok(Recorded::Tool(step.run().await)) };
        match self.journaled(&id, name, perform).await? {
            Recorded::Tool(message) => Ok(message),
            Recorded::Model(_) => Err(diverged(id, "a tool result", "a model response")),
        }
    }
}

impl Steps {
    /// The step's journaled result; `perform` runs only if the journal asks.
    async fn journaled(
        &self,
        id: &StepId,
        name: String,
        perform: impl Future<Output = Result<Recorded>> + Send,
    ) -> Result<Recorded> {
        let (perform_tx, perform_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let request = StepRequest {
            name,
            perform: perform_tx,
            done: done_tx,
        };
        self.requests.send(request).map_err(|_| invocation_gone())?;
        // The step's own error, kept to be returned as it is; the journal
        // only keeps its message.
        let mut error = None;
        // An error here means the journal replayed the step without asking.
        if let Ok(result) = perform_rx.await {
            let performed = perform.await.map_err(|failed| {
                let failure = handler_error(&failed);
                error = Some(failed);
                failure
            });
            let _ = result.send(performed);
        }
        match done_rx.await.map_err(|_| invocation_gone())? {
            Ok(recorded) => Ok(recorded),
            Err(message) => Err(error.unwrap_or_else(|| failed_earlier(id, &message))),
        }
    }
}

impl Journal {
    /// Runs `run` to its end, journaling the steps it sends meanwhile.
    pub(crate) async fn drive<T>(
        mut self,
        ctx: &ObjectContext<'_>,
        run: impl Future<Output = T>,
    ) -> T {
        let journal = async {
            while let Some(request) = self.requests.recv().await {
                journal_step(ctx, request).await;
            }
            // The run dropped its executor: it is about to return.
            std::future::pending::<Infallible>().await
        };
        tokio::select! {
            biased;
            output = run => output,
            never = journal => match never {},
        }
    }
}

/// Journals one step: replays its recorded result, or has it performed and
/// records the result.
async fn journal_step(ctx: &ObjectContext<'_>, request: StepRequest) {
    let StepRequest {
        name,
        perform,
        done,
    } = request;
    let journaled = ctx
        .run(move || async move {
            let (result_tx, result_rx) = oneshot::channel();
            perform
                .send(result_tx)
                .map_err(|_| HandlerError::from("the run stopped before its step"))?;
            match result_rx.await {
                Ok(Ok(recorded)) => Ok(Json(recorded)),
                Ok(Err(failure)) => Err(failure),
                Err(_) => Err(HandlerError::from("the run stopped during its step")),
            }
        })
        .name(name)
        .await;
    let outcome = journaled
        .map(Json::into_inner)
        .map_err(|failure| failure.message().to_owned());
    let _ = done.send(outcome);
}

/// The step's name in the journal: its id, and the tool it calls. Restate
/// compares it on replay, so a replay that reaches another step (another
/// tool, after a code change) stops with a journal mismatch.
fn journal_name(id: &StepId, tool: Option<&str>) -> String {
    match tool {
        Some(tool) => format!("{id} ({tool})"),
        None => id.to_string(),
    }
}

/// An error for Restate: one that a retry may cure makes Restate retry the
/// invocation (replaying what is journaled); any other is final, and a
/// step's is recorded, so that a replay fails the same way.
pub(crate) fn handler_error(error: &PatinoxError) -> HandlerError {
    match error.recovery_strategy() {
        RecoveryStrategy::Fail => TerminalError::new(error.to_string()).into(),
        _ => HandlerError::from(error.to_string()),
    }
}

/// A step whose failure an earlier attempt of the invocation recorded.
fn failed_earlier(id: &StepId, message: &str) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Journal,
        format!("the journal records that the {id} failed: {message}"),
    )
}

/// The journal holds another kind of step than the run takes.
fn diverged(step: StepId, expected: &str, found: &str) -> PatinoxError {
    let message = format!("the run expected {expected} at the {step}, the journal holds {found}");
    PatinoxError::execution(ExecutionErrorKind::Diverged { step }, message)
}

fn invocation_gone() -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Cancelled,
        "the Restate invocation ended before the step was journaled",
    )
}
