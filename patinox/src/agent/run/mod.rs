//! The agent loop: one path for every run, streaming or not.
//!
//! A run sends the history to the model, runs the tools it asks for
//! (concurrently), appends their results, and repeats until the model gives
//! a final answer that the output validators accept and that parses as the
//! output type. Every model call and tool call goes through the step seam
//! ([`StepExecutor`]); the state between turns is a [`RunState`].

mod events;
mod identity;
mod options;
mod spans;
mod state;
mod step;
mod turns;

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tracing::Instrument;

pub use events::{RunEvent, RunStream, ToolOutcome};
pub use identity::{IdempotencyKey, RunId};
pub use options::{RunOptions, UsageLimits};
pub use state::RunState;
pub use step::{ModelStep, StepExecutor, StepId, ToolStep};

use self::events::Sink;
use self::turns::Turns;
use super::structured::{Json, OutputFormat, Text};
use super::{RunResult, Runner};
use crate::error::{ExecutionErrorKind, PatinoxError, Result, UsageLimit, ValidationError};
use crate::model::Message;
use crate::monitor::Event;

impl Runner {
    /// Runs one conversation on `input`, regardless of lifecycle state:
    /// [`run_with`](Self::run_with) with default options.
    ///
    /// # Errors
    /// As [`run_with`](Self::run_with).
    pub async fn run(&self, input: &str) -> Result<RunResult> {
        self.run_with(input, RunOptions::default()).await
    }

    /// Runs one conversation on `input` with `options`.
    ///
    /// # Errors
    /// - a model error, as the model returned it;
    /// - [`PatinoxError::Validation`] when a validator rejects the input, the
    ///   output, or a tool call;
    /// - [`ExecutionErrorKind::MaxTurnsExceeded`] when the model is still
    ///   calling tools after `max_turns` turns;
    /// - [`ExecutionErrorKind::UsageLimitExceeded`] when a [`UsageLimits`]
    ///   bound would be passed;
    /// - [`ExecutionErrorKind::Cancelled`] when the options' token is cancelled.
    ///
    /// A tool that fails, panics, times out or does not exist is not an error
    /// of the run: the model is told, and may try again.
    pub async fn run_with(&self, input: &str, options: RunOptions) -> Result<RunResult> {
        self.run_format::<Text>(input, options, None).await
    }

