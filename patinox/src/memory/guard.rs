//! RAII for resources whose cleanup is async.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};

use futures_util::future::BoxFuture;

use crate::error::Result;

type Cleanup<T> = Box<dyn FnOnce(T) -> BoxFuture<'static, Result<()>> + Send>;

/// Owns a resource and the async function that cleans it up (flush a buffer,
/// send a goodbye, close a connection), and makes sure the cleanup runs once.
///
/// - [`close`](Self::close) runs the cleanup and returns its result: the way
///   to learn whether cleanup worked.
/// - Dropped without `close` inside a Tokio runtime, the cleanup is spawned
///   on that runtime; a failure is logged through `tracing` at `warn` level.
/// - Dropped where there is no Tokio runtime (a plain thread, after the
///   runtime shut down), the cleanup cannot run: the resource's own `Drop`
///   still runs, and the skipped cleanup is reported as a leak through
///   `tracing` at `warn` level (target `patinox::memory`). It never panics.
///
/// ```
/// use patinox::memory::AsyncResourceGuard;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let mut log = AsyncResourceGuard::new(Vec::<String>::new(), |lines| async move {
///     // e.g. write the buffered lines out
///     assert_eq!(lines, ["started"]);
///     Ok(())
/// })
/// .with_name("run log");
/// log.push("started".to_owned());
/// log.close().await?; // cleanup ran; its result is ours
/// # Ok(())
/// # }
/// ```
pub struct AsyncResourceGuard<T: Send + 'static> {
    name: Cow<'static, str>,
    // Both are `Some` until the guard is closed or dropped.
    resource: Option<T>,
    cleanup: Option<Cleanup<T>>,
}

impl<T: Send + 'static> AsyncResourceGuard<T> {
    /// Guards `resource`; `cleanup` receives it when the guard is closed or dropped.
    pub fn new<F, Fut>(resource: T, cleanup: F) -> Self
    where
        F: FnOnce(T) -> Fut + Send + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        Self {
            name: Cow::Borrowed(std::any::type_name::<T>()),
            resource: Some(resource),
            cleanup: Some(Box::new(move |resource| Box::pin(cleanup(resource)))),
        }
    }

    /// Names the resource in logs and leak reports (default: its type name).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = name.into();
        self
    }

    /// The resource's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the cleanup now and returns its result.
    ///
    /// # Errors
    /// Whatever the cleanup returns.
    pub async fn close(mut self) -> Result<()> {
        match self.take() {
            Some((resource, cleanup)) => cleanup(resource).await,
            None => Ok(()),
        }
    }

    /// Gives the resource back without running the cleanup.
    pub fn into_inner(mut self) -> T {
        match self.take() {
            Some((resource, _)) => resource,
            None => unreachable!("the resource is only taken by consuming the guard"),
        }
    }

    fn take(&mut self) -> Option<(T, Cleanup<T>)> {
        self.resource.take().zip(self.cleanup.take())
    }
}

impl<T: Send + 'static> Deref for AsyncResourceGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.resource {
            Some(resource) => resource,
            None => unreachable!("the resource is only taken by consuming the guard"),
        }
    }
}

impl<T: Send + 'static> DerefMut for AsyncResourceGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.resource {
            Some(resource) => resource,
            None => unreachable!("the resource is only taken by consuming the guard"),
        }
    }
}

impl<T: Send + 'static> fmt::Debug for AsyncResourceGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncResourceGuard")
            .field("name", &self.name)
            .field("open", &self.resource.is_some())
            .finish()
    }
}

impl<T: Send + 'static> Drop for AsyncResourceGuard<T> {
    fn drop(&mut self) {
        let Some((resource, cleanup)) = self.take() else {
            return;
        };
        let name = std::mem::take(&mut self.name);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(error) = cleanup(resource).await {
                        tracing::warn!(
                            target: "patinox::memory",
                            resource = %name,
                            %error,
                            "cleanup of a dropped resource failed"
                        );
                    }
                });
            }
            Err(_) => {
                tracing::warn!(
                    target: "patinox::memory",
                    resource = %name,
                    "resource leaked: dropped outside a Tokio runtime, so its async cleanup \
                     could not run; call `close().await` before leaving the runtime"
                );
                drop(resource);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::FutureExt;

    use super::*;

    #[test]
    fn close_runs_the_cleanup_once_and_drop_outside_a_runtime_does_not_panic() {
        let runs = Arc::new(AtomicUsize::new(0));
        let guard = |runs: &Arc<AtomicUsize>| {
            let runs = Arc::clone(runs);
            AsyncResourceGuard::new(5_u8, move |n| async move {
                runs.fetch_add(usize::from(n), Ordering::SeqCst);
                Ok(())
            })
        };
        guard(&runs).close().now_or_never().unwrap().unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 5);
        drop(guard(&runs)); // no runtime: cleanup skipped, reported via tracing
        assert_eq!(runs.load(Ordering::SeqCst), 5);
        assert_eq!(guard(&runs).into_inner(), 5);
    }
}
