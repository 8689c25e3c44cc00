//! Agents: the [`Agent`] trait, the [`Runner`] that drives a conversation,
//! and the typestate [`AgentHandle`] that makes lifecycle mistakes compile errors.
//!
//! A run sends the conversation to the model, executes the tools it asks for
//! (concurrently, each with a timeout and its panics caught), appends their
//! results, and repeats until the model answers without tool calls or the
//! turn limit is reached.
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
//! | [`Started`] | `run(input).await`, `health().await`, `stop().await` → `Stopped` (consumes it) |
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
//! agent with `Arc` instead of cloning it); `Debug` works.
//!
//! An agent without `output` implements [`Agent`] (so it also works as
//! `Arc<dyn Agent>`, where lifecycle rules are checked at run time); with
//! `output = T` it implements [`Runnable`] with `Output = T`, and its
//! `runner()` is the untyped [`Agent`] that returns the JSON text.
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
//! With `output = T`, `T`'s JSON Schema is appended to the instructions
//! ([`output_instructions`]); a final answer that does not parse as `T` is sent
//! back to the model with the parse error, and it answers again, within the
//! turn limit ([`JsonOutput`]); a run whose answer never parses fails with
//! [`PatinoxError::Validation`](crate::PatinoxError::Validation).

mod handle;
mod runner;
mod structured;
mod tool_source;

use async_trait::async_trait;

pub use handle::{AgentHandle, CanRun, CanStart, Created, Runnable, Started, Stopped};
pub use runner::{
    DEFAULT_MAX_TURNS, DEFAULT_SHUTDOWN_DEADLINE, DEFAULT_TOOL_TIMEOUT, Runner, RunnerBuilder,
};
pub use structured::{JsonOutput, output_instructions, parse_output};
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
