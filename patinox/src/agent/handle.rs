//! The typestate lifecycle: Created → Started → (running) → Stopped.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

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

/// The futures of [`AgentHandle::start`] and [`AgentHandle::run`]: named
/// rather than `async fn` so that calling either in the wrong state is one
/// compile error, not one per use of the future.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Created {}
    impl Sealed for super::Started {}
    impl Sealed for super::Stopped {}
}

/// The states in which [`AgentHandle::start`] exists: [`Created`] only.
///
/// A bound rather than a plain `impl` block so that calling `start` on a
/// started or stopped agent explains itself instead of saying the method
/// does not exist.
#[diagnostic::on_unimplemented(
    message = "this agent is already `{Self}`: only a `Created` agent can be started",
    label = "`start` consumes a created agent",
    note = "`start().await?` returns the started agent: keep that value and call `run` on it"
)]
pub trait CanStart: sealed::Sealed {}
impl CanStart for Created {}

/// The states in which [`AgentHandle::run`] exists: [`Started`] only.
#[diagnostic::on_unimplemented(
    message = "this agent is `{Self}`: only a `Started` agent can run",
    label = "`run` needs a started agent",
    note = "call `.start().await?` on the built agent and run the value it returns; \
            after `stop()` an agent cannot run again"
)]
pub trait CanRun: sealed::Sealed {}
impl CanRun for Started {}

/// What [`AgentHandle`] drives: an agent's lifecycle and a run whose final
/// answer has the type [`Output`](Self::Output).
///
/// Every [`Agent`] is `Runnable` with `Output = String`. An agent declared with
/// `#[agent(output = T)]` is `Runnable` with `Output = T`: its runs return the
/// parsed value.
///
/// Its methods share their names with [`Agent`]'s: call them through
/// [`AgentHandle`], or fully qualified, rather than importing both traits.
pub trait Runnable: Send + Sync {
    /// The type of a run's final answer.
    type Output: Send;

    /// The agent's name.
    fn name(&self) -> &str;

    /// See [`Agent::start`].
    fn start(&self) -> impl Future<Output = Result<()>> + Send;

    /// Runs one conversation on `input`; see [`Agent::execute`].
    fn run<'a>(
        &'a self,
        input: &'a str,
    ) -> impl Future<Output = Result<RunResult<Self::Output>>> + Send + 'a;

    /// See [`Agent::stop`].
    fn stop(&self) -> impl Future<Output = Result<()>> + Send;

    /// See [`Agent::health`].
    fn health(&self) -> impl Future<Output = Health> + Send;
}

impl<A: Agent> Runnable for A {
    type Output = String;

    fn name(&self) -> &str {
        Agent::name(self)
    }

    fn start(&self) -> impl Future<Output = Result<()>> + Send {
        Agent::start(self)
    }

    fn run<'a>(&'a self, input: &'a str) -> impl Future<Output = Result<RunResult>> + Send + 'a {
        Agent::execute(self, input)
    }

    fn stop(&self) -> impl Future<Output = Result<()>> + Send {
        Agent::stop(self)
    }

    fn health(&self) -> impl Future<Output = Health> + Send {
        Agent::health(self)
    }
}

/// An agent whose lifecycle state `S` is part of its type.
///
/// | state | methods |
/// |---|---|
/// | [`Created`] | `start()` (consumes it) |
/// | [`Started`] | `run()`, `health()`, `stop()` (consumes it) |
/// | [`Stopped`] | `into_inner()` only |
///
/// `inner()` and `into_inner()` exist in every state. A run in progress
/// borrows the started handle, so the agent cannot be stopped while it is
/// running: that is the *Running* state, enforced by the borrow checker
/// rather than a marker type. The state markers are zero-sized: a handle is
/// exactly as large as the agent it wraps.
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
/// agent.run("Hi").await?; // this agent is `Created`: only a `Started` agent can run
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

impl<A: Runnable> AgentHandle<A, Created> {
    /// Wraps a newly built agent.
    #[must_use = "an agent does nothing until it is started and run"]
    pub fn new(agent: A) -> Self {
        Self {
            agent,
            state: PhantomData,
        }
    }
}

// `start` and `run` exist in every state but are bounded by the state in a
// `where` clause: that is what lets the compiler print `CanStart`'s and
// `CanRun`'s messages instead of "the method exists but its trait bounds
// were not satisfied".
impl<A: Runnable, S> AgentHandle<A, S> {
    /// Starts the agent. Callable only on a [`Created`] agent.
    ///
    /// # Errors
    /// If [`Agent::start`] fails; the agent is dropped.
    pub fn start<'a>(self) -> BoxFuture<'a, Result<AgentHandle<A, Started>>>
    where
        S: CanStart,
        A: 'a,
    {
        let agent = self.agent;
        Box::pin(async move {
            agent.start().await?;
            Ok(AgentHandle {
                agent,
                state: PhantomData,
            })
        })
    }

    /// Runs one conversation on `input`. Callable only on a [`Started`] agent.
    ///
    /// # Errors
    /// See [`Agent::execute`].
    pub fn run<'a>(&'a self, input: &'a str) -> BoxFuture<'a, Result<RunResult<A::Output>>>
    where
        S: CanRun,
    {
        Box::pin(self.agent.run(input))
    }
}

impl<A: Runnable> AgentHandle<A, Started> {
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
