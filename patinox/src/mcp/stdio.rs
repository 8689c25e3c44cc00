//! A child process speaking MCP over its stdin and stdout, one JSON-RPC
//! message per line.
//!
//! rmcp's own child-process transport skips lines it cannot parse and lines
//! past its size limit, so a request whose answer was malformed waits for its
//! timeout. This transport ends the connection instead and records why, so a
//! pending call fails at once with an error that says what the server did.

use std::process::ExitStatus;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// Why the connection to a server ended, as far as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StreamFault {
    /// A line that is not a JSON-RPC message.
    Malformed(String),
    /// A line longer than the limit (bytes).
    TooLarge(usize),
    /// The server closed its stdout (it usually exited).
    Closed,
}

/// Where the transport records a [`StreamFault`] for the client to read.
pub(crate) type FaultSlot = Arc<Mutex<Option<StreamFault>>>;

pub(crate) fn read_fault(slot: &FaultSlot) -> Option<StreamFault> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn record(slot: &FaultSlot, fault: StreamFault) {
    let mut current = slot.lock().unwrap_or_else(PoisonError::into_inner);
    // The first fault is the cause; a later EOF is its consequence.
    current.get_or_insert(fault);
}

pub(crate) struct ChildTransport {
    child: Child,
    reader: BufReader<ChildStdout>,
    writer: Arc<tokio::sync::Mutex<Option<ChildStdin>>>,
    line: Vec<u8>,
    max_line: usize,
    grace: Duration,
    fault: FaultSlot,
}

impl ChildTransport {
    /// Starts `command` with piped stdin and stdout; stderr stays the parent's.
    /// The child is killed if the transport is dropped.
    pub(crate) fn spawn(
        command: &mut Command,
        max_line: usize,
        grace: Duration,
        fault: FaultSlot,
    ) -> std::io::Result<Self> {
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(std::io::Error::other("the child's stdio was not piped"));
        };
        Ok(Self {
            child,
            reader: BufReader::new(stdout),
            writer: Arc::new(tokio::sync::Mutex::new(Some(stdin))),
            line: Vec::new(),
            max_line,
            grace,
            fault,
        })
    }

    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Reads up to the next newline into `self.line`, never past `max_line`
    /// bytes. Cancel-safe: a partial line stays in `self.line`.
    async fn read_line(&mut self) -> Result<(), StreamFault> {
        loop {
            let available = match self.reader.fill_buf().await {
                Ok(available) => available,
                Err(err) => {
                    tracing::debug!(%err, "reading from the MCP server failed");
                    return Err(StreamFault::Closed);
                }
            };
            if available.is_empty() {
                return Err(StreamFault::Closed);
            }
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(end) => (end + 1, true),
                None => (available.len(), false),
            };
            if self.line.len() + take > self.max_line.saturating_add(1) {
                return Err(StreamFault::TooLarge(self.max_line));
            }
            self.line.extend_from_slice(&available[..take]);
            self.reader.consume(take);
            if done {
                return Ok(());
            }
        }
    }

    async fn next_message(&mut self) -> Result<RxJsonRpcMessage<RoleClient>, StreamFault> {
        loop {
            self.read_line().await?;
            let line = std::mem::take(&mut self.line);
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            return serde_json::from_slice(text).map_err(|err| {
                let shown = String::from_utf8_lossy(&text[..text.len().min(120)]).into_owned();
                StreamFault::Malformed(format!("{err} in {shown:?}"))
            });
        }
    }

    async fn wait_or_kill(&mut self) -> std::io::Result<ExitStatus> {
        match tokio::time::timeout(self.grace, self.child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                self.child.start_kill()?;
                self.child.wait().await
            }
        }
    }
}

impl Transport<RoleClient> for ChildTransport {
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let writer = Arc::clone(&self.writer);
        async move {
            let mut bytes = serde_json::to_vec(&item)?;
            bytes.push(b'\n');
            let mut writer = writer.lock().await;
            let stdin = writer
                .as_mut()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
            stdin.write_all(&bytes).await?;
            stdin.flush().await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        match self.next_message().await {
            Ok(message) => Some(message),
            Err(fault) => {
                tracing::warn!(?fault, "MCP server connection ended");
                record(&self.fault, fault);
                None
            }
        }
    }

    /// The MCP shutdown sequence for stdio: close the server's stdin, give it
    /// `grace` to exit, then kill it.
    async fn close(&mut self) -> Result<(), Self::Error> {
        self.writer.lock().await.take();
        self.wait_or_kill().await.map(drop)
    }
}
