//! Every resource an agent holds, closed together when it stops.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::guard::AsyncResourceGuard;
use super::pool::{Manager, Pool};
use crate::error::{ExecutionError, ExecutionErrorKind, PatinoxError, Result};

type Closer = Box<dyn FnOnce() -> BoxFuture<'static, Result<()>> + Send>;

/// What the registry knows about one resource.
///
/// ```
/// use patinox::memory::ResourceRegistry;
///
/// let registry = ResourceRegistry::new();
/// registry.register("index", "file", || async { Ok(()) })?;
/// let report = registry.leak_report();
/// let info = &report.open()[0];
/// assert_eq!((info.id.as_str(), info.kind.as_str()), ("index", "file"));
/// assert_eq!(info.to_string(), "`index` (file)");
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourceInfo {
    /// The id it was registered under (unique among open resources).
    pub id: String,
    /// What kind of resource it is (`pool`, `database`, `file`, ...).
    pub kind: String,
    /// When it was registered.
    pub registered_at: Instant,
}

impl fmt::Display for ResourceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.id, self.kind)
    }
}

struct Entry {
    info: ResourceInfo,
    close: Closer,
}

#[derive(Default)]
struct State {
    entries: Vec<Entry>,
    shut_down: bool,
}

/// A registry of open resources, each with an id, a kind and an async close.
///
/// [`shutdown`](Self::shutdown) closes them all in reverse registration order
/// (what was opened last, and may depend on what came before, closes first),
/// within a deadline, and reports what failed. Give one to
/// [`RunnerBuilder::resources`](crate::agent::RunnerBuilder::resources) and the
/// agent's `stop()` shuts it down, so nothing outlives the agent.
/// [`leak_report`](Self::leak_report) lists what is still open; a registry
/// dropped with open resources logs that list through `tracing`.
///
/// ```
/// use std::time::Duration;
/// use patinox::memory::ResourceRegistry;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let registry = ResourceRegistry::new();
/// registry.register("index", "file", || async { Ok(()) })?;
/// registry.register("search", "http client", || async {
///     Err(patinox::PatinoxError::validation("socket already gone"))
/// })?;
/// assert_eq!(registry.leak_report().open().len(), 2);
///
/// let report = registry.shutdown(Duration::from_secs(5)).await;
/// assert_eq!(report.closed()[0].id, "index");
/// assert_eq!(report.failed()[0].0.id, "search");
/// assert!(report.into_result().is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct ResourceRegistry {
    state: Mutex<State>,
}

impl fmt::Debug for ResourceRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ResourceRegistry")
            .field("open", &state.entries.len())
            .field("shut_down", &state.shut_down)
            .finish()
    }
}

impl ResourceRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Closers never run under the lock, so a poisoned state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a resource; `close` is called once, by [`close`](Self::close)
    /// or [`shutdown`](Self::shutdown).
    ///
    /// # Errors
    /// - a [`PatinoxError::Validation`] if `id` is already open;
    /// - [`ExecutionErrorKind::InvalidState`] after shutdown (`close` is dropped
    ///   unrun: close the resource yourself).
    pub fn register<F, Fut>(
        &self,
        id: impl Into<String>,
        kind: impl Into<String>,
        close: F,
    ) -> Result<()>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        let info = ResourceInfo {
            id: id.into(),
            kind: kind.into(),
            registered_at: Instant::now(),
        };
        let mut state = self.lock();
        if state.shut_down {
            return Err(PatinoxError::execution(
                ExecutionErrorKind::InvalidState,
                format!("cannot register {info}: the registry is shut down"),
            ));
        }
        if state.entries.iter().any(|entry| entry.info.id == info.id) {
            return Err(PatinoxError::validation(format!(
                "a resource with id `{}` is already registered",
                info.id
            )));
        }
        state.entries.push(Entry {
            info,
            close: Box::new(move || Box::pin(close())),
        });
        Ok(())
    }

    /// Registers an [`AsyncResourceGuard`]; closing runs its cleanup.
    ///
    /// # Errors
    /// As [`register`](Self::register).
    pub fn register_guard<T: Send + 'static>(
        &self,
        id: impl Into<String>,
        kind: impl Into<String>,
        guard: AsyncResourceGuard<T>,
    ) -> Result<()> {
        self.register(id, kind, move || guard.close())
    }

    /// Registers a [`Pool`] (kind `pool`); closing waits for its checked-out
    /// items to come back.
    ///
    /// # Errors
    /// As [`register`](Self::register).
    pub fn register_pool<M: Manager>(&self, id: impl Into<String>, pool: Pool<M>) -> Result<()> {
        self.register(id, "pool", move || async move {
            pool.close().await;
            Ok(())
        })
    }

    /// Closes one resource now and forgets it. Returns `Ok(false)` if no open
    /// resource has that id.
    ///
    /// # Errors
    /// Whatever the resource's close returns.
    pub async fn close(&self, id: &str) -> Result<bool> {
        let entry = {
            let mut state = self.lock();
            let index = state.entries.iter().position(|entry| entry.info.id == id);
            index.map(|index| state.entries.remove(index))
        };
        match entry {
            Some(entry) => (entry.close)().await.map(|()| true),
            None => Ok(false),
        }
    }

    /// What is still open, oldest first.
    pub fn leak_report(&self) -> LeakReport {
        LeakReport {
            open: self.lock().entries.iter().map(|e| e.info.clone()).collect(),
        }
    }

    /// Closes every resource, newest first, each within what is left of
    /// `deadline`. A resource whose close fails, panics or overruns the
    /// deadline is reported and the others are still closed; once the
    /// deadline has passed the remaining closes are not started. Later
    /// registrations are refused.
    pub async fn shutdown(&self, deadline: Duration) -> ShutdownReport {
        let entries = {
            let mut state = self.lock();
            state.shut_down = true;
            std::mem::take(&mut state.entries)
        };
        let until = tokio::time::Instant::now() + deadline;
        let mut report = ShutdownReport::default();
        for Entry { info, close } in entries.into_iter().rev() {
            if tokio::time::Instant::now() >= until {
                let error = deadline_error(deadline, "not started");
                report.failed.push((info, error));
                continue;
            }
            let closing = AssertUnwindSafe(close()).catch_unwind();
            match tokio::time::timeout_at(until, closing).await {
                Ok(Ok(Ok(()))) => report.closed.push(info),
                Ok(Ok(Err(error))) => report.failed.push((info, error)),
                Ok(Err(_panic)) => report.failed.push((
                    info,
                    PatinoxError::execution(ExecutionErrorKind::Internal, "close panicked"),
                )),
                Err(_) => report
                    .failed
                    .push((info, deadline_error(deadline, "did not finish"))),
            }
        }
        report
    }
}

