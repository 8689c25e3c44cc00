//! Usage limits of a whole conversation, and the usage its runs spend.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::agent::{HistoryPolicy, UsageLimits};
use crate::error::{ExecutionErrorKind, PatinoxError, Result, UsageLimit};
use crate::model::{Message, Usage};

/// What a conversation has used so far, counted against its limits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Used {
    pub(super) usage: Usage,
    pub(super) tool_calls: u64,
    pub(super) age: Duration,
}

impl Used {
    fn of(&self, limit: UsageLimit) -> u64 {
        match limit {
            UsageLimit::Requests => self.usage.requests,
            UsageLimit::InputTokens => self.usage.input_tokens,
            UsageLimit::OutputTokens => self.usage.output_tokens,
            UsageLimit::TotalTokens => self.usage.total_tokens(),
            UsageLimit::ToolCalls => self.tool_calls,
            UsageLimit::Deadline => millis(self.age),
        }
    }
}

/// The conversation's limits and those of each run, combined.
#[derive(Debug, Clone, Copy)]
pub(super) struct Allowance {
    conversation: UsageLimits,
    run: UsageLimits,
    used: Used,
}

const COUNTED: [UsageLimit; 5] = [
    UsageLimit::Requests,
    UsageLimit::InputTokens,
    UsageLimit::OutputTokens,
    UsageLimit::TotalTokens,
    UsageLimit::ToolCalls,
];

impl Allowance {
    pub(super) fn new(conversation: UsageLimits, run: UsageLimits, used: Used) -> Self {
        Self {
            conversation,
            run,
            used,
        }
    }

    /// Refuses a run when the conversation has no tokens left: any request
    /// would spend some before the limit could stop it.
    pub(super) fn check_before_run(&self) -> Result<()> {
        let tokens = [
            UsageLimit::InputTokens,
            UsageLimit::OutputTokens,
            UsageLimit::TotalTokens,
        ];
        for limit in tokens {
            if let Some(bound) = bound(&self.conversation, limit) {
                let used = self.used.of(limit);
                if used >= bound {
                    return Err(PatinoxError::execution(
                        ExecutionErrorKind::UsageLimitExceeded {
                            limit,
                            reached: used,
                        },
                        format!("the conversation has used {used} {limit} of its limit of {bound}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The limits of the next run: for each, the run's own or what the
    /// conversation has left, whichever is lower.
    pub(super) fn run_limits(&self) -> UsageLimits {
        let mut limits = self.run;
        for limit in COUNTED {
            let left = self.left(limit);
            if let Some(left) = left
                && bound(&self.run, limit).is_none_or(|own| left < own)
            {
                set_bound(&mut limits, limit, left);
            }
        }
        if let Some(deadline) = self.conversation.deadline {
            let left = deadline.saturating_sub(self.used.age);
            if self.run.deadline.is_none_or(|own| left < own) {
                limits.deadline = Some(left);
            }
        }
        limits
    }

    /// A run's error, restated for the conversation when it was the
    /// conversation's limit, not the run's, that ended it.
    pub(super) fn restate(&self, error: PatinoxError) -> PatinoxError {
        let PatinoxError::Execution(detail) = &error else {
            return error;
        };
        let ExecutionErrorKind::UsageLimitExceeded { limit, reached } = detail.kind else {
            return error;
        };
        let Some(conversation_bound) = bound(&self.conversation, limit) else {
            return error;
        };
        let conversation_binds = match (self.left(limit), bound(&self.run, limit)) {
            (Some(left), Some(own)) => left < own,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !conversation_binds {
            return error;
        }
        let reached = match limit {
            UsageLimit::Deadline => reached.saturating_add(millis(self.used.age)),
            _ => reached.saturating_add(self.used.of(limit)),
        };
        PatinoxError::execution(
            ExecutionErrorKind::UsageLimitExceeded { limit, reached },
            format!(
                "the conversation would reach {reached} {limit}, over its limit of {conversation_bound}"
            ),
        )
    }

    /// What the conversation has left of `limit`, if it bounds it.
    fn left(&self, limit: UsageLimit) -> Option<u64> {
        match limit {
            UsageLimit::Deadline => self
                .conversation
                .deadline
                .map(|deadline| millis(deadline.saturating_sub(self.used.age))),
            _ => bound(&self.conversation, limit).map(|b| b.saturating_sub(self.used.of(limit))),
        }
    }
}

fn bound(limits: &UsageLimits, limit: UsageLimit) -> Option<u64> {
    match limit {
        UsageLimit::Requests => limits.requests,
        UsageLimit::InputTokens => limits.input_tokens,
        UsageLimit::OutputTokens => limits.output_tokens,
        UsageLimit::TotalTokens => limits.total_tokens,
        UsageLimit::ToolCalls => limits.tool_calls,
        UsageLimit::Deadline => limits.deadline.map(millis),
    }
}

fn set_bound(limits: &mut UsageLimits, limit: UsageLimit, value: u64) {
    match limit {
        UsageLimit::Requests => limits.requests = Some(value),
        UsageLimit::InputTokens => limits.input_tokens = Some(value),
        UsageLimit::OutputTokens => limits.output_tokens = Some(value),
        UsageLimit::TotalTokens => limits.total_tokens = Some(value),
        UsageLimit::ToolCalls => limits.tool_calls = Some(value),
        UsageLimit::Deadline => limits.deadline = Some(Duration::from_millis(value)),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The conversation's history policy, also adding up the usage of every
/// response of a run, so that a run that fails still counts what it spent.
pub(super) struct Metered {
    policy: Arc<dyn HistoryPolicy>,
    spent: Mutex<Usage>,
}

impl Metered {
    pub(super) fn new(policy: Arc<dyn HistoryPolicy>) -> Arc<Self> {
        Arc::new(Self {
            policy,
            spent: Mutex::new(Usage::default()),
        })
    }

    /// The usage of the responses observed so far.
    pub(super) fn spent(&self) -> Usage {
        *self.spent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl HistoryPolicy for Metered {
    fn window<'m>(&self, history: &'m [Message]) -> Cow<'m, [Message]> {
        self.policy.window(history)
    }

    fn observe(&self, sent: &[Message], usage: &Usage) {
        // Every response answers a request, whether or not the model says so.
        let mut counted = *usage;
        counted.requests = counted.requests.max(1);
        *self.spent.lock().unwrap_or_else(PoisonError::into_inner) += counted;
        self.policy.observe(sent, usage);
    }
}

/// When a conversation started, for its deadline.
#[derive(Debug, Clone, Copy)]
pub(super) struct Started(Instant);

impl Started {
    pub(super) fn now() -> Self {
        Self(Instant::now())
    }

    pub(super) fn age(&self) -> Duration {
        self.0.elapsed()
    }
}
