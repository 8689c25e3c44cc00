//! The journal file: read once when opened, then appended to, one synced
//! write per completed step.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::entry::{Entry, VERSION};
use crate::agent::RunId;
use crate::error::{BoxError, ExecutionError, ExecutionErrorKind, PatinoxError, Result};

/// An open, locked journal file.
#[derive(Debug)]
pub(super) struct JournalFile {
    file: File,
    path: PathBuf,
    /// The length of the complete lines written so far.
    len: u64,
    /// Reused for every write.
    buffer: Vec<u8>,
}

/// What an existing journal holds.
#[derive(Debug, Default)]
pub(super) struct Recorded {
    /// The fingerprint of the first request's messages, from the start line.
    pub(super) start: Option<String>,
    /// The completed steps, in the order they were written.
    pub(super) steps: Vec<Entry<'static>>,
}

impl JournalFile {
    /// Opens (or creates) the journal of `run_id` at `path` and reads it.
    ///
    /// A last line without its newline was being written when the process
    /// died: its step did not complete, so the line is cut off.
    pub(super) fn open(path: PathBuf, run_id: &RunId) -> Result<(Self, Recorded)> {
        let created = !path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|err| failure(&path, "cannot be opened", err))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(journal_error(
                    &path,
                    "is in use: another process is running this run",
                ));
            }
            Err(TryLockError::Error(err)) => return Err(failure(&path, "cannot be locked", err)),
        }
        if created {
            sync_parent(&path)?;
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|err| failure(&path, "cannot be read", err))?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let len = complete as u64;
        if complete < bytes.len() {
            file.set_len(len)
                .and_then(|()| file.sync_data())
                .map_err(|err| failure(&path, "cannot be repaired", err))?;
        }
        let recorded = parse(&bytes[..complete], &path, run_id)?;
        let file = Self {
            file,
            path,
            len,
            buffer: Vec::with_capacity(1024),
        };
        Ok((file, recorded))
    }

    /// Appends `entries` in one write and waits until they are on disk
    /// (`fdatasync`). A failed write is cut off again, so that the file never
    /// holds half a line followed by more lines.
    pub(super) fn append(&mut self, entries: &[Entry<'_>]) -> Result<()> {
        self.buffer.clear();
        for entry in entries {
            entry
                .write_line(&mut self.buffer)
                .map_err(|err| failure(&self.path, "cannot record a step", err))?;
        }
        let written = self
            .file
            .write_all(&self.buffer)
            .and_then(|()| self.file.sync_data());
        if let Err(err) = written {
            // Best effort: if even this fails, the torn line is cut off when
            // the journal is next opened.
            let _ = self.file.set_len(self.len);
            return Err(failure(&self.path, "cannot be written", err));
        }
        self.len += self.buffer.len() as u64;
        Ok(())
    }
}

/// Reads the complete lines of a journal.
fn parse(bytes: &[u8], path: &Path, run_id: &RunId) -> Result<Recorded> {
    let mut recorded = Recorded::default();
    for (index, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        let entry: Entry<'static> = serde_json::from_slice(line)
            .map_err(|err| failure(path, &format!("line {number} is not a journal entry"), err))?;
        match entry {
            Entry::Start {
                version,
                run_id: recorded_id,
                messages,
            } if number == 1 => {
                if version != VERSION {
                    let problem = format!(
                        "has format version {version}; this version of Patinox reads version {VERSION}"
                    );
                    return Err(journal_error(path, &problem));
                }
                if *recorded_id != *run_id {
                    let problem = format!("belongs to run {recorded_id}, not {run_id}");
                    return Err(journal_error(path, &problem));
                }
                recorded.start = Some(messages.into_owned());
            }
            _ if number == 1 => {
                return Err(journal_error(path, "does not begin with its start line"));
            }
            Entry::Start { .. } => {
                let problem = format!("line {number} starts a second run");
                return Err(journal_error(path, &problem));
            }
            step => recorded.steps.push(step),
        }
    }
    Ok(recorded)
}

