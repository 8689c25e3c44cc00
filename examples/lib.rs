//! Runnable examples of Patinox: `cargo run --example <name>`.
//!
//! Each example works offline on the built-in model and switches to a real
//! provider when one is configured (see the README).

use std::io::IsTerminal;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Sends `tracing` output to stderr, filtered by `RUST_LOG` (default `info`).
///
/// `RUST_LOG` holds `target=level` directives and a default level
/// (`debug`, `info,patinox=debug`), parsed as a [`Targets`] filter.
///
/// Colours only when stderr is a terminal: redirected to a file or a pipe
/// (CI logs, `2> run.log`), the lines are plain text without ANSI escape codes.
pub fn init_logging() {
    init_logging_with("info");
}

/// Sends `tracing` output to stderr, filtered by `RUST_LOG`, else by
/// `default_filter` (directives such as `info,rmcp=warn`).
///
/// A [`Targets`] filter rather than an `EnvFilter`: it reads the same
/// `target=level` directives without compiling a regex engine into every
/// example (see "First build" in BENCHMARKS.md).
pub fn init_logging_with(default_filter: &str) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok());
    let filter: Targets = from_env.unwrap_or_else(|| default_filter.parse().unwrap_or_default());
    // A second call (several examples in one process) is harmless.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .finish()
        .with(filter)
        .try_init();
}
