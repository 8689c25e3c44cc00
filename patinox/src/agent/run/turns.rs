//! The turns of a run: model calls, answers judged, tool calls.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Instant;

use futures_util::future::join_all;
use tracing::Instrument;

use super::events::Sink;
use super::spans;
use super::step::{self, ModelStep, StepExecutor, StepId, ToolStep};
use super::{RunEvent, RunId, RunState, ToolOutcome, UsageLimits};
use crate::agent::structured::OutputFormat;
use crate::agent::{HistoryPolicy, RunResult, Runner};
use crate::error::{ExecutionErrorKind, PatinoxError, Result};
use crate::model::{CompletionRequest, CompletionResponse, Message, ToolCall};
use crate::monitor::Event;
use crate::tool::{RunContext, ToolSet};
use crate::validate::{ValidationTarget, Verdict, run_stage};
use tracing::Span;

/// The validator name of a final answer that does not parse as the output type.
const OUTPUT: &str = "structured_output";

/// What one run needs at every turn, besides its state.
pub(super) struct Turns<'r> {
    pub(super) runner: &'r Runner,
    pub(super) limits: &'r UsageLimits,
    pub(super) policy: Option<&'r dyn HistoryPolicy>,
    pub(super) steps: Option<&'r dyn StepExecutor>,
    pub(super) sink: Option<&'r Sink>,
    pub(super) run_id: OnceLock<RunId>,
}

