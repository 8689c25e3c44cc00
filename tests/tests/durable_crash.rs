//! A durable run killed with SIGKILL at each step boundary resumes in a fresh
//! process: completed steps are not repeated, the tool's effect happens once,
//! and the answer is the one an uninterrupted run gives.
//!
//! The run is `tests/src/bin/durable_child.rs` against a mock model server
//! this test starts on 127.0.0.1 (one model call asking for the tool, the
//! tool, one model call answering). The child says when it reaches the
//! boundary and waits there; the test kills it then, so no kill depends on
//! timing.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use patinox_mock::{MockConfig, MockServer};

/// How long a child may take to reach its next line of output.
const PATIENCE: Duration = Duration::from_secs(60);

/// A child process, killed if the test fails while it runs.
struct ChildRun {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl ChildRun {
    fn start(server: &MockServer, dir: &Path, run_id: &str, pause: Option<&str>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_durable_child"));
        command
            .arg(server.base_url())
            .arg(dir.join("journals"))
            .arg(run_id)
            .arg(dir.join("ledger.txt"))
            .args(pause)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("the child starts");
        let stdout = child.stdout.take().expect("a piped stdout");
        Self {
            child,
            lines: read_lines(stdout),
        }
    }

    /// The next line the child prints.
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(err) => panic!(
                "the child printed nothing more ({err}); status {:?}",
                self.child.try_wait()
            ),
        }
    }

    /// Kills the child with SIGKILL and reaps it.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL is sent");
        self.child.wait().expect("the child is reaped");
    }
}

impl Drop for ChildRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Runs the child to its end and returns its answer.
fn finish(server: &MockServer, dir: &Path, run_id: &str) -> String {
    let mut run = ChildRun::start(server, dir, run_id, None);
    let line = run.next_line();
    let answer = line
        .strip_prefix("answer ")
        .unwrap_or_else(|| panic!("expected the answer, got {line:?}"))
        .to_owned();
    let status = run.child.wait().expect("the child exits");
    assert!(status.success(), "the resumed child failed: {status}");
    answer
}

fn ledger(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("ledger.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// What the ledger and the model server saw when a run was killed at
/// `pause` and resumed.
struct Outcome {
    answer: String,
    ledger: Vec<String>,
    ledger_at_kill: usize,
    model_requests: u64,
}

async fn killed_at_and_resumed(pause: &'static str) -> Outcome {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run_id = format!("run-{pause}");
    tokio::task::spawn_blocking(move || {
        let mut run = ChildRun::start(&server, dir.path(), &run_id, Some(pause));
        assert_eq!(run.next_line(), format!("paused {pause}"));
        run.kill();
        let ledger_at_kill = ledger(dir.path()).len();
        let answer = finish(&server, dir.path(), &run_id);
        Outcome {
            answer,
            ledger: ledger(dir.path()),
            ledger_at_kill,
            model_requests: server.requests(),
        }
    })
    .await
    .unwrap()
}

async fn uninterrupted() -> Outcome {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || {
        let answer = finish(&server, dir.path(), "run-whole");
        Outcome {
            answer,
            ledger: ledger(dir.path()),
            ledger_at_kill: 0,
            model_requests: server.requests(),
        }
    })
    .await
    .unwrap()
}

/// The ledger holds one line, written by the first tool call of `run_id`.
fn assert_one_line_for(outcome: &Outcome, run_id: &str) {
    assert_eq!(outcome.ledger.len(), 1, "ledger: {:?}", outcome.ledger);
    let key = outcome.ledger[0].split('\t').next().unwrap();
    assert!(
        key.starts_with(&format!("{run_id}:1:")),
        "the line carries the call's idempotency key: {key}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_at_any_step_boundary_resumes_to_the_same_answer() {
    let whole = uninterrupted().await;
    assert_eq!(whole.model_requests, 2);
    assert_one_line_for(&whole, "run-whole");

    // Killed once the first model call is recorded: it is replayed, not repeated.
    let outcome = killed_at_and_resumed("after-model-1").await;
    assert_eq!(outcome.answer, whole.answer);
    assert_eq!(outcome.ledger_at_kill, 0);
    assert_one_line_for(&outcome, "run-after-model-1");
    assert_eq!(outcome.model_requests, 2);

    // Killed inside the tool, after its effect, before its step completed:
    // the call runs again with the same key, and the tool skips the effect.
    let outcome = killed_at_and_resumed("during-tool").await;
    assert_eq!(outcome.answer, whole.answer);
    assert_eq!(outcome.ledger_at_kill, 1);
    assert_one_line_for(&outcome, "run-during-tool");
    assert_eq!(outcome.model_requests, 2);

    // Killed once the tool call is recorded: neither step runs again.
    let outcome = killed_at_and_resumed("after-tool").await;
    assert_eq!(outcome.answer, whole.answer);
    assert_eq!(outcome.ledger_at_kill, 1);
    assert_one_line_for(&outcome, "run-after-tool");
    assert_eq!(outcome.model_requests, 2);

    // Killed while the second model call was answered but not recorded: that
    // call is made again (at least once), the first one and the tool are not.
    let outcome = killed_at_and_resumed("during-model-2").await;
    assert_eq!(outcome.answer, whole.answer);
    assert_eq!(outcome.ledger_at_kill, 1);
    assert_one_line_for(&outcome, "run-during-model-2");
    assert_eq!(outcome.model_requests, 3);
}
