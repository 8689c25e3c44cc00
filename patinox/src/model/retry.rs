//! Retrying a model's failed calls, with exponential backoff and full jitter.
//!
//! [`RetryModel`] wraps any [`LanguageModel`]. What is retried is decided by
//! [`PatinoxError::recovery_strategy`]: only `Retry` errors (408, 409, 429,
//! 5xx, Anthropic's 529, connect and timeout failures), never 400, 401, 403,
//! 404 or 422. The delay before retry `n` is uniform in
//! `[0, min(max_backoff, base_delay × 2ⁿ)]` ("full jitter"), or the server's
//! `Retry-After` / `retry-after-ms` when it sent one. A retry that would end
//! after `max_elapsed` is not attempted.
//!
//! A stream is retried until its first event: a request refused outright, or
//! a stream whose first item is a retryable error, is tried again; once an
//! event has been yielded, replaying would duplicate output.
//!
//! Models made by [`from_env`](super::from_env), [`from_id`](super::from_id)
//! and `#[agent(model = "..")]` ([`DefaultModel`](super::DefaultModel)) retry
//! with [`RetryPolicy::default()`], the policy of the official OpenAI and
//! Anthropic SDKs. Pass another policy, or [`RetryPolicy::none()`], to
//! [`from_id_with`](super::from_id_with),
//! [`from_env_with`](super::from_env_with) or
//! [`DefaultModel::retry_policy`](super::DefaultModel::retry_policy).
//!
//! ```
//! use std::time::Duration;
//! use patinox::model::retry::{RetryModel, RetryPolicy};
//! use patinox::model::offline::OfflineModel;
//!
//! let model = RetryModel::new(
//!     OfflineModel::new(),
//!     RetryPolicy::default()
//!         .max_attempts(4)
//!         .base_delay(Duration::from_millis(200)),
//! );
//! ```

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use tokio::time::Instant;

use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::{PatinoxError, RecoveryStrategy, Result};

/// How many times, and how patiently, to retry.
///
/// ```
/// use std::time::Duration;
/// use patinox::model::retry::RetryPolicy;
///
/// // The default: 2 retries, as the official OpenAI and Anthropic SDKs do.
/// assert_eq!(RetryPolicy::default().retries(), 2);
/// // Never retry.
/// assert_eq!(RetryPolicy::none().retries(), 0);
/// // More patient than the default.
/// let patient = RetryPolicy::default().max_attempts(6).max_backoff(Duration::from_secs(20));
/// assert_eq!(patient.retries(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_backoff: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// The official SDKs' policy: 3 attempts (2 retries), backoff from 500 ms
    /// doubling up to 8 s, a server's `Retry-After` honoured up to 60 s,
    /// 120 s in total.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_delay: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is made once.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// How many retries follow a failed first attempt.
    pub fn retries(&self) -> u32 {
        self.max_attempts - 1
    }

    /// Attempts in total, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff's starting delay.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The ceiling of the exponential backoff (a server's `Retry-After` may ask for more).
    #[must_use]
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest single delay. A server asking for a longer `Retry-After`
    /// is not retried.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest time from the first attempt to the start of the last.
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The delay before retry number `retry` (0 for the first retry), or
    /// `None` if `error` should not be retried.
    pub fn delay_for(&self, retry: u32, error: &PatinoxError) -> Option<Duration> {
        let RecoveryStrategy::Retry { after } = error.recovery_strategy() else {
            return None;
        };
        if let Some(after) = after {
            // Retrying sooner than the server asked is futile; waiting longer
            // than allowed is not our call: give up and let a fallback act.
            return (after <= self.max_delay).then_some(after);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff)
            .min(self.max_delay);
        Some(ceiling.mul_f64(jitter()))
    }
}

/// A uniform number in `[0, 1)` from a per-process random seed; jitter needs
/// spread, not cryptographic quality.
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = RandomState::new().hash_one(0u8) | 1;
    }
    // xorshift64*
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    STATE.store(x, Ordering::Relaxed);
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// A model whose failed calls are retried according to a [`RetryPolicy`].
#[derive(Debug)]
pub struct RetryModel<M> {
    inner: M,
    policy: RetryPolicy,
}

impl<M: LanguageModel> RetryModel<M> {
    /// Wraps `inner`.
    pub fn new(inner: M, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }

    /// The wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }

    async fn run<T, F, Fut>(&self, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let error = match call().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let Some(delay) = self.policy.delay_for(retry, &error) else {
                return Err(error);
            };
            let out_of_time = started.elapsed() + delay > self.policy.max_elapsed;
            if retry + 1 >= self.policy.max_attempts || out_of_time {
                return Err(error);
            }
            retry += 1;
            tracing::warn!(
                model = %self.inner.id(),
                attempt = retry + 1,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying model call"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for RetryModel<M> {
    fn id(&self) -> &ModelId {
        self.inner.id()
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        self.run(|| self.inner.complete(request.clone())).await
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        self.run(|| async {
            let mut stream = self.inner.stream(request.clone()).await?;
            // A stream that fails before its first event has delivered
            // nothing: retrying it is as safe as retrying a refused request.
            match stream.next().await {
                Some(Err(error)) if error.is_retryable() => Err(error),
                Some(first) => {
                    Ok(Box::pin(futures_util::stream::iter([first]).chain(stream))
                        as ResponseStream)
                }
                None => Ok(stream),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderError;

    #[test]
    fn jitter_stays_below_the_ceiling() {
        let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
        let error = PatinoxError::from(ProviderError::new("openai", 503, "unavailable"));
        for retry in 0..20 {
            let delay = policy.delay_for(retry, &error).unwrap();
            assert!(delay <= Duration::from_secs(30), "{delay:?}");
        }
        let first = policy.delay_for(0, &error).unwrap();
        assert!(first <= Duration::from_millis(100));
    }

    #[test]
    fn client_errors_are_not_retried() {
        let policy = RetryPolicy::default();
        for status in [400, 401, 403, 404, 422] {
            let error = PatinoxError::from(ProviderError::new("openai", status, "no"));
            assert_eq!(policy.delay_for(0, &error), None, "{status}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default().max_delay(Duration::from_secs(5));
        let asks = |secs| {
            PatinoxError::from(
                ProviderError::new("openai", 429, "slow down")
                    .with_retry_after(Duration::from_secs(secs)),
            )
        };
        assert_eq!(policy.delay_for(0, &asks(2)), Some(Duration::from_secs(2)));
        assert_eq!(policy.delay_for(0, &asks(60)), None);
    }
}
