//! `patinox::memory::Pool`: limits, fairness, timeouts, cancellation, close.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod memory_support;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use memory_support::{Counting, bounded, execution_kind};
use patinox::PatinoxError;
use patinox::error::ExecutionErrorKind;
use patinox::memory::{Pool, Pooled};
use proptest::prelude::*;

fn pool(max_size: usize) -> (Pool<Counting>, Counting) {
    let manager = Counting::default();
    let pool = Pool::builder(manager.clone())
        .max_size(max_size)
        .acquire_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    (pool, manager)
}

#[tokio::test]
async fn a_returned_item_is_reused() {
    bounded(async {
        let (pool, manager) = pool(2);
        let first = pool.get().await.unwrap().id;
        let second = pool.get().await.unwrap().id;
        assert_eq!(first, second);
        assert_eq!(manager.tracker.created.load(Ordering::SeqCst), 1);
        let status = pool.status();
        assert_eq!((status.size, status.idle, status.waiting), (1, 1, 0));
    })
    .await;
}

#[test]
fn a_zero_max_size_is_a_configuration_error() {
    let err = Pool::builder(Counting::default())
        .max_size(0)
        .build()
        .unwrap_err();
    assert!(matches!(err, PatinoxError::Configuration(_)), "{err:?}");
}

#[tokio::test]
async fn a_full_pool_times_out_with_a_timeout_error() {
    bounded(async {
        let pool = Pool::builder(Counting::default())
            .max_size(1)
            .acquire_timeout(Some(Duration::from_millis(20)))
            .build()
            .unwrap();
        let _held = pool.get().await.unwrap();
        let err = pool.get().await.unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::Timeout);
        assert!(err.to_string().contains("1 of 1 in use"), "{err}");
        assert_eq!(pool.status().waiting, 0);
    })
    .await;
}

