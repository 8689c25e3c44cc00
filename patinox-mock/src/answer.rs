//! The scripted answers, on both wires, as a JSON body or as SSE events.

use bytes::Bytes;
use serde_json::{Value, json};

use crate::arguments::example_for;
use crate::request::{Exchange, Wire};

/// Text deltas of a streamed answer are at most this long.
const MAX_DELTA: usize = 64 * 1024;

/// What the model says.
#[derive(Debug)]
pub(crate) enum Answer {
    /// A call to the first declared tool.
    ToolCall { name: String, arguments: Value },
    /// A final text.
    Text(String),
}

impl Answer {
    /// A call to the first declared tool until a tool result is present,
    /// then `final_text`.
    pub(crate) fn for_exchange(exchange: &Exchange<'_>, final_text: &str) -> Self {
        match &exchange.tool {
            Some((name, schema)) if !exchange.has_tool_result => Answer::ToolCall {
                name: name.to_string(),
                arguments: serde_json::from_str(schema.get())
                    .map_or(json!({}), |schema| example_for(&schema)),
            },
            _ => Answer::Text(final_text.to_owned()),
        }
    }
}

/// Everything a rendered answer needs besides the answer.
pub(crate) struct Render<'a> {
    pub(crate) wire: Wire,
    pub(crate) model: &'a str,
    /// Numbers the ids of this answer.
    pub(crate) serial: u64,
    pub(crate) prompt_tokens: u64,
}

impl Render<'_> {
    fn completion_tokens(answer: &Answer) -> u64 {
        match answer {
            Answer::ToolCall { .. } => 18,
            Answer::Text(text) => (text.len() as u64 / 4).max(1),
        }
    }

    /// The answer as one JSON body.
    pub(crate) fn json(&self, answer: &Answer) -> Vec<u8> {
        let (input, output) = (self.prompt_tokens, Self::completion_tokens(answer));
        let serial = self.serial;
        let body = match self.wire {
            Wire::OpenAi => {
                let (message, finish) = match answer {
                    Answer::ToolCall { name, arguments } => (
                        json!({"role": "assistant", "content": null, "refusal": null,
                            "tool_calls": [{"id": format!("call_mock_{serial}"), "type": "function",
                                "function": {"name": name, "arguments": arguments.to_string()}}]}),
                        "tool_calls",
                    ),
                    Answer::Text(text) => (
                        json!({"role": "assistant", "content": text, "refusal": null}),
                        "stop",
                    ),
                };
                json!({"id": format!("chatcmpl-mock-{serial}"), "object": "chat.completion",
                    "created": 0, "model": self.model,
                    "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
                    "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output}})
            }
            Wire::Anthropic => {
                let (content, stop) = match answer {
                    Answer::ToolCall { name, arguments } => (
                        json!([{"type": "tool_use", "id": format!("toolu_mock_{serial}"),
                            "name": name, "input": arguments}]),
                        "tool_use",
                    ),
                    Answer::Text(text) => (json!([{"type": "text", "text": text}]), "end_turn"),
                };
                json!({"id": format!("msg_mock_{serial}"), "type": "message", "role": "assistant",
                    "model": self.model, "content": content, "stop_reason": stop, "stop_sequence": null,
                    "usage": {"input_tokens": input, "output_tokens": output}})
            }
        };
        body.to_string().into_bytes()
    }

    /// The answer as SSE events, each a complete `data:` (and `event:`) block.
    pub(crate) fn events(&self, answer: &Answer) -> Vec<Bytes> {
        match self.wire {
            Wire::OpenAi => self.openai_events(answer),
            Wire::Anthropic => self.anthropic_events(answer),
        }
    }

    fn openai_events(&self, answer: &Answer) -> Vec<Bytes> {
        let serial = self.serial;
        let chunk = |delta: Value, finish: Value| {
            data(
                &json!({"id": format!("chatcmpl-mock-{serial}"), "object": "chat.completion.chunk",
                "created": 0, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]}),
            )
        };
        let mut events = Vec::new();
        let finish = match answer {
            Answer::ToolCall { name, arguments } => {
                events.push(chunk(
                    json!({"role": "assistant", "content": null, "tool_calls": [{"index": 0,
                        "id": format!("call_mock_{serial}"), "type": "function",
                        "function": {"name": name, "arguments": ""}}]}),
                    Value::Null,
                ));
                events.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": arguments.to_string()}}]}),
                    Value::Null,
                ));
                "tool_calls"
            }
            Answer::Text(text) => {
                events.push(chunk(
                    json!({"role": "assistant", "content": ""}),
                    Value::Null,
                ));
                for piece in deltas(text) {
                    events.push(chunk(json!({"content": piece}), Value::Null));
                }
                "stop"
            }
        };
        events.push(chunk(json!({}), json!(finish)));
        let (input, output) = (self.prompt_tokens, Self::completion_tokens(answer));
        events.push(data(&json!({"id": format!("chatcmpl-mock-{serial}"),
            "object": "chat.completion.chunk", "created": 0, "model": self.model, "choices": [],
            "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output}})));
        events.push(Bytes::from_static(b"data: [DONE]\n\n"));
        events
    }

    fn anthropic_events(&self, answer: &Answer) -> Vec<Bytes> {
        let serial = self.serial;
        let (input, output) = (self.prompt_tokens, Self::completion_tokens(answer));
        let mut events = vec![named(
            "message_start",
            &json!({"type": "message_start", "message": {"id": format!("msg_mock_{serial}"),
                "type": "message", "role": "assistant", "model": self.model, "content": [],
                "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": input, "output_tokens": 1}}}),
        )];
        let delta = |delta: Value| {
            named(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": 0, "delta": delta}),
            )
        };
        let (block, stop) = match answer {
            Answer::ToolCall { name, .. } => (
                json!({"type": "tool_use", "id": format!("toolu_mock_{serial}"), "name": name, "input": {}}),
                "tool_use",
            ),
            Answer::Text(_) => (json!({"type": "text", "text": ""}), "end_turn"),
        };
        events.push(named(
            "content_block_start",
            &json!({"type": "content_block_start", "index": 0, "content_block": block}),
        ));
        match answer {
            Answer::ToolCall { arguments, .. } => events.push(delta(
                json!({"type": "input_json_delta", "partial_json": arguments.to_string()}),
            )),
            Answer::Text(text) => events.extend(
                deltas(text).map(|piece| delta(json!({"type": "text_delta", "text": piece}))),
            ),
        }
        events.push(named(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": 0}),
        ));
        events.push(named(
            "message_delta",
            &json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null},
                "usage": {"output_tokens": output}}),
        ));
        events.push(named("message_stop", &json!({"type": "message_stop"})));
        events
    }
}

