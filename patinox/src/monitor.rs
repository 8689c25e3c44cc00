//! Monitors: observers of what happens in a run.
//!
//! A [`Monitor`] receives an [`Event`] at each step of a run. Events borrow
//! from the run, so observing costs nothing when no monitor is attached, and
//! a monitor copies only what it keeps.
//!
//! `on_event` is synchronous on purpose: a monitor must not slow the run it
//! observes. One that does I/O should hand the event to a channel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::PatinoxError;
use crate::model::{FinishReason, Usage};

/// Something that happened in a run.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A run began.
    RunStarted {
        /// The agent's name.
        agent: &'a str,
        /// The user's input.
        input: &'a str,
    },
    /// A request is about to go to the model.
    ModelRequest {
        /// The turn (1-based).
        turn: u32,
        /// Messages in the conversation.
        messages: usize,
    },
    /// The model answered.
    ModelResponse {
        /// The turn.
        turn: u32,
        /// Why it stopped.
        finish_reason: &'a FinishReason,
        /// Tokens used by this request.
        usage: &'a Usage,
        /// How many tools it asked for.
        tool_calls: usize,
    },
    /// A tool is about to run.
    ToolStarted {
        /// The tool's name.
        name: &'a str,
        /// The call's id.
        call_id: &'a str,
    },
    /// A tool finished.
    ToolFinished {
        /// The tool's name.
        name: &'a str,
        /// The call's id.
        call_id: &'a str,
        /// Whether it succeeded.
        ok: bool,
        /// How long it ran.
        duration: Duration,
    },
    /// A validator did not pass.
    ValidationFailed {
        /// The validator's name.
        validator: &'a str,
        /// Its message.
        message: &'a str,
    },
    /// The run ended with an answer.
    RunFinished {
        /// Turns taken.
        turns: u32,
        /// Tokens used in all.
        usage: &'a Usage,
    },
    /// The run ended with an error.
    RunFailed {
        /// The error.
        error: &'a PatinoxError,
    },
}

/// An observer of runs. Object safe and `Send + Sync`.
pub trait Monitor: Send + Sync {
    /// Called at each step of a run; must return quickly.
    fn on_event(&self, event: &Event<'_>);
}

impl<M: Monitor + ?Sized> Monitor for Arc<M> {
    fn on_event(&self, event: &Event<'_>) {
        (**self).on_event(event);
    }
}

/// Sends every event to `tracing` at `debug` level (`target: "patinox"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingMonitor;

impl Monitor for TracingMonitor {
    fn on_event(&self, event: &Event<'_>) {
        tracing::debug!(target: "patinox", ?event, "agent event");
    }
}

/// Keeps a one-line summary of every event, for tests.
///
/// ```
/// use patinox::monitor::{Event, Monitor, RecordingMonitor};
///
/// let monitor = RecordingMonitor::default();
/// monitor.on_event(&Event::ToolStarted { name: "get_weather", call_id: "c1" });
/// assert_eq!(monitor.events(), vec!["tool_started get_weather".to_owned()]);
/// ```
#[derive(Debug, Default)]
pub struct RecordingMonitor {
    events: Mutex<Vec<String>>,
}

impl RecordingMonitor {
    /// The summaries recorded so far.
    pub fn events(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Monitor for RecordingMonitor {
    fn on_event(&self, event: &Event<'_>) {
        let line = match event {
            Event::RunStarted { agent, .. } => format!("run_started {agent}"),
            Event::ModelRequest { turn, .. } => format!("model_request {turn}"),
            Event::ModelResponse {
                turn, tool_calls, ..
            } => format!("model_response {turn} tool_calls={tool_calls}"),
            Event::ToolStarted { name, .. } => format!("tool_started {name}"),
            Event::ToolFinished { name, ok, .. } => format!("tool_finished {name} ok={ok}"),
            Event::ValidationFailed { validator, .. } => format!("validation_failed {validator}"),
            Event::RunFinished { turns, .. } => format!("run_finished turns={turns}"),
            Event::RunFailed { .. } => "run_failed".to_owned(),
        };
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(line);
    }
}
