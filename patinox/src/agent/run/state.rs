//! The state of a run between two turns.

use serde::{Deserialize, Serialize};

use crate::model::{Message, Usage};

/// Everything a run carries from one turn to the next: plain data, so that
/// it can be saved, inspected or resumed.
///
/// ```
/// use patinox::agent::RunState;
/// use patinox::model::Message;
///
/// let state = RunState::new(vec![Message::user("Hi")]);
/// let json = serde_json::to_string(&state)?;
/// let back: RunState = serde_json::from_str(&json)?;
/// assert_eq!(back, state);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunState {
    /// The whole history so far: instructions, input, answers, tool results.
    pub messages: Vec<Message>,
    /// Tokens used so far (summed over the run's responses).
    pub usage: Usage,
    /// Turns taken: model requests made, including those answered again
    /// after a validator's feedback.
    pub turn: u32,
    /// Model requests made.
    pub requests: u64,
    /// Tool calls made.
    pub tool_calls: u64,
    /// Final answers sent back because they did not parse as the output type.
    pub output_retries: u32,
}

impl RunState {
    /// The state of a run that has not taken a turn yet.
    pub fn new(messages: Vec<Message>) -> Self {
        Self {
            messages,
            ..Self::default()
        }
    }
}
