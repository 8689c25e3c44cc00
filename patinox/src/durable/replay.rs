//! Matching the steps of a resumed run against those its journal recorded.
//!
//! A run's steps come in a fixed order (a model call, then the tool calls it
//! asked for, then the next model call, ...), except that the tool calls of
//! one turn run concurrently and are recorded as they complete. So a model
//! call must be the next recorded entry, and a tool call may be any entry of
//! the group of tool calls at the front.

use std::collections::VecDeque;

use serde_json::Value;
use serde_json::value::RawValue;

use super::entry::{Entry, fingerprint};
use crate::agent::StepId;
use crate::error::{ExecutionErrorKind, PatinoxError, Result};
use crate::model::{CompletionResponse, Message, ToolCall};

/// Where a journaled run stands.
#[derive(Debug)]
pub(super) struct Replay {
    /// The start line's fingerprint: recorded in the file, or computed at
    /// the first model call and not written yet.
    start: Start,
    /// Recorded steps not replayed yet, in the order they were written.
    pending: VecDeque<Entry<'static>>,
}

#[derive(Debug)]
enum Start {
    /// The file has no start line and the run has not begun.
    Fresh,
    /// The file has a start line; the run has not begun.
    Recorded(String),
    /// The run has begun; the start line is still to be written with its
    /// first step.
    Unwritten(String),
    /// The run has begun and the file has its start line.
    Written,
}

impl Replay {
    pub(super) fn new(start: Option<String>, steps: Vec<Entry<'static>>) -> Self {
        Self {
            start: start.map_or(Start::Fresh, Start::Recorded),
            pending: steps.into(),
        }
    }

    /// The recorded response of model call `turn`, or `None` when the
    /// journal ends here and the model must be called.
    pub(super) fn model(
        &mut self,
        turn: u32,
        messages: &[Message],
    ) -> Result<Option<CompletionResponse>> {
        let step = StepId::Model { turn };
        if turn == 1 {
            self.begin(messages)?;
        }
        match self.pending.front() {
            None => Ok(None),
            Some(Entry::Model { turn: recorded, .. }) if *recorded == turn => {
                match self.pending.pop_front() {
                    Some(Entry::Model { response, .. }) => Ok(Some(response.into_owned())),
                    _ => Ok(None),
                }
            }
            Some(recorded) => Err(out_of_order(step, recorded)),
        }
    }

    /// Checks the first request against the start line: a journal records
    /// one run, started from one input.
    fn begin(&mut self, messages: &[Message]) -> Result<()> {
        let started = fingerprint(messages);
        match &self.start {
            Start::Fresh => self.start = Start::Unwritten(started),
            Start::Recorded(recorded) if *recorded == started => self.start = Start::Written,
            Start::Recorded(_) => {
                return Err(diverged(
                    StepId::Model { turn: 1 },
                    "the run starts from other messages (input, history or instructions) \
                     than the journal recorded",
                ));
            }
            Start::Unwritten(_) | Start::Written => {
                return Err(PatinoxError::execution(
                    ExecutionErrorKind::Journal,
                    "a journal records one run, which has already begun: open the journal \
                     again to resume it",
                ));
            }
        }
        Ok(())
    }

    /// The recorded result of tool call `call` of `turn`, or `None` when it
    /// did not complete and must run.
    pub(super) fn tool(&mut self, turn: u32, call: &ToolCall) -> Result<Option<Message>> {
        let step = StepId::Tool {
            turn,
            call_id: call.id.clone(),
        };
        // The tool calls recorded at the front: this turn's, if it is replayed.
        let group = self
            .pending
            .iter()
            .take_while(|entry| matches!(entry, Entry::Tool { .. }))
            .count();
        let found = self.pending.iter().take(group).position(|entry| {
            matches!(entry, Entry::Tool { turn: t, call_id, .. } if *t == turn && *call_id == call.id)
        });
        if let Some(index) = found {
            let Some(Entry::Tool {
                tool,
                arguments,
                result,
                ..
            }) = self.pending.remove(index)
            else {
                return Ok(None);
            };
            if tool != call.name || !same_arguments(&arguments, &call.arguments) {
                let problem = format!(
                    "the journal recorded a call of `{tool}`{}, the run now calls `{}`{}",
                    if tool == call.name {
                        " with other arguments"
                    } else {
                        ""
                    },
                    call.name,
                    if tool == call.name { "" } else { " instead" },
                );
                return Err(diverged(step, &problem));
            }
            return Ok(Some(result.into_owned()));
        }
        // Not recorded. That is a call interrupted before it completed only
        // if the journal ends within this turn's calls.
        let this_turn =
            |entry: &Entry<'_>| matches!(entry, Entry::Tool { turn: t, .. } if *t == turn);
        if group == self.pending.len() && self.pending.iter().all(this_turn) {
            return Ok(None);
        }
        let recorded = self.pending.iter().find(|entry| !this_turn(entry));
        Err(recorded.map_or_else(
            || diverged(step.clone(), "the journal went on without it"),
            |recorded| out_of_order(step.clone(), recorded),
        ))
    }

