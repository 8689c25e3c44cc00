//! Patinox: agents for large language models, declared with three macros and
//! checked at compile time.
//!
//! - [`agent`](mod@agent): the [`Agent`](agent::Agent) trait, the agent loop
//!   ([`Runner`](agent::Runner)) and the typestate lifecycle
//!   ([`AgentHandle`](agent::AgentHandle)).
//! - [`model`]: the [`LanguageModel`](model::LanguageModel) trait, provider-neutral
//!   messages, the providers (OpenAI, Anthropic, OpenRouter, Ollama, LM Studio),
//!   retry, circuit breaker and fallback, the built-in offline model and a
//!   scripted test model.
//! - [`config`]: the configuration cascade (defaults, `patinox.toml`,
//!   environment, code), resolved once into plain settings.
//! - [`tool`](mod@tool): the [`Tool`](tool::Tool) trait and run context.
//! - [`durable`]: durable runs, resumed after a crash from a local
//!   [`Journal`](durable::Journal).
//! - [`validate`]: guardrails on input, output and tool calls.
//! - [`monitor`]: observers of runs.
//! - [`schema`]: JSON Schemas of tool arguments, per provider dialect.
//! - [`memory`]: pools, async resource guards, a resource registry, shared
//!   configuration and memory-mapped reads.
//! - `tower` (feature `tower`): models as tower services, tower services as
//!   models, validators as tower layers.
//! - `mcp` (feature `mcp`): Model Context Protocol servers' tools in an
//!   agent, and tools or agents served as an MCP server.
//! - [`error`]: [`PatinoxError`] and [`RecoveryStrategy`](error::RecoveryStrategy).
//!
//! ```
//! use patinox::agent::{AgentHandle, Runner};
//! use patinox::model::offline::OfflineModel;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let agent = AgentHandle::new(Runner::builder(OfflineModel::new()).build()?)
//!     .start()
//!     .await?;
//! let reply = agent.run("Hello").await?;
//! assert!(reply.output.contains("Hello"));
//! # Ok(())
//! # }
//! ```

// Library code reports failures as errors; tests may unwrap.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod agent;
pub mod config;
pub mod durable;
pub mod error;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod memory;
pub mod model;
pub mod monitor;
#[cfg(feature = "otel")]
pub mod otel;
pub mod schema;
pub mod tool;
#[cfg(feature = "tower")]
pub mod tower;
pub mod validate;

pub use error::{PatinoxError, Result};

/// Implements Patinox's async traits by hand: put `#[patinox::async_trait]`
/// on an `impl` of [`Tool`](tool::Tool), [`Validator`](validate::Validator),
/// [`LanguageModel`](model::LanguageModel) or [`Agent`](agent::Agent), the
/// traits with `async` methods. It is the [`async-trait`](https://docs.rs/async-trait) attribute, re-exported so
/// that such an impl needs no dependency of its own and always matches the
/// version the traits were declared with.
///
/// ```
/// use patinox::async_trait;
/// use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
///
/// struct NotEmpty;
///
/// #[async_trait]
/// impl Validator for NotEmpty {
///     fn name(&self) -> &str { "not_empty" }
///     fn stage(&self) -> ValidationStage { ValidationStage::Output }
///     async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
///         match target {
///             ValidationTarget::Output("") => ValidationOutcome::retry("Say something."),
///             _ => ValidationOutcome::Pass,
///         }
///     }
/// }
/// ```
pub use async_trait::async_trait;