/// A JSON body that does not parse, though its framing is complete.
pub(crate) const MALFORMED_BODY: &[u8] =
    br#"{"id":"mock-malformed","choices":[{"index":0,"message":{"role":"assistant","content":"unterminated}]}"#;

/// An SSE event whose JSON does not parse.
pub(crate) fn malformed_event(wire: Wire) -> Bytes {
    Bytes::from_static(match wire {
        Wire::OpenAi => b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"]}\n\n",
        Wire::Anthropic => {
            b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"]}\n\n"
        }
    })
}

/// The wire's JSON error body for `status`.
pub(crate) fn error_body(wire: Wire, status: u16) -> Vec<u8> {
    let message = format!("mock fault: HTTP {status}");
    let body = match wire {
        Wire::OpenAi => {
            let kind = match status {
                429 => "requests",
                500.. => "server_error",
                _ => "invalid_request_error",
            };
            json!({"error": {"message": message, "type": kind, "code": null}})
        }
        Wire::Anthropic => {
            let kind = match status {
                529 => "overloaded_error",
                429 => "rate_limit_error",
                401 => "authentication_error",
                500.. => "api_error",
                _ => "invalid_request_error",
            };
            json!({"type": "error", "error": {"type": kind, "message": message}})
        }
    };
    body.to_string().into_bytes()
}

/// A gateway's HTML error page.
pub(crate) const HTML_PAGE: &[u8] = b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>\n";

/// The text split into word-sized deltas, long runs cut at [`MAX_DELTA`].
fn deltas(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(' ').flat_map(|word| {
        let mut rest = word;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let mut end = rest.len().min(MAX_DELTA);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let (piece, tail) = rest.split_at(end);
            rest = tail;
            Some(piece)
        })
    })
}

fn data(value: &Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

fn named(event: &str, value: &Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {value}\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_cover_the_text_in_bounded_pieces() {
        let long = "x".repeat(MAX_DELTA * 2 + 3);
        let text = format!("It is 22 °C {long} today");
        let pieces: Vec<&str> = deltas(&text).collect();
        assert_eq!(pieces.concat(), text);
        assert!(pieces.iter().all(|p| p.len() <= MAX_DELTA));
        assert_eq!(pieces[0], "It ");
    }
}
