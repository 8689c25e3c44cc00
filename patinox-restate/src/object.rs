//! The agent as a Restate virtual object.

use std::sync::Arc;

use patinox::agent::{RunId, RunOptions, Runner, SavedConversation};
use restate_sdk::prelude::*;

use crate::journal;

/// The state key of the conversation (a [`SavedConversation`] as JSON).
const CONVERSATION: &str = "conversation";

/// A Patinox agent served as the Restate virtual object `Agent`, keyed by
/// conversation id.
///
/// - `run` (exclusive) takes the user's input as a JSON string and answers
///   the agent's final text. Each model call and tool call of the run is a
///   journaled `ctx.run` step: when the service or the server dies mid-run,
///   Restate invokes the handler again and the steps already done are
///   replayed from the journal, not repeated; a step that was interrupted
///   runs again (at least once): a tool with side effects makes them once
///   with its call's idempotency key
///   ([`RunContext::idempotency_key`](patinox::tool::RunContext::idempotency_key)),
///   which derives from the Restate invocation id and so is the same in
///   every attempt. Steps are journaled one at a time, so the tool calls
///   of a turn run one after the other. The conversation's history is the
///   object's state, and Restate runs the turns of one conversation one
///   after the other.
/// - `history` (shared) answers the conversation as saved JSON (see
///   [`SavedConversation`]), while a turn may be running.
///
/// Through Restate's ingress:
///
/// ```text
/// curl -X POST http://localhost:8080/Agent/ada/run --json '"What is the weather in Paris?"'
/// curl -X POST http://localhost:8080/Agent/ada/history
/// ```
///
/// A run that fails for good (the model's error, a validator's rejection,
/// the turn limit: a [`RecoveryStrategy::Fail`]) fails the invocation with a
/// terminal error carrying its message, and leaves the history as it was.
/// An error that a retry may cure (a network error, a provider's 5xx, after
/// the model's own retries) makes Restate retry the invocation, replaying
/// what the journal holds.
///
/// [`RecoveryStrategy::Fail`]: patinox::error::RecoveryStrategy::Fail
///
/// ```no_run
/// use patinox::agent::Runner;
/// use patinox::model::offline::OfflineModel;
/// use patinox_restate::AgentObject;
/// use restate_sdk::prelude::*;
///
/// # #[tokio::main]
/// # async fn main() -> patinox::Result<()> {
/// let runner = Runner::builder(OfflineModel::new()).build()?;
/// let endpoint = Endpoint::builder().bind(AgentObject::new(runner)).build();
/// HttpServer::new(endpoint)
///     .listen_and_serve("127.0.0.1:9080".parse().unwrap())
///     .await;
/// # Ok(())
/// # }
/// ```
pub struct AgentObject {
    runner: Arc<Runner>,
}

impl std::fmt::Debug for AgentObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentObject")
            .field("runner", &self.runner)
            .finish()
    }
}

impl AgentObject {
    /// Serves `runner`.
    pub fn new(runner: Runner) -> Self {
        Self::shared(Arc::new(runner))
    }

    /// Serves a runner shared with the rest of the program.
    pub fn shared(runner: Arc<Runner>) -> Self {
        Self { runner }
    }
}

#[restate_sdk::object(name = "Agent", client_visibility = "pub(crate)")]
impl AgentObject {
    /// Runs one turn of the conversation on the input and answers the
    /// agent's final text.
    #[handler]
    async fn run(&self, ctx: ObjectContext<'_>, input: String) -> HandlerResult<String> {
        let mut saved = load(&ctx).await?;
        // The invocation's id names the run: the same in every attempt, so
        // a tool call retried after a crash gets the same idempotency key.
        let run_id = RunId::new(ctx.invocation_id()).map_err(terminal)?;
        let (steps, journal) = journal::channel();
        let options = RunOptions::default()
            .history(std::mem::take(&mut saved.messages))
            .step_executor(Arc::new(steps))
            .run_id(run_id);
        let run = self.runner.run_with(&input, options);
        let result = journal
            .drive(&ctx, run)
            .await
            .map_err(|error| journal::handler_error(&error))?;
        let output = result.output.clone();
        let mut turn = SavedConversation::from(result);
        turn.usage += saved.usage;
        turn.runs += saved.runs;
        turn.metadata = saved.metadata;
        ctx.set(CONVERSATION, to_json(&turn)?);
        Ok(output)
    }

    /// The conversation so far, as saved JSON.
    #[handler]
    async fn history(
        &self,
        ctx: SharedObjectContext<'_>,
    ) -> HandlerResult<Json<serde_json::Value>> {
        let saved = match ctx.get::<String>(CONVERSATION).await? {
            Some(json) => json,
            None => to_json(&SavedConversation::default())?,
        };
        let value = serde_json::from_str(&saved).map_err(terminal)?;
        Ok(Json(value))
    }
}

/// The conversation in the object's state, or a new one.
async fn load(ctx: &ObjectContext<'_>) -> HandlerResult<SavedConversation> {
    match ctx.get::<String>(CONVERSATION).await? {
        Some(json) => Ok(SavedConversation::from_json(&json).map_err(terminal)?),
        None => Ok(SavedConversation::default()),
    }
}

fn to_json(saved: &SavedConversation) -> Result<String, TerminalError> {
    saved.to_json().map_err(terminal)
}

/// An error that ends the invocation: Restate does not retry it.
fn terminal(error: impl std::fmt::Display) -> TerminalError {
    TerminalError::new(error.to_string())
}
