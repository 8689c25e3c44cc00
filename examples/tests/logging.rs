//! The examples' log lines are plain text when stderr is not a terminal.

use std::process::{Command, Stdio};

/// Set in the child process this test starts; it then logs instead of testing.
const CHILD: &str = "PATINOX_EXAMPLES_LOGGING_CHILD";

#[test]
fn log_lines_have_no_escape_codes_when_stderr_is_a_pipe() {
    if std::env::var_os(CHILD).is_some() {
        patinox_examples::init_logging();
        tracing::warn!(model = "offline:patinox", "selected model");
        return;
    }
    // Run this same test in a child whose stderr is a pipe, as in CI or `2> log`.
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args([
            "--exact",
            "log_lines_have_no_escape_codes_when_stderr_is_a_pipe",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("the child test runs");
    assert!(output.status.success(), "the child failed: {output:?}");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 log output");
    assert!(stderr.contains("selected model"), "no log line: {stderr:?}");
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI escape codes in piped log output: {stderr:?}"
    );
}