    /// Runs one conversation on `input` and parses the final answer as `T`,
    /// once. An answer that does not parse goes back to the model with the
    /// error, up to [`RunnerBuilder::output_retries`](crate::agent::RunnerBuilder::output_retries) times; then the run fails
    /// with [`PatinoxError::Validation`]. Build the runner with
    /// [`RunnerBuilder::output::<T>()`](crate::agent::RunnerBuilder::output) so that the
    /// model is asked for `T`'s schema.
    ///
    /// ```
    /// use patinox::agent::{RunOptions, Runner};
    /// use patinox::model::{CompletionResponse, scripted::ScriptedModel};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Answer { value: u32 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> patinox::Result<()> {
    /// let model = ScriptedModel::new([
    ///     CompletionResponse::text("forty-two"),
    ///     CompletionResponse::text(r#"{"value": 42}"#),
    /// ]);
    /// let runner = Runner::builder(model).output::<Answer>().build()?;
    /// let result = runner.run_as::<Answer>("Six times seven?", RunOptions::default()).await?;
    /// assert_eq!(result.output.value, 42);
    /// assert_eq!(result.turns, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`run_with`](Self::run_with).
    ///
    /// [`RunnerBuilder::output_retries`]: super::RunnerBuilder::output_retries
    /// [`RunnerBuilder::output`]: super::RunnerBuilder::output
    pub async fn run_as<T>(&self, input: &str, options: RunOptions) -> Result<RunResult<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.run_format::<Json<T>>(input, options, None).await
    }

    /// Runs one conversation on `input`, streaming its [`RunEvent`]s:
    /// [`run_stream_with`](Self::run_stream_with) with default options.
    pub fn run_stream(&self, input: &str) -> RunStream<'_> {
        self.run_stream_with(input, RunOptions::default())
    }

    /// Runs one conversation on `input` with `options`, streaming its events:
    /// text and tool-call deltas as the model writes them, tool calls, turns,
    /// and finally [`RunEvent::Finished`] with the result (or an error item,
    /// for the errors of [`run_with`](Self::run_with)). Dropping the stream
    /// stops the run.
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use patinox::agent::{RunEvent, Runner};
    /// use patinox::model::{CompletionResponse, scripted::ScriptedModel};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> patinox::Result<()> {
    /// let runner = Runner::builder(ScriptedModel::new([CompletionResponse::text("Hello!")])).build()?;
    /// let mut events = runner.run_stream("Hi");
    /// let mut text = String::new();
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         RunEvent::TextDelta(delta) => text.push_str(&delta),
    ///         RunEvent::Finished(result) => assert_eq!(result.output, text),
    ///         _ => {}
    ///     }
    /// }
    /// assert_eq!(text, "Hello!");
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_stream_with(&self, input: &str, options: RunOptions) -> RunStream<'_> {
        self.stream_format::<Text>(input, options)
    }

    /// [`run_stream_with`](Self::run_stream_with) whose result is parsed as
    /// `T`, as in [`run_as`](Self::run_as).
    pub fn run_stream_as<T>(&self, input: &str, options: RunOptions) -> RunStream<'_, T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.stream_format::<Json<T>>(input, options)
    }

    /// The streaming run of output format `F`.
    pub(crate) fn stream_format<F: OutputFormat>(
        &self,
        input: &str,
        options: RunOptions,
    ) -> RunStream<'_, F::Output> {
        let input = input.to_owned();
        RunStream::new(move |sink| async move {
            self.run_format::<F>(&input, options, Some(&sink)).await
        })
    }

    /// The one run path: every entry point ends here.
    pub(crate) async fn run_format<F: OutputFormat>(
        &self,
        input: &str,
        options: RunOptions,
        sink: Option<&Sink>,
    ) -> Result<RunResult<F::Output>> {
        self.emit(&Event::RunStarted {
            agent: &self.name,
            input,
        });
        let limits = options.limits.as_ref().unwrap_or(&self.limits);
        let turns = Turns {
            runner: self,
            limits,
            policy: options.history_policy.as_deref(),
            steps: options.steps.as_deref().or(self.steps.as_deref()),
            sink,
            // Generated on first use: a run without tool calls never needs one.
            run_id: options
                .run_id
                .clone()
                .map(OnceLock::from)
                .unwrap_or_default(),
        };
        let span = spans::invoke_agent(
            &self.name,
            self.model.id(),
            options.conversation_id.as_deref(),
        );
        // Boxed once per run: the loop's state machine holds a model step and a
        // tool step and passes clippy's `large_futures` size, which the
        // caller's future would otherwise inherit.
        let run = Box::pin(turns.drive::<F>(input, &options.history));
        let result = bounded(run.instrument(span.clone()), limits.deadline, &options).await;
        match &result {
            Ok(done) => {
                spans::usage(&span, &done.usage);
                if self.record_content {
                    spans::messages(&span, "gen_ai.output.messages", last(&done.messages));
                }
                self.emit(&Event::RunFinished {
                    turns: done.turns,
                    usage: &done.usage,
                });
            }
            Err(error) => {
                spans::error(&span, error);
                self.emit(&Event::RunFailed { error });
            }
        }
        result
    }

    /// The messages a run starts from: instructions, earlier history, input.
    pub(super) fn first_messages(&self, history: &[Message], input: &str) -> Vec<Message> {
        let mut messages = Vec::with_capacity(history.len() + 8);
        if let Some(instructions) = &self.instructions {
            messages.push(Message::system(instructions.as_str()));
        }
        messages.extend_from_slice(history);
        messages.push(Message::user(input));
        messages
    }

    pub(super) fn validation_failure(&self, validator: &str, message: String) -> PatinoxError {
        self.emit(&Event::ValidationFailed {
            validator,
            message: &message,
        });
        ValidationError::new(message).with_field(validator).into()
    }
}

/// The last message of `messages`, as a slice: a run's final answer.
fn last(messages: &[Message]) -> &[Message] {
    &messages[messages.len().saturating_sub(1)..]
}

/// `run`, ended early by the deadline or the cancellation token.
async fn bounded<R>(
    run: impl Future<Output = Result<R>>,
    deadline: Option<Duration>,
    options: &RunOptions,
) -> Result<R> {
    let timed = async {
        match deadline {
            Some(deadline) => tokio::time::timeout(deadline, run)
                .await
                .unwrap_or_else(|_| Err(deadline_passed(deadline))),
            None => run.await,
        }
    };
    match &options.cancel {
        Some(token) => token.run_until_cancelled(timed).await.unwrap_or_else(|| {
            Err(PatinoxError::execution(
                ExecutionErrorKind::Cancelled,
                "the run was cancelled",
            ))
        }),
        None => timed.await,
    }
}

fn deadline_passed(deadline: Duration) -> PatinoxError {
    let reached = u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX);
    PatinoxError::execution(
        ExecutionErrorKind::UsageLimitExceeded {
            limit: UsageLimit::Deadline,
            reached,
        },
        format!("the run did not finish within its deadline of {deadline:?}"),
    )
}
