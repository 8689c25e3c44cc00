//! The options of one run, and its usage limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::identity::RunId;
use super::state::RunState;
use super::step::StepExecutor;
use crate::agent::HistoryPolicy;
use crate::durable::Journal;
use crate::error::{ExecutionErrorKind, PatinoxError, Result, UsageLimit};
use crate::model::Message;

/// Options of one run: earlier history, limits, cancellation. `Default` is a
/// fresh run with the runner's own settings.
///
/// ```
/// use patinox::agent::{RunOptions, UsageLimits};
/// use patinox::model::Message;
/// use patinox::agent::CancellationToken;
///
/// let cancel = CancellationToken::new();
/// let options = RunOptions::default()
///     .history(vec![Message::user("Hi"), Message::assistant("Hello!")])
///     .limits(UsageLimits::default().requests(3).total_tokens(10_000))
///     .cancel(cancel.clone());
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
#[must_use = "options do nothing until passed to a run"]
pub struct RunOptions {
    pub(crate) history: Vec<Message>,
    pub(crate) history_policy: Option<Arc<dyn HistoryPolicy>>,
    pub(crate) limits: Option<UsageLimits>,
    pub(crate) cancel: Option<CancellationToken>,
    pub(crate) steps: Option<Arc<dyn StepExecutor>>,
    pub(crate) run_id: Option<RunId>,
    pub(crate) conversation_id: Option<Arc<str>>,
}

impl fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunOptions")
            .field("history", &self.history.len())
            .field("history_policy", &self.history_policy.is_some())
            .field("limits", &self.limits)
            .field("cancel", &self.cancel)
            .field("steps", &self.steps.is_some())
            .field("run_id", &self.run_id)
            .field("conversation_id", &self.conversation_id)
            .finish()
    }
}

impl RunOptions {
    /// Earlier messages of the conversation, oldest first, without the system
    /// instructions (the runner puts its own first). The input follows them.
    pub fn history(mut self, history: Vec<Message>) -> Self {
        self.history = history;
        self
    }

    /// Chooses what part of the history each request sends (default: all of it).
    pub fn history_policy(mut self, policy: Arc<dyn HistoryPolicy>) -> Self {
        self.history_policy = Some(policy);
        self
    }

    /// Limits of this run, instead of the runner's (see [`RunnerBuilder::limits`]).
    ///
    /// [`RunnerBuilder::limits`]: crate::agent::RunnerBuilder::limits
    pub fn limits(mut self, limits: UsageLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Cancels the run when `token` is cancelled: it ends with
    /// [`ExecutionErrorKind::Cancelled`] at its next await point, and the tool
    /// calls in flight are dropped.
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// Runs every step of this run through `steps`, instead of the runner's
    /// (see [`RunnerBuilder::step_executor`]).
    ///
    /// [`RunnerBuilder::step_executor`]: crate::agent::RunnerBuilder::step_executor
    pub fn step_executor(mut self, steps: Arc<dyn StepExecutor>) -> Self {
        self.steps = Some(steps);
        self
    }

    /// Names the run (default: a fresh [`RunId`]). Tools see it in their
    /// [`RunContext`](crate::tool::RunContext), and each tool call's
    /// [`IdempotencyKey`](crate::agent::IdempotencyKey) derives from it, so a
    /// run resumed under the same id gives its calls the same keys.
    pub fn run_id(mut self, run_id: RunId) -> Self {
        self.run_id = Some(run_id);
        self
    }

    /// Makes the run durable: each completed step is recorded in `journal`
    /// before the run goes on, and the steps it already recorded are replayed
    /// instead of run again. The run takes the journal's [`RunId`] and runs
    /// its steps through it instead of any other step executor. See
    /// [`patinox::durable`](crate::durable).
    pub fn durable(self, journal: Journal) -> Self {
        let run_id = journal.run_id().clone();
        self.step_executor(Arc::new(journal)).run_id(run_id)
    }

    /// The conversation this run belongs to, recorded as
    /// `gen_ai.conversation.id` on its `invoke_agent` span.
    /// [`Conversation`](crate::agent::Conversation) sets it to its
    /// [`id`](crate::agent::Conversation::id).
    pub fn conversation_id(mut self, id: impl Into<Arc<str>>) -> Self {
        self.conversation_id = Some(id.into());
        self
    }
}

/// Upper bounds on one run; `None` (the default) is no bound.
///
/// A run that would go past one fails with
/// [`ExecutionErrorKind::UsageLimitExceeded`], naming the [`UsageLimit`] and the
/// value reached. Requests and tool calls are checked before they are made,
/// tokens after each response (the provider reports them), the deadline at
/// every await point.
///
/// ```
/// use std::time::Duration;
/// use patinox::agent::UsageLimits;
///
/// let limits = UsageLimits::default()
///     .requests(5)
///     .tool_calls(10)
///     .output_tokens(2_000)
///     .deadline(Duration::from_secs(60));
/// assert_eq!(limits.requests, Some(5));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UsageLimits {
    /// Model requests.
    pub requests: Option<u64>,
    /// Prompt tokens, summed over the run.
    pub input_tokens: Option<u64>,
    /// Generated tokens, summed over the run.
    pub output_tokens: Option<u64>,
    /// Prompt plus generated tokens.
    pub total_tokens: Option<u64>,
    /// Tool calls.
    pub tool_calls: Option<u64>,
    /// Wall-clock time from the start of the run.
    pub deadline: Option<Duration>,
}

