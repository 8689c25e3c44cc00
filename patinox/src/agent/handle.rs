//! The typestate lifecycle: Created → Started → (running) → Stopped.

use std::marker::PhantomData;

use super::{Agent, Health, RunResult};
use crate::error::Result;

/// The state of an agent that has been built but not started.
#[derive(Debug, Clone, Copy)]
pub enum Created {}
/// The state of a started agent: the only state in which it can run.
#[derive(Debug, Clone, Copy)]
pub enum Started {}
/// The state of a stopped agent: nothing can run any more.
#[derive(Debug, Clone, Copy)]
pub enum Stopped {}

/// An agent whose lifecycle state `S` is part of its type.
///
/// | state | methods |
/// |---|---|
/// | [`Created`] | `start()` (consumes it) |
/// | [`Started`] | `run()`, `health()`, `stop()` (consumes it) |
/// | [`Stopped`] | `into_inner()` only |
///
/// A run in progress borrows the started handle, so the agent cannot be
/// stopped while it is running: that is the *Running* state, enforced by the
/// borrow checker rather than a marker type. The state markers are zero-sized:
/// a handle is exactly as large as the agent it wraps.
///
/// ```
/// use patinox::agent::{AgentHandle, Runner};
/// use patinox::model::{CompletionResponse, scripted::ScriptedModel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = ScriptedModel::new([CompletionResponse::text("Hello!")]);
/// let agent = AgentHandle::new(Runner::builder(model).build()?);
/// let agent = agent.start().await?;
/// assert_eq!(agent.run("Hi").await?.output, "Hello!");
/// let _stopped = agent.stop().await?;
/// # Ok(())
/// # }
/// ```
///
/// Running before starting does not compile:
///
/// ```compile_fail
/// # use patinox::agent::{AgentHandle, Runner};
/// # use patinox::model::offline::OfflineModel;
/// # async fn f() -> patinox::Result<()> {
/// let agent = AgentHandle::new(Runner::builder(OfflineModel::new()).build()?);
/// agent.run("Hi").await?; // no method `run` on AgentHandle<_, Created>
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct AgentHandle<A, S = Created> {
    agent: A,
    state: PhantomData<fn() -> S>,
}

impl<A, S> AgentHandle<A, S> {
    /// The wrapped agent.
    pub fn inner(&self) -> &A {
        &self.agent
    }

    /// Unwraps the agent.
    pub fn into_inner(self) -> A {
        self.agent
    }

    fn with_state<T>(self) -> AgentHandle<A, T> {
        AgentHandle {
            agent: self.agent,
            state: PhantomData,
        }
    }
}

impl<A: Agent> AgentHandle<A, Created> {
    /// Wraps a newly built agent.
    #[must_use = "an agent does nothing until it is started and run"]
    pub fn new(agent: A) -> Self {
        Self {
            agent,
            state: PhantomData,
        }
    }

    /// Starts the agent.
    ///
    /// # Errors
    /// If [`Agent::start`] fails; the agent is dropped.
    pub async fn start(self) -> Result<AgentHandle<A, Started>> {
        self.agent.start().await?;
        Ok(self.with_state())
    }
}

impl<A: Agent> AgentHandle<A, Started> {
    /// Runs one conversation on `input`.
    ///
    /// # Errors
    /// See [`Agent::execute`].
    pub async fn run(&self, input: &str) -> Result<RunResult> {
        self.agent.execute(input).await
    }

    /// The agent's health.
    pub async fn health(&self) -> Health {
        self.agent.health().await
    }

    /// Stops the agent; nothing can run afterwards.
    ///
    /// # Errors
    /// If [`Agent::stop`] fails.
    pub async fn stop(self) -> Result<AgentHandle<A, Stopped>> {
        self.agent.stop().await?;
        Ok(self.with_state())
    }
}
