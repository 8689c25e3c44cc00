//! The saved form of a conversation: versioned JSON.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{v1, v2};
use crate::agent::RunResult;
use crate::error::{Result, ValidationError};
use crate::model::{Message, Usage};

/// The version of the JSON written by [`SavedConversation::to_json`].
///
/// Every later version of Patinox reads the conversations saved by earlier
/// ones; a file with a higher version than the reader knows is refused with
/// an error rather than misread.
pub const CONVERSATION_FORMAT_VERSION: u32 = v2::VERSION;

/// A conversation as data: what is saved to JSON and resumed.
///
/// The agent's instructions are not part of it: a resumed conversation runs
/// with the instructions of the agent it is resumed with, so improving an
/// agent's instructions improves its old conversations too.
///
/// ```
/// use patinox::agent::SavedConversation;
/// use patinox::model::Message;
///
/// let mut saved = SavedConversation::from_messages([
///     Message::system("Be brief."), // instructions are the agent's: left out
///     Message::user("Hi"),
///     Message::assistant("Hello!"),
/// ]);
/// saved.metadata.insert("user".into(), "ada".into());
///
/// let json = saved.to_json()?;
/// assert!(json.starts_with(r#"{"format_version":2,"id":"#));
/// let loaded = SavedConversation::from_json(&json)?;
/// assert_eq!(loaded, saved);
/// assert_eq!(loaded.messages.len(), 2);
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// The JSON has this shape (format version 2; version 1 had no `id`, and
/// a conversation read from it gets a fresh one):
///
/// ```json
/// {
///   "format_version": 2,
///   "id": "6f1c2e3a-8d4b-4c5e-9f60-7a8b9c0d1e2f",
///   "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
///   "usage": {"input_tokens": 12, "output_tokens": 3, "cached_input_tokens": 0, "reasoning_tokens": 0, "requests": 1},
///   "runs": 1,
///   "metadata": {"user": "ada"}
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SavedConversation {
    /// The conversation's id: random (UUID v4 text) unless set; traces of
    /// its runs carry it as `gen_ai.conversation.id`.
    pub id: String,
    /// The conversation, oldest first, without the agent's instructions.
    pub messages: Vec<Message>,
    /// Tokens and requests used by all its runs.
    pub usage: Usage,
    /// Runs that completed.
    pub runs: u32,
    /// Anything the application keeps with the conversation (a title, a user id).
    pub metadata: Map<String, Value>,
}

impl Default for SavedConversation {
    /// An empty conversation with a fresh id.
    fn default() -> Self {
        Self {
            id: crate::agent::id::fresh(),
            messages: Vec::new(),
            usage: Usage::default(),
            runs: 0,
            metadata: Map::new(),
        }
    }
}

/// The one field every version has, read first to choose the reader.
#[derive(Deserialize)]
struct Version {
    format_version: u32,
}

impl SavedConversation {
    /// A conversation made of `messages`, as a run's
    /// [`RunResult::messages`] holds them; system messages (the
    /// instructions) are left out; its id is fresh.
    pub fn from_messages(messages: impl IntoIterator<Item = Message>) -> Self {
        Self {
            messages: without_instructions(messages),
            ..Self::default()
        }
    }

    /// The conversation as JSON, in format [`CONVERSATION_FORMAT_VERSION`].
    ///
    /// # Errors
    /// A [`PatinoxError::Validation`](crate::PatinoxError::Validation) if a
    /// metadata value cannot be written as JSON (this does not happen with
    /// values built from JSON).
    pub fn to_json(&self) -> Result<String> {
        write_json(
            &self.id,
            &self.messages,
            &self.usage,
            self.runs,
            &self.metadata,
        )
    }

    /// Reads a conversation saved by [`to_json`](Self::to_json), by this
    /// version of Patinox or an earlier one.
    ///
    /// # Errors
    /// A [`PatinoxError::Validation`](crate::PatinoxError::Validation):
    /// - with `field` `"format_version"` if the version is missing, or newer
    ///   than [`CONVERSATION_FORMAT_VERSION`] (saved by a later Patinox);
    /// - otherwise, with the JSON error as its source, if the text is not
    ///   JSON or not a saved conversation.
    pub fn from_json(json: &str) -> Result<Self> {
        let version: Version = serde_json::from_str(json).map_err(|err| {
            if err.is_data() {
                // JSON, but without a numeric `format_version`.
                ValidationError::new(format!("not a saved conversation: {err}"))
                    .with_field("format_version")
                    .with_source(err)
            } else {
                ValidationError::new(format!("a saved conversation must be JSON: {err}"))
                    .with_source(err)
            }
        })?;
        match version.format_version {
            v1::VERSION => read(json, v1::VERSION, v1::Read::into_saved),
            v2::VERSION => read(json, v2::VERSION, v2::Read::into_saved),
            newer if newer > CONVERSATION_FORMAT_VERSION => Err(ValidationError::new(format!(
                "this conversation was saved in format version {newer}, but this version of \
                 Patinox reads versions 1 to {CONVERSATION_FORMAT_VERSION}: upgrade Patinox to \
                 resume it"
            ))
            .with_field("format_version")
            .into()),
            unknown => Err(ValidationError::new(format!(
                "unknown conversation format version {unknown}"
            ))
            .with_field("format_version")
            .into()),
        }
    }
}

impl<T> From<RunResult<T>> for SavedConversation {
    /// The conversation of one finished run, with a fresh id: its messages
    /// (without the instructions) and its usage.
    fn from(result: RunResult<T>) -> Self {
        Self {
            messages: without_instructions(result.messages),
            usage: result.usage,
            runs: 1,
            ..Self::default()
        }
    }
}

fn without_instructions(messages: impl IntoIterator<Item = Message>) -> Vec<Message> {
    messages
        .into_iter()
        .filter(|m| !matches!(m, Message::System { .. }))
        .collect()
}

pub(super) fn write_json(
    id: &str,
    messages: &[Message],
    usage: &Usage,
    runs: u32,
    metadata: &Map<String, Value>,
) -> Result<String> {
    Ok(serde_json::to_string(&v2::Write::new(
        id, messages, usage, runs, metadata,
    ))?)
}

/// Reads `json` as format `version` with that format's reader.
fn read<R: serde::de::DeserializeOwned>(
    json: &str,
    version: u32,
    into_saved: fn(R) -> Result<SavedConversation>,
) -> Result<SavedConversation> {
    let read: R = serde_json::from_str(json).map_err(|err| {
        ValidationError::new(format!(
            "not a saved conversation of format version {version}: {err}"
        ))
        .with_source(err)
    })?;
    into_saved(read)
}
