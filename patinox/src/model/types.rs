//! Provider-neutral request and response types.

use std::fmt;
use std::ops::{Add, AddAssign};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ConfigurationError, PatinoxError, Result};

/// One message of a conversation, in a form every provider can be mapped to.
///
/// ```
/// use patinox::model::Message;
///
/// let history = vec![Message::system("Be brief."), Message::user("Hi!")];
/// assert_eq!(history[1].text(), Some("Hi!"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Message {
    /// Instructions for the model.
    System {
        /// The instructions.
        content: String,
    },
    /// What the user said.
    User {
        /// The user's text.
        content: String,
    },
    /// What the model answered: text, tool calls, or both.
    Assistant {
        /// The text of the answer, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        /// The tools the model asked to call, in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
    },
    /// The result of one tool call, sent back to the model.
    Tool {
        /// The [`ToolCall::id`] this answers.
        call_id: String,
        /// The tool's name (some providers want it).
        name: String,
        /// The result, usually JSON text; for an error, a message for the model.
        content: String,
        /// Whether the call failed.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::System {
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::User {
            content: content.into(),
        }
    }

    /// An assistant message with text only.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::Assistant {
            content: Some(content.into()),
            tool_calls: Vec::new(),
        }
    }

    /// A successful tool result.
    pub fn tool_result(call: &ToolCall, content: impl Into<String>) -> Self {
        Self::Tool {
            call_id: call.id.clone(),
            name: call.name.clone(),
            content: content.into(),
            is_error: false,
        }
    }

    /// A failed tool result: `message` tells the model what went wrong.
    pub fn tool_error(call: &ToolCall, message: impl Into<String>) -> Self {
        Self::Tool {
            call_id: call.id.clone(),
            name: call.name.clone(),
            content: message.into(),
            is_error: true,
        }
    }

    /// The message's text, if it has any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::System { content } | Self::User { content } | Self::Tool { content, .. } => {
                Some(content)
            }
            Self::Assistant { content, .. } => content.as_deref(),
        }
    }
}

/// A tool the model asked to call.
///
/// `arguments` stay raw JSON text until the tool parses them, once, into its
/// own parameter type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's id for this call; the result must quote it.
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments, as the JSON text the model produced.
    #[serde(deserialize_with = "raw_json")]
    pub arguments: Box<RawValue>,
}

/// Reads raw JSON where serde buffers the input first, as it does for the
/// internally tagged [`Message`]: `Box<RawValue>` alone cannot be read from a
/// buffer, so the value goes through a `serde_json::Value` on this path (saved
/// conversations and run states, never a provider response).
fn raw_json<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Box<RawValue>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    serde_json::value::to_raw_value(&value).map_err(serde::de::Error::custom)
}

impl ToolCall {
    /// A tool call; `arguments` must be JSON text.
    ///
    /// # Errors
    /// A [`PatinoxError::Validation`] if `arguments` is not valid JSON.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Result<Self> {
        Ok(Self {
            id: id.into(),
            name: name.into(),
            arguments: RawValue::from_string(arguments.into())?,
        })
    }
}

impl PartialEq for ToolCall {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.arguments.get() == other.arguments.get()
    }
}

/// A tool as the model sees it: name, description and a JSON Schema of its arguments.
///
/// The schema is kept as pre-serialized JSON behind an `Arc`, so every request
/// splices the same bytes instead of rebuilding a tree; cloning a `ToolSpec` is cheap.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    name: Arc<str>,
    description: Arc<str>,
    parameters: Arc<RawValue>,
    strict_parameters: Option<Arc<RawValue>>,
}