impl UsageLimits {
    /// At most `n` model requests.
    pub fn requests(mut self, n: u64) -> Self {
        self.requests = Some(n);
        self
    }

    /// At most `n` prompt tokens in all.
    pub fn input_tokens(mut self, n: u64) -> Self {
        self.input_tokens = Some(n);
        self
    }

    /// At most `n` generated tokens in all.
    pub fn output_tokens(mut self, n: u64) -> Self {
        self.output_tokens = Some(n);
        self
    }

    /// At most `n` prompt plus generated tokens.
    pub fn total_tokens(mut self, n: u64) -> Self {
        self.total_tokens = Some(n);
        self
    }

    /// At most `n` tool calls.
    pub fn tool_calls(mut self, n: u64) -> Self {
        self.tool_calls = Some(n);
        self
    }

    /// The run must end within `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Checks that one more request is allowed.
    pub(crate) fn before_request(&self, state: &RunState) -> Result<()> {
        check(UsageLimit::Requests, self.requests, state.requests + 1)
    }

    /// Checks the tokens used so far.
    pub(crate) fn after_response(&self, state: &RunState) -> Result<()> {
        let usage = &state.usage;
        check(
            UsageLimit::InputTokens,
            self.input_tokens,
            usage.input_tokens,
        )?;
        check(
            UsageLimit::OutputTokens,
            self.output_tokens,
            usage.output_tokens,
        )?;
        check(
            UsageLimit::TotalTokens,
            self.total_tokens,
            usage.total_tokens(),
        )
    }

    /// Checks that `calls` more tool calls are allowed.
    pub(crate) fn before_tools(&self, state: &RunState, calls: usize) -> Result<()> {
        let reached = state.tool_calls.saturating_add(calls as u64);
        check(UsageLimit::ToolCalls, self.tool_calls, reached)
    }
}

fn check(limit: UsageLimit, bound: Option<u64>, reached: u64) -> Result<()> {
    match bound {
        Some(bound) if reached > bound => Err(exceeded(limit, bound, reached)),
        _ => Ok(()),
    }
}

/// The error of a run that went past `limit`.
pub(crate) fn exceeded(limit: UsageLimit, bound: u64, reached: u64) -> PatinoxError {
    PatinoxError::execution(
        ExecutionErrorKind::UsageLimitExceeded { limit, reached },
        format!("the run would reach {reached} {limit}, over its limit of {bound}"),
    )
}
