//! Format version 2 of a saved conversation: version 1 ([`super::v1`]) and
//! the conversation's `id`, which traces carry as `gen_ai.conversation.id`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::SavedConversation;
use super::v1::{self, ReadMessage, UsageV1, WriteMessage};
use crate::error::Result;
use crate::model::{Message, Usage};

/// The number of this format.
pub(super) const VERSION: u32 = 2;

/// A conversation in format 2, borrowed for writing.
#[derive(Serialize)]
pub(super) struct Write<'a> {
    format_version: u32,
    id: &'a str,
    messages: Vec<WriteMessage<'a>>,
    usage: UsageV1,
    runs: u32,
    metadata: &'a Map<String, Value>,
}

impl<'a> Write<'a> {
    pub(super) fn new(
        id: &'a str,
        messages: &'a [Message],
        usage: &Usage,
        runs: u32,
        metadata: &'a Map<String, Value>,
    ) -> Self {
        Self {
            format_version: VERSION,
            id,
            messages: messages.iter().map(WriteMessage::from).collect(),
            usage: UsageV1::from(usage),
            runs,
            metadata,
        }
    }
}

/// A conversation in format 2, as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Read {
    #[serde(rename = "format_version")]
    _format_version: u32,
    id: String,
    messages: Vec<ReadMessage>,
    usage: UsageV1,
    runs: u32,
    #[serde(default)]
    metadata: Map<String, Value>,
}

impl Read {
    pub(super) fn into_saved(self) -> Result<SavedConversation> {
        Ok(SavedConversation {
            id: self.id,
            messages: v1::messages(self.messages)?,
            usage: self.usage.into(),
            runs: self.runs,
            metadata: self.metadata,
        })
    }
}