impl Turns<'_> {
    pub(super) async fn drive<F: OutputFormat>(
        &self,
        input: &str,
        history: &[Message],
    ) -> Result<RunResult<F::Output>> {
        let runner = self.runner;
        if let Some(error) = self.judge_input(input).await {
            return Err(error);
        }
        let mut state = RunState::new(runner.first_messages(history, input));
        if runner.record_content {
            spans::messages(&Span::current(), "gen_ai.input.messages", &state.messages);
        }
        // Borrowed until a tool source changes: a run without sources copies nothing.
        let mut tools = Cow::Borrowed(&runner.tools);
        while state.turn < runner.max_turns {
            state.turn += 1;
            if let Some(changed) = runner.changed_tools().await? {
                tools = Cow::Owned(changed);
            }
            let response = self.model_call(&mut state, &tools).await?;
            if !response.tool_calls.is_empty() {
                self.tool_calls(&mut state, response, &tools).await?;
                continue;
            }
            let answer = response.content.unwrap_or_default();
            if let Some(output) = self.judge_answer::<F>(&mut state, answer).await? {
                return Ok(RunResult {
                    output,
                    messages: state.messages,
                    usage: state.usage,
                    turns: state.turn,
                });
            }
        }
        Err(PatinoxError::execution(
            ExecutionErrorKind::MaxTurnsExceeded {
                max_turns: runner.max_turns,
            },
            format!(
                "the model was still calling tools after {} turns; raise `max_turns` or check the tools' results",
                runner.max_turns
            ),
        ))
    }

    async fn judge_input(&self, input: &str) -> Option<PatinoxError> {
        match run_stage(&self.runner.validators, ValidationTarget::Input(input)).await {
            Verdict::Retry {
                validator,
                feedback: message,
            }
            | Verdict::Reject {
                validator,
                reason: message,
            } => Some(self.runner.validation_failure(validator, message)),
            _ => None,
        }
    }

    /// One model request, through the step seam, within the limits.
    async fn model_call(
        &self,
        state: &mut RunState,
        tools: &ToolSet,
    ) -> Result<CompletionResponse> {
        let runner = self.runner;
        let turn = state.turn;
        self.limits.before_request(state)?;
        runner.emit(&Event::ModelRequest {
            turn,
            messages: state.messages.len(),
        });
        let sent = match self.policy {
            Some(policy) => policy.window(&state.messages),
            None => Cow::Borrowed(state.messages.as_slice()),
        };
        let mut request = CompletionRequest::new(&sent)
            .with_tools(tools.specs())
            .with_settings(runner.settings.clone());
        request.response_format.clone_from(&runner.output_format);
        let step = ModelStep {
            id: StepId::Model { turn },
            request,
            model: &*runner.model,
            sink: self.sink,
        };
        let span = spans::chat(runner.model.id());
        if runner.record_content {
            spans::messages(&span, "gen_ai.input.messages", &sent);
        }
        let clock = spans::ChatClock::start();
        let response = match self.steps {
            Some(steps) => steps.model_call(step).instrument(span.clone()).await,
            None => step.run().instrument(span.clone()).await,
        };
        clock.finish(runner.model.id(), response.as_ref());
        let response = response.inspect_err(|error| spans::error(&span, error))?;
        spans::response(&span, &response, runner.record_content);
        if let Some(policy) = self.policy {
            policy.observe(&sent, &response.usage);
        }
        state.requests += 1;
        state.usage += response.usage;
        runner.emit(&Event::ModelResponse {
            turn,
            finish_reason: &response.finish_reason,
            usage: &response.usage,
            tool_calls: response.tool_calls.len(),
        });
        if let Some(sink) = self.sink {
            sink.send(RunEvent::TurnFinished {
                turn,
                usage: response.usage,
            });
        }
        self.limits.after_response(state)?;
        Ok(response)
    }

    /// Judges a final answer: its output, or `None` when the model was asked
    /// to answer again.
    async fn judge_answer<F: OutputFormat>(
        &self,
        state: &mut RunState,
        answer: String,
    ) -> Result<Option<F::Output>> {
        let runner = self.runner;
        let last_turn = state.turn == runner.max_turns;
        let feedback = match run_stage(&runner.validators, ValidationTarget::Output(&answer)).await
        {
            Verdict::Reject { validator, reason } => {
                return Err(runner.validation_failure(validator, reason));
            }
            Verdict::Retry {
                validator,
                feedback,
            } if last_turn => {
                // No turn is left to answer the feedback: the run failed
                // validation, not the turn limit.
                let turn = state.turn;
                let reason = format!("{feedback} (still not accepted after {turn} turns)");
                return Err(runner.validation_failure(validator, reason));
            }
            Verdict::Retry {
                validator,
                feedback,
            } => {
                runner.emit(&Event::ValidationFailed {
                    validator,
                    message: &feedback,
                });
                feedback
            }
            _ => match F::parse(&answer) {
                Ok(output) => {
                    state.messages.push(Message::assistant(answer));
                    return Ok(Some(output));
                }
                Err(error) => self.unparsable(state, &error, last_turn)?,
            },
        };
        if let Some(sink) = self.sink {
            sink.send(RunEvent::OutputRetried {
                turn: state.turn,
                feedback: feedback.clone(),
            });
        }
        state.messages.push(Message::assistant(answer));
        state.messages.push(Message::user(feedback));
        Ok(None)
    }

    /// The feedback for an answer that does not parse, or the run's error
    /// once the retry budget or the turns are used up.
    fn unparsable(&self, state: &mut RunState, error: &str, last_turn: bool) -> Result<String> {
        let runner = self.runner;
        state.output_retries += 1;
        if last_turn || state.output_retries > runner.output_retries {
            let tries = state.output_retries;
            return Err(runner.validation_failure(
                OUTPUT,
                format!(
                    "the final answer is not valid JSON for the requested output type \
                     after {tries} tries: {error}"
                ),
            ));
        }
        runner.emit(&Event::ValidationFailed {
            validator: OUTPUT,
            message: error,
        });
        Ok(format!(
            "Your answer could not be parsed: {error}. Answer again with only the JSON value \
             of the requested schema."
        ))
    }

    /// Runs a turn's tool calls concurrently and appends their results.
    async fn tool_calls(
        &self,
        state: &mut RunState,
        response: CompletionResponse,
        tools: &ToolSet,
    ) -> Result<()> {
        let calls = response.tool_calls.len();
        self.limits.before_tools(state, calls)?;
        let run_id = self.run_id.get_or_init(RunId::generate).clone();
        let context = self
            .runner
            .context
            .clone()
            .at_turn(state.turn)
            .in_run(run_id);
        let results = join_all(
            response
                .tool_calls
                .iter()
                .map(|call| self.tool_call(call, &context, tools)),
        )
        .await;
        state.tool_calls += calls as u64;
        state.messages.push(Message::Assistant {
            content: response.content,
            tool_calls: response.tool_calls,
        });
        for result in results {
            state.messages.push(result?);
        }
        Ok(())
    }

    /// One tool call: every failure becomes an error result for the model,
    /// except a validator's rejection, which ends the run.
    async fn tool_call(
        &self,
        call: &ToolCall,
        context: &RunContext,
        tools: &ToolSet,
    ) -> Result<Message> {
        let runner = self.runner;
        if tools.get(&call.name).is_none() {
            return Ok(step::unknown_tool(call, tools));
        }
        let target = ValidationTarget::ToolCall {
            name: &call.name,
            arguments: &call.arguments,
        };
        match run_stage(&runner.validators, target).await {
            Verdict::Retry {
                validator,
                feedback,
            } => {
                runner.emit(&Event::ValidationFailed {
                    validator,
                    message: &feedback,
                });
                return Ok(Message::tool_error(call, feedback));
            }
            Verdict::Reject { validator, reason } => {
                return Err(runner.validation_failure(validator, reason));
            }
            _ => {}
        }
        self.tool_step(call, context, tools).await
    }

    /// Runs a validated tool call through the step seam.
    async fn tool_step(
        &self,
        call: &ToolCall,
        context: &RunContext,
        tools: &ToolSet,
    ) -> Result<Message> {
        let runner = self.runner;
        runner.emit(&Event::ToolStarted {
            name: &call.name,
            call_id: &call.id,
        });
        if let Some(sink) = self.sink {
            sink.send(RunEvent::ToolCallStarted {
                id: call.id.clone(),
                name: call.name.clone(),
            });
        }
        let started = Instant::now();
        let context = context.clone().for_call(call.id.as_str());
        let step = ToolStep {
            id: StepId::Tool {
                turn: context.turn(),
                call_id: call.id.clone(),
            },
            call,
            tools,
            context: &context,
            timeout: runner.tool_timeout,
        };
        let span = spans::execute_tool(call, runner.record_content);
        let message = match self.steps {
            Some(steps) => steps.tool_call(step).instrument(span.clone()).await,
            None => Ok(step.run().instrument(span.clone()).await),
        };
        let message = message.inspect_err(|error| spans::error(&span, error))?;
        spans::tool_result(&span, &message, runner.record_content);
        let failure = match &message {
            Message::Tool {
                is_error: true,
                content,
                ..
            } => Some(content.as_str()),
            _ => None,
        };
        let duration = started.elapsed();
        runner.emit(&Event::ToolFinished {
            name: &call.name,
            call_id: &call.id,
            ok: failure.is_none(),
            duration,
        });
        if let Some(sink) = self.sink {
            sink.send(RunEvent::ToolFinished {
                id: call.id.clone(),
                name: call.name.clone(),
                outcome: failure.map_or(ToolOutcome::Succeeded, |m| ToolOutcome::Failed(m.into())),
                duration,
            });
        }
        Ok(message)
    }
}
