//! Utilities for the resources agents hold: connections, clients, files,
//! configuration.
//!
//! - [`Pool`]: an async pool of reusable items made by a [`Manager`], with a
//!   size limit, an acquire timeout, FIFO fairness and an RAII [`Pooled`] guard.
//! - [`AsyncResourceGuard`]: RAII for resources whose cleanup is async.
//! - [`ResourceRegistry`]: every resource an agent holds, closed together (newest
//!   first, within a deadline) when the agent stops.
//! - [`SharedConfig`]: copy-on-write configuration; readers take cheap
//!   snapshots while writers publish new versions.
//! - [`read_file`] and `MappedFile` (feature `mmap`):
//!   memory-mapped reads of large files, used above a measured size threshold.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use patinox::memory::{Manager, Pool, ResourceRegistry};
//!
//! struct Clients;
//! impl Manager for Clients {
//!     type Item = String;
//!     async fn create(&self) -> patinox::Result<String> {
//!         Ok("client".into())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let registry = Arc::new(ResourceRegistry::new());
//! let pool = Pool::builder(Clients).max_size(2).build()?;
//! registry.register_pool("clients", pool.clone())?;
//! drop(pool.get().await?);
//! registry.shutdown(Duration::from_secs(1)).await.into_result()?;
//! assert!(pool.is_closed());
//! # Ok(())
//! # }
//! ```

mod guard;
mod mapped;
mod pool;
mod registry;
mod shared;

pub use guard::AsyncResourceGuard;
#[cfg(feature = "mmap")]
pub use mapped::MappedFile;
pub use mapped::{FileContents, MMAP_THRESHOLD, read_file, read_file_buffered};
pub use pool::{DEFAULT_ACQUIRE_TIMEOUT, Manager, Pool, PoolBuilder, PoolStatus, Pooled};
pub use registry::{LeakReport, ResourceInfo, ResourceRegistry, ShutdownReport};
pub use shared::SharedConfig;
