//! What a streaming run reports as it goes.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::agent::RunResult;
use crate::error::Result;
use crate::model::Usage;

/// One event of a streaming run ([`Runner::run_stream`]), in the order things
/// happen. The last item of the stream is [`RunEvent::Finished`], or an error.
///
/// [`Runner::run_stream`]: crate::agent::Runner::run_stream
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RunEvent<T = String> {
    /// More text of the model's answer. A model that cannot stream sends its
    /// whole answer as one delta.
    TextDelta(String),
    /// A fragment of a tool call as the model writes it.
    ToolCallDelta {
        /// Which call of the model's response it belongs to.
        index: u32,
        /// The tool's name, on the call's first fragment.
        name: Option<String>,
        /// More of the arguments' JSON text.
        arguments: String,
    },
    /// A tool call is starting.
    ToolCallStarted {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
    },
    /// A tool call ended.
    ToolFinished {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
        /// Whether it succeeded.
        outcome: ToolOutcome,
        /// How long it ran.
        duration: Duration,
    },
    /// A model turn ended.
    TurnFinished {
        /// The turn (1-based).
        turn: u32,
        /// The tokens of this turn's request.
        usage: Usage,
    },
    /// The answer streamed so far was not accepted (by a validator, or as the
    /// output type), and the model is asked again: the deltas that follow
    /// belong to a new answer.
    OutputRetried {
        /// The turn whose answer was refused.
        turn: u32,
        /// What the model was told.
        feedback: String,
    },
    /// The run ended with this result.
    Finished(RunResult<T>),
}

/// How a tool call ended, in [`RunEvent::ToolFinished`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolOutcome {
    /// The tool returned a result.
    Succeeded,
    /// The tool failed, panicked, timed out, was refused or does not exist;
    /// the message went back to the model.
    Failed(String),
}

impl RunEvent<Infallible> {
    /// The same event in a stream whose result has type `T`.
    fn widen<T>(self) -> RunEvent<T> {
        match self {
            Self::TextDelta(text) => RunEvent::TextDelta(text),
            Self::ToolCallDelta {
                index,
                name,
                arguments,
            } => RunEvent::ToolCallDelta {
                index,
                name,
                arguments,
            },
            Self::ToolCallStarted { id, name } => RunEvent::ToolCallStarted { id, name },
            Self::ToolFinished {
                id,
                name,
                outcome,
                duration,
            } => RunEvent::ToolFinished {
                id,
                name,
                outcome,
                duration,
            },
            Self::TurnFinished { turn, usage } => RunEvent::TurnFinished { turn, usage },
            Self::OutputRetried { turn, feedback } => RunEvent::OutputRetried { turn, feedback },
            Self::Finished(result) => match result.output {},
        }
    }
}

/// Where a streaming run sends its events; a non-streaming run has none.
#[derive(Debug)]
pub(crate) struct Sink(UnboundedSender<RunEvent<Infallible>>);

impl Sink {
    /// Sends `event`; a stream that was dropped no longer listens.
    pub(crate) fn send(&self, event: RunEvent<Infallible>) {
        let _ = self.0.send(event);
    }
}

type RunFuture<'r, T> = Pin<Box<dyn Future<Output = Result<RunResult<T>>> + Send + 'r>>;

/// The events of a streaming run: a [`Stream`] of [`RunEvent`]s that ends
/// with [`RunEvent::Finished`] or an error.
///
/// The run makes progress only while the stream is polled, in the task that
/// polls it: dropping the stream stops the run at once, with its tool calls
/// and its model connection.
#[must_use = "a run stream does nothing unless polled"]
pub struct RunStream<'r, T = String> {
    run: Option<RunFuture<'r, T>>,
    events: UnboundedReceiver<RunEvent<Infallible>>,
    last: Option<Result<RunResult<T>>>,
}

// The result is moved, never pinned: the stream is `Unpin` whatever `T` is.
impl<T> Unpin for RunStream<'_, T> {}

impl<T> fmt::Debug for RunStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunStream")
            .field("running", &self.run.is_some())
            .finish_non_exhaustive()
    }
}

impl<'r, T> RunStream<'r, T> {
    /// A stream over the run that `start` makes from the sink it is given.
    pub(crate) fn new<F>(start: impl FnOnce(Sink) -> F) -> Self
    where
        F: Future<Output = Result<RunResult<T>>> + Send + 'r,
    {
        let (sender, events) = unbounded_channel();
        Self {
            run: Some(Box::pin(start(Sink(sender)))),
            events,
            last: None,
        }
    }
}

impl<T> Stream for RunStream<'_, T> {
    type Item = Result<RunEvent<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Ok(event) = this.events.try_recv() {
            return Poll::Ready(Some(Ok(event.widen())));
        }
        if let Some(run) = &mut this.run {
            let Poll::Ready(result) = run.as_mut().poll(cx) else {
                // Events the run queued while it was polled.
                return match this.events.try_recv() {
                    Ok(event) => Poll::Ready(Some(Ok(event.widen()))),
                    Err(_) => Poll::Pending,
                };
            };
            this.run = None;
            this.last = Some(result);
            if let Ok(event) = this.events.try_recv() {
                return Poll::Ready(Some(Ok(event.widen())));
            }
        }
        Poll::Ready(this.last.take().map(|last| last.map(RunEvent::Finished)))
    }
}
