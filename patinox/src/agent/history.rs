//! What part of a run's history goes into each request.

use std::borrow::Cow;

use crate::model::{Message, Usage};

/// Chooses the messages sent in each model request of a run, for example to
/// fit a token budget. The loop calls [`window`](Self::window) before every
/// request and [`observe`](Self::observe) after every response.
pub trait HistoryPolicy: Send + Sync {
    /// The messages to send, given the whole history so far (instructions
    /// first, then the conversation in order).
    fn window<'m>(&self, history: &'m [Message]) -> Cow<'m, [Message]>;

    /// The usage the provider reported for a request made of `sent`; an
    /// estimator calibrates itself from it. The default does nothing.
    fn observe(&self, sent: &[Message], usage: &Usage) {
        let _ = (sent, usage);
    }
}
