//! Runnable examples of Patinox: `cargo run --example <name>`.
//!
//! Each example works offline on the built-in model and switches to a real
//! provider when one is configured (see the README).

use std::io::IsTerminal;

/// Sends `tracing` output to stderr, filtered by `RUST_LOG` (default `info`).
///
/// Colours only when stderr is a terminal: redirected to a file or a pipe
/// (CI logs, `2> run.log`), the lines are plain text without ANSI escape codes.
pub fn init_logging() {
    init_logging_with("info");
}

/// Sends `tracing` output to stderr, filtered by `RUST_LOG`, else by
/// `default_filter` (an `EnvFilter` directive such as `info,rmcp=warn`).
pub fn init_logging_with(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    // A second call (several examples in one process) is harmless.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
