//! `patinox::memory::AsyncResourceGuard`: cleanup runs exactly once, however
//! the guard ends.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod memory_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use memory_support::{bounded, capture_logs};
use patinox::PatinoxError;
use patinox::memory::AsyncResourceGuard;
use proptest::prelude::*;
use tokio::sync::Notify;

/// A resource that records whether its synchronous `Drop` ran.
struct Connection {
    dropped: Arc<AtomicUsize>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
    }
}

struct Counters {
    cleanups: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
    cleaned: Arc<Notify>,
}

fn guarded(fail: bool) -> (AsyncResourceGuard<Connection>, Counters) {
    let counters = Counters {
        cleanups: Arc::default(),
        dropped: Arc::default(),
        cleaned: Arc::default(),
    };
    let (cleanups, cleaned) = (
        Arc::clone(&counters.cleanups),
        Arc::clone(&counters.cleaned),
    );
    let connection = Connection {
        dropped: Arc::clone(&counters.dropped),
    };
    let guard = AsyncResourceGuard::new(connection, move |connection| async move {
        tokio::task::yield_now().await;
        drop(connection);
        cleanups.fetch_add(1, Ordering::SeqCst);
        cleaned.notify_one();
        if fail {
            Err(PatinoxError::validation("goodbye was not acknowledged"))
        } else {
            Ok(())
        }
    })
    .with_name("db connection");
    (guard, counters)
}

#[tokio::test]
async fn close_returns_the_cleanup_result() {
    bounded(async {
        let (guard, counters) = guarded(false);
        guard.close().await.unwrap();
        assert_eq!(counters.cleanups.load(Ordering::SeqCst), 1);
        assert_eq!(counters.dropped.load(Ordering::SeqCst), 1);

        let (guard, _) = guarded(true);
        let err = guard.close().await.unwrap_err();
        assert!(err.to_string().contains("not acknowledged"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn a_guard_dropped_in_a_runtime_cleans_up_in_the_background() {
    bounded(async {
        let (guard, counters) = guarded(false);
        let cleaned = counters.cleaned.notified();
        drop(guard);
        cleaned.await;
        assert_eq!(counters.cleanups.load(Ordering::SeqCst), 1);
        assert_eq!(counters.dropped.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[test]
fn a_failed_background_cleanup_is_logged() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let ((), logs) = capture_logs(|| {
        runtime.block_on(bounded(async {
            let (guard, counters) = guarded(true);
            let cleaned = counters.cleaned.notified();
            drop(guard);
            cleaned.await;
            tokio::task::yield_now().await; // let the task log its error
        }));
    });
    assert!(
        logs.contains("cleanup of a dropped resource failed"),
        "{logs}"
    );
    assert!(logs.contains("not acknowledged"), "{logs}");
}

#[test]
fn a_guard_dropped_without_a_runtime_reports_the_leak_and_does_not_panic() {
    let (guard, counters) = guarded(false);
    let ((), logs) = capture_logs(|| drop(guard));
    assert_eq!(
        counters.cleanups.load(Ordering::SeqCst),
        0,
        "no runtime to run it"
    );
    assert_eq!(
        counters.dropped.load(Ordering::SeqCst),
        1,
        "the value is still dropped"
    );
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("resource leaked"), "{logs}");
    assert!(logs.contains("db connection"), "{logs}");
}

#[test]
fn into_inner_skips_the_cleanup() {
    let (guard, counters) = guarded(false);
    let ((), logs) = capture_logs(|| drop(guard.into_inner()));
    assert_eq!(counters.cleanups.load(Ordering::SeqCst), 0);
    assert_eq!(counters.dropped.load(Ordering::SeqCst), 1);
    assert!(logs.is_empty(), "{logs}");
}

#[derive(Debug, Clone, Copy)]
enum End {
    Close,
    DropInRuntime,
    DropOnTask,
    DropWithoutRuntime,
    IntoInner,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// However a batch of guards ends, each cleanup runs at most once, exactly
    /// once where a runtime can run it, and every resource is dropped once.
    #[test]
    fn cleanup_runs_exactly_once(ends in proptest::collection::vec(
        prop_oneof![
            Just(End::Close),
            Just(End::DropInRuntime),
            Just(End::DropOnTask),
            Just(End::DropWithoutRuntime),
            Just(End::IntoInner),
        ],
        1..20,
    )) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        for end in ends {
            let (guard, counters) = guarded(false);
            let expected = match end {
                End::DropWithoutRuntime | End::IntoInner => 0,
                _ => 1,
            };
            match end {
                End::Close => runtime.block_on(bounded(guard.close())).unwrap(),
                End::DropInRuntime => runtime.block_on(bounded(async {
                    let cleaned = counters.cleaned.notified();
                    drop(guard);
                    cleaned.await;
                })),
                End::DropOnTask => runtime.block_on(bounded(async {
                    let cleaned = counters.cleaned.notified();
                    tokio::spawn(async move { drop(guard) }).await.unwrap();
                    cleaned.await;
                })),
                End::DropWithoutRuntime => drop(guard),
                End::IntoInner => drop(guard.into_inner()),
            }
            prop_assert_eq!(counters.cleanups.load(Ordering::SeqCst), expected);
            prop_assert_eq!(counters.dropped.load(Ordering::SeqCst), 1);
        }
    }
}
