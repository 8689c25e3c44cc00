//! An async pool of reusable items (HTTP clients, database connections).

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore, TryAcquireError};

use crate::error::{ConfigurationError, ExecutionErrorKind, PatinoxError, Result};

/// The default for [`PoolBuilder::acquire_timeout`].
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Creates, health-checks and recycles the items of a [`Pool`].
///
/// Implement it with `async fn`:
///
/// ```
/// use patinox::memory::Manager;
///
/// struct Connections;
///
/// impl Manager for Connections {
///     type Item = String;
///
///     async fn create(&self) -> patinox::Result<String> {
///         Ok("connection".to_owned())
///     }
///
///     async fn recycle(&self, item: &mut String) -> patinox::Result<()> {
///         item.clear(); // reset per-use state before the next borrower
///         item.push_str("connection");
///         Ok(())
///     }
/// }
/// ```
pub trait Manager: Send + Sync + 'static {
    /// The pooled item.
    type Item: Send + 'static;

    /// Creates a new item. Called when no idle item is available and the pool
    /// is below its maximum size.
    ///
    /// # Errors
    /// Any error; it is returned from [`Pool::get`] as is.
    fn create(&self) -> impl Future<Output = Result<Self::Item>> + Send;

    /// Checks and resets an idle item before it is handed out again. An error
    /// discards the item and the pool tries the next idle one (or creates one).
    /// The default accepts every item.
    ///
    /// # Errors
    /// Any error marks the item unusable.
    fn recycle(&self, item: &mut Self::Item) -> impl Future<Output = Result<()>> + Send {
        let _ = item;
        std::future::ready(Ok(()))
    }
}

/// A snapshot of a pool's counters, from [`Pool::status`].
///
/// ```
/// use patinox::memory::{Manager, Pool};
///
/// struct Unit;
/// impl Manager for Unit {
///     type Item = ();
///     async fn create(&self) -> patinox::Result<()> {
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let pool = Pool::builder(Unit).max_size(3).build()?;
/// let _held = pool.get().await?;
/// let status = pool.status();
/// assert_eq!((status.max_size, status.size, status.idle, status.waiting), (3, 1, 0, 0));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStatus {
    /// The most items the pool will hold.
    pub max_size: usize,
    /// Items in existence: idle plus checked out.
    pub size: usize,
    /// Items waiting in the pool.
    pub idle: usize,
    /// Callers of [`Pool::get`] waiting for a free slot.
    pub waiting: usize,
}

/// An async pool of items made by a [`Manager`].
///
/// - At most `max_size` items exist at once; a caller beyond that waits, and
///   waiters are served first come, first served.
/// - [`get`](Self::get) gives an RAII [`Pooled`] guard that returns the item
///   on drop, or discards it if it was [marked broken](Pooled::mark_broken).
/// - [`close`](Self::close) refuses new callers and waits for the checked-out
///   items to come back.
///
/// Cloning a pool is cheap: clones share the same items.
///
/// Cost: an uncontended `get` + drop is two atomic semaphore operations, one
/// uncontended mutex lock each way, and the manager's `recycle`; no
/// allocation and no timer unless the caller has to wait.
///
/// ```
/// use patinox::memory::{Manager, Pool};
///
/// struct Numbers;
/// impl Manager for Numbers {
///     type Item = Vec<u8>;
///     async fn create(&self) -> patinox::Result<Vec<u8>> {
///         Ok(Vec::with_capacity(1024))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let pool = Pool::builder(Numbers).max_size(4).build()?;
/// {
///     let mut buffer = pool.get().await?;
///     buffer.push(1);
///     assert_eq!(pool.status().size, 1);
/// } // returned here
/// assert_eq!(pool.status().idle, 1);
/// pool.close().await;
/// assert!(pool.get().await.is_err());
/// # Ok(())
/// # }
/// ```
pub struct Pool<M: Manager> {
    inner: Arc<Inner<M>>,
}

struct Inner<M: Manager> {
    manager: M,
    max_size: usize,
    acquire_timeout: Option<Duration>,
    /// One permit per item a caller may hold; tokio's semaphore is FIFO-fair.
    permits: Semaphore,
    /// Idle items, most recently returned last (LIFO keeps few items warm).
    idle: Mutex<Vec<M::Item>>,
    size: AtomicUsize,
    waiting: AtomicUsize,
    checked_out: AtomicUsize,
    closed: AtomicBool,
    drained: Notify,
}