#[tokio::test]
async fn waiters_are_served_first_come_first_served() {
    bounded(async {
        let (pool, _) = pool(1);
        let held = pool.get().await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for n in 0..4 {
            let (waiter, order) = (pool.clone(), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let _item = waiter.get().await.unwrap();
                order.lock().unwrap().push(n);
            }));
            while pool.status().waiting < n + 1 {
                tokio::task::yield_now().await;
            }
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_waiter_leaks_no_slot() {
    bounded(async {
        let (pool, _) = pool(1);
        let held = pool.get().await.unwrap();
        // Cancelled by dropping the future while it waits ...
        assert!(pool.get().now_or_never().is_none());
        // ... and by aborting the task that waits.
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move { pool.get().await.map(drop) }
        });
        while pool.status().waiting == 0 {
            tokio::task::yield_now().await;
        }
        waiter.abort();
        assert!(waiter.await.unwrap_err().is_cancelled());
        assert_eq!(pool.status().waiting, 0);
        drop(held);
        // The one slot is free again: taking it does not wait.
        let again = pool.get().now_or_never().expect("slot was leaked").unwrap();
        assert_eq!(again.id, 0);
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_create_frees_its_slot() {
    bounded(async {
        let manager = Counting {
            create_delay: Some(Duration::from_secs(60)),
            ..Counting::default()
        };
        let pool = Pool::builder(manager)
            .max_size(1)
            .acquire_timeout(Some(Duration::from_millis(20)))
            .build()
            .unwrap();
        let err = pool.get().await.unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::Timeout);
        let status = pool.status();
        assert_eq!((status.size, status.waiting), (0, 0));
        pool.close().await; // would wait forever on a leaked checkout
    })
    .await;
}

#[tokio::test]
async fn broken_and_unhealthy_items_are_discarded() {
    bounded(async {
        let (pool, manager) = pool(2);
        let mut item = pool.get().await.unwrap();
        Pooled::mark_broken(&mut item);
        drop(item);
        assert_eq!(pool.status().size, 0);
        assert_eq!(*manager.tracker.dropped.lock().unwrap(), [0]);

        drop(pool.get().await.unwrap()); // item 1, now idle
        manager.tracker.fail_recycle.store(true, Ordering::SeqCst);
        let fresh = pool.get().await.unwrap();
        assert_eq!(fresh.id, 2, "the stale item was replaced");
        assert_eq!(*manager.tracker.dropped.lock().unwrap(), [0, 1]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_create_returns_the_error_and_frees_the_slot() {
    bounded(async {
        let (pool, manager) = pool(1);
        manager.tracker.fail_create.store(true, Ordering::SeqCst);
        let err = pool.get().await.unwrap_err();
        assert!(err.to_string().contains("backend unavailable"), "{err}");
        manager.tracker.fail_create.store(false, Ordering::SeqCst);
        assert!(pool.get().now_or_never().is_some(), "slot was leaked");
    })
    .await;
}

#[tokio::test]
async fn detach_takes_the_item_out_of_the_pool() {
    bounded(async {
        let (pool, _) = pool(1);
        let item = Pooled::detach(pool.get().await.unwrap());
        assert_eq!(item.id, 0);
        assert_eq!(pool.status().size, 0);
        assert_eq!(pool.get().await.unwrap().id, 1);
    })
    .await;
}

#[tokio::test]
async fn close_waits_for_checked_out_items_and_refuses_new_callers() {
    bounded(async {
        let (pool, manager) = pool(1);
        drop(pool.get().await.unwrap());
        let held = pool.get().await.unwrap();
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move { pool.get().await.map(drop) }
        });
        while pool.status().waiting == 0 {
            tokio::task::yield_now().await;
        }
        let closing = tokio::spawn({
            let pool = pool.clone();
            async move { pool.close().await }
        });
        let err = waiter.await.unwrap().unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::InvalidState);
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!closing.is_finished(), "close must wait for the held item");
        drop(held);
        closing.await.unwrap();
        assert_eq!(pool.status().size, 0);
        manager.tracker.assert_all_dropped_once();
        let err = pool.get().await.unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::InvalidState);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_share_eight_items_across_threads() {
    bounded(async {
        let (pool, manager) = pool(8);
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    for i in 0..50 {
                        let mut item = pool.get().await.unwrap();
                        if (n + i) % 17 == 0 {
                            Pooled::mark_broken(&mut item);
                        }
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let tracker = &manager.tracker;
        assert!(tracker.max_live.load(Ordering::SeqCst) <= 8);
        assert!(pool.status().size <= 8);
        pool.close().await;
        tracker.assert_all_dropped_once();
    })
    .await;
}

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    Release(usize),
    Break(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Acquire),
        2 => any::<usize>().prop_map(Op::Release),
        1 => any::<usize>().prop_map(Op::Break),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Acquires past the limit wait and are cancelled (dropped after one poll);
    /// whatever the sequence, the pool stays within its limit and every item
    /// it made is dropped exactly once.
    #[test]
    fn random_acquire_release_cancel_sequences(
        max_size in 1_usize..5,
        ops in proptest::collection::vec(op(), 1..60),
        recycle_fails in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let (pool, manager) = pool(max_size);
            manager.tracker.fail_recycle.store(recycle_fails, Ordering::SeqCst);
            let mut held: Vec<Pooled<Counting>> = Vec::new();
            for op in ops {
                match op {
                    Op::Acquire => match pool.get().now_or_never() {
                        Some(item) => held.push(item.unwrap()),
                        None => assert_eq!(held.len(), max_size, "waited with a free slot"),
                    },
                    Op::Release(i) if !held.is_empty() => drop(held.remove(i % held.len())),
                    Op::Break(i) if !held.is_empty() => {
                        let mut item = held.remove(i % held.len());
                        Pooled::mark_broken(&mut item);
                    }
                    _ => {}
                }
                let status = pool.status();
                assert!(status.size <= max_size);
                assert_eq!(status.size - status.idle, held.len());
                assert_eq!(status.waiting, 0);
                assert!(manager.tracker.live.load(Ordering::SeqCst) <= max_size);
            }
            held.clear();
            pool.close().await;
            manager.tracker.assert_all_dropped_once();
        });
    }
}
