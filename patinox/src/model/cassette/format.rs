//! The cassette file: one pretty-printed JSON document, so that a re-recorded
//! cassette reads as a diff in review.
//!
//! ```json
//! {
//!   "version": 1,
//!   "model": "openai:gpt-4o-mini",
//!   "exchanges": [
//!     { "request": { "messages": [..], "tools": [..], "tool_choice": "auto" },
//!       "response": { "tool_calls": [..], "finish_reason": "tool_calls", "usage": {..} } },
//!     { "request": { .. }, "stream": [ { "type": "text_delta", "text": "It is" }, { "type": "done", .. } ] }
//!   ]
//! }
//! ```
//!
//! Tool-call arguments are kept as JSON values, not raw text, so the file
//! stays readable and requests compare by meaning rather than by whitespace.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::CassetteError;
use crate::error::{PatinoxError, Result};
use crate::model::{
    CompletionRequest, CompletionResponse, FinishReason, Message, StreamEvent, ToolCall,
    ToolChoice, Usage,
};

/// The format version this code reads and writes.
pub(super) const VERSION: u32 = 1;

/// A whole cassette file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CassetteFile {
    pub(super) version: u32,
    pub(super) model: String,
    pub(super) exchanges: Vec<Exchange>,
}

impl CassetteFile {
    /// Parses a cassette, checking its version.
    pub(super) fn parse(text: &str) -> std::result::Result<Self, CassetteError> {
        let file: Self = serde_json::from_str(text).map_err(|err| CassetteError::Corrupt {
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        })?;
        if file.version != VERSION {
            return Err(CassetteError::Version {
                found: file.version,
            });
        }
        Ok(file)
    }
}

/// One request and what answered it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Exchange {
    pub(super) request: Value,
    #[serde(flatten)]
    pub(super) answer: Answer,
}

/// A response to `complete`, or the events of a `stream`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Answer {
    Response(ResponseRecord),
    Stream(Vec<EventRecord>),
}

/// A [`CompletionResponse`] as written to the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResponseRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<CallRecord>,
    finish_reason: FinishReason,
    #[serde(default)]
    usage: Usage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    /// The provider's response id; absent from cassettes recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refusal: Option<String>,
}

/// A [`ToolCall`] with its arguments as a JSON value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CallRecord {
    id: String,
    name: String,
    arguments: Value,
}

/// A [`StreamEvent`] as written to the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum EventRecord {
    TextDelta {
        text: String,
    },
    ToolCall {
        call: CallRecord,
    },
    ToolCallDelta {
        index: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        arguments: String,
    },
    RefusalDelta {
        text: String,
    },
    Done {
        response: ResponseRecord,
    },
}

impl ResponseRecord {
    pub(super) fn from_response(response: &CompletionResponse) -> Result<Self> {
        Ok(Self {
            content: response.content.clone(),
            tool_calls: response
                .tool_calls
                .iter()
                .map(CallRecord::from_call)
                .collect::<Result<_>>()?,
            finish_reason: response.finish_reason.clone(),
            usage: response.usage,
            model: response.model.clone(),
            id: response.id.clone(),
            refusal: response.refusal.clone(),
        })
    }

    pub(super) fn to_response(&self) -> Result<CompletionResponse> {
        Ok(CompletionResponse {
            content: self.content.clone(),
            tool_calls: self
                .tool_calls
                .iter()
                .map(CallRecord::to_call)
                .collect::<Result<_>>()?,
            finish_reason: self.finish_reason.clone(),
            usage: self.usage,
            model: self.model.clone(),
            id: self.id.clone(),
            refusal: self.refusal.clone(),
        })
    }
}

impl CallRecord {
    fn from_call(call: &ToolCall) -> Result<Self> {
        Ok(Self {
            id: call.id.clone(),
            name: call.name.clone(),
            arguments: serde_json::from_str(call.arguments.get())?,
        })
    }

    fn to_call(&self) -> Result<ToolCall> {
        ToolCall::new(
            self.id.clone(),
            self.name.clone(),
            serde_json::to_string(&self.arguments)?,
        )
    }
}

impl EventRecord {
    pub(super) fn from_event(event: &StreamEvent) -> Result<Self> {
        Ok(match event {
            StreamEvent::TextDelta(text) => Self::TextDelta { text: text.clone() },
            StreamEvent::ToolCall(call) => Self::ToolCall {
                call: CallRecord::from_call(call)?,
            },
            StreamEvent::ToolCallDelta {
                index,
                name,
                arguments,
            } => Self::ToolCallDelta {
                index: *index,
                name: name.clone(),
                arguments: arguments.clone(),
            },
            StreamEvent::RefusalDelta(text) => Self::RefusalDelta { text: text.clone() },
            StreamEvent::Done(response) => Self::Done {
                response: ResponseRecord::from_response(response)?,
            },
        })
    }

    pub(super) fn to_event(&self) -> Result<StreamEvent> {
        Ok(match self {
            Self::TextDelta { text } => StreamEvent::TextDelta(text.clone()),
            Self::ToolCall { call } => StreamEvent::ToolCall(call.to_call()?),
            Self::ToolCallDelta {
                index,
                name,
                arguments,
            } => StreamEvent::ToolCallDelta {
                index: *index,
                name: name.clone(),
                arguments: arguments.clone(),
            },
            Self::RefusalDelta { text } => StreamEvent::RefusalDelta(text.clone()),
            Self::Done { response } => StreamEvent::Done(response.to_response()?),
        })
    }
}

/// A request as the cassette compares it: everything the model is sent.
#[derive(Serialize)]
struct RequestView<'a> {
    messages: &'a [Message],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<ToolView<'a>>,
    tool_choice: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<FormatView<'a>>,
}

#[derive(Serialize)]
struct ToolView<'a> {
    name: &'a str,
    description: &'a str,
    parameters: &'a RawValue,
}

#[derive(Serialize)]
struct FormatView<'a> {
    name: &'a str,
    schema: &'a RawValue,
    strict: bool,
}

/// The request as a JSON value. It goes through text and back, so that it
/// compares equal to the same request read from a file (floats included).
pub(super) fn request_value(request: &CompletionRequest<'_>) -> Result<Value> {
    let view = RequestView {
        messages: request.messages,
        tools: request
            .tools
            .iter()
            .map(|tool| ToolView {
                name: tool.name(),
                description: tool.description(),
                parameters: tool.parameters(),
            })
            .collect(),
        tool_choice: match &request.tool_choice {
            ToolChoice::Auto => Value::from("auto"),
            ToolChoice::None => Value::from("none"),
            ToolChoice::Required => Value::from("required"),
            ToolChoice::Tool(name) => serde_json::json!({ "tool": name }),
        },
        temperature: request.settings.temperature,
        max_tokens: request.settings.max_tokens,
        top_p: request.settings.top_p,
        response_format: request.response_format.as_ref().map(|format| FormatView {
            name: format.name(),
            schema: format.schema(),
            strict: format.strict(),
        }),
    };
    let text = serde_json::to_string(&view)?;
    serde_json::from_str(&text).map_err(PatinoxError::from)
}
