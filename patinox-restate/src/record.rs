//! The journaled form of a step's result.

use patinox::model::{CompletionResponse, Message};
use serde::{Deserialize, Serialize};

/// The result of one step, as the journal holds it: Patinox's own JSON of
/// the response or message, tagged with the kind of step.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Recorded {
    /// A model call's response.
    Model(CompletionResponse),
    /// A tool call's result (or error) message for the model.
    Tool(Message),
}

#[cfg(test)]
mod tests {
    use super::*;
    use patinox::model::{FinishReason, ToolCall, Usage};

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
        let json = serde_json::to_string(&Recorded::Model(response.clone())).unwrap();
        let Recorded::Model(back) = serde_json::from_str(&json).unwrap() else {
            panic!("not a model record: {json}");
        };
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
