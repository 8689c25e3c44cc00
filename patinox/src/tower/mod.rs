//! [tower](https://docs.rs/tower) middleware around models and validators
//! (feature `tower`, off by default).
//!
//! - [`ModelService`]: a [`LanguageModel`](crate::model::LanguageModel) as a
//!   [`tower::Service`] of [`ModelRequest`]s.
//! - [`ServiceModel`]: the reverse, any such service as a `LanguageModel`, so
//!   an agent's model calls go through tower middleware:
//!   [`ServiceModel::layered`] wraps a model in a `ServiceBuilder` stack.
//! - [`ValidateLayer`]: a [`Validator`](crate::validate::Validator) as a
//!   [`tower::Layer`] around any service whose requests are
//!   [`Validatable`].
//!
//! A concurrency limit, a client-side rate limit and a timeout around the
//! model of an agent (tower's `limit` and `timeout` features, in your own
//! dependency on `tower`):
//!
//! ```
//! use std::time::Duration;
//! use patinox::agent::{AgentHandle, Runner};
//! use patinox::model::offline::OfflineModel;
//! use patinox::tower::ServiceModel;
//! use tower::ServiceBuilder;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let model = ServiceModel::layered(
//!     OfflineModel::new(),
//!     ServiceBuilder::new()
//!         .concurrency_limit(4)                         // at most 4 calls in flight
//!         .rate_limit(60, Duration::from_secs(60))      // 60 requests per minute
//!         .timeout(Duration::from_secs(30)),            // a stalled call fails
//! );
//! let agent = AgentHandle::new(Runner::builder(model).build()?).start().await?;
//! let reply = agent.run("Hello").await?;
//! assert!(reply.output.contains("Hello"));
//! # Ok(())
//! # }
//! ```
//!
//! # Errors through middleware
//! Middleware errors are [`BoxError`]s. A [`ServiceModel`] turns them back
//! into a [`PatinoxError`](crate::PatinoxError): a `PatinoxError` (from the
//! model or a validator) comes back unchanged, so retry and fallback still
//! see the provider's status; tower's timeout (`Elapsed`) becomes an
//! [`ExecutionErrorKind::Timeout`](crate::error::ExecutionErrorKind::Timeout)
//! (retryable); any other middleware error becomes a
//! [`NetworkErrorKind::Other`](crate::error::NetworkErrorKind::Other) with
//! the error as its source (not retried). To classify your own middleware's
//! errors differently, map them to a `PatinoxError` in the stack
//! (`ServiceBuilder::map_err`).
//!
//! # Cost
//! Requests through a [`ServiceModel`] are owned ([`ModelRequest`]): the
//! conversation is copied once per model call. Models used without tower
//! keep the borrowed, copy-free request path.

mod model;
mod request;
mod validate;

pub use model::{ModelService, ServiceModel};
pub use request::ModelRequest;
pub use validate::{Validatable, ValidateLayer, ValidateService};

/// The error type of tower middleware: any error, boxed.
pub use ::tower::BoxError;
