//! The typestate lifecycle: Created → Started → (running) → Stopped.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use super::structured::OutputFormat;
use super::{Agent, Health, RunOptions, RunResult, RunStream, Runner};
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

/// What [`AgentHandle`] drives: a [`Runner`] and the type of its runs'
/// final answers.
///
/// [`Runner`] is `Runnable` with [`Text`](super::Text) output. `#[agent]`
/// implements it for the agents it declares: with `Text`, or with
/// [`Json<T>`](super::Json) for `#[agent(output = T)]`, whose runs return
/// the parsed value.
pub trait Runnable: Send + Sync {
    /// How a run's final answer becomes its output.
    type Format: OutputFormat;

    /// The runner that runs this agent.
    fn runner(&self) -> &Runner;
}

/// The output of a run of `A`.
pub type Output<A> = <<A as Runnable>::Format as OutputFormat>::Output;

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
            agent.runner().start().await?;
            Ok(AgentHandle {
                agent,
                state: PhantomData,
            })
        })
    }

    /// Runs one conversation on `input`. Callable only on a [`Started`] agent.
    ///
    /// # Errors
    /// See [`Runner::run_with`].
    pub fn run<'a>(&'a self, input: &'a str) -> BoxFuture<'a, Result<RunResult<Output<A>>>>
    where
        S: CanRun,
    {
        self.run_with(input, RunOptions::default())
    }

    /// Runs one conversation on `input` with `options` (earlier history,
    /// limits, cancellation). Callable only on a [`Started`] agent.
    ///
    /// # Errors
    /// See [`Runner::run_with`].
    pub fn run_with<'a>(
        &'a self,
        input: &'a str,
        options: RunOptions,
    ) -> BoxFuture<'a, Result<RunResult<Output<A>>>>
    where
        S: CanRun,
    {
        Box::pin(
            self.agent
                .runner()
                .run_format::<A::Format>(input, options, None),
        )
    }

    /// Runs one conversation on `input`, streaming its events; see
    /// [`Runner::run_stream_with`]. Callable only on a [`Started`] agent.
    pub fn run_stream(&self, input: &str) -> RunStream<'_, Output<A>>
    where
        S: CanRun,
    {
        self.run_stream_with(input, RunOptions::default())
    }

    /// [`run_stream`](Self::run_stream) with `options`.
    pub fn run_stream_with(&self, input: &str, options: RunOptions) -> RunStream<'_, Output<A>>
    where
        S: CanRun,
    {
        self.agent
            .runner()
            .stream_format::<A::Format>(input, options)
    }
}

impl<A: Runnable> AgentHandle<A, Started> {
    /// The agent's health.
    pub async fn health(&self) -> Health {
        self.agent.runner().health().await
    }

    /// Stops the agent; nothing can run afterwards.
    ///
    /// # Errors
    /// If [`Agent::stop`] fails.
    pub async fn stop(self) -> Result<AgentHandle<A, Stopped>> {
        self.agent.runner().stop().await?;
        Ok(self.with_state())
    }
}
