//! Finding the MCP implementations the interoperability tests run against,
//! and checking for leftover processes.
//!
//! `.ci/run` installs them: `npm ci` in `tests/mcp` (server-everything) and a
//! Python venv with the `mcp` SDK in `target/mcp-venv`. Without them a test
//! prints why it is skipped and passes, except when `CI` is set to a
//! non-empty value: CI must run every interoperability test, so there a
//! missing implementation fails.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is in the workspace")
        .to_path_buf()
}

/// Skips (returns `None`) with a notice, or fails under `CI`.
fn missing<T>(what: &str) -> Option<T> {
    // CI runners set `CI` to a non-empty value (`true`, `1`, ...).
    if std::env::var_os("CI").is_some_and(|value| !value.is_empty()) {
        panic!("{what} is missing, and CI must run the MCP interoperability tests (run .ci/run)");
    }
    eprintln!("skipped: {what} is missing; run `.ci/run` or see tests/mcp/README.md to install it");
    None
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The command that starts `@modelcontextprotocol/server-everything` on stdio.
pub(crate) fn server_everything() -> Option<Command> {
    if !runs("node", "--version") {
        return missing("node");
    }
    let script = workspace()
        .join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if !script.exists() {
        return missing("@modelcontextprotocol/server-everything (npm ci in tests/mcp)");
    }
    let mut command = Command::new("node");
    command.arg(script).arg("stdio");
    Some(command)
}

/// The Python interpreter of the venv holding the `mcp` SDK, and the client script.
pub(crate) fn python_client() -> Option<(PathBuf, PathBuf)> {
    let python = workspace().join("target/mcp-venv/bin/python");
    if !python.exists() || !runs(python.to_str()?, "--version") {
        return missing("python3 with the `mcp` package (target/mcp-venv)");
    }
    Some((python, workspace().join("tests/mcp/python_client.py")))
}

/// Whether process `pid` still exists (a zombie counts as gone: it has exited).
pub(crate) fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Waits up to `limit` for process `pid` to be gone.
pub(crate) async fn gone_within(pid: u32, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while alive(pid) {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}
