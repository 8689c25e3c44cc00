//! What the mock reads from a request: the wire, whether it streams, the
//! first declared tool and whether a tool result is already present.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// The API a request speaks, chosen by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `POST …/chat/completions`.
    OpenAi,
    /// `POST …/messages`.
    Anthropic,
}

impl Wire {
    /// The wire of a request path, if it is one the mock answers.
    pub fn of_path(path: &str) -> Option<Self> {
        if path.ends_with("/chat/completions") {
            Some(Self::OpenAi)
        } else if path.ends_with("/messages") {
            Some(Self::Anthropic)
        } else {
            None
        }
    }
}

/// The parts of a request that decide the scripted answer.
#[derive(Debug)]
pub(crate) struct Exchange<'a> {
    pub(crate) model: Cow<'a, str>,
    pub(crate) stream: bool,
    /// The first declared tool: its name and its parameters' JSON Schema.
    pub(crate) tool: Option<(Cow<'a, str>, &'a RawValue)>,
    pub(crate) has_tool_result: bool,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    stream: bool,
    #[serde(borrow, default)]
    tools: Vec<ToolDecl<'a>>,
    #[serde(borrow, default)]
    messages: Vec<MessageDecl<'a>>,
}

/// OpenAI nests the tool in `function`; Anthropic does not.
#[derive(Deserialize)]
struct ToolDecl<'a> {
    #[serde(borrow, default)]
    function: Option<Function<'a>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    input_schema: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Function<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    parameters: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct MessageDecl<'a> {
    #[serde(borrow)]
    role: Cow<'a, str>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
}

const EMPTY_SCHEMA: &str = r#"{"type":"object","properties":{}}"#;

impl<'a> Exchange<'a> {
    /// Parses `body`; `None` if it is not a JSON request of that shape.
    pub(crate) fn parse(wire: Wire, body: &'a [u8]) -> Option<Self> {
        let request: Request<'a> = serde_json::from_slice(body).ok()?;
        let tool = request
            .tools
            .into_iter()
            .next()
            .and_then(|tool| match wire {
                Wire::OpenAi => tool.function.map(|f| (f.name, f.parameters)),
                Wire::Anthropic => tool.name.map(|name| (name, tool.input_schema)),
            });
        let empty: &'static RawValue = serde_json::from_str(EMPTY_SCHEMA).ok()?;
        let has_tool_result = request.messages.iter().any(|m| match wire {
            Wire::OpenAi => m.role == "tool",
            Wire::Anthropic => m.role == "user" && m.content.is_some_and(holds_tool_result),
        });
        Some(Self {
            model: request.model.unwrap_or(Cow::Borrowed("mock")),
            stream: request.stream,
            tool: tool.map(|(name, schema)| (name, schema.unwrap_or(empty))),
            has_tool_result,
        })
    }
}

fn holds_tool_result(content: &RawValue) -> bool {
    serde_json::from_str::<Vec<Block<'_>>>(content.get())
        .is_ok_and(|blocks| blocks.iter().any(|b| b.kind == "tool_result"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_requests_name_their_first_tool_and_tool_results() {
        let body = br#"{"model":"gpt","messages":[{"role":"user","content":"hi"},
            {"role":"tool","tool_call_id":"c","content":"22"}],
            "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}]}"#;
        let exchange = Exchange::parse(Wire::OpenAi, body).unwrap();
        assert_eq!(exchange.tool.unwrap().0, "weather");
        assert!(exchange.has_tool_result);
        assert!(!exchange.stream);
    }

    #[test]
    fn anthropic_tool_results_are_content_blocks() {
        let body = br#"{"model":"claude","stream":true,"max_tokens":10,"messages":[
            {"role":"user","content":"hi"},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"22"}]}],
            "tools":[{"name":"weather","input_schema":{"type":"object"}}]}"#;
        let exchange = Exchange::parse(Wire::Anthropic, body).unwrap();
        assert_eq!(exchange.tool.unwrap().0, "weather");
        assert!(exchange.has_tool_result);
        assert!(exchange.stream);
        let first = br#"{"messages":[{"role":"user","content":"tool_result"}]}"#;
        assert!(
            !Exchange::parse(Wire::Anthropic, first)
                .unwrap()
                .has_tool_result
        );
    }
}
