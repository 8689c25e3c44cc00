//! The Messages API wire format: requests serialized from borrowed structs,
//! responses parsed into borrowing structs.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::Result;
use crate::model::streaming::undecodable;
use crate::model::{
    CompletionRequest, CompletionResponse, FinishReason, Message, ToolCall, ToolChoice, ToolSpec,
    Usage,
};

/// The token limit sent when the request sets none: the API requires one.
pub(crate) const DEFAULT_MAX_TOKENS: u32 = 4096;

pub(crate) struct MessagesRequest<'r, 'a> {
    pub(crate) model: &'r str,
    pub(crate) request: &'r CompletionRequest<'a>,
    pub(crate) stream: bool,
}

impl Serialize for MessagesRequest<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let request = self.request;
        let settings = &request.settings;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("model", self.model)?;
        map.serialize_entry(
            "max_tokens",
            &settings.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        )?;
        if request
            .messages
            .iter()
            .any(|m| matches!(m, Message::System { .. }))
        {
            map.serialize_entry("system", &System(request.messages))?;
        }
        map.serialize_entry("messages", &Turns(request.messages))?;
        if !request.tools.is_empty() {
            map.serialize_entry("tools", &Tools(request.tools))?;
            let choice = match &request.tool_choice {
                ToolChoice::Auto => None,
                ToolChoice::None => Some(Choice::simple("none")),
                ToolChoice::Required => Some(Choice::simple("any")),
                ToolChoice::Tool(name) => Some(Choice {
                    kind: "tool",
                    name: Some(name),
                }),
            };
            if let Some(choice) = choice {
                map.serialize_entry("tool_choice", &choice)?;
            }
        }
        if let Some(temperature) = settings.temperature {
            map.serialize_entry("temperature", &temperature)?;
        }
        if let Some(top_p) = settings.top_p {
            map.serialize_entry("top_p", &top_p)?;
        }
        if let Some(format) = &request.response_format {
            // Structured output rather than a forced final tool: the vendor
            // capture (the SDK's `messages.parse`) sends `output_config.format`,
            // the answer then arrives as ordinary text (no tool turn to hide
            // from the history), and it composes with real tool calls, which a
            // forced tool choice would rule out.
            map.serialize_entry(
                "output_config",
                &OutputConfig {
                    format: OutputFormat {
                        kind: "json_schema",
                        schema: format.schema(),
                    },
                },
            )?;
        }
        if self.stream {
            map.serialize_entry("stream", &true)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct OutputConfig<'a> {
    format: OutputFormat<'a>,
}

#[derive(Serialize)]
struct OutputFormat<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: &'a RawValue,
}

#[derive(Serialize)]
struct Choice<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

impl Choice<'_> {
    fn simple(kind: &'static str) -> Self {
        Self { kind, name: None }
    }
}

/// System messages become the top-level `system` text, joined by blank lines.
struct System<'a>(&'a [Message]);

impl Serialize for System<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::new();
        for message in self.0 {
            if let Message::System { content } = message {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(content);
            }
        }
        serializer.serialize_str(&text)
    }
}

/// The conversation as alternating turns: consecutive tool results share one
/// `user` turn, as the API requires.
struct Turns<'a>(&'a [Message]);

impl Serialize for Turns<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut turns: Vec<Turn<'_>> = Vec::with_capacity(self.0.len());
        for message in self.0 {
            match message {
                Message::System { .. } => {}
                Message::User { content } => turns.push(Turn::User(content)),
                Message::Assistant {
                    content,
                    tool_calls,
                } => turns.push(Turn::Assistant(content.as_deref(), tool_calls)),
                Message::Tool { .. } => match turns.last_mut() {
                    Some(Turn::Results(results)) => results.push(message),
                    _ => turns.push(Turn::Results(vec![message])),
                },
            }
        }
        serializer.collect_seq(turns)
    }
}

enum Turn<'a> {
    User(&'a str),
    Assistant(Option<&'a str>, &'a [ToolCall]),
    Results(Vec<&'a Message>),
}

impl Serialize for Turn<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            Self::User(text) => {
                map.serialize_entry("role", "user")?;
                map.serialize_entry("content", text)?;
            }
            Self::Assistant(text, calls) => {
                map.serialize_entry("role", "assistant")?;
                let text = text
                    .filter(|t| !t.is_empty())
                    .map(|text| Block::Text { text });
                let uses = calls.iter().map(|call| Block::ToolUse {
                    id: &call.id,
                    name: &call.name,
                    input: &call.arguments,
                });
                map.serialize_entry("content", &Blocks(text.into_iter().chain(uses)))?;
            }
            Self::Results(results) => {
                map.serialize_entry("role", "user")?;
                let blocks = results.iter().filter_map(|message| match message {
                    Message::Tool {
                        call_id,
                        content,
                        is_error,
                        ..
                    } => Some(Block::ToolResult {
                        tool_use_id: call_id,
                        content,
                        is_error: *is_error,
                    }),
                    _ => None,
                });
                map.serialize_entry("content", &Blocks(blocks))?;
            }
        }
        map.end()
    }
}

