//! Durable runs: a run that survives a crash, resumed from a local journal.
//!
//! A [`Journal`] is a file that records each step of one run when it
//! completes: the model's response to each model call, the result of each
//! tool call. Run with [`RunOptions::durable`], a run writes every completed
//! step to the journal, and waits until it is on disk, before it goes on.
//! After a crash, the same run opened again from its journal resumes:
//!
//! - **A completed step is not repeated.** Its recorded result is replayed:
//!   the model is not called again (nor paid for), the tool does not run
//!   again, and the run ends with the answer an uninterrupted run gives.
//! - **An interrupted step runs again.** A model call or tool call that was in
//!   flight when the process died left no record, so it runs again when the
//!   run resumes: steps run *at least once*. A tool with side effects makes
//!   them exactly-once with its call's
//!   [`RunContext::idempotency_key`](crate::tool::RunContext::idempotency_key),
//!   the same on every attempt of that call.
//! - **A replay that diverges is an error.** If the resumed run does not take
//!   the recorded steps (the model is asked for by another input, a recorded
//!   tool call is now another tool or other arguments, a code change added or
//!   dropped a step), the run fails with
//!   [`ExecutionErrorKind::Diverged`](crate::error::ExecutionErrorKind::Diverged)
//!   naming the step; it never mixes recorded and new steps that do not fit.
//!
//! ```
//! use patinox::agent::{RunId, RunOptions, Runner};
//! use patinox::durable::Journal;
//! use patinox::model::{CompletionResponse, scripted::ScriptedModel};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let dir = tempfile::tempdir()?;
//! let run_id = RunId::new("order-42")?;
//!
//! let runner = Runner::builder(ScriptedModel::new([CompletionResponse::text("Shipped.")])).build()?;
//! let journal = Journal::open(dir.path(), run_id.clone())?;
//! let first = runner.run_with("Ship order 42", RunOptions::default().durable(journal)).await?;
//!
//! // The same run again (after a crash, say) replays its journal: the
//! // scripted model, which has no answer left, is not called.
//! let journal = Journal::open(dir.path(), run_id)?;
//! let again = runner.run_with("Ship order 42", RunOptions::default().durable(journal)).await?;
//! assert_eq!(again.output, first.output);
//! # Ok(())
//! # }
//! ```
//!
//! # The file
//!
//! `<dir>/<run id>.jsonl`, one JSON line per completed step after a start
//! line that names the run and fingerprints the messages it started from. A
//! line is appended with one write followed by `fdatasync`, so a step costs
//! one small synchronous write in the run's task (benchmarked in
//! `BENCHMARKS.md`). A last line cut short by a crash is a step that did not
//! complete: it is ignored and cut off. Any other damage, a journal of
//! another run, or a second process opening the same journal while the first
//! has it open, is an
//! [`ExecutionErrorKind::Journal`](crate::error::ExecutionErrorKind::Journal)
//! error. A finished run's journal stays until you delete it
//! ([`Journal::path`]); running that run again returns its answer from the
//! journal.
//!
//! [`RunOptions::durable`]: crate::agent::RunOptions::durable

mod entry;
mod file;
mod replay;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use self::entry::Entry;
use self::file::{JournalFile, journal_error};
use self::replay::Replay;
use crate::agent::{ModelStep, RunId, StepExecutor, StepId, ToolStep};
use crate::error::Result;
use crate::model::{CompletionResponse, Message};

/// The journal of one durable run: a local file recording each completed
/// step, replayed when the run resumes. See [the module](self).
///
/// Pass it to a run with
/// [`RunOptions::durable`](crate::agent::RunOptions::durable), which also
/// gives the run the journal's [`RunId`]. A journal serves one run.
pub struct Journal {
    run_id: RunId,
    path: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    file: JournalFile,
    replay: Replay,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("run_id", &self.run_id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens the journal of run `run_id` in `dir` (`<dir>/<run id>.jsonl`),
    /// creating the directory and the file if needed, and reads what it
    /// recorded. The file stays locked until the journal is dropped.
    ///
    /// # Errors
    /// An [`ExecutionErrorKind::Journal`](crate::error::ExecutionErrorKind::Journal)
    /// error if the file cannot be created, read or locked (another process
    /// has it open), if a line other than the last is not a journal entry, or
    /// if it is the journal of another run or of a newer format.
    pub fn open(dir: impl AsRef<Path>, run_id: RunId) -> Result<Self> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|err| journal_error(dir, &format!("directory cannot be created: {err}")))?;
        let path = dir.join(format!("{run_id}.jsonl"));
        let (file, recorded) = JournalFile::open(path.clone(), &run_id)?;
        Ok(Self {
            run_id,
            path,
            inner: Mutex::new(Inner {
                file,
                replay: Replay::new(recorded.start, recorded.steps),
            }),
        })
    }

    /// The run this journal records.
    pub fn run_id(&self) -> &RunId {
        &self.run_id
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state, also after a panic elsewhere: every change to it is made
    /// whole before the lock is released.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Appends a completed step, after the start line if it is not written yet.
    fn record(&mut self, run_id: &RunId, entry: Entry<'_>) -> Result<()> {
        match self.replay.take_unwritten_start() {
            Some(start) => self.file.append(&[Entry::start(run_id, &start), entry]),
            None => self.file.append(&[entry]),
        }
    }
}

#[async_trait]
impl StepExecutor for Journal {
    async fn model_call(&self, step: ModelStep<'_>) -> Result<CompletionResponse> {
        let turn = turn_of(step.id());
        let recorded = self.lock().replay.model(turn, step.request().messages)?;
        if let Some(response) = recorded {
            return Ok(step.replayed(response));
        }
        let response = step.run().await?;
        self.lock()
            .record(&self.run_id, Entry::model(turn, &response))?;
        Ok(response)
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> Result<Message> {
        let turn = turn_of(step.id());
        let call = step.call;
        if let Some(result) = self.lock().replay.tool(turn, call)? {
            return Ok(result);
        }
        let result = step.run().await;
        self.lock()
            .record(&self.run_id, Entry::tool(turn, call, &result))?;
        Ok(result)
    }
}

fn turn_of(step: &StepId) -> u32 {
    match step {
        StepId::Model { turn } | StepId::Tool { turn, .. } => *turn,
    }
}
