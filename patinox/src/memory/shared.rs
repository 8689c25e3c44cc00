//! Copy-on-write shared configuration.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;

/// A value many readers share and a writer replaces whole: readers take a
/// cheap snapshot, writers publish a new version without blocking them.
///
/// A reader keeps the snapshot it took for as long as it needs (a whole run,
/// say) and sees a consistent value even while a writer publishes; the next
/// snapshot sees the new version. So an agent that takes a snapshot at the
/// start of each run picks up new configuration on its next run.
///
/// Cost: [`snapshot`](Self::snapshot) is one atomic load plus one reference
/// count increment, with no lock; [`read`](Self::read) skips the increment.
/// [`publish`](Self::publish) allocates the new version and waits for no
/// reader. Built on `arc-swap`. Against `RwLock<Arc<T>>` (see
/// `BENCHMARKS.md`), `read` is about 1.6x faster with or without other
/// readers; `snapshot` is on par alone but slower while other threads take
/// snapshots too, as they all bump one reference count: prefer `read` for
/// short looks and one `snapshot` per run.
///
/// ```
/// use patinox::memory::SharedConfig;
///
/// #[derive(Debug, Clone, PartialEq)]
/// struct Limits { max_turns: u32 }
///
/// let config = SharedConfig::new(Limits { max_turns: 4 });
/// let before = config.snapshot();
/// config.update(|old| Limits { max_turns: old.max_turns * 2 });
/// assert_eq!(before.max_turns, 4); // a snapshot never changes
/// assert_eq!(config.read(|limits| limits.max_turns), 8);
/// assert_eq!(config.version(), 1);
/// ```
pub struct SharedConfig<T> {
    current: ArcSwap<Versioned<T>>,
}

struct Versioned<T> {
    version: u64,
    value: Arc<T>,
}

impl<T> SharedConfig<T> {
    /// Shares `value` as version 0.
    pub fn new(value: T) -> Self {
        Self::from_arc(Arc::new(value))
    }

    /// Shares an existing `Arc` as version 0.
    pub fn from_arc(value: Arc<T>) -> Self {
        Self {
            current: ArcSwap::from_pointee(Versioned { version: 0, value }),
        }
    }

    /// The current value, kept alive for as long as the caller holds it.
    pub fn snapshot(&self) -> Arc<T> {
        Arc::clone(&self.current.load().value)
    }

    /// Calls `f` with the current value without taking a reference count;
    /// for short reads. Do not publish from inside `f`: it would wait for
    /// nothing but could keep an old version alive longer.
    pub fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.current.load().value)
    }

    /// How many versions were published since creation.
    pub fn version(&self) -> u64 {
        self.current.load().version
    }

    /// Publishes `value` as the new version. Returns the new version number.
    pub fn publish(&self, value: T) -> u64 {
        let value = Arc::new(value);
        self.swap_in(|_| Arc::clone(&value))
    }

    /// Publishes `f(current)` as the new version. `f` may run more than once
    /// if writers race, so it should be a pure function of its input.
    /// Returns the new version number.
    pub fn update(&self, f: impl Fn(&T) -> T) -> u64 {
        self.swap_in(|old| Arc::new(f(old)))
    }

    fn swap_in(&self, next: impl Fn(&T) -> Arc<T>) -> u64 {
        let previous = self.current.rcu(|old| Versioned {
            version: old.version + 1,
            value: next(&old.value),
        });
        previous.version + 1
    }
}

impl<T: Default> Default for SharedConfig<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedConfig<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current.load();
        f.debug_struct("SharedConfig")
            .field("version", &current.version)
            .field("value", &current.value)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn racing_updates_lose_no_increment() {
        let config = Arc::new(SharedConfig::new(0_u32));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let config = Arc::clone(&config);
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        config.update(|n| n + 1);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*config.snapshot(), 400);
        assert_eq!(config.version(), 400);
    }

    #[test]
    fn a_snapshot_outlives_later_versions() {
        let config = SharedConfig::new(String::from("v0"));
        let old = config.snapshot();
        assert_eq!(config.publish(String::from("v1")), 1);
        assert_eq!(*old, "v0");
        assert_eq!(*config.snapshot(), "v1");
    }
}