impl<M: Manager> Clone for Pool<M> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<M: Manager> fmt::Debug for Pool<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("status", &self.status())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Pool`]; see [`Pool::builder`].
///
/// ```
/// use std::time::Duration;
/// use patinox::memory::{Manager, Pool};
///
/// struct Unit;
/// impl Manager for Unit {
///     type Item = ();
///     async fn create(&self) -> patinox::Result<()> {
///         Ok(())
///     }
/// }
///
/// let pool = Pool::builder(Unit)
///     .max_size(8)
///     .acquire_timeout(Some(Duration::from_secs(2)))
///     .build()?;
/// assert_eq!(pool.status().max_size, 8);
/// assert!(Pool::builder(Unit).max_size(0).build().is_err());
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
#[derive(Debug)]
pub struct PoolBuilder<M: Manager> {
    manager: M,
    max_size: usize,
    acquire_timeout: Option<Duration>,
}

impl<M: Manager> PoolBuilder<M> {
    /// The most items that may exist at once (default: 16). Must be at least 1.
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// How long [`Pool::get`] may take, waiting for a slot plus creating or
    /// recycling the item (default [`DEFAULT_ACQUIRE_TIMEOUT`]); `None` waits
    /// forever. The timer is only armed when the caller actually has to wait.
    pub fn acquire_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Builds the pool. No item is created until the first [`Pool::get`].
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if `max_size` is 0 or larger than the
    /// semaphore allows.
    pub fn build(self) -> Result<Pool<M>> {
        if self.max_size == 0 || self.max_size > Semaphore::MAX_PERMITS {
            return Err(ConfigurationError::new(format!(
                "pool `max_size` must be between 1 and {}",
                Semaphore::MAX_PERMITS
            ))
            .with_key("max_size")
            .into());
        }
        Ok(Pool {
            inner: Arc::new(Inner {
                manager: self.manager,
                max_size: self.max_size,
                acquire_timeout: self.acquire_timeout,
                permits: Semaphore::new(self.max_size),
                idle: Mutex::new(Vec::with_capacity(self.max_size)),
                size: AtomicUsize::new(0),
                waiting: AtomicUsize::new(0),
                checked_out: AtomicUsize::new(0),
                closed: AtomicBool::new(false),
                drained: Notify::new(),
            }),
        })
    }
}

impl<M: Manager> Pool<M> {
    /// Starts building a pool around `manager`.
    pub fn builder(manager: M) -> PoolBuilder<M> {
        PoolBuilder {
            manager,
            max_size: 16,
            acquire_timeout: Some(DEFAULT_ACQUIRE_TIMEOUT),
        }
    }

    /// The pool's manager.
    pub fn manager(&self) -> &M {
        &self.inner.manager
    }

