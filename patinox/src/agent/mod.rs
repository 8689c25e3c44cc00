//! Agents: the [`Agent`] trait, the [`Runner`] that drives a conversation,
//! and the typestate [`AgentHandle`] that makes lifecycle mistakes compile errors.
//!
//! A run sends the conversation to the model, executes the tools it asks for
//! (concurrently, each with a timeout and its panics caught), appends their
//! results, and repeats until the model answers without tool calls or the
//! turn limit is reached.

mod default_model;
mod handle;
mod runner;
mod structured;

use async_trait::async_trait;

pub use default_model::DefaultModel;
pub use handle::{AgentHandle, CanRun, CanStart, Created, Runnable, Started, Stopped};
pub use runner::{DEFAULT_MAX_TURNS, DEFAULT_TOOL_TIMEOUT, Runner, RunnerBuilder};
pub use structured::{JsonOutput, output_instructions, parse_output};

use crate::error::Result;
use crate::model::{Message, Usage};

/// What a finished run returns: the final answer as text (`T = String`), or
/// parsed into `T` for an agent declared with `#[agent(output = T)]`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RunResult<T = String> {
    /// The final answer.
    pub output: T,
    /// The whole conversation, including instructions, tool calls and results.
    pub messages: Vec<Message>,
    /// Tokens and requests used by the run.
    pub usage: Usage,
    /// Model turns taken.
    pub turns: u32,
}

impl<T> RunResult<T> {
    /// The same result with its output converted by `f`.
    ///
    /// # Errors
    /// `f`'s error.
    pub fn try_map<U, E>(
        self,
        f: impl FnOnce(T) -> std::result::Result<U, E>,
    ) -> std::result::Result<RunResult<U>, E> {
        Ok(RunResult {
            output: f(self.output)?,
            messages: self.messages,
            usage: self.usage,
            turns: self.turns,
        })
    }
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
