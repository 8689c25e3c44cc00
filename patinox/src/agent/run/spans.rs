//! Spans of a run, named and attributed per the OpenTelemetry GenAI semantic
//! conventions: `invoke_agent {agent}` per run, `chat {model}` per model
//! call, `execute_tool {tool}` per tool call, the last two children of the
//! first.
//!
//! `tracing` names spans with static strings, so each span's metadata name is
//! the operation (`invoke_agent`, `chat`, `execute_tool`) and its full
//! conventional name is the `otel.name` field, which `tracing-opentelemetry`
//! uses as the exported span name.
//!
//! Without a subscriber that wants them, every span here is disabled: the
//! fields are declared `Empty` and recorded later, and anything that needs an
//! allocation (the `otel.name`, message content) is only built when
//! `!span.is_disabled()`. Retries ([`RetryModel`](crate::model::retry::RetryModel))
//! and fallbacks ([`FallbackModel`](crate::model::fallback::FallbackModel))
//! log `tracing` events inside the current `chat` span, which exporters turn
//! into span events.

use tracing::field::Empty;
use tracing::{Span, info_span};

use crate::error::PatinoxError;
use crate::model::{CompletionResponse, FinishReason, Message, ModelId, ToolCall, Usage};

/// The span of one run of the agent `agent` on `model`, in the conversation
/// `conversation` if it belongs to one.
pub(super) fn invoke_agent(agent: &str, model: &ModelId, conversation: Option<&str>) -> Span {
    let span = info_span!(
        target: "patinox::gen_ai",
        "invoke_agent",
        otel.name = Empty,
        otel.kind = "internal",
        gen_ai.operation.name = "invoke_agent",
        gen_ai.agent.name = agent,
        gen_ai.provider.name = model.provider(),
        gen_ai.request.model = model.model(),
        gen_ai.conversation.id = conversation,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        gen_ai.input.messages = Empty,
        gen_ai.output.messages = Empty,
        error.type = Empty,
    );
    if !span.is_disabled() {
        span.record("otel.name", format!("invoke_agent {agent}"));
    }
    span
}

/// The span of one model call.
pub(super) fn chat(model: &ModelId) -> Span {
    let span = info_span!(
        target: "patinox::gen_ai",
        "chat",
        otel.name = Empty,
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = model.provider(),
        gen_ai.request.model = model.model(),
        gen_ai.response.model = Empty,
        gen_ai.response.id = Empty,
        gen_ai.response.finish_reasons = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        gen_ai.input.messages = Empty,
        gen_ai.output.messages = Empty,
        error.type = Empty,
    );
    if !span.is_disabled() {
        span.record("otel.name", format!("chat {}", model.model()));
    }
    span
}

/// The span of one tool call.
pub(super) fn execute_tool(call: &ToolCall, record_content: bool) -> Span {
    let span = info_span!(
        target: "patinox::gen_ai",
        "execute_tool",
        otel.name = Empty,
        otel.kind = "internal",
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = call.name.as_str(),
        gen_ai.tool.call.id = call.id.as_str(),
        gen_ai.tool.type = "function",
        gen_ai.tool.call.arguments = Empty,
        gen_ai.tool.call.result = Empty,
        error.type = Empty,
    );
    if !span.is_disabled() {
        span.record("otel.name", format!("execute_tool {}", call.name));
        if record_content {
            span.record("gen_ai.tool.call.arguments", call.arguments.get());
        }
    }
    span
}

/// Records the tool's result: an error result sets `error.type`.
pub(super) fn tool_result(span: &Span, result: &Message, record_content: bool) {
    if span.is_disabled() {
        return;
    }
    if let Message::Tool {
        content, is_error, ..
    } = result
    {
        if *is_error {
            span.record("error.type", "tool_error");
        }
        if record_content {
            span.record("gen_ai.tool.call.result", content.as_str());
        }
    }
}

/// Records what a model call answered.
pub(super) fn response(span: &Span, response: &CompletionResponse, record_content: bool) {
    if span.is_disabled() {
        return;
    }
    if let Some(model) = &response.model {
        span.record("gen_ai.response.model", model.as_str());
    }
    if let Some(id) = &response.id {
        span.record("gen_ai.response.id", id.as_str());
    }
    span.record(
        "gen_ai.response.finish_reasons",
        finish_reason(&response.finish_reason),
    );
    usage(span, &response.usage);
    if record_content {
        let output = Message::Assistant {
            content: response.content.clone(),
            tool_calls: response.tool_calls.clone(),
        };
        messages(
            span,
            "gen_ai.output.messages",
            std::slice::from_ref(&output),
        );
    }
}

/// Records token counts, as `i64`: exporters write a `u64` field as text
/// (OpenTelemetry attributes have no unsigned integers).
pub(super) fn usage(span: &Span, usage: &Usage) {
    let signed = |count: u64| i64::try_from(count).unwrap_or(i64::MAX);
    span.record("gen_ai.usage.input_tokens", signed(usage.input_tokens));
    span.record("gen_ai.usage.output_tokens", signed(usage.output_tokens));
}

/// Records `messages` as JSON under `field`, when content is recorded.
pub(super) fn messages(span: &Span, field: &'static str, messages: &[Message]) {
    if span.is_disabled() {
        return;
    }
    if let Ok(json) = serde_json::to_string(messages) {
        span.record(field, json);
    }
}

/// A model call's start, for the `gen_ai.client.*` histograms: empty unless
/// the `otel` feature is on and an exporter is installed
/// ([`crate::otel`]), so that without them measuring costs nothing.
pub(super) struct ChatClock(#[cfg(feature = "otel")] Option<crate::otel::metrics::Started>);

impl ChatClock {
    /// Starts measuring a model call.
    pub(super) fn start() -> Self {
        Self(
            #[cfg(feature = "otel")]
            crate::otel::metrics::start(),
        )
    }

    /// Records the call's duration and tokens.
    #[cfg_attr(not(feature = "otel"), allow(clippy::unused_self))]
    pub(super) fn finish(
        self,
        model: &ModelId,
        outcome: Result<&CompletionResponse, &PatinoxError>,
    ) {
        #[cfg(feature = "otel")]
        if let Some(started) = self.0 {
            started.record(model, outcome.map_err(error_type));
        }
        #[cfg(not(feature = "otel"))]
        let _ = (model, outcome);
    }
}

/// Records the error that ended the operation.
pub(super) fn error(span: &Span, error: &PatinoxError) {
    span.record("error.type", error_type(error));
}

/// The `error.type` of an error: its category, low in cardinality.
fn error_type(error: &PatinoxError) -> &'static str {
    match error {
        PatinoxError::Validation(_) => "validation",
        PatinoxError::Execution(_) => "execution",
        PatinoxError::Network(_) => "network",
        PatinoxError::Provider(_) => "provider",
        PatinoxError::Configuration(_) => "configuration",
    }
}

/// The conventional name of a finish reason.
fn finish_reason(reason: &FinishReason) -> &str {
    match reason {
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
        FinishReason::ToolCalls => "tool_calls",
        FinishReason::ContentFilter => "content_filter",
        FinishReason::Refusal => "refusal",
        FinishReason::Other(other) => other,
    }
}
