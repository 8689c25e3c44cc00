//! A token budget for the history sent in each request.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicI64, Ordering};

use super::HistoryPolicy;
use crate::model::{Message, Usage};

/// Tokens counted for every message on top of its text: the role and the
/// provider's framing around it (OpenAI documents three to four).
pub const MESSAGE_OVERHEAD_TOKENS: u64 = 4;

/// Tokens counted for every tool call an assistant message makes, on top of
/// its id, name and arguments.
pub const TOOL_CALL_OVERHEAD_TOKENS: u64 = 4;

/// Bytes of text the estimator counts as one token: about right for English
/// prose and JSON with the tokenizers of OpenAI, Anthropic and Llama models.
pub const BYTES_PER_TOKEN: u64 = 4;

/// Fits the history of each request into a number of input tokens.
///
/// # The estimate
/// A message counts [`MESSAGE_OVERHEAD_TOKENS`] plus one token per
/// [`BYTES_PER_TOKEN`] bytes of its text (rounded up); the text of an
/// assistant message includes the id, name and arguments of each tool call,
/// which also adds [`TOOL_CALL_OVERHEAD_TOKENS`], and a tool result's text
/// includes the call id and tool name. A request's estimate is the sum over
/// its messages plus a *correction*, which starts at zero.
///
/// # Calibration
/// After each response the loop reports the input tokens the provider counted
/// ([`HistoryPolicy::observe`]); the correction becomes that count minus the
/// uncorrected estimate of the messages sent, so the estimate of the same
/// messages is then exactly what the provider reported. The correction absorbs
/// what the messages do not show — the tool definitions, the provider's
/// framing, a tokenizer that is denser or sparser than the rule above — and
/// since a conversation's requests grow a little at a time, the last request
/// predicts the next one well. A response without usage (input tokens of
/// zero, as scripted models report) leaves the correction alone. The
/// correction is one atomic integer: estimating and observing take no lock.
///
/// # Fitting
/// When the estimate of the whole history is within the budget, the history
/// is sent as it is, without copying. Otherwise messages are dropped, oldest
/// first, by these rules:
/// - the instructions (every system message) and the latest user message are
///   always kept;
/// - an assistant message that calls tools is dropped together with the tool
///   results that answer it, never apart from them;
/// - after the instructions, what is sent starts with a user message: an
///   answer whose question was dropped is dropped too.
///
/// If the messages that are always kept do not fit on their own, they are
/// sent anyway and the provider decides (typically a context-length error,
/// which [`recovery_strategy`](crate::PatinoxError::recovery_strategy)
/// classifies as `Fallback`).
///
/// ```
/// use patinox::agent::{HistoryPolicy, TokenBudget};
/// use patinox::model::{Message, Usage};
///
/// let history = vec![
///     Message::system("Be brief."),
///     Message::user("a".repeat(4_000)), // about 1,000 tokens
///     Message::assistant("Noted."),
///     Message::user("What did I say?"),
/// ];
/// let budget = TokenBudget::new(500);
/// let window = budget.window(&history);
/// assert_eq!(window.len(), 2); // the instructions and the latest question
/// assert!(budget.estimate(&window) <= 500);
///
/// // The provider counted 30 input tokens for what was sent: the estimate follows.
/// budget.observe(&window, &Usage::new(30, 5));
/// assert_eq!(budget.estimate(&window), 30);
/// ```
#[derive(Debug)]
pub struct TokenBudget {
    max_input_tokens: u64,
    /// Reported input tokens minus the uncorrected estimate, for the last
    /// request whose usage was observed.
    correction: AtomicI64,
}

impl TokenBudget {
    /// A budget of `max_input_tokens` per request: the model's context window
    /// minus the room its answer needs.
    pub fn new(max_input_tokens: u64) -> Self {
        Self {
            max_input_tokens,
            correction: AtomicI64::new(0),
        }
    }

    /// The number of input tokens a request may use.
    pub fn max_input_tokens(&self) -> u64 {
        self.max_input_tokens
    }

    /// The estimated input tokens of a request made of `messages`, corrected
    /// by the last usage observed.
    pub fn estimate(&self, messages: &[Message]) -> u64 {
        self.corrected(messages.iter().map(message_tokens).sum())
    }

    fn corrected(&self, raw: u64) -> u64 {
        raw.saturating_add_signed(self.correction.load(Ordering::Relaxed))
    }

    fn fits(&self, raw: u64) -> bool {
        self.corrected(raw) <= self.max_input_tokens
    }
}

