//! Format version 1 of a saved conversation, on the wire.
//!
//! The format has its own types rather than the serde derives of
//! [`Message`] and [`Usage`], so that changing those types cannot change
//! what a saved file means; a new format gets a module beside this one and
//! this one keeps reading old files. Version 2 ([`super::v2`]) adds the
//! conversation's id and keeps these messages and usage as they are.

use std::ops::Not;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::SavedConversation;
use crate::error::{Result, ValidationError};
use crate::model::{Message, ToolCall, Usage};

/// The number of this format.
pub(super) const VERSION: u32 = 1;

/// A message, borrowed for writing (formats 1 and 2).
#[derive(Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub(super) enum WriteMessage<'a> {
    System {
        content: &'a str,
    },
    User {
        content: &'a str,
    },
    Assistant {
        #[serde(skip_serializing_if = "Option::is_none")]
        content: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCallV1<&'a str, &'a RawValue>>,
    },
    Tool {
        call_id: &'a str,
        name: &'a str,
        content: &'a str,
        #[serde(skip_serializing_if = "Not::not")]
        is_error: bool,
    },
}

impl<'a> From<&'a Message> for WriteMessage<'a> {
    fn from(message: &'a Message) -> Self {
        match message {
            Message::System { content } => Self::System { content },
            Message::User { content } => Self::User { content },
            Message::Assistant {
                content,
                tool_calls,
            } => Self::Assistant {
                content: content.as_deref(),
                tool_calls: tool_calls
                    .iter()
                    .map(|call| ToolCallV1 {
                        id: call.id.as_str(),
                        name: call.name.as_str(),
                        arguments: &*call.arguments,
                    })
                    .collect(),
            },
            Message::Tool {
                call_id,
                name,
                content,
                is_error,
            } => Self::Tool {
                call_id,
                name,
                content,
                is_error: *is_error,
            },
        }
    }
}

/// A tool call, borrowed (`S` = `&str`, `A` = `&RawValue`) or owned.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ToolCallV1<S, A> {
    id: S,
    name: S,
    arguments: A,
}

/// A conversation in format 1, as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Read {
    #[serde(rename = "format_version")]
    _format_version: u32,
    messages: Vec<ReadMessage>,
    usage: UsageV1,
    runs: u32,
    #[serde(default)]
    metadata: Map<String, Value>,
}

impl Read {
    pub(super) fn into_saved(self) -> Result<SavedConversation> {
        let messages = messages(self.messages)?;
        Ok(SavedConversation {
            // Format 1 had no ids: the conversation gets one now, kept from
            // its next save on.
            id: crate::agent::id::fresh(),
            messages,
            usage: self.usage.into(),
            runs: self.runs,
            metadata: self.metadata,
        })
    }
}

/// The messages of a saved conversation (formats 1 and 2), checked per role.
pub(super) fn messages(read: Vec<ReadMessage>) -> Result<Vec<Message>> {
    read.into_iter()
        .enumerate()
        .map(|(index, message)| message.into_message(index))
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Role {
    System,
    User,
    Assistant,
    Tool,
}

/// A message as read: every field a role may have, checked per role
/// afterwards. (An internally tagged enum would buffer the arguments of tool
/// calls, which raw JSON values cannot pass through.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReadMessage {
    role: Role,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallV1<String, Box<RawValue>>>,
    #[serde(default)]
    call_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    is_error: bool,
}

impl ReadMessage {
    fn into_message(self, index: usize) -> Result<Message> {
        self.check_fields(index)?;
        let required = |value: Option<String>, field: &str| {
            value.ok_or_else(|| field_error(index, field, "is missing"))
        };
        Ok(match self.role {
            Role::System => Message::system(required(self.content, "content")?),
            Role::User => Message::user(required(self.content, "content")?),
            Role::Assistant => Message::Assistant {
                content: self.content,
                tool_calls: self
                    .tool_calls
                    .into_iter()
                    .map(|call| ToolCall {
                        id: call.id,
                        name: call.name,
                        arguments: call.arguments,
                    })
                    .collect(),
            },
            Role::Tool => Message::Tool {
                call_id: required(self.call_id, "call_id")?,
                name: required(self.name, "name")?,
                content: required(self.content, "content")?,
                is_error: self.is_error,
            },
        })
    }

    /// Refuses a field the message's role does not have, rather than
    /// dropping it.
    fn check_fields(&self, index: usize) -> Result<(), ValidationError> {
        let present = [
            ("content", self.content.is_some()),
            ("tool_calls", !self.tool_calls.is_empty()),
            ("call_id", self.call_id.is_some()),
            ("name", self.name.is_some()),
            ("is_error", self.is_error),
        ];
        let (role, allowed): (&str, &[&str]) = match self.role {
            Role::System => ("system", &["content"]),
            Role::User => ("user", &["content"]),
            Role::Assistant => ("assistant", &["content", "tool_calls"]),
            Role::Tool => ("tool", &["call_id", "name", "content", "is_error"]),
        };
        match present
            .iter()
            .find(|(field, present)| *present && !allowed.contains(field))
        {
            Some((field, _)) => Err(field_error(
                index,
                field,
                &format!("does not belong in a {role} message"),
            )),
            None => Ok(()),
        }
    }
}

fn field_error(index: usize, field: &str, problem: &str) -> ValidationError {
    ValidationError::new(format!(
        "message {index} of the saved conversation: `{field}` {problem}"
    ))
    .with_field(format!("messages[{index}].{field}"))
}

/// Usage in formats 1 and 2; a field missing from a file counts zero.
#[derive(Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct UsageV1 {
    input_tokens: u64,
    output_tokens: u64,
    cached_input_tokens: u64,
    reasoning_tokens: u64,
    requests: u64,
}

impl From<&Usage> for UsageV1 {
    fn from(usage: &Usage) -> Self {
        Self {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cached_input_tokens: usage.cached_input_tokens,
            reasoning_tokens: usage.reasoning_tokens,
            requests: usage.requests,
        }
    }
}

impl From<UsageV1> for Usage {
    fn from(read: UsageV1) -> Self {
        let mut usage = Usage::new(read.input_tokens, read.output_tokens);
        usage.cached_input_tokens = read.cached_input_tokens;
        usage.reasoning_tokens = read.reasoning_tokens;
        usage.requests = read.requests;
        usage
    }
}
