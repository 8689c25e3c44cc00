//! The journaled form of a step's result.
//!
//! Restate keeps each completed step's result in the invocation's journal and
//! hands it back on replay, possibly to a newer build of the service. The
//! record therefore has its own wire types here, so that a change to
//! [`CompletionResponse`] cannot change what a recorded step means.

use patinox::model::{CompletionResponse, FinishReason, Message, ToolCall, Usage};
use serde::{Deserialize, Serialize};

/// The result of one step, as the journal holds it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Recorded {
    /// A model call's response.
    Model(RecordedResponse),
    /// A tool call's result (or error) message for the model.
    Tool(Message),
}

impl Recorded {
    /// What the record holds, for an error that names it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Model(_) => "a model response",
            Self::Tool(_) => "a tool result",
        }
    }
}

/// A [`CompletionResponse`], field by field.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RecordedResponse {
    content: Option<String>,
    tool_calls: Vec<ToolCall>,
    finish_reason: FinishReason,
    usage: Usage,
    model: Option<String>,
    refusal: Option<String>,
}

impl From<CompletionResponse> for RecordedResponse {
    fn from(response: CompletionResponse) -> Self {
        Self {
            content: response.content,
            tool_calls: response.tool_calls,
            finish_reason: response.finish_reason,
            usage: response.usage,
            model: response.model,
            refusal: response.refusal,
        }
    }
}

impl From<RecordedResponse> for CompletionResponse {
    fn from(recorded: RecordedResponse) -> Self {
        let mut response = CompletionResponse::tool_calls(recorded.tool_calls);
        response.content = recorded.content;
        response.finish_reason = recorded.finish_reason;
        response.usage = recorded.usage;
        response.model = recorded.model;
        response.refusal = recorded.refusal;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> ToolCall {
        ToolCall {
            id: "call_1".into(),
            name: "get_weather".into(),
            arguments: serde_json::value::RawValue::from_string(r#"{"city": "Paris"}"#.into())
                .unwrap(),
        }
    }

    #[test]
    fn a_model_response_survives_the_journal() {
        let mut response = CompletionResponse::tool_calls(vec![call()])
            .with_usage(Usage::new(12, 3))
            .with_model("gpt-test");
        response.content = Some("Looking it up.".into());
        let json = serde_json::to_string(&Recorded::Model(response.clone().into())).unwrap();
        let Recorded::Model(back) = serde_json::from_str(&json).unwrap() else {
            panic!("not a model record: {json}");
        };
        let back = CompletionResponse::from(back);
        assert_eq!(back.content, response.content);
        assert_eq!(back.finish_reason, FinishReason::ToolCalls);
        assert_eq!(back.usage, response.usage);
        assert_eq!(back.model.as_deref(), Some("gpt-test"));
        assert_eq!(back.tool_calls[0].name, "get_weather");
        let arguments: serde_json::Value =
            serde_json::from_str(back.tool_calls[0].arguments.get()).unwrap();
        assert_eq!(arguments, serde_json::json!({"city": "Paris"}));
    }

    #[test]
    fn a_tool_result_survives_the_journal() {
        let message = Message::tool_result(&call(), "22 °C");
        let json = serde_json::to_string(&Recorded::Tool(message.clone())).unwrap();
        let Recorded::Tool(back) = serde_json::from_str(&json).unwrap() else {
            panic!("not a tool record: {json}");
        };
        assert_eq!(back, message);
    }
}