impl HistoryPolicy for TokenBudget {
    fn window<'m>(&self, history: &'m [Message]) -> Cow<'m, [Message]> {
        let raw = history.iter().map(message_tokens).sum();
        if self.fits(raw) {
            return Cow::Borrowed(history);
        }
        let keep = Trim::new(history).keep(|raw| self.fits(raw), raw);
        Cow::Owned(
            history
                .iter()
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .map(|(message, _)| message.clone())
                .collect(),
        )
    }

    fn observe(&self, sent: &[Message], usage: &Usage) {
        if usage.input_tokens == 0 {
            return;
        }
        let raw: u64 = sent.iter().map(message_tokens).sum();
        let correction = i128::from(usage.input_tokens) - i128::from(raw);
        let correction =
            i64::try_from(correction).unwrap_or(if correction < 0 { i64::MIN } else { i64::MAX });
        self.correction.store(correction, Ordering::Relaxed);
    }
}

/// The uncorrected estimate of one message (see [`TokenBudget`]).
fn message_tokens(message: &Message) -> u64 {
    let (bytes, calls) = match message {
        Message::System { content } | Message::User { content } => (content.len(), 0),
        Message::Assistant {
            content,
            tool_calls,
        } => {
            let calls: usize = tool_calls
                .iter()
                .map(|call| call.id.len() + call.name.len() + call.arguments.get().len())
                .sum();
            (
                content.as_ref().map_or(0, String::len) + calls,
                tool_calls.len(),
            )
        }
        Message::Tool {
            call_id,
            name,
            content,
            ..
        } => (call_id.len() + name.len() + content.len(), 0),
    };
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    let calls = u64::try_from(calls).unwrap_or(u64::MAX);
    MESSAGE_OVERHEAD_TOKENS
        .saturating_add(bytes.div_ceil(BYTES_PER_TOKEN))
        .saturating_add(calls.saturating_mul(TOOL_CALL_OVERHEAD_TOKENS))
}

/// The history cut into the units that are dropped together.
struct Trim<'m> {
    history: &'m [Message],
    /// Runs of messages dropped together, in order: a message other than a
    /// tool result, with the tool results that follow it. System messages
    /// inside a group are kept when it is dropped.
    groups: Vec<Range<usize>>,
    /// The group holding the latest user message, which is never dropped.
    protected: Option<usize>,
}

impl<'m> Trim<'m> {
    fn new(history: &'m [Message]) -> Self {
        let mut groups: Vec<Range<usize>> = Vec::new();
        for (index, message) in history.iter().enumerate() {
            match (message, groups.last_mut()) {
                (Message::Tool { .. } | Message::System { .. }, Some(group)) => {
                    group.end = index + 1;
                }
                (Message::System { .. }, None) => {}
                _ => groups.push(index..index + 1),
            }
        }
        let latest_user = history
            .iter()
            .rposition(|m| matches!(m, Message::User { .. }));
        let protected = latest_user.and_then(|user| groups.iter().position(|g| g.contains(&user)));
        Self {
            history,
            groups,
            protected,
        }
    }

    /// Which messages to keep, given the estimate `raw` of them all and
    /// whether an estimate `fits`.
    fn keep(&self, fits: impl Fn(u64) -> bool, mut raw: u64) -> Vec<bool> {
        let mut keep = vec![true; self.history.len()];
        let droppable = (0..self.groups.len()).filter(|&g| Some(g) != self.protected);
        for group in droppable {
            if fits(raw) {
                break;
            }
            raw = raw.saturating_sub(self.drop_group(group, &mut keep));
        }
        self.drop_unanswered_start(&mut keep);
        keep
    }

    /// Drops the first kept groups before the latest user message while they
    /// do not start with a user message.
    fn drop_unanswered_start(&self, keep: &mut [bool]) {
        let Some(latest) = self.protected else {
            return;
        };
        for group in 0..latest {
            let start = self.groups[group].start;
            if !keep[start] {
                continue;
            }
            if matches!(self.history[start], Message::User { .. }) {
                return;
            }
            self.drop_group(group, keep);
        }
    }

    /// Marks a group's messages, except system messages, as dropped and
    /// returns their estimate.
    fn drop_group(&self, group: usize, keep: &mut [bool]) -> u64 {
        let mut dropped = 0u64;
        for index in self.groups[group].clone() {
            if !matches!(self.history[index], Message::System { .. }) {
                keep[index] = false;
                dropped = dropped.saturating_add(message_tokens(&self.history[index]));
            }
        }
        dropped
    }
}
