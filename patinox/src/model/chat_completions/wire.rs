//! The Chat Completions wire format: requests serialized from borrowed
//! structs, responses parsed into borrowing structs.

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{NetworkError, NetworkErrorKind, Result};
use crate::model::http::ErrorBody;
use crate::model::streaming::{json_arguments, undecodable};
use crate::model::{
    CompletionRequest, CompletionResponse, FinishReason, Message, ResponseFormat, ToolCall,
    ToolChoice, ToolSpec, Usage,
};

/// Which field carries the token limit: OpenAI replaced `max_tokens` with
/// `max_completion_tokens` (its reasoning models reject the old one), while
/// the compatible local servers only know `max_tokens`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MaxTokensField {
    #[cfg_attr(not(feature = "openai"), allow(dead_code))]
    MaxCompletionTokens,
    MaxTokens,
}

/// A whole request body.
pub(crate) struct ChatRequest<'r, 'a> {
    pub(crate) model: &'r str,
    pub(crate) request: &'r CompletionRequest<'a>,
    pub(crate) stream: bool,
    pub(crate) max_tokens_field: MaxTokensField,
    /// Whether a `response_format` goes into the system prompt rather than
    /// the request's own field.
    pub(crate) schema_in_prompt: bool,
}

impl Serialize for ChatRequest<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let request = self.request;
        let settings = &request.settings;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("model", self.model)?;
        let format = request.response_format.as_ref();
        let (native_format, prompt_format) = if self.schema_in_prompt {
            (None, format)
        } else {
            (format, None)
        };
        map.serialize_entry(
            "messages",
            &Messages {
                messages: request.messages,
                schema_note: prompt_format.map(ResponseFormat::prompt_instructions),
            },
        )?;
        if !request.tools.is_empty() {
            map.serialize_entry("tools", &Tools(request.tools))?;
            match &request.tool_choice {
                ToolChoice::Auto => {}
                ToolChoice::None => map.serialize_entry("tool_choice", "none")?,
                ToolChoice::Required => map.serialize_entry("tool_choice", "required")?,
                ToolChoice::Tool(name) => map.serialize_entry(
                    "tool_choice",
                    &NamedChoice {
                        kind: "function",
                        function: Name { name },
                    },
                )?,
            }
        }
        if let Some(temperature) = settings.temperature {
            map.serialize_entry("temperature", &temperature)?;
        }
        if let Some(top_p) = settings.top_p {
            map.serialize_entry("top_p", &top_p)?;
        }
        if let Some(max) = settings.max_tokens {
            let field = match self.max_tokens_field {
                MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
                MaxTokensField::MaxTokens => "max_tokens",
            };
            map.serialize_entry(field, &max)?;
        }
        if let Some(format) = native_format {
            map.serialize_entry("response_format", &WireFormat(format))?;
        }
        if self.stream {
            map.serialize_entry("stream", &true)?;
            map.serialize_entry(
                "stream_options",
                &StreamOptions {
                    include_usage: true,
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Serialize)]
struct NamedChoice<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: Name<'a>,
}

#[derive(Serialize)]
struct Name<'a> {
    name: &'a str,
}

/// The conversation, with `schema_note` appended to the first system message
/// (or sent as one when there is none).
struct Messages<'a> {
    messages: &'a [Message],
    schema_note: Option<String>,
}

impl Serialize for Messages<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(note) = &self.schema_note else {
            return serializer.collect_seq(self.messages.iter().map(WireMessage::from));
        };
        let mut seq = serializer.serialize_seq(None)?;
        let first_system = self
            .messages
            .iter()
            .position(|m| matches!(m, Message::System { .. }));
        if first_system.is_none() {
            seq.serialize_element(&WireMessage::System { content: note })?;
        }
        for (index, message) in self.messages.iter().enumerate() {
            match message {
                Message::System { content } if Some(index) == first_system => {
                    let content = format!("{content}\n\n{note}");
                    seq.serialize_element(&WireMessage::System { content: &content })?;
                }
                _ => seq.serialize_element(&WireMessage::from(message))?,
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
enum WireMessage<'a> {
    System {
        content: &'a str,
    },
    User {
        content: &'a str,
    },
    Assistant {
        content: Option<&'a str>,
        #[serde(skip_serializing_if = "WireCalls::is_empty")]
        tool_calls: WireCalls<'a>,
    },
    Tool {
        tool_call_id: &'a str,
        content: &'a str,
    },
}

impl<'a> From<&'a Message> for WireMessage<'a> {
    fn from(message: &'a Message) -> Self {
        match message {
            Message::System { content } => Self::System { content },
            Message::User { content } => Self::User { content },
            Message::Assistant {
                content,
                tool_calls,
            } => Self::Assistant {
                content: content.as_deref(),
                tool_calls: WireCalls(tool_calls),
            },
            Message::Tool {
                call_id, content, ..
            } => Self::Tool {
                tool_call_id: call_id,
                content,
            },
        }
    }
}

struct WireCalls<'a>(&'a [ToolCall]);

