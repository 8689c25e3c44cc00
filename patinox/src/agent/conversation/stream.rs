//! The events of a conversation's streaming run.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::Pending;
use crate::agent::{RunEvent, RunStream};
use crate::error::{PatinoxError, Result};

/// The events of a run of a [`Conversation`](super::Conversation), from
/// [`Conversation::run_stream`](super::Conversation::run_stream): those of
/// the run ([`RunStream`]), recorded in the conversation when the run ends.
///
/// It borrows the conversation until it is dropped. Dropping it before
/// [`RunEvent::Finished`] stops the run; the conversation keeps its history
/// and counts the usage the run had spent.
#[must_use = "a run stream does nothing unless polled"]
pub struct ConversationStream<'c, T> {
    events: RunStream<'c, T>,
    /// Taken when the run's outcome is recorded; `None` for a run refused
    /// before it began.
    pending: Option<Pending<'c>>,
}

impl<T> fmt::Debug for ConversationStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConversationStream")
            .field("running", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

impl<'c, T: Send + 'c> ConversationStream<'c, T> {
    pub(super) fn running(events: RunStream<'c, T>, pending: Pending<'c>) -> Self {
        Self {
            events,
            pending: Some(pending),
        }
    }

    /// A stream whose only item is `error`: the run was refused before it began.
    pub(super) fn refused(error: PatinoxError) -> Self {
        Self {
            events: RunStream::new(|_| async move { Err(error) }),
            pending: None,
        }
    }
}

// Nothing is pinned: the run stream is `Unpin`, the rest is plain data.
impl<T> Unpin for ConversationStream<'_, T> {}

impl<T> Stream for ConversationStream<'_, T> {
    type Item = Result<RunEvent<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = match Pin::new(&mut this.events).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        let ending = matches!(item, None | Some(Err(_) | Ok(RunEvent::Finished(_))));
        let Some(record) = this.pending.take_if(|_| ending) else {
            return Poll::Ready(item);
        };
        Poll::Ready(match item {
            Some(Ok(RunEvent::Finished(result))) => {
                Some(record.finish(Ok(result)).map(RunEvent::Finished))
            }
            Some(Err(error)) => Some(record.finish::<T>(Err(error)).map(RunEvent::Finished)),
            other => {
                record.abandon();
                other
            }
        })
    }
}

impl<T> Drop for ConversationStream<'_, T> {
    fn drop(&mut self) {
        if let Some(record) = self.pending.take() {
            record.abandon();
        }
    }
}
