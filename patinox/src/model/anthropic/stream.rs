//! Messages API streaming: `message_start`, `content_block_*`,
//! `message_delta`, `message_stop`, `ping` and `error` events.

use std::borrow::Cow;

use serde::Deserialize;

use super::wire::{ContentBlock, WireUsage, status_of, stop_reason};
use crate::error::ProviderError;
use crate::model::sse::SseEvent;
use crate::model::streaming::{Pending, StreamParser, ended_early, json_arguments, undecodable};
use crate::model::{CompletionResponse, FinishReason, StreamEvent, ToolCall};

/// One event's data. A flat struct rather than a tagged enum: serde buffers
/// tagged enums, which breaks borrowing `RawValue`s out of `content_block`.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: u32,
    #[serde(borrow, default)]
    message: Option<StartMessage<'a>>,
    #[serde(borrow, default)]
    content_block: Option<ContentBlock<'a>>,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(borrow, default)]
    error: Option<WireError<'a>>,
}

#[derive(Deserialize)]
struct StartMessage<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: WireUsage,
}

/// A `content_block_delta`'s or a `message_delta`'s `delta`.
#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    partial_json: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WireError<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

struct OpenCall {
    index: u32,
    id: String,
    name: String,
    input: String,
}

/// Assembles one response from the events of a Messages stream.
pub(crate) struct EventParser {
    text: String,
    open: Vec<OpenCall>,
    closed: Vec<OpenCall>,
    usage: WireUsage,
    model: Option<String>,
    id: Option<String>,
    stop_reason: Option<String>,
    ended: bool,
}

impl EventParser {
    pub(crate) fn new() -> Self {
        Self {
            text: String::new(),
            open: Vec::new(),
            closed: Vec::new(),
            usage: WireUsage::default(),
            model: None,
            id: None,
            stop_reason: None,
            ended: false,
        }
    }

    fn on(&mut self, event: Event<'_>, out: &mut Pending) {
        let index = event.index;
        match &*event.kind {
            "message_start" => {
                if let Some(message) = event.message {
                    self.model = message.model.map(Cow::into_owned);
                    self.id = message.id.map(Cow::into_owned);
                    self.usage = message.usage;
                }
            }
            "content_block_start" => {
                if let Some(block) = event.content_block {
                    self.start_block(index, block, out);
                }
            }
            "content_block_delta" => {
                if let Some(delta) = event.delta {
                    self.delta(index, delta, out);
                }
            }
            "content_block_stop" => self.stop_block(index),
            "message_delta" => {
                if let Some(usage) = event.usage {
                    self.usage.merge(usage);
                }
                if let Some(reason) = event.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(reason.into_owned());
                }
            }
            "message_stop" => self.complete(out),
            "error" => {
                let error = event.error.unwrap_or(WireError {
                    kind: None,
                    message: None,
                });
                let status = status_of(error.kind.as_deref());
                let mut err = ProviderError::new(
                    "anthropic",
                    status,
                    error.message.unwrap_or(Cow::Borrowed("stream error")),
                );
                err.error_type = error.kind.map(Cow::into_owned);
                self.fail(out, err.into());
            }
            // `ping` and event types added after this version.
            _ => {}
        }
    }

    fn start_block(&mut self, index: u32, block: ContentBlock<'_>, out: &mut Pending) {
        match &*block.kind {
            "text" => {
                if let Some(text) = block.text.filter(|t| !t.is_empty()) {
                    self.text.push_str(&text);
                    out.push_back(Ok(StreamEvent::TextDelta(text.into_owned())));
                }
            }
            "tool_use" => {
                let name = block.name.map(Cow::into_owned).unwrap_or_default();
                out.push_back(Ok(StreamEvent::ToolCallDelta {
                    index,
                    name: Some(name.clone()),
                    arguments: String::new(),
                }));
                self.open.push(OpenCall {
                    index,
                    id: block.id.map(Cow::into_owned).unwrap_or_default(),
                    name,
                    input: String::new(),
                });
            }
            _ => {}
        }
    }

    fn delta(&mut self, index: u32, delta: Delta<'_>, out: &mut Pending) {
        match delta.kind.as_deref().unwrap_or_default() {
            "text_delta" => {
                if let Some(text) = delta.text {
                    self.text.push_str(&text);
                    out.push_back(Ok(StreamEvent::TextDelta(text.into_owned())));
                }
            }
            "input_json_delta" => {
                let fragment = delta.partial_json.unwrap_or_default();
                if let Some(call) = self.open.iter_mut().find(|c| c.index == index) {
                    call.input.push_str(&fragment);
                }
                out.push_back(Ok(StreamEvent::ToolCallDelta {
                    index,
                    name: None,
                    arguments: fragment.into_owned(),
                }));
            }
            _ => {}
        }
    }

    fn stop_block(&mut self, index: u32) {
        let Some(position) = self.open.iter().position(|c| c.index == index) else {
            return;
        };
        let call = self.open.swap_remove(position);
        // Arguments cut off by `max_tokens` are not JSON; whether that is an
        // error is known only from the stop reason, at the end.
        self.closed.push(call);
    }

    fn fail(&mut self, out: &mut Pending, error: crate::PatinoxError) {
        self.ended = true;
        out.push_back(Err(error));
    }

    fn complete(&mut self, out: &mut Pending) {
        self.ended = true;
        let finish_reason = stop_reason(self.stop_reason.as_deref());
        let mut calls = Vec::with_capacity(self.closed.len());
        self.closed.sort_by_key(|c| c.index);
        for call in std::mem::take(&mut self.closed) {
            match json_arguments("anthropic", call.input) {
                Ok(arguments) => {
                    let call = ToolCall {
                        id: call.id,
                        name: call.name,
                        arguments,
                    };
                    out.push_back(Ok(StreamEvent::ToolCall(call.clone())));
                    calls.push(call);
                }
                Err(_) if finish_reason == FinishReason::Length => {}
                Err(err) => return self.fail(out, err),
            }
        }
        let mut response = CompletionResponse::tool_calls(calls);
        response.content = (!self.text.is_empty()).then(|| std::mem::take(&mut self.text));
        response.finish_reason = finish_reason;
        response.usage = self.usage.to_usage();
        response.model = self.model.take();
        response.id = self.id.take();
        out.push_back(Ok(StreamEvent::Done(response)));
    }
}

impl StreamParser for EventParser {
    fn on_event(&mut self, event: SseEvent<'_>, out: &mut Pending) {
        if self.ended {
            return;
        }
        match serde_json::from_str::<Event<'_>>(event.data) {
            Ok(parsed) => self.on(parsed, out),
            Err(err) => self.fail(out, undecodable("anthropic", err)),
        }
    }

    fn on_end(&mut self, out: &mut Pending) {
        if !self.ended {
            self.fail(out, ended_early("anthropic"));
        }
    }
}
