//! Agents: the [`Agent`] trait, the [`Runner`] that drives a conversation,
//! and the typestate [`AgentHandle`] that makes lifecycle mistakes compile errors.
//!
//! A run sends the conversation to the model, executes the tools it asks for
//! (concurrently, each with a timeout and its panics caught), appends their
//! results, and repeats until the model answers without tool calls or the
//! turn limit is reached. Every entry point ([`AgentHandle::run`],
//! [`Agent::execute`], [`Runner::run_with`], the streaming
//! [`Runner::run_stream_with`]) takes the same path through one loop.
//!
//! # Runs
//!
//! | call | returns |
//! |---|---|
//! | `run(input)`, `run_with(input, options)` | the [`RunResult`] |
//! | `run_stream(input)`, `run_stream_with(input, options)` | a [`RunStream`] of [`RunEvent`]s: text and tool-call deltas, tool calls, turns, then [`RunEvent::Finished`] with the result |
//!
//! [`RunOptions`] carry what belongs to one run: earlier history (a
//! conversation), a [`HistoryPolicy`], [`UsageLimits`] (requests, tokens, tool
//! calls, a deadline: each exceeded limit is an
//! [`ExecutionErrorKind::UsageLimitExceeded`](crate::error::ExecutionErrorKind::UsageLimitExceeded)
//! naming it), and a [`CancellationToken`] (the run ends with
//! [`ExecutionErrorKind::Cancelled`](crate::error::ExecutionErrorKind::Cancelled)).
//! Dropping a run's future or stream stops it: nothing is spawned, so no
//! tool call or connection outlives it.
//!
//! Each model call and tool call goes through a [`StepExecutor`] (the step
//! seam, identified by a [`StepId`]): the default runs the step; a journal, a
//! recorder or a test can stand in for it. Between turns a run is a
//! [`RunState`], plain serializable data. Every run has a [`RunId`] (given in
//! [`RunOptions::run_id`], or fresh), and every tool call an
//! [`IdempotencyKey`] derived from it; a durable run
//! ([`RunOptions::durable`], see [`durable`](crate::durable)) resumes from its
//! journal after a crash.
//!
//! # Conversations
//!
//! A [`Conversation`] keeps one conversation's history across runs: each of
//! its runs passes the history so far in [`RunOptions`], fitted to a
//! [`TokenBudget`] (a [`HistoryPolicy`]) before every request, and counts its
//! usage against the conversation's own [`UsageLimits`]. It saves to
//! versioned JSON and resumes from it ([`SavedConversation`]).
//!
//! # Declaring an agent: `#[agent]`
//!
//! `#[agent]` on a struct generates a typestate builder (`Struct::builder()`)
//! and the agent's implementation around a [`Runner`]. Its arguments, all optional:
//!
//! | argument | meaning |
//! |---|---|
//! | `tools(a, path::b)` | tools, each a `#[tool]` function (a type implementing [`Tool`](crate::tool::Tool) by hand goes in `.configure(..)`) |
//! | `validators(v)` | validators, each a `#[validator]` function |
//! | `max_turns = 6` | the turn limit, at least 1 (default [`DEFAULT_MAX_TURNS`]) |
//! | `output = T` | structured output: runs return `RunResult<T>` (`T: Deserialize + JsonSchema`) |
//! | `deps = D` | dependencies, required by the builder and handed to tools as `&RunContext<D>` |
//! | `instructions = "..."` | the system instructions (default: the struct's doc comment) |
//! | `model = "provider:id"` | a default model, which makes `.model(..)` optional (see [`DefaultModel`](crate::model::DefaultModel)) |
//! | `name = "..."` | the agent's name in errors and monitors (default: the struct's name) |
//!
//! The builder has one method per member: `.model(..)`, one per struct field,
//! and `.deps(..)` when `deps` is declared. Members may be set in any order
//! (setting one again replaces it). `.build()` compiles only once every
//! required member is set — the model unless a default is declared, the deps
//! if declared, and every field not marked `#[agent(default)]` (those take
//! `Default::default()`) — and forgetting one is a compile error that names it
//! ("the model is not set: call `.model(..)` before `.build()`"). `build()`
//! returns `Result<AgentHandle<Struct, Created>>`.
//!
//! The tools are checked at compile time: a tool whose first parameter is
//! `&RunContext<D>` needs `deps = D` (a tool without it fits every agent), and
//! two tools with the same name (`web::search` and `docs::search`) do not
//! compile; the errors name the tools and the types.
//!
//! Everything a [`Runner`] can be given that the attribute does not declare
//! (monitors, model settings, the tool timeout, resources, tools written by
//! hand or from an MCP server) goes through `.configure(..)`, callable at any
//! point of the builder: it receives the [`RunnerBuilder`] after the declared
//! options and returns it.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use patinox::agent;
//! use patinox::model::offline::OfflineModel;
//! use patinox::monitor::RecordingMonitor;
//!
//! #[agent(max_turns = 4)]
//! struct Assistant;
//!
//! # fn main() -> patinox::Result<()> {
//! let monitor = Arc::new(RecordingMonitor::default());
//! let events = Arc::clone(&monitor);
//! let agent = Assistant::builder()
//!     .model(OfflineModel::new())
//!     .configure(move |b| b.monitor(events).tool_timeout(Duration::from_secs(5)))
//!     .build()?;
//! assert_eq!(agent.inner().runner().max_turns(), 4);
//! # Ok(())
//! # }
//! ```
//! A failure of `build()` is one of [`RunnerBuilder::build`]'s, such as a tool
//! added with `.configure(..)` that has the name of a declared one.
//!
//! # The lifecycle
//!
//! | state | methods of [`AgentHandle`] |
//! |---|---|
//! | [`Created`] (from `build()`) | `start().await` → `Started` (consumes it) |
//! | [`Started`] | `run(input).await`, `run_with(input, options).await`, `run_stream(input)`, `health().await`, `stop().await` → `Stopped` (consumes it) |
//! | [`Stopped`] | `into_inner()` only: nothing can run |
//!
//! `inner()` and `into_inner()` give the struct (and its fields) in every
//! state. Calling `run` before `start` or after `stop`, or `start` twice, does
//! not compile, with a message naming the state. The markers are zero-sized:
//! the handle is exactly as large as the struct.
//!
//! The struct gains a hidden field holding its [`Runner`], so it is built
//! only through its builder, and derives that need every field (`Clone`,
//! `PartialEq`, `Default`) are compile errors naming the agent (share an
//! agent with `Arc` instead of cloning it); `Debug` works. Write derives
//! after `#[agent]`: a derive written before it runs on the struct as
//! written, before the macro sees it, so only rustc's own errors can follow.
//!
//! Every declared agent implements [`Runnable`]. One without `output` also
//! implements [`Agent`] (so it works as `Arc<dyn Agent>`, where lifecycle
//! rules are checked at run time); with `output = T` its runs return `T`, and
//! its `runner()` is the untyped [`Agent`] that returns the JSON text.
//!
//! ```
//! use patinox::agent;
//! use patinox::model::{CompletionResponse, scripted::ScriptedModel};
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Forecast {
//!     celsius: f64,
//! }
//!
//! /// You forecast the weather.
//! #[agent(output = Forecast, max_turns = 3)]
//! struct Forecaster {
//!     /// The city forecasts are for.
//!     city: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let model = ScriptedModel::new([CompletionResponse::text(r#"{"celsius": 21.5}"#)]);
//! let agent = Forecaster::builder()
//!     .city("Paris".to_owned())
//!     .model(model)
//!     .build()?;
//! let agent = agent.start().await?;
//! let forecast = agent.run("Tomorrow?").await?.output;
//! assert_eq!(forecast.celsius, 21.5);
//! assert_eq!(agent.inner().city, "Paris");
//! agent.stop().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Forgetting the model does not compile:
//!
//! ```compile_fail
//! #[patinox::agent]
//! struct Assistant;
//!
//! let agent = Assistant::builder().build(); // the model is not set: call `.model(..)` before `.build()`
//! ```
//!
//! # Structured output
//!
//! With `output = T` (or [`RunnerBuilder::output`] and [`Runner::run_as`]),
//! every request carries `T`'s schema as its
//! [`ResponseFormat`](crate::model::ResponseFormat) (the strict form of
//! [`output_schema`](crate::schema::output_schema)); the model sends it the
//! way its provider does best. The final answer is parsed once; one that does
//! not parse as `T` goes back to the model with the parse error, up to
//! [`DEFAULT_OUTPUT_RETRIES`] times (see [`RunnerBuilder::output_retries`]) and
//! within the turn limit; then the run fails with
//! [`PatinoxError::Validation`](crate::PatinoxError::Validation).

mod budget;
mod conversation;
mod handle;
mod history;
mod id;
mod run;
mod runner;

pub(crate) use runner::shared as shared_model;
mod structured;
mod tool_source;

use async_trait::async_trait;

pub use budget::{
    BYTES_PER_TOKEN, MESSAGE_OVERHEAD_TOKENS, TOOL_CALL_OVERHEAD_TOKENS, TokenBudget,
};
pub use conversation::{
    CONVERSATION_FORMAT_VERSION, Conversation, ConversationStream, DEFAULT_TOKEN_BUDGET,
    SavedConversation,
};
pub use handle::{AgentHandle, CanRun, CanStart, Created, Output, Runnable, Started, Stopped};
pub use history::HistoryPolicy;
pub use run::{
    IdempotencyKey, ModelStep, RunEvent, RunId, RunOptions, RunState, RunStream, StepExecutor,
    StepId, ToolOutcome, ToolStep, UsageLimits,
};
pub use runner::{
    DEFAULT_MAX_TURNS, DEFAULT_OUTPUT_RETRIES, DEFAULT_SHUTDOWN_DEADLINE, DEFAULT_TOOL_TIMEOUT,
    Runner, RunnerBuilder,
};
pub use structured::{Json, OutputFormat, Text, parse_output};
/// The token that cancels a run (see [`RunOptions::cancel`]), from `tokio-util`.
pub use tokio_util::sync::CancellationToken;
pub use tool_source::ToolSource;

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