/// Makes a new file's directory entry durable, as its contents will be.
fn sync_parent(path: &Path) -> Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        File::open(dir)
            .and_then(|dir| dir.sync_all())
            .map_err(|err| failure(path, "cannot be created durably", err))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// An [`ExecutionErrorKind::Journal`] error: the journal at `path` `problem`.
pub(super) fn journal_error(path: &Path, problem: &str) -> PatinoxError {
    ExecutionError::new(
        ExecutionErrorKind::Journal,
        format!("the journal {} {problem}", path.display()),
    )
    .into()
}

fn failure(path: &Path, problem: &str, source: impl Into<BoxError>) -> PatinoxError {
    let source = source.into();
    ExecutionError::new(
        ExecutionErrorKind::Journal,
        format!("the journal {} {problem}: {source}", path.display()),
    )
    .with_source(source)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CompletionResponse;

    fn run() -> RunId {
        RunId::new("r1").unwrap()
    }

    fn start_line() -> Vec<u8> {
        let mut line = Vec::new();
        Entry::Start {
            version: VERSION,
            run_id: std::borrow::Cow::Owned(run()),
            messages: "0000000000000001".into(),
        }
        .write_line(&mut line)
        .unwrap();
        line
    }

    fn model_line(turn: u32, text: &str) -> Vec<u8> {
        let mut line = Vec::new();
        Entry::model(turn, &CompletionResponse::text(text))
            .write_line(&mut line)
            .unwrap();
        line
    }

    fn journal_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r1.jsonl");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn kind(err: &PatinoxError) -> &ExecutionErrorKind {
        match err {
            PatinoxError::Execution(e) => &e.kind,
            other => panic!("expected an execution error, got {other:?}"),
        }
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_off() {
        let mut bytes = [start_line(), model_line(1, "one")].concat();
        let whole = bytes.len();
        let torn = model_line(2, "two");
        bytes.extend_from_slice(&torn[..torn.len() / 2]);
        let (_dir, path) = journal_with(&bytes);

        let (mut file, recorded) = JournalFile::open(path.clone(), &run()).unwrap();
        assert_eq!(recorded.steps.len(), 1);
        assert_eq!(recorded.start.as_deref(), Some("0000000000000001"));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), whole as u64);

        // What is appended next follows the last complete line.
        let response = CompletionResponse::text("two");
        file.append(&[Entry::model(2, &response)]).unwrap();
        drop(file);
        let (_, recorded) = JournalFile::open(path, &run()).unwrap();
        assert_eq!(recorded.steps.len(), 2);
    }

    #[test]
    fn a_broken_complete_line_is_an_error_naming_it() {
        let bytes = [start_line(), b"{\"model\":{\"turn\":1}}\n".to_vec()].concat();
        let (_dir, path) = journal_with(&bytes);
        let err = JournalFile::open(path, &run()).unwrap_err();
        assert_eq!(kind(&err), &ExecutionErrorKind::Journal);
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn another_runs_journal_is_refused() {
        let (_dir, path) = journal_with(&start_line());
        let other = RunId::new("r2").unwrap();
        let err = JournalFile::open(path, &other).unwrap_err();
        assert_eq!(kind(&err), &ExecutionErrorKind::Journal);
        assert!(err.to_string().contains("belongs to run r1"), "{err}");
    }

    #[test]
    fn steps_without_a_start_line_are_refused() {
        let (_dir, path) = journal_with(&model_line(1, "one"));
        let err = JournalFile::open(path, &run()).unwrap_err();
        assert!(err.to_string().contains("start line"), "{err}");
    }

    #[test]
    fn a_journal_is_opened_by_one_process_at_a_time() {
        let (_dir, path) = journal_with(b"");
        let (_first, _) = JournalFile::open(path.clone(), &run()).unwrap();
        let err = JournalFile::open(path, &run()).unwrap_err();
        assert!(err.to_string().contains("in use"), "{err}");
    }
}