impl ToolSpec {
    /// A tool spec from a JSON Schema of the arguments.
    ///
    /// The schema must describe an object (`"type": "object"`).
    ///
    /// ```
    /// use patinox::model::ToolSpec;
    /// use serde_json::json;
    ///
    /// let spec = ToolSpec::new(
    ///     "get_weather",
    ///     "Current weather for a city.",
    ///     &json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    /// )?;
    /// assert_eq!(spec.name(), "get_weather");
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if the name is empty or the schema is not an object schema.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: &serde_json::Value,
    ) -> Result<Self> {
        let name = name.into();
        validate_tool_name(&name)?;
        if parameters.get("type").and_then(|t| t.as_str()) != Some("object") {
            return Err(ConfigurationError::new(format!(
                "the parameter schema of tool `{name}` must have \"type\": \"object\""
            ))
            .with_key(name)
            .into());
        }
        let parameters = RawValue::from_string(serde_json::to_string(parameters)?)?;
        Ok(Self {
            name: name.into(),
            description: description.into().into(),
            parameters: parameters.into(),
            strict_parameters: None,
        })
    }

    /// A spec whose arguments are an empty object, standing in for a tool whose
    /// schema could not be built (the tool is refused when it is registered).
    pub(crate) fn placeholder(name: &str, description: &str) -> Self {
        let empty_object = serde_json::json!({"type": "object", "properties": {}});
        // Serializing a literal object cannot fail; `null` keeps this panic-free regardless.
        let parameters = serde_json::value::to_raw_value(&empty_object)
            .unwrap_or_else(|_| RawValue::NULL.to_owned());
        Self {
            name: name.into(),
            description: description.into(),
            parameters: parameters.into(),
            strict_parameters: None,
        }
    }

    /// Adds the OpenAI strict-mode form of the schema, used by providers that support it.
    #[must_use]
    pub fn with_strict_parameters(mut self, strict: Arc<RawValue>) -> Self {
        self.strict_parameters = Some(strict);
        self
    }

    /// The tool's name, unique within an agent.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the tool does, for the model.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The JSON Schema of the arguments (also Anthropic's `input_schema`).
    pub fn parameters(&self) -> &RawValue {
        &self.parameters
    }

    /// The OpenAI strict-mode schema, when the tool has one.
    pub fn strict_parameters(&self) -> Option<&RawValue> {
        self.strict_parameters.as_deref()
    }
}

fn validate_tool_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ConfigurationError::new(format!(
            "invalid tool name {name:?}: use 1 to 64 ASCII letters, digits, `_` or `-`"
        ))
        .into())
    }
}

/// How the model may use tools in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolChoice {
    /// The model decides.
    #[default]
    Auto,
    /// The model must not call tools.
    None,
    /// The model must call some tool.
    Required,
    /// The model must call this tool.
    Tool(String),
}

/// Sampling and length settings of a request; `None` leaves the provider's default.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ModelSettings {
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Upper bound on generated tokens.
    pub max_tokens: Option<u32>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
}

/// A request for one completion. It borrows the conversation and the tool
/// specs, so the history is never copied per turn.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CompletionRequest<'a> {
    /// The conversation so far, oldest first.
    pub messages: &'a [Message],
    /// The tools the model may call.
    pub tools: &'a [ToolSpec],
    /// How the model may use them.
    pub tool_choice: ToolChoice,
    /// Sampling settings.
    pub settings: ModelSettings,
    /// A JSON Schema the answer must follow (structured output), if any.
    pub response_format: Option<ResponseFormat>,
}

/// A JSON Schema the model's text answer must follow (structured output).
///
/// Sent as OpenAI's `response_format: {"type": "json_schema"}` and Anthropic's
/// `output_config.format`. The schema is kept pre-serialized, like a [`ToolSpec`]'s.
#[derive(Debug, Clone)]
pub struct ResponseFormat {
    name: Arc<str>,
    schema: Arc<RawValue>,
    strict: bool,
}

impl ResponseFormat {
    /// A format named `name` (OpenAI requires a name) with `schema`; `strict`
    /// asks the provider to enforce the schema exactly (OpenAI strict mode).
    pub fn json_schema(name: impl Into<Arc<str>>, schema: Arc<RawValue>, strict: bool) -> Self {
        Self {
            name: name.into(),
            schema,
            strict,
        }
    }

    /// The format's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The JSON Schema.
    pub fn schema(&self) -> &RawValue {
        &self.schema
    }

    /// Whether strict mode is requested.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// The request in words, for a model without native structured output.
    #[cfg(feature = "chat-completions")]
    pub(crate) fn prompt_instructions(&self) -> String {
        format!(
            "Give your final answer as a single JSON value, with no other text, \
             that matches this JSON Schema:\n{}",
            self.schema.get()
        )
    }
}

impl<'a> CompletionRequest<'a> {
    /// A request over `messages` with no tools and default settings.
    pub fn new(messages: &'a [Message]) -> Self {
        Self {
            messages,
            tools: &[],
            tool_choice: ToolChoice::Auto,
            settings: ModelSettings::default(),
            response_format: None,
        }
    }

    /// Asks for an answer that follows a JSON Schema.
    #[must_use]
    pub fn with_response_format(mut self, format: ResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Offers `tools` to the model.
    #[must_use]
    pub fn with_tools(mut self, tools: &'a [ToolSpec]) -> Self {
        self.tools = tools;
        self
    }

    /// Sets how the model may use tools.
    #[must_use]
    pub fn with_tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = choice;
        self
    }

