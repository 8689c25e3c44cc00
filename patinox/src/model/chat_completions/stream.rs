//! Chat Completions streaming: chunks → deltas, with tool calls reassembled
//! by index (argument fragments concatenated) and usage from the final chunk.

use std::borrow::Cow;

use serde::Deserialize;

use super::wire::{WireFunction, WireUsage, finish_reason};
use crate::model::http::ErrorBody;
use crate::model::sse::SseEvent;
use crate::model::streaming::{Pending, StreamParser, ended_early, json_arguments, undecodable};
use crate::model::{CompletionResponse, StreamEvent, ToolCall};

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: Vec<ChunkChoice<'a>>,
    #[serde(default)]
    usage: Option<WireUsage>,
    /// OpenRouter's mid-stream error.
    #[serde(borrow, default)]
    error: Option<ErrorBody<'a>>,
}

#[derive(Deserialize)]
struct ChunkChoice<'a> {
    #[serde(default)]
    index: u32,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<CallDelta<'a>>>,
}

#[derive(Deserialize)]
struct CallDelta<'a> {
    #[serde(default)]
    index: u32,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    function: Option<WireFunction<'a>>,
}

#[derive(Default)]
struct PartialCall {
    index: u32,
    id: String,
    name: String,
    arguments: String,
}

/// Assembles one response from the chunks of choice 0 (other choices of an
/// `n > 1` request are ignored).
pub(crate) struct ChunkParser {
    provider: &'static str,
    text: String,
    refusal: String,
    calls: Vec<PartialCall>,
    finish_reason: Option<String>,
    response: CompletionResponse,
    saw_usage: bool,
    ended: bool,
}

impl ChunkParser {
    pub(crate) fn new(provider: &'static str) -> Self {
        Self {
            provider,
            text: String::new(),
            refusal: String::new(),
            calls: Vec::new(),
            finish_reason: None,
            response: CompletionResponse::text(""),
            saw_usage: false,
            ended: false,
        }
    }

    fn on_chunk(&mut self, chunk: Chunk<'_>, out: &mut Pending) {
        if let Some(error) = chunk.error {
            // The HTTP status was 200; the body's code says what the error stands for.
            let status = error.status_code().unwrap_or(502);
            self.fail(out, error.into_error(self.provider, status, None).into());
            return;
        }
        if let Some(model) = chunk.model
            && self.response.model.is_none()
        {
            self.response.model = Some(model.into_owned());
        }
        // Every chunk repeats the id; the first is kept.
        if let Some(id) = chunk.id
            && self.response.id.is_none()
        {
            self.response.id = Some(id.into_owned());
        }
        if let Some(usage) = chunk.usage {
            self.response.usage = usage.to_usage();
            self.saw_usage = true;
        }
        for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
            if let Some(delta) = choice.delta {
                self.on_delta(delta, out);
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason.into_owned());
            }
        }
    }

    fn on_delta(&mut self, delta: Delta<'_>, out: &mut Pending) {
        if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
            self.text.push_str(&text);
            out.push_back(Ok(StreamEvent::TextDelta(text.into_owned())));
        }
        if let Some(refusal) = delta.refusal.filter(|t| !t.is_empty()) {
            self.refusal.push_str(&refusal);
            out.push_back(Ok(StreamEvent::RefusalDelta(refusal.into_owned())));
        }
        for call in delta.tool_calls.unwrap_or_default() {
            let slot = match self.calls.iter().position(|c| c.index == call.index) {
                Some(slot) => slot,
                None => {
                    self.calls.push(PartialCall {
                        index: call.index,
                        ..PartialCall::default()
                    });
                    self.calls.len() - 1
                }
            };
            let partial = &mut self.calls[slot];
            if let Some(id) = call.id {
                partial.id = id.into_owned();
            }
            let function = call.function.unwrap_or(WireFunction {
                name: None,
                arguments: None,
            });
            let name = function.name.map(Cow::into_owned);
            if let Some(name) = &name {
                partial.name.clone_from(name);
            }
            let fragment = function.arguments.unwrap_or_default();
            partial.arguments.push_str(&fragment);
            out.push_back(Ok(StreamEvent::ToolCallDelta {
                index: call.index,
                name,
                arguments: fragment.into_owned(),
            }));
        }
    }

    fn fail(&mut self, out: &mut Pending, error: crate::PatinoxError) {
        self.ended = true;
        out.push_back(Err(error));
    }

    fn complete(&mut self, out: &mut Pending) {
        self.ended = true;
        let reason = self.finish_reason.take();
        let refused = !self.refusal.is_empty();
        let mut response = std::mem::replace(&mut self.response, CompletionResponse::text(""));
        response.finish_reason = finish_reason(reason.as_deref(), refused);
        let truncated = reason.as_deref() == Some("length");
        self.calls.sort_by_key(|c| c.index);
        for call in std::mem::take(&mut self.calls) {
            match json_arguments(self.provider, call.arguments) {
                Ok(arguments) => {
                    let call = ToolCall {
                        id: call.id,
                        name: call.name,
                        arguments,
                    };
                    out.push_back(Ok(StreamEvent::ToolCall(call.clone())));
                    response.tool_calls.push(call);
                }
                // A call cut off by the token limit is incomplete, not malformed:
                // `finish_reason: length` tells the caller.
                Err(_) if truncated => {}
                Err(err) => return self.fail(out, err),
            }
        }
        if !self.saw_usage {
            response.usage.requests = 1;
        }
        response.content = (!self.text.is_empty()).then(|| std::mem::take(&mut self.text));
        response.refusal = refused.then(|| std::mem::take(&mut self.refusal));
        out.push_back(Ok(StreamEvent::Done(response)));
    }
}

impl StreamParser for ChunkParser {
    fn on_event(&mut self, event: SseEvent<'_>, out: &mut Pending) {
        if self.ended {
            return;
        }
        if event.data == "[DONE]" {
            return self.complete(out);
        }
        match serde_json::from_str::<Chunk<'_>>(event.data) {
            Ok(chunk) => self.on_chunk(chunk, out),
            Err(err) => self.fail(out, undecodable(self.provider, err)),
        }
    }

    fn on_end(&mut self, out: &mut Pending) {
        if self.ended {
            return;
        }
        // Some compatible servers close the stream after the finishing chunk
        // without sending `[DONE]`; without a finish reason the stream was cut.
        if self.finish_reason.is_some() {
            self.complete(out);
        } else {
            self.fail(out, ended_early(self.provider));
        }
    }
}
