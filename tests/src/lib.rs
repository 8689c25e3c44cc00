//! Helpers shared by the integration tests in `tests/`.
//!
//! Test doubles are small hand-written recorders rather than mockall mocks:
//! the traits are async and object safe, and a recorder that keeps what it saw
//! reads like the user's code and needs no expectation DSL.

// The README's examples are compiled and run as doctests of this crate.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use patinox::model::ToolSpec;
use patinox::tool::{RunContext, Tool, ToolError, ToolResult};
use serde_json::value::RawValue;

/// What a [`RecordingTool`] does when called.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Returns this JSON text.
    Return(String),
    /// Fails with this message.
    Fail(String),
    /// Panics with this message.
    Panic(String),
    /// Sleeps this long, then returns `"late"`.
    Sleep(Duration),
}

/// A tool that records the arguments of every call and behaves as told.
#[derive(Debug)]
pub struct RecordingTool {
    spec: ToolSpec,
    behaviour: Behaviour,
    calls: Mutex<Vec<String>>,
}

impl RecordingTool {
    /// A tool named `name` with one required string parameter `city`.
    pub fn new(name: &str, behaviour: Behaviour) -> Self {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": false
        });
        Self {
            spec: ToolSpec::new(name, format!("The {name} tool."), &schema)
                .expect("a valid test tool spec"),
            behaviour,
            calls: Mutex::new(Vec::new()),
        }
    }

    /// The raw JSON arguments of each call so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("calls lock").clone()
    }
}

#[async_trait]
impl Tool for RecordingTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        self.calls
            .lock()
            .expect("calls lock")
            .push(arguments.get().to_owned());
        match &self.behaviour {
            Behaviour::Return(json) => Ok(json.clone()),
            Behaviour::Fail(message) => Err(ToolError::failed(message)),
            Behaviour::Panic(message) => panic!("{message}"),
            Behaviour::Sleep(duration) => {
                tokio::time::sleep(*duration).await;
                Ok("\"late\"".to_owned())
            }
        }
    }
}

/// A tool whose calls never finish; it says when a call starts and when a
/// call is dropped (the run stopped waiting for it).
#[derive(Debug)]
pub struct EndlessTool {
    spec: ToolSpec,
    started: std::sync::Arc<tokio::sync::Notify>,
    dropped: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl EndlessTool {
    /// A tool named `endless`, without parameters.
    pub fn new() -> Self {
        let schema = serde_json::json!({"type": "object", "properties": {}});
        Self {
            spec: ToolSpec::new("endless", "Never ends.", &schema).expect("a valid test tool spec"),
            started: std::sync::Arc::default(),
            dropped: std::sync::Arc::default(),
        }
    }

    /// Notified when a call starts.
    pub fn started(&self) -> std::sync::Arc<tokio::sync::Notify> {
        std::sync::Arc::clone(&self.started)
    }

    /// Set once a call has been dropped.
    pub fn dropped(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        std::sync::Arc::clone(&self.dropped)
    }
}

impl Default for EndlessTool {
    fn default() -> Self {
        Self::new()
    }
}

/// Sets its flag when dropped.
struct SetOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[async_trait]
impl Tool for EndlessTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, _arguments: &RawValue) -> ToolResult {
        let _guard = SetOnDrop(std::sync::Arc::clone(&self.dropped));
        self.started.notify_one();
        std::future::pending().await
    }
}

mod mcp_fixture;
pub use mcp_fixture::{WAIT_CALLS, WaitCalls, mcp_fixture_tools};