    /// Sets sampling settings.
    #[must_use]
    pub fn with_settings(mut self, settings: ModelSettings) -> Self {
        self.settings = settings;
        self
    }
}

/// The model's answer to one request.
///
/// It serializes (as Patinox's own JSON, not a provider's wire format), so
/// that a journal can record it and replay it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CompletionResponse {
    /// The text of the answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The tools the model asked to call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// Tokens used.
    #[serde(default)]
    pub usage: Usage,
    /// The model that answered, as the provider names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider's id of this response (OpenAI's and Anthropic's `id`),
    /// recorded as `gen_ai.response.id` on the `chat` span.
    pub id: Option<String>,
    /// The model's refusal explanation, when it declined to answer (OpenAI `refusal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

impl CompletionResponse {
    /// A final text answer.
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            content: Some(content.into()),
            tool_calls: Vec::new(),
            finish_reason: FinishReason::Stop,
            usage: Usage::default(),
            model: None,
            id: None,
            refusal: None,
        }
    }

    /// A response that asks for `calls`.
    pub fn tool_calls(calls: Vec<ToolCall>) -> Self {
        Self {
            content: None,
            tool_calls: calls,
            finish_reason: FinishReason::ToolCalls,
            usage: Usage::default(),
            model: None,
            id: None,
            refusal: None,
        }
    }

    /// Sets the usage.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// Sets the model name.
    #[must_use]
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the provider's response id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Moves the answer into an assistant [`Message`].
    pub fn into_message(self) -> Message {
        Message::Assistant {
            content: self.content,
            tool_calls: self.tool_calls,
        }
    }
}

/// Why the model stopped generating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FinishReason {
    /// A natural end of the answer.
    Stop,
    /// The token limit was reached; the answer is cut short.
    Length,
    /// The model asked for tool calls.
    ToolCalls,
    /// A content filter stopped the answer.
    ContentFilter,
    /// The model refused to answer.
    Refusal,
    /// A reason this version of Patinox does not know.
    Other(String),
}

/// Tokens used by one request, or summed over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the prompt.
    pub input_tokens: u64,
    /// Tokens generated.
    pub output_tokens: u64,
    /// Prompt tokens served from the provider's cache (part of `input_tokens`).
    pub cached_input_tokens: u64,
    /// Tokens spent on hidden reasoning (part of `output_tokens`).
    pub reasoning_tokens: u64,
    /// Model requests made.
    pub requests: u64,
}

impl Usage {
    /// One request's usage.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Self {
            input_tokens,
            output_tokens,
            cached_input_tokens: 0,
            reasoning_tokens: 0,
            requests: 1,
        }
    }

    /// Input plus output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

impl Add for Usage {
    type Output = Usage;
    fn add(mut self, rhs: Usage) -> Usage {
        self += rhs;
        self
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, rhs: Usage) {
        self.input_tokens = self.input_tokens.saturating_add(rhs.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(rhs.output_tokens);
        self.cached_input_tokens = self
            .cached_input_tokens
            .saturating_add(rhs.cached_input_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(rhs.reasoning_tokens);
        self.requests = self.requests.saturating_add(rhs.requests);
    }
}

/// A model's identity: `provider:model`, e.g. `openai:gpt-4o-mini`.
///
/// ```
/// use patinox::model::ModelId;
///
/// let id: ModelId = "anthropic:claude-sonnet-4-5".parse()?;
/// assert_eq!(id.provider(), "anthropic");
/// assert_eq!(id.model(), "claude-sonnet-4-5");
/// assert_eq!(id.to_string(), "anthropic:claude-sonnet-4-5");
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelId {
    provider: String,
    model: String,
}

impl ModelId {
    /// A model id from its parts.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
        }
    }

    /// The provider part.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The model part.
    pub fn model(&self) -> &str {
        &self.model
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.model)
    }
}

impl FromStr for ModelId {
    type Err = PatinoxError;

    fn from_str(s: &str) -> Result<Self> {
        match s.split_once(':') {
            Some((provider, model)) if !provider.is_empty() && !model.is_empty() => {
                Ok(Self::new(provider, model))
            }
            _ => Err(ConfigurationError::new(format!(
                "invalid model id {s:?}: expected `provider:model`, e.g. `openai:gpt-4o-mini`"
            ))
            .into()),
        }
    }
}
