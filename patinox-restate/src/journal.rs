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
//! turn's tool calls in call order), so a replay meets them in the same order.

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

/// What the journal answers a step with.
type Outcome = Result<Recorded>;

/// One step on its way to the journal.
struct StepRequest {
    /// The step's name in the journal; Restate checks it on replay.
    name: String,
    /// Asks the executor to perform the step, handing it where to send the result.
    perform: oneshot::Sender<oneshot::Sender<Outcome>>,
    /// The journaled result, recorded now or earlier.
    done: oneshot::Sender<Outcome>,
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
        let name = step_name(step.id(), None);
        let perform = async move { Ok(Recorded::Model(step.run().await?.into())) };
        match self.journaled(name, perform).await? {
            Recorded::Model(response) => Ok(response.into()),
            other => Err(diverged("a model response", &other)),
        }
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> Result<Message> {
        let name = step_name(step.id(), Some(&step.call().name));
        let perform = async move { Ok(Recorded::Tool(step.run().await)) };
        match self.journaled(name, perform).await? {
            Recorded::Tool(message) => Ok(message),
            other => Err(diverged("a tool result", &other)),
        }
    }
}

impl Steps {
    /// The step's journaled result; `perform` runs only if the journal asks.
    async fn journaled(
        &self,
        name: String,
        perform: impl Future<Output = Outcome> + Send,
    ) -> Result<Recorded> {
        let (perform_tx, perform_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let request = StepRequest {
            name,
            perform: perform_tx,
            done: done_tx,
        };
        self.requests.send(request).map_err(|_| invocation_gone())?;
        // An error means the journal replayed the step without asking.
        if let Ok(result) = perform_rx.await {
            let _ = result.send(perform.await);
        }
        done_rx.await.map_err(|_| invocation_gone())?
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
            std::future::pending::<()>().await;
        };
        tokio::select! {
            biased;
            output = run => output,
            () = journal => unreachable!("the journal loop never ends"),
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
                Ok(Err(error)) => Err(handler_error(&error)),
                Err(_) => Err(HandlerError::from("the run stopped during its step")),
            }
        })
        .name(name)
        .await;
    let outcome = journaled
        .map(Json::into_inner)
        .map_err(|failure| step_failed(&failure));
    let _ = done.send(outcome);
}

/// The step's name in the journal: its id, and the tool it calls.
fn step_name(id: &StepId, tool: Option<&str>) -> String {
    match (id, tool) {
        (StepId::Model { turn }, _) => format!("model call, turn {turn}"),
        (StepId::Tool { turn, call_id }, Some(tool)) => {
            format!("tool call {call_id} ({tool}), turn {turn}")
        }
        (other, _) => format!("{other:?}"),
    }
}

/// A step's error for Restate: one that a retry may cure is retried (the
/// invocation is tried again, replaying what is journaled); any other is
/// recorded, so that a replay fails the same way.
fn handler_error(error: &PatinoxError) -> HandlerError {
    match error.recovery_strategy() {
        RecoveryStrategy::Fail => TerminalError::new(error.to_string()).into(),
        _ => HandlerError::from(error.to_string()),
    }
}

/// A step that failed for good, as the run sees it.
fn step_failed(failure: &TerminalError) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Internal,
        format!("the step failed: {}", failure.message()),
    )
}

/// The journal holds something else than the step asked for: the code no
/// longer takes the steps it took when the journal was written.
fn diverged(expected: &str, found: &Recorded) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Internal,
        format!(
            "the journal diverges from the run: the step expected {expected}, the journal holds {}",
            found.kind()
        ),
    )
}

fn invocation_gone() -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Cancelled,
        "the Restate invocation ended before the step was journaled",
    )
}