fn deadline_error(deadline: Duration, what: &str) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::Timeout,
        format!("{what} within the shutdown deadline of {deadline:?}"),
    )
}

impl Drop for ResourceRegistry {
    fn drop(&mut self) {
        let report = self.leak_report();
        if !report.open.is_empty() {
            tracing::warn!(target: "patinox::memory", "{report}; shut the registry down first");
        }
    }
}

/// The resources still open in a [`ResourceRegistry`]; see
/// [`ResourceRegistry::leak_report`].
///
/// ```
/// use patinox::memory::ResourceRegistry;
///
/// let registry = ResourceRegistry::new();
/// registry.register("cache", "pool", || async { Ok(()) })?;
/// assert_eq!(registry.leak_report().to_string(), "1 resource still open: `cache` (pool)");
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakReport {
    open: Vec<ResourceInfo>,
}

impl LeakReport {
    /// The open resources, oldest first.
    pub fn open(&self) -> &[ResourceInfo] {
        &self.open
    }
}

impl fmt::Display for LeakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, "still open", ", ", self.open.iter())
    }
}

/// What [`ResourceRegistry::shutdown`] closed and what it could not.
///
/// ```
/// use std::time::Duration;
/// use patinox::memory::ResourceRegistry;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let registry = ResourceRegistry::new();
/// registry.register("db", "database", || async { Ok(()) }).unwrap();
/// let report = registry.shutdown(Duration::from_secs(1)).await;
/// assert!(report.is_clean());
/// assert!(report.into_result().is_ok());
/// # }
/// ```
#[derive(Debug, Default)]
pub struct ShutdownReport {
    closed: Vec<ResourceInfo>,
    failed: Vec<(ResourceInfo, PatinoxError)>,
}

impl ShutdownReport {
    /// The resources that closed cleanly, in the order they were closed.
    pub fn closed(&self) -> &[ResourceInfo] {
        &self.closed
    }

    /// The resources that failed to close, each with why.
    pub fn failed(&self) -> &[(ResourceInfo, PatinoxError)] {
        &self.failed
    }

    /// Whether everything closed.
    pub fn is_clean(&self) -> bool {
        self.failed.is_empty()
    }

    /// `Ok` if everything closed, else an [`ExecutionErrorKind::Cleanup`]
    /// error that names each failure; its source is this report.
    ///
    /// # Errors
    /// When any resource failed to close.
    pub fn into_result(self) -> Result<()> {
        if self.is_clean() {
            return Ok(());
        }
        let message = self.to_string();
        Err(ExecutionError::new(ExecutionErrorKind::Cleanup, message)
            .with_source(self)
            .into())
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failures = self
            .failed
            .iter()
            .map(|(info, error)| format!("{info}: {error}"));
        write_list(f, "failed to close", "; ", failures)
    }
}

impl std::error::Error for ShutdownReport {}

/// Writes "N resource(s) <what>: a, b".
fn write_list<I>(f: &mut fmt::Formatter<'_>, what: &str, separator: &str, items: I) -> fmt::Result
where
    I: ExactSizeIterator,
    I::Item: fmt::Display,
{
    let n = items.len();
    write!(f, "{n} resource{} {what}", if n == 1 { "" } else { "s" })?;
    for (i, item) in items.enumerate() {
        f.write_str(if i == 0 { ": " } else { separator })?;
        write!(f, "{item}")?;
    }
    Ok(())
}