    /// Takes an item: an idle one that passes [`Manager::recycle`], else a new
    /// one from [`Manager::create`], waiting for a free slot if the pool is full.
    ///
    /// Cancel-safe: dropping the returned future at any point gives back the
    /// slot and any item it held.
    ///
    /// A caller that has to wait, with an acquire timeout set, needs a Tokio
    /// runtime with its time driver enabled (as `#[tokio::main]` builds).
    ///
    /// # Errors
    /// - [`ExecutionErrorKind::Timeout`] when the acquire timeout passes;
    /// - [`ExecutionErrorKind::InvalidState`] when the pool is closed;
    /// - the manager's error when creating an item fails.
    pub async fn get(&self) -> Result<Pooled<M>> {
        let mut acquire = pin!(self.get_unbounded());
        // Most acquires finish on the first poll; only arm a timer for the rest.
        let first = std::future::poll_fn(|cx| match acquire.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Some(out)),
            Poll::Pending => Poll::Ready(None),
        })
        .await;
        if let Some(out) = first {
            return out;
        }
        match self.inner.acquire_timeout {
            None => acquire.await,
            Some(limit) => match tokio::time::timeout(limit, acquire).await {
                Ok(out) => out,
                Err(_) => Err(self.timeout_error(limit)),
            },
        }
    }

    async fn get_unbounded(&self) -> Result<Pooled<M>> {
        let inner = &self.inner;
        let permit = match inner.permits.try_acquire() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(closed_error()),
            Err(TryAcquireError::NoPermits) => {
                let _waiting = Waiting::enter(&inner.waiting);
                inner.permits.acquire().await.map_err(|_| closed_error())?
            }
        };
        // From here the guard owns the slot, so cancellation returns it.
        permit.forget();
        inner.checked_out.fetch_add(1, Ordering::SeqCst);
        let mut guard = Pooled {
            pool: Arc::clone(inner),
            item: None,
            broken: false,
        };
        while let Some(item) = inner.pop_idle() {
            let item = guard.item.insert(item);
            match inner.manager.recycle(item).await {
                Ok(()) => return Ok(guard),
                Err(error) => {
                    tracing::debug!(%error, "discarding a pooled item that failed its check");
                    guard.discard_item();
                }
            }
        }
        let item = inner.manager.create().await?;
        // Counted only once it exists: a cancelled create leaves nothing to undo.
        inner.size.fetch_add(1, Ordering::SeqCst);
        guard.item = Some(item);
        Ok(guard)
    }

    /// The pool's counters at this instant.
    pub fn status(&self) -> PoolStatus {
        let inner = &self.inner;
        PoolStatus {
            max_size: inner.max_size,
            size: inner.size.load(Ordering::SeqCst),
            idle: inner.lock_idle().len(),
            waiting: inner.waiting.load(Ordering::SeqCst),
        }
    }

    /// Whether [`close`](Self::close) has been called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst)
    }

    /// Closes the pool: waiting and later [`get`](Self::get) calls fail, idle
    /// items are dropped now, and checked-out items are dropped as they come
    /// back. Resolves once every checked-out item is back. Wrap it in
    /// [`tokio::time::timeout`] to bound the wait.
    pub async fn close(&self) {
        let inner = &self.inner;
        inner.closed.store(true, Ordering::SeqCst);
        inner.permits.close();
        inner.drain_idle();
        loop {
            let mut drained = pin!(inner.drained.notified());
            drained.as_mut().enable();
            if inner.checked_out.load(Ordering::SeqCst) == 0 {
                break;
            }
            drained.await;
        }
        // A guard dropped while `close` began may have put its item back.
        inner.drain_idle();
    }

    fn timeout_error(&self, limit: Duration) -> PatinoxError {
        let status = self.status();
        PatinoxError::execution(
            ExecutionErrorKind::Timeout,
            format!(
                "no pool item became available within {limit:?} ({} of {} in use, {} waiting); \
                 raise `max_size` or return items sooner",
                status.size - status.idle,
                status.max_size,
                status.waiting
            ),
        )
    }
}

fn closed_error() -> PatinoxError {
    PatinoxError::execution(ExecutionErrorKind::InvalidState, "the pool is closed")
}

impl<M: Manager> Inner<M> {
    fn lock_idle(&self) -> MutexGuard<'_, Vec<M::Item>> {
        // Nothing panics while holding the lock; a poisoned Vec is still consistent.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn pop_idle(&self) -> Option<M::Item> {
        self.lock_idle().pop()
    }

    fn drain_idle(&self) {
        let items = std::mem::take(&mut *self.lock_idle());
        self.size.fetch_sub(items.len(), Ordering::SeqCst);
        drop(items);
    }
}

/// Counts a caller as waiting for as long as it is alive, cancellation included.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An item checked out of a [`Pool`]; dereferences to the item and returns it
/// to the pool when dropped.
///
/// ```
/// use patinox::memory::{Manager, Pool, Pooled};
///
/// struct Sessions;
/// impl Manager for Sessions {
///     type Item = u32;
///     async fn create(&self) -> patinox::Result<u32> {
///         Ok(7)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let pool = Pool::builder(Sessions).build()?;
/// let mut session = pool.get().await?;
/// assert_eq!(*session, 7);
/// Pooled::mark_broken(&mut session); // e.g. the peer hung up
/// drop(session);
/// assert_eq!(pool.status().size, 0); // discarded, not returned
/// # Ok(())
/// # }
/// ```
pub struct Pooled<M: Manager> {
    pool: Arc<Inner<M>>,
    item: Option<M::Item>,
    broken: bool,
}