/// Turns a struct into an agent with a typestate builder and a typestate
/// lifecycle; see [the `agent` module](mod@agent#declaring-an-agent-agent).
pub use patinox_macros::agent;
/// Turns a function into a [`Tool`](tool::Tool).
///
/// The function stays as written (call it, unit-test it). Beside it the macro
/// generates a struct **of the same name** implementing [`Tool`](tool::Tool):
/// register it as `get_weather {}` (or `tools(get_weather)` in `#[agent]`).
///
/// ```
/// use patinox::tool::{RunContext, Tool};
///
/// /// Current weather for a city.
/// ///
/// /// # Arguments
/// /// * `city` - City name, e.g. "Paris".
/// /// * `celsius` - Whether to answer in Celsius (default: yes).
/// #[patinox::tool]
/// fn get_weather(city: String, celsius: Option<bool>) -> String {
///     let unit = if celsius.unwrap_or(true) { "C" } else { "F" };
///     format!("22 {unit} and sunny in {city}")
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(get_weather("Paris".into(), None), "22 C and sunny in Paris");
///
/// let tool: &dyn Tool = &get_weather {};
/// assert_eq!(tool.spec().name(), "get_weather");
/// assert_eq!(tool.spec().description(), "Current weather for a city.");
/// let args = serde_json::value::RawValue::from_string(r#"{"city":"Oslo"}"#.into()).unwrap();
/// let result = tool.call(&RunContext::empty(), &args).await;
/// assert_eq!(result, Ok(r#""22 C and sunny in Oslo""#.to_owned()));
/// # }
/// ```
///
/// # What the model sees
/// - **Name**: the function's name; `#[tool(name = "...")]` overrides it.
/// - **Description**: the doc comment's text before its first `#` heading;
///   `#[tool(description = "...")]` overrides it. A tool without either does not compile.
/// - **Parameters**: every parameter is an argument in the JSON Schema, described
///   by its own doc comment (`/// text` before the parameter) or by a `# Arguments`
///   entry (`` * `name` - text ``). Its type must implement `serde::Deserialize` and
///   `schemars::JsonSchema`: scalars, `String`, `Vec<T>`, `HashMap<String, T>`, tuples,
///   your own structs and enums. `Option<T>` is optional; everything else is required.
///   `#[serde(...)]` and `#[schemars(...)]` attributes on a parameter apply to its
///   schema field. Unknown arguments are rejected. All of these, maps and tuples
///   included, have an OpenAI strict form ([`schema`](mod@schema#maps-and-tuples));
///   a `serde_json::Value` argument is sent without strict mode.
/// - **Context**: a first parameter `&RunContext<D>` is not an argument; the agent
///   passes its dependencies (`#[agent(deps = D)]`, or `Runner::builder(..).deps(Arc::new(d))`).
///   In `#[agent(tools(..))]`, a tool whose `D` is not the agent's `deps` does not
///   compile; added to a [`Runner`](agent::Runner) by hand, its calls fail with
///   [`ToolError::MissingDeps`](tool::ToolError::MissingDeps). `&RunContext` (no type)
///   gives the context as is; a tool with no context or that one fits every agent.
///
/// # Results
/// The function may be `async`. It returns any `T: Serialize`, sent to the model as
/// JSON, or `Result<T, E>` with `E: Display`, whose `Err` goes to the model as a
/// failed call ([`ToolError::Failed`](tool::ToolError::Failed)) so it can correct
/// itself. Arguments that do not deserialize give
/// [`ToolError::InvalidArguments`](tool::ToolError::InvalidArguments) with serde's message.
///
/// # When the schema cannot be built
/// The spec is computed once, on first use, by [`schema::tool_spec`]. Whether a
/// parameter type has a schema every provider accepts is only known then (the macro
/// sees type names, not types), so it is checked when the tool is **registered**:
/// [`Tool::check_spec`](tool::Tool::check_spec) fails, and with it
/// [`ToolSet::new`](tool::ToolSet::new) and every agent builder, with a
/// [`PatinoxError::Configuration`] naming the tool. The agent refuses to build
/// rather than send a broken schema at run time; [`Tool::spec`](tool::Tool::spec),
/// which cannot fail, then returns a placeholder with no arguments.
///
/// # Compile errors
/// `self` parameters, generic or `unsafe` functions, `impl Trait` parameters,
/// references anywhere in a parameter's type (`Option<&str>`: use `Option<String>`),
/// an error type without `Display`, destructuring patterns, `# Arguments` entries naming no parameter,
/// unknown or repeated attribute keys and a `&RunContext` that is not first are
/// rejected with a message on the offending token; all of an item's mistakes are
/// reported together.
///
/// `#[tool]` goes on free functions. On an associated function inside an
/// `impl` block the compiler reports that the generated items (a struct and its
/// impls) cannot go there: move the function out of the `impl` block.
pub use patinox_macros::tool;
/// Turns a function into a [`Validator`](validate::Validator).
///
/// `#[validator(input)]`, `#[validator(output)]` or `#[validator(tool_call)]` says
/// when it runs; `name = "..."` overrides its name (default: the function's). As
/// with [`tool`](macro@tool), the function stays callable and a struct of the same
/// name implements the trait: register it as `one_sentence {}`.
///
/// | stage | signature |
/// |---|---|
/// | `input` | `fn(input: &str) -> R` |
/// | `output` | `fn(output: &str) -> R` |
/// | `tool_call` | `fn(tool: &str, arguments: A) -> R` |
///
/// `R` is [`ValidationOutcome`](validate::ValidationOutcome) (pass, retry with
/// feedback, reject) or `Result<(), E>` with `E: Display`, where `Err` asks the
/// model to retry with the error as feedback. The function may be `async`.
///
/// For `tool_call`, `A` is how you want the call's arguments: `&RawValue` as
/// received, `&str` as JSON text, or any `Deserialize` type `T` or `&T`, e.g.
/// `&serde_json::Value` or the tool's own argument struct. If the arguments do not
/// deserialize into `T`, the model is asked to retry with serde's message.
///
/// ```
/// use patinox::validate::{ValidationOutcome, ValidationTarget, Validator};
///
/// /// Keeps answers to one sentence.
/// #[patinox::validator(output)]
/// fn one_sentence(answer: &str) -> Result<(), String> {
///     if answer.trim_end_matches('.').contains(". ") {
///         return Err("Answer in one sentence.".into());
///     }
///     Ok(())
/// }
///
/// #[patinox::validator(tool_call)]
/// fn no_deletes(tool: &str, _arguments: &serde_json::Value) -> ValidationOutcome {
///     if tool.starts_with("delete") {
///         ValidationOutcome::reject("deleting is not allowed")
///     } else {
///         ValidationOutcome::Pass
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let verdict = one_sentence {}.validate(ValidationTarget::Output("Yes. No.")).await;
/// assert_eq!(verdict, ValidationOutcome::retry("Answer in one sentence."));
/// # let _ = no_deletes {};
/// # }
/// ```
pub use patinox_macros::validator;

// Lets code generated by the macros name `::patinox` inside this crate too.
#[allow(unused_extern_crates)]
extern crate self as patinox;

/// Support for code generated by the macros. Not a public API: it may
/// change in any release.
#[doc(hidden)]
#[path = "macro_support.rs"]
pub mod __private;

/// The items most programs need, for `use patinox::prelude::*`.
pub mod prelude {
    pub use crate::agent::{Agent, AgentHandle, RunResult, Runner};
    pub use crate::error::{PatinoxError, RecoveryStrategy, Result};
    pub use crate::model::{LanguageModel, Message, ToolSpec};
    pub use crate::tool::{RunContext, Tool, ToolError, ToolResult};
    pub use crate::validate::{ValidationOutcome, ValidationStage, Validator};
    pub use crate::{agent, async_trait, tool, validator};
}