impl WireCalls<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for WireCalls<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for call in self.0 {
            seq.serialize_element(&WireCallOut {
                id: &call.id,
                kind: "function",
                // The API wants the arguments as a JSON string, not an object.
                function: FunctionOut {
                    name: &call.name,
                    arguments: call.arguments.get(),
                },
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct WireCallOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionOut<'a>,
}

#[derive(Serialize)]
struct FunctionOut<'a> {
    name: &'a str,
    arguments: &'a str,
}

struct Tools<'a>(&'a [ToolSpec]);

impl Serialize for Tools<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|tool| FunctionTool {
            kind: "function",
            function: FunctionDef {
                name: tool.name(),
                description: tool.description(),
                parameters: tool.strict_parameters().unwrap_or(tool.parameters()),
                strict: tool.strict_parameters().map(|_| true),
            },
        }))
    }
}

#[derive(Serialize)]
struct FunctionTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: FunctionDef<'a>,
}

#[derive(Serialize)]
struct FunctionDef<'a> {
    name: &'a str,
    description: &'a str,
    parameters: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    strict: Option<bool>,
}

struct WireFormat<'a>(&'a ResponseFormat);

impl Serialize for WireFormat<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct JsonSchema<'a> {
            name: &'a str,
            schema: &'a RawValue,
            strict: bool,
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "json_schema")?;
        map.serialize_entry(
            "json_schema",
            &JsonSchema {
                name: self.0.name(),
                schema: self.0.schema(),
                strict: self.0.strict(),
            },
        )?;
        map.end()
    }
}

/// A non-streaming response.
#[derive(Deserialize)]
struct ChatResponse<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: FirstChoice<'a>,
    #[serde(default)]
    usage: Option<WireUsage>,
    /// OpenRouter reports some failures inside a 200 response.
    #[serde(borrow, default)]
    error: Option<ErrorBody<'a>>,
}

/// The first of a response's choices (a run asks for one); the others,
/// if any, are skipped without being kept.
#[derive(Default)]
struct FirstChoice<'a>(Option<Choice<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstChoice<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct First<'a>(std::marker::PhantomData<Choice<'a>>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for First<'a> {
            type Value = FirstChoice<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of choices")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let first = seq.next_element()?;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FirstChoice(first))
            }
        }
        deserializer.deserialize_seq(First(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    message: ChoiceMessage<'a>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ChoiceMessage<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<WireCall<'a>>>,
}

#[derive(Deserialize)]
struct WireCall<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    function: WireFunction<'a>,
}

#[derive(Deserialize)]
pub(crate) struct WireFunction<'a> {
    #[serde(borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) arguments: Option<Cow<'a, str>>,
}

/// Token counts; the detail objects are absent or `null` on older models and local servers.
#[derive(Deserialize, Default)]
pub(crate) struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

impl WireUsage {
    pub(crate) fn to_usage(&self) -> Usage {
        let mut usage = Usage::new(
            self.prompt_tokens.unwrap_or(0),
            self.completion_tokens.unwrap_or(0),
        );
        usage.cached_input_tokens = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0);
        usage.reasoning_tokens = self
            .completion_tokens_details
            .as_ref()
            .and_then(|d| d.reasoning_tokens)
            .unwrap_or(0);
        usage
    }
}

pub(crate) fn finish_reason(reason: Option<&str>, refused: bool) -> FinishReason {
    match reason {
        _ if refused => FinishReason::Refusal,
        Some("stop") | None => FinishReason::Stop,
        Some("length") => FinishReason::Length,
        Some("tool_calls" | "function_call") => FinishReason::ToolCalls,
        Some("content_filter") => FinishReason::ContentFilter,
        Some(other) => FinishReason::Other(other.to_owned()),
    }
}

/// Parses a non-streaming response body.
pub(crate) fn parse_response(
    provider: &str,
    status: u16,
    body: &[u8],
) -> Result<CompletionResponse> {
    let response: ChatResponse<'_> =
        serde_json::from_slice(body).map_err(|err| undecodable(provider, err))?;
    if let Some(error) = response.error {
        let status = error.status_code().unwrap_or(status);
        return Err(error.into_error(provider, status, None).into());
    }
    let Some(choice) = response.choices.0 else {
        return Err(NetworkError::new(
            NetworkErrorKind::Decode,
            format!("{provider} returned no choices"),
        )
        .into());
    };
    let message = choice.message;
    let tool_calls = message
        .tool_calls
        .unwrap_or_default()
        .into_iter()
        .map(|call| {
            Ok(ToolCall {
                id: call.id.into_owned(),
                name: call.function.name.map(Cow::into_owned).unwrap_or_default(),
                arguments: json_arguments(
                    provider,
                    call.function
                        .arguments
                        .map(Cow::into_owned)
                        .unwrap_or_default(),
                )?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let refusal = message.refusal.map(Cow::into_owned);
    let mut out = CompletionResponse::tool_calls(tool_calls);
    out.finish_reason = finish_reason(choice.finish_reason.as_deref(), refusal.is_some());
    // Tool-call answers often carry `"content": ""`; no text is no text.
    out.content = message
        .content
        .filter(|c| !c.is_empty())
        .map(Cow::into_owned);
    out.refusal = refusal;
    out.usage = response.usage.unwrap_or_default().to_usage();
    out.model = response.model.map(Cow::into_owned);
    out.id = response.id.map(Cow::into_owned);
    Ok(out)
}