    /// The start line to write before the first recorded step, once.
    pub(super) fn take_unwritten_start(&mut self) -> Option<String> {
        match std::mem::replace(&mut self.start, Start::Written) {
            Start::Unwritten(start) => Some(start),
            other => {
                self.start = other;
                None
            }
        }
    }
}

/// Whether two argument texts hold the same JSON: a replayed call's
/// arguments went through a parse, so spacing may differ.
fn same_arguments(recorded: &RawValue, now: &RawValue) -> bool {
    recorded.get() == now.get()
        || serde_json::from_str::<Value>(recorded.get()).ok()
            == serde_json::from_str::<Value>(now.get()).ok()
}

fn out_of_order(step: StepId, recorded: &Entry<'_>) -> PatinoxError {
    let problem = match recorded.step() {
        Some(recorded) => format!("the journal recorded the {recorded} at this point"),
        None => "the journal recorded something else at this point".to_owned(),
    };
    diverged(step, &problem)
}

/// An [`ExecutionErrorKind::Diverged`] error at `step`.
fn diverged(step: StepId, problem: &str) -> PatinoxError {
    let message = format!("the resumed run asks for the {step}, but {problem}");
    PatinoxError::execution(ExecutionErrorKind::Diverged { step }, message)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
        ToolCall::new(id, name, arguments).unwrap()
    }

    fn tool_entry(turn: u32, call: &ToolCall) -> Entry<'static> {
        Entry::Tool {
            turn,
            call_id: Cow::Owned(call.id.clone()),
            tool: Cow::Owned(call.name.clone()),
            arguments: Cow::Owned(call.arguments.clone()),
            result: Cow::Owned(Message::tool_result(call, "done")),
        }
    }

    fn model_entry(turn: u32, response: CompletionResponse) -> Entry<'static> {
        Entry::Model {
            turn,
            response: Cow::Owned(response),
        }
    }

    /// A journal of: model 1 → calls a and b; both completed; model 2 answered.
    fn recorded() -> (Replay, [ToolCall; 2], Vec<Message>) {
        let a = call("a", "append", r#"{"line":"x"}"#);
        let b = call("b", "append", r#"{"line":"y"}"#);
        let first = vec![Message::user("go")];
        let steps = vec![
            model_entry(
                1,
                CompletionResponse::tool_calls(vec![a.clone(), b.clone()]),
            ),
            // Completed in the other order than asked.
            tool_entry(1, &b),
            tool_entry(1, &a),
            model_entry(2, CompletionResponse::text("done")),
        ];
        (Replay::new(Some(fingerprint(&first)), steps), [a, b], first)
    }

    fn diverged_at(err: &PatinoxError) -> &StepId {
        match err {
            PatinoxError::Execution(e) => match &e.kind {
                ExecutionErrorKind::Diverged { step } => step,
                other => panic!("expected a divergence, got {other:?}"),
            },
            other => panic!("expected an execution error, got {other:?}"),
        }
    }

    #[test]
    fn a_recorded_run_replays_whatever_order_its_tools_completed_in() {
        let (mut replay, [a, b], first) = recorded();
        assert!(replay.model(1, &first).unwrap().is_some());
        assert!(replay.tool(1, &a).unwrap().is_some());
        assert!(replay.tool(1, &b).unwrap().is_some());
        let answer = replay.model(2, &[]).unwrap().unwrap();
        assert_eq!(answer.content.as_deref(), Some("done"));
        assert!(replay.model(3, &[]).unwrap().is_none(), "the journal ends");
    }

    #[test]
    fn a_different_tool_than_recorded_names_the_step() {
        let (mut replay, [a, _], first) = recorded();
        replay.model(1, &first).unwrap();
        let other = call(&a.id, "delete", &a.arguments.to_string());
        let err = replay.tool(1, &other).unwrap_err();
        assert_eq!(
            diverged_at(&err),
            &StepId::Tool {
                turn: 1,
                call_id: "a".into()
            }
        );
        assert!(err.to_string().contains("`append`"), "{err}");
        assert!(err.to_string().contains("`delete`"), "{err}");
    }

    #[test]
    fn other_arguments_than_recorded_are_a_divergence_but_spacing_is_not() {
        let (mut replay, [a, b], first) = recorded();
        replay.model(1, &first).unwrap();
        let spaced = call("a", "append", r#"{ "line" : "x" }"#);
        assert!(replay.tool(1, &spaced).unwrap().is_some());
        let changed = call(&b.id, "append", r#"{"line":"z"}"#);
        let err = replay.tool(1, &changed).unwrap_err();
        assert_eq!(
            diverged_at(&err),
            &StepId::Tool {
                turn: 1,
                call_id: "b".into()
            }
        );
        assert!(err.to_string().contains("other arguments"), "{err}");
        assert!(
            !err.to_string().contains('z'),
            "arguments stay out of errors: {err}"
        );
        let _ = a;
    }

    #[test]
    fn a_model_call_where_tool_calls_were_recorded_names_the_step() {
        let (mut replay, _, first) = recorded();
        replay.model(1, &first).unwrap();
        // The run skips the recorded tool calls (e.g. a validator now refuses them).
        let err = replay.model(2, &[]).unwrap_err();
        assert_eq!(diverged_at(&err), &StepId::Model { turn: 2 });
        assert!(
            err.to_string().contains(r#"tool call "b" of turn 1"#),
            "{err}"
        );
    }

    #[test]
    fn a_tool_call_the_recorded_run_went_past_is_a_divergence() {
        let (mut replay, [a, b], first) = recorded();
        replay.model(1, &first).unwrap();
        replay.tool(1, &a).unwrap();
        replay.tool(1, &b).unwrap();
        let extra = call("c", "append", "{}");
        let err = replay.tool(1, &extra).unwrap_err();
        assert_eq!(
            diverged_at(&err),
            &StepId::Tool {
                turn: 1,
                call_id: "c".into()
            }
        );
        assert!(err.to_string().contains("model call of turn 2"), "{err}");
    }

    #[test]
    fn an_interrupted_tool_call_runs_again() {
        let a = call("a", "append", "{}");
        let b = call("b", "append", "{}");
        let first = vec![Message::user("go")];
        let steps = vec![
            model_entry(
                1,
                CompletionResponse::tool_calls(vec![a.clone(), b.clone()]),
            ),
            tool_entry(1, &b),
        ];
        let mut replay = Replay::new(Some(fingerprint(&first)), steps);
        replay.model(1, &first).unwrap();
        assert!(replay.tool(1, &a).unwrap().is_none(), "a did not complete");
        assert!(replay.tool(1, &b).unwrap().is_some(), "b did");
        assert!(replay.model(2, &[]).unwrap().is_none());
    }

    #[test]
    fn another_input_than_recorded_is_a_divergence_at_the_first_call() {
        let (mut replay, _, _) = recorded();
        let err = replay
            .model(1, &[Message::user("something else")])
            .unwrap_err();
        assert_eq!(diverged_at(&err), &StepId::Model { turn: 1 });
        assert!(err.to_string().contains("other messages"), "{err}");
    }

    #[test]
    fn the_start_line_is_written_once_with_the_first_step() {
        let first = vec![Message::user("go")];
        let mut replay = Replay::new(None, Vec::new());
        assert!(replay.model(1, &first).unwrap().is_none());
        assert_eq!(replay.take_unwritten_start(), Some(fingerprint(&first)));
        assert_eq!(replay.take_unwritten_start(), None);
        // A second run through the same journal is refused.
        let err = replay.model(1, &first).unwrap_err();
        assert!(err.to_string().contains("one run"), "{err}");
    }
}
