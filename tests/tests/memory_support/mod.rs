//! Helpers shared by the memory tests: a pool manager that tracks every item
//! it makes, and log capture.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use patinox::PatinoxError;
use patinox::error::ExecutionErrorKind;
use patinox::memory::Manager;

/// Shared by a manager and its items, so items can report their own drop.
#[derive(Default)]
pub struct Tracker {
    pub created: AtomicUsize,
    pub live: AtomicUsize,
    pub max_live: AtomicUsize,
    pub dropped: Mutex<Vec<usize>>,
    pub fail_recycle: AtomicBool,
    pub fail_create: AtomicBool,
}

impl Tracker {
    /// Every id created so far was dropped exactly once.
    pub fn assert_all_dropped_once(&self) {
        let mut dropped = self.dropped.lock().unwrap().clone();
        dropped.sort_unstable();
        let created: Vec<usize> = (0..self.created.load(Ordering::SeqCst)).collect();
        assert_eq!(dropped, created, "each created item dropped exactly once");
        assert_eq!(self.live.load(Ordering::SeqCst), 0);
    }
}

pub struct Item {
    pub id: usize,
    tracker: Arc<Tracker>,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item").field("id", &self.id).finish()
    }
}

impl Drop for Item {
    fn drop(&mut self) {
        self.tracker.live.fetch_sub(1, Ordering::SeqCst);
        self.tracker.dropped.lock().unwrap().push(self.id);
    }
}

#[derive(Default, Clone)]
pub struct Counting {
    pub tracker: Arc<Tracker>,
    pub create_delay: Option<Duration>,
}

impl Manager for Counting {
    type Item = Item;

    async fn create(&self) -> patinox::Result<Item> {
        if let Some(delay) = self.create_delay {
            tokio::time::sleep(delay).await;
        }
        let t = &self.tracker;
        if t.fail_create.load(Ordering::SeqCst) {
            return Err(PatinoxError::validation("backend unavailable"));
        }
        let live = t.live.fetch_add(1, Ordering::SeqCst) + 1;
        t.max_live.fetch_max(live, Ordering::SeqCst);
        Ok(Item {
            id: t.created.fetch_add(1, Ordering::SeqCst),
            tracker: Arc::clone(t),
        })
    }

    async fn recycle(&self, _item: &mut Item) -> patinox::Result<()> {
        if self.tracker.fail_recycle.load(Ordering::SeqCst) {
            return Err(PatinoxError::validation("stale connection"));
        }
        Ok(())
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with a subscriber that records every event; returns `f`'s result
/// and the log text.
pub fn capture_logs<R>(f: impl FnOnce() -> R) -> (R, String) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    (out, text)
}

/// The kind of an execution error; panics on any other error.
pub fn execution_kind(err: &PatinoxError) -> &ExecutionErrorKind {
    match err {
        PatinoxError::Execution(e) => &e.kind,
        other => panic!("expected an execution error, got {other:?}"),
    }
}

/// Bounds a test so that a bug shows up as a failure, not a hang.
pub async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("test did not finish within 10s")
}
