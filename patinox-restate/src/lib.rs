//! Durable Patinox agents on [Restate](https://restate.dev): an agent served
//! as a Restate virtual object, keyed by conversation id, whose runs survive
//! the death of the service process or of the Restate server.
//!
//! [`AgentObject`] wraps a [`Runner`]; [`serve`] serves one on an address.
//! Restate calls the service over HTTP/2; register it with the server's admin
//! API, then call it through the ingress:
//!
//! ```text
//! curl -X POST http://localhost:9070/deployments --json '{"uri": "http://localhost:9080"}'
//! curl -X POST http://localhost:8080/Agent/my-conversation/run --json '"Weather in Paris?"'
//! ```
//!
//! What is durable: each model call and each tool call of a run is a step in
//! the invocation's journal (`ctx.run`), recorded when it completes. When the
//! service dies mid-run, Restate invokes it again (on the same or another
//! process behind the deployment) and the journal replays the completed
//! steps instead of repeating them; the final answer is the one an
//! uninterrupted run gives. A step interrupted before it completed runs
//! again: a tool with side effects must make them idempotent.
//!
//! This crate is separate from `patinox` so that agents without Restate do
//! not build its SDK.
//!
//! [`Runner`]: patinox::agent::Runner

mod journal;
mod object;
mod record;

use std::net::SocketAddr;

use patinox::agent::Runner;
use restate_sdk::prelude::{Endpoint, HttpServer};
use tokio::net::TcpListener;

pub use object::AgentObject;

/// The name of the virtual object [`AgentObject`] serves: the first segment
/// of its ingress paths (`/Agent/{conversation id}/run`).
pub const SERVICE_NAME: &str = "Agent";

/// Serves `runner` as the virtual object [`SERVICE_NAME`] on `addr`, until
/// the process receives Ctrl-C.
///
/// ```no_run
/// use patinox::agent::Runner;
/// use patinox::model::offline::OfflineModel;
///
/// # #[tokio::main]
/// # async fn main() -> patinox::Result<()> {
/// let runner = Runner::builder(OfflineModel::new()).build()?;
/// patinox_restate::serve(runner, "127.0.0.1:9080".parse().unwrap()).await
/// # }
/// ```
///
/// # Errors
/// A [`patinox::PatinoxError::Network`] if `addr` cannot be bound.
pub async fn serve(runner: Runner, addr: SocketAddr) -> patinox::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let endpoint = Endpoint::builder().bind(AgentObject::new(runner)).build();
    HttpServer::new(endpoint).serve(listener).await;
    Ok(())
}
