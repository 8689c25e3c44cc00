//! Agents: the [`Agent`] trait, the [`Runner`] that drives a conversation,
//! and the typestate [`AgentHandle`] that makes lifecycle mistakes compile errors.
//!
//! A run sends the conversation to the model, executes the tools it asks for
//! (concurrently, each with a timeout and its panics caught), appends their
//! results, and repeats until the model answers without tool calls or the
//! turn limit is reached.

mod handle;
mod runner;

use async_trait::async_trait;

pub use handle::{AgentHandle, Created, Started, Stopped};
pub use runner::{
    DEFAULT_MAX_TURNS, DEFAULT_SHUTDOWN_DEADLINE, DEFAULT_TOOL_TIMEOUT, Runner, RunnerBuilder,
};

use crate::error::Result;
use crate::model::{Message, Usage};

/// What a finished run returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RunResult {
    /// The final answer.
    pub output: String,
    /// The whole conversation, including instructions, tool calls and results.
    pub messages: Vec<Message>,
    /// Tokens and requests used by the run.
    pub usage: Usage,
    /// Model turns taken.
    pub turns: u32,
}

/// An agent's health, as reported by [`Agent::health`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Health {
    /// Ready to run.
    Healthy,
    /// Runs may fail or be slow.
    Degraded(String),
    /// Runs will fail.
    Unhealthy(String),
}

/// An agent: something that can be started, run on an input, and stopped.
///
/// Object safe and `Send + Sync` (`Arc<dyn Agent>` works across tasks).
/// Through this trait, lifecycle rules are checked at run time: `execute`
/// before `start` or after `stop` is an [`ExecutionErrorKind::InvalidState`]
/// error. Wrap an agent in [`AgentHandle`] to have the compiler check them.
///
/// [`ExecutionErrorKind::InvalidState`]: crate::error::ExecutionErrorKind::InvalidState
#[async_trait]
pub trait Agent: Send + Sync {
    /// The agent's name.
    fn name(&self) -> &str;

    /// Prepares the agent to run (acquire resources, check the model).
    ///
    /// # Errors
    /// If the agent cannot be started, or was stopped.
    async fn start(&self) -> Result<()>;

    /// Runs one conversation on `input`.
    ///
    /// # Errors
    /// Model errors, validation rejections, the turn limit, or a lifecycle violation.
    async fn execute(&self, input: &str) -> Result<RunResult>;

    /// Releases the agent's resources; afterwards it cannot run.
    ///
    /// # Errors
    /// If a resource fails to close.
    async fn stop(&self) -> Result<()>;

    /// The agent's health.
    async fn health(&self) -> Health;
}