/// Serializes an iterator of blocks as a JSON array without collecting it.
struct Blocks<I>(I);

impl<'a, I: Iterator<Item = Block<'a>> + Clone> Serialize for Blocks<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

#[derive(Serialize, Clone, Copy)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block<'a> {
    Text {
        text: &'a str,
    },
    ToolUse {
        id: &'a str,
        name: &'a str,
        input: &'a RawValue,
    },
    ToolResult {
        tool_use_id: &'a str,
        content: &'a str,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
}

struct Tools<'a>(&'a [ToolSpec]);

impl Serialize for Tools<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tool<'a> {
            name: &'a str,
            description: &'a str,
            input_schema: &'a RawValue,
        }
        serializer.collect_seq(self.0.iter().map(|tool| Tool {
            name: tool.name(),
            description: tool.description(),
            input_schema: tool.parameters(),
        }))
    }
}

#[derive(Deserialize)]
struct MessageResponse<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Vec<ContentBlock<'a>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: WireUsage,
}

/// A content block. A flat struct rather than a tagged enum: serde buffers
/// tagged enums, which breaks borrowing `RawValue`s out of the input.
#[derive(Deserialize)]
pub(crate) struct ContentBlock<'a> {
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) input: Option<&'a RawValue>,
}

/// Token counts. `input_tokens` excludes cache reads and writes; the neutral
/// `input_tokens` includes them, with reads also counted as cached.
#[derive(Deserialize, Default, Clone, Copy)]
pub(crate) struct WireUsage {
    #[serde(default)]
    pub(crate) input_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) output_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    pub(crate) cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    pub(crate) fn to_usage(self) -> Usage {
        let cached = self.cache_read_input_tokens.unwrap_or(0);
        let input =
            self.input_tokens.unwrap_or(0) + cached + self.cache_creation_input_tokens.unwrap_or(0);
        let mut usage = Usage::new(input, self.output_tokens.unwrap_or(0));
        usage.cached_input_tokens = cached;
        usage
    }

    /// Later counts (from `message_delta`) replace earlier ones field by field.
    pub(crate) fn merge(&mut self, later: WireUsage) {
        let keep = |old: &mut Option<u64>, new: Option<u64>| {
            if new.is_some() {
                *old = new;
            }
        };
        keep(&mut self.input_tokens, later.input_tokens);
        keep(&mut self.output_tokens, later.output_tokens);
        keep(
            &mut self.cache_creation_input_tokens,
            later.cache_creation_input_tokens,
        );
        keep(
            &mut self.cache_read_input_tokens,
            later.cache_read_input_tokens,
        );
    }
}

pub(crate) fn stop_reason(reason: Option<&str>) -> FinishReason {
    match reason {
        Some("end_turn" | "stop_sequence" | "pause_turn") | None => FinishReason::Stop,
        Some("max_tokens" | "model_context_window_exceeded") => FinishReason::Length,
        Some("tool_use") => FinishReason::ToolCalls,
        Some("refusal") => FinishReason::Refusal,
        Some(other) => FinishReason::Other(other.to_owned()),
    }
}

/// The HTTP status an Anthropic error type stands for (used for errors that
/// arrive inside a stream, after a 200).
pub(crate) fn status_of(error_type: Option<&str>) -> u16 {
    match error_type {
        Some("invalid_request_error") => 400,
        Some("authentication_error") => 401,
        Some("billing_error") => 402,
        Some("permission_error") => 403,
        Some("not_found_error") => 404,
        Some("request_too_large") => 413,
        Some("rate_limit_error") => 429,
        Some("timeout_error") => 504,
        Some("overloaded_error") => 529,
        _ => 500,
    }
}

pub(crate) fn parse_response(body: &[u8]) -> Result<CompletionResponse> {
    let response: MessageResponse<'_> =
        serde_json::from_slice(body).map_err(|err| undecodable("anthropic", err))?;
    let mut text: Option<String> = None;
    let mut calls = Vec::new();
    for block in response.content {
        match &*block.kind {
            "text" => {
                let part = block.text.unwrap_or_default();
                match &mut text {
                    Some(text) => text.push_str(&part),
                    None => text = Some(part.into_owned()),
                }
            }
            "tool_use" => calls.push(ToolCall {
                id: block.id.map(Cow::into_owned).unwrap_or_default(),
                name: block.name.map(Cow::into_owned).unwrap_or_default(),
                arguments: match block.input {
                    Some(input) => input.to_owned(),
                    None => RawValue::from_string("{}".to_owned())?,
                },
            }),
            // Thinking, redacted thinking, server tools: not part of the neutral answer.
            _ => {}
        }
    }
    let mut out = CompletionResponse::tool_calls(calls);
    out.content = text;
    out.finish_reason = stop_reason(response.stop_reason.as_deref());
    out.usage = response.usage.to_usage();
    out.model = response.model.map(Cow::into_owned);
    out.id = response.id.map(Cow::into_owned);
    Ok(out)
}
