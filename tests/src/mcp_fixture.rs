//! Tools the MCP tests serve to clients written with other SDKs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use patinox::tool::Tool;

/// Adds two numbers.
///
/// # Arguments
/// * `a` - The first number.
/// * `b` - The second number.
#[patinox::tool]
fn add(a: f64, b: f64) -> f64 {
    a + b
}

/// Repeats a text in capitals.
///
/// # Arguments
/// * `text` - What to shout.
#[patinox::tool]
fn shout(text: String) -> String {
    text.to_uppercase()
}

/// `add`, `shout` and `wait`, as the fixture MCP server offers them.
pub fn mcp_fixture_tools() -> Vec<Arc<dyn Tool>> {
    vec![Arc::new(add {}), Arc::new(shout {}), Arc::new(wait {})]
}

/// How many `wait` calls started, were dropped (cancelled) and finished.
pub static WAIT_CALLS: WaitCalls = WaitCalls {
    started: AtomicUsize::new(0),
    dropped: AtomicUsize::new(0),
    finished: AtomicUsize::new(0),
};

/// Counters of the `wait` tool, for tests of cancellation.
#[derive(Debug)]
pub struct WaitCalls {
    /// Calls that started.
    pub started: AtomicUsize,
    /// Calls whose future was dropped, finished or not.
    pub dropped: AtomicUsize,
    /// Calls that ran to the end.
    pub finished: AtomicUsize,
}

struct DropCount(&'static AtomicUsize);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Waits a minute, then answers `"waited"`.
#[patinox::tool]
async fn wait() -> String {
    let _dropped = DropCount(&WAIT_CALLS.dropped);
    WAIT_CALLS.started.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(60)).await;
    WAIT_CALLS.finished.fetch_add(1, Ordering::SeqCst);
    "waited".to_owned()
}
