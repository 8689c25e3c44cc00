//! Patinox: agents for large language models, declared with three macros and
//! checked at compile time.
//!
//! - [`agent`]: the [`Agent`](agent::Agent) trait, the agent loop
//!   ([`Runner`](agent::Runner)) and the typestate lifecycle
//!   ([`AgentHandle`](agent::AgentHandle)).
//! - [`model`]: the [`LanguageModel`](model::LanguageModel) trait, provider-neutral
//!   messages, the built-in offline model and a scripted test model.
//! - [`tool`]: the [`Tool`](tool::Tool) trait and run context.
//! - [`validate`]: guardrails on input, output and tool calls.
//! - [`monitor`]: observers of runs.
//! - [`schema`]: JSON Schemas of tool arguments, per provider dialect.
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

pub mod agent;
pub mod error;
pub mod model;
pub mod monitor;
pub mod schema;
pub mod tool;
pub mod validate;

pub use error::{PatinoxError, Result};

/// The items most programs need, for `use patinox::prelude::*`.
pub mod prelude {
    pub use crate::agent::{Agent, AgentHandle, RunResult, Runner};
    pub use crate::error::{PatinoxError, RecoveryStrategy, Result};
    pub use crate::model::{LanguageModel, Message, ToolSpec};
    pub use crate::tool::{RunContext, Tool, ToolError, ToolResult};
    pub use crate::validate::{ValidationOutcome, ValidationStage, Validator};
}
