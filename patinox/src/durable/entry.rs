//! The lines of a journal file: one JSON object per line.
//!
//! ```text
//! {"start":{"version":1,"run_id":"order-42","messages":"5c2f0e7a9b31d4c8"}}
//! {"model":{"turn":1,"response":{"tool_calls":[..],"finish_reason":"tool_calls","usage":{..}}}}
//! {"tool":{"turn":1,"call_id":"call_1","tool":"charge","arguments":{..},"result":{"role":"tool",..}}}
//! ```
//!
//! Entries are externally tagged so that serde reads each straight from the
//! line, without buffering it first: that keeps `arguments` a raw value.

use std::borrow::Cow;
use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::agent::{RunId, StepId};
use crate::model::{CompletionResponse, Message, ToolCall};

/// The format version this code reads and writes.
pub(super) const VERSION: u32 = 1;

/// One line of a journal. Written from borrowed values, read as owned ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Entry<'a> {
    /// The first line: which run, started from which messages.
    Start {
        version: u32,
        run_id: Cow<'a, RunId>,
        /// [`fingerprint`] of the first request's messages.
        messages: Cow<'a, str>,
    },
    /// A completed model call.
    Model {
        turn: u32,
        response: Cow<'a, CompletionResponse>,
    },
    /// A completed tool call: what was asked, and its result.
    Tool {
        turn: u32,
        call_id: Cow<'a, str>,
        tool: Cow<'a, str>,
        arguments: Cow<'a, RawValue>,
        result: Cow<'a, Message>,
    },
}

impl<'a> Entry<'a> {
    pub(super) fn start(run_id: &'a RunId, messages: &'a str) -> Self {
        Self::Start {
            version: VERSION,
            run_id: Cow::Borrowed(run_id),
            messages: Cow::Borrowed(messages),
        }
    }

    pub(super) fn model(turn: u32, response: &'a CompletionResponse) -> Self {
        Self::Model {
            turn,
            response: Cow::Borrowed(response),
        }
    }

    pub(super) fn tool(turn: u32, call: &'a ToolCall, result: &'a Message) -> Self {
        Self::Tool {
            turn,
            call_id: Cow::Borrowed(&call.id),
            tool: Cow::Borrowed(&call.name),
            arguments: Cow::Borrowed(&call.arguments),
            result: Cow::Borrowed(result),
        }
    }

    /// The step this entry completed; `None` for the start line.
    pub(super) fn step(&self) -> Option<StepId> {
        match self {
            Self::Start { .. } => None,
            Self::Model { turn, .. } => Some(StepId::Model { turn: *turn }),
            Self::Tool { turn, call_id, .. } => Some(StepId::Tool {
                turn: *turn,
                call_id: call_id.clone().into_owned(),
            }),
        }
    }

    /// Appends the entry to `out` as one line, newline included.
    pub(super) fn write_line(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        out.push(b'\n');
        Ok(())
    }
}

/// A 64-bit FNV-1a hash of the messages' JSON, in hex: enough to tell that a
/// resumed run starts from other messages than the journal's (not a
/// security check).
pub(super) fn fingerprint(messages: &[Message]) -> String {
    let mut hasher = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing into a hasher cannot fail, and messages always serialize.
    let _ = serde_json::to_writer(&mut hasher, messages);
    format!("{:016x}", hasher.0)
}

struct Fnv(u64);

impl Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{FinishReason, Usage};

    /// Field by field; `RawValue` has no `PartialEq`, so arguments compare as text.
    impl PartialEq for Entry<'_> {
        fn eq(&self, other: &Self) -> bool {
            match (self, other) {
                (
                    Self::Start {
                        version,
                        run_id,
                        messages,
                    },
                    Self::Start {
                        version: v,
                        run_id: r,
                        messages: m,
                    },
                ) => version == v && run_id == r && messages == m,
                (
                    Self::Model { turn, response },
                    Self::Model {
                        turn: t,
                        response: r,
                    },
                ) => turn == t && response == r,
                (
                    Self::Tool {
                        turn,
                        call_id,
                        tool,
                        arguments,
                        result,
                    },
                    Self::Tool {
                        turn: t,
                        call_id: c,
                        tool: n,
                        arguments: a,
                        result: r,
                    },
                ) => {
                    turn == t
                        && call_id == c
                        && tool == n
                        && arguments.get() == a.get()
                        && result == r
                }
                _ => false,
            }
        }
    }

    fn text() -> impl Strategy<Value = String> {
        // Newlines, quotes, backslashes and non-ASCII: what could break a line.
        "[a-z \\n\"\\\\é{}]{0,12}"
    }

    fn call() -> impl Strategy<Value = ToolCall> {
        (text(), "[a-z_]{1,8}", any::<i64>(), text()).prop_map(|(id, name, n, s)| {
            let arguments = serde_json::json!({ "n": n, "s": s }).to_string();
            ToolCall::new(id, name, arguments).expect("arguments are JSON")
        })
    }

    fn response() -> impl Strategy<Value = CompletionResponse> {
        let usage = (0..1_000_000u64, 0..1_000_000u64).prop_map(|(input, output)| Usage {
            input_tokens: input,
            output_tokens: output,
            ..Usage::default()
        });
        let finish = prop_oneof![
            Just(FinishReason::Stop),
            Just(FinishReason::ToolCalls),
            text().prop_map(FinishReason::Other),
        ];
        (
            proptest::option::of(text()),
            proptest::collection::vec(call(), 0..3),
            finish,
            usage,
            proptest::option::of(text()),
        )
            .prop_map(|(content, calls, finish_reason, usage, model)| {
                let mut response = CompletionResponse::tool_calls(calls);
                response.content = content;
                response.finish_reason = finish_reason;
                response.usage = usage;
                response.model = model;
                response
            })
    }

    fn entry() -> impl Strategy<Value = Entry<'static>> {
        prop_oneof![
            (1..100u32, response()).prop_map(|(turn, response)| Entry::Model {
                turn,
                response: Cow::Owned(response),
            }),
            (1..100u32, call(), text(), any::<bool>()).prop_map(|(turn, call, content, failed)| {
                let result = if failed {
                    Message::tool_error(&call, content)
                } else {
                    Message::tool_result(&call, content)
                };
                Entry::Tool {
                    turn,
                    call_id: Cow::Owned(call.id),
                    tool: Cow::Owned(call.name),
                    arguments: Cow::Owned(call.arguments),
                    result: Cow::Owned(result),
                }
            }),
            ("[a-z0-9][a-z0-9._-]{0,20}", any::<u64>()).prop_map(|(id, hash)| Entry::Start {
                version: VERSION,
                run_id: Cow::Owned(RunId::new(id).expect("a valid id")),
                messages: Cow::Owned(format!("{hash:016x}")),
            }),
        ]
    }

    proptest! {
        #[test]
        fn an_entry_is_one_line_and_reads_back_as_written(entry in entry()) {
            let mut line = Vec::new();
            entry.write_line(&mut line).unwrap();
            prop_assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
            prop_assert_eq!(line.last(), Some(&b'\n'));
            let back: Entry<'_> = serde_json::from_slice(&line).unwrap();
            prop_assert_eq!(back, entry);
        }
    }

    #[test]
    fn the_fingerprint_tells_messages_apart() {
        let a = [Message::user("Charge order 42")];
        let b = [Message::user("Charge order 43")];
        assert_eq!(fingerprint(&a), fingerprint(&a));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 16);
    }
}