impl<M: Manager> Pooled<M> {
    /// Marks the item unusable: it is dropped instead of returned.
    pub fn mark_broken(this: &mut Self) {
        this.broken = true;
    }

    /// Takes the item out of the pool for good; its slot is freed.
    pub fn detach(mut this: Self) -> M::Item {
        let item = this.item.take();
        if item.is_some() {
            this.pool.size.fetch_sub(1, Ordering::SeqCst);
        }
        // `get` only hands out guards holding an item.
        match item {
            Some(item) => item,
            None => unreachable!("a Pooled handed out always holds an item"),
        }
    }

    fn discard_item(&mut self) {
        if self.item.take().is_some() {
            self.pool.size.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl<M: Manager> Deref for Pooled<M> {
    type Target = M::Item;

    fn deref(&self) -> &M::Item {
        match &self.item {
            Some(item) => item,
            None => unreachable!("a Pooled handed out always holds an item"),
        }
    }
}

impl<M: Manager> DerefMut for Pooled<M> {
    fn deref_mut(&mut self) -> &mut M::Item {
        match &mut self.item {
            Some(item) => item,
            None => unreachable!("a Pooled handed out always holds an item"),
        }
    }
}

impl<M: Manager> fmt::Debug for Pooled<M>
where
    M::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pooled")
            .field("item", &self.item)
            .field("broken", &self.broken)
            .finish()
    }
}

impl<M: Manager> Drop for Pooled<M> {
    fn drop(&mut self) {
        let pool = &self.pool;
        if let Some(item) = self.item.take() {
            if self.broken || pool.closed.load(Ordering::SeqCst) {
                pool.size.fetch_sub(1, Ordering::SeqCst);
                drop(item);
            } else {
                // Back in the idle list before the slot is freed, so that the
                // next holder finds it instead of creating a new item.
                pool.lock_idle().push(item);
            }
        }
        pool.permits.add_permits(1);
        let was = pool.checked_out.fetch_sub(1, Ordering::SeqCst);
        if was == 1 && pool.closed.load(Ordering::SeqCst) {
            pool.drained.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    struct Counter(AtomicUsize);

    impl Manager for Counter {
        type Item = usize;

        async fn create(&self) -> Result<usize> {
            Ok(self.0.fetch_add(1, Ordering::SeqCst))
        }
    }

    fn pool(max_size: usize) -> Pool<Counter> {
        Pool::builder(Counter(AtomicUsize::new(0)))
            .max_size(max_size)
            .acquire_timeout(None)
            .build()
            .unwrap()
    }

    // These run without a runtime (and so under Miri): with `acquire_timeout`
    // unset and an immediate manager, `get` never needs a timer.
    #[test]
    fn items_come_back_most_recent_first() {
        let pool = pool(2);
        let a = pool.get().now_or_never().unwrap().unwrap();
        let b = pool.get().now_or_never().unwrap().unwrap();
        assert_eq!((*a, *b), (0, 1));
        assert!(pool.get().now_or_never().is_none(), "full pool waits");
        assert_eq!(
            pool.status().waiting,
            0,
            "the dropped waiter is not counted"
        );
        drop(a);
        drop(b);
        assert_eq!(*pool.get().now_or_never().unwrap().unwrap(), 1);
        let status = pool.status();
        assert_eq!((status.size, status.idle, status.max_size), (2, 2, 2));
    }

    #[test]
    fn a_detached_item_frees_its_slot() {
        let pool = pool(1);
        let item = pool.get().now_or_never().unwrap().unwrap();
        assert_eq!(Pooled::detach(item), 0);
        assert_eq!(pool.status().size, 0);
        assert_eq!(*pool.get().now_or_never().unwrap().unwrap(), 1);
    }

    #[test]
    fn closing_an_idle_pool_drops_its_items_at_once() {
        let pool = pool(3);
        drop(pool.get().now_or_never().unwrap().unwrap());
        pool.close().now_or_never().expect("nothing is checked out");
        assert_eq!(pool.status().size, 0);
        assert!(pool.get().now_or_never().unwrap().is_err());
    }
}
