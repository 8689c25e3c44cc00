//! A circuit breaker: after `failure_threshold` consecutive failures the
//! circuit opens and calls fail at once with an
//! [`ExecutionErrorKind::CircuitOpen`] error (strategy `CircuitBreak`),
//! sparing a struggling provider and the caller's time. After `cool_down`
//! one probe call is let through (half-open): its success closes the
//! circuit, its failure opens it for another cool-down.
//!
//! Only failures a retry could fix count (server errors, rate limits,
//! network failures, per [`PatinoxError::recovery_strategy`]); a 400 says
//! nothing about the provider's health.
//!
//! ```
//! use std::time::Duration;
//! use patinox::model::circuit::{CircuitBreaker, CircuitBreakerModel};
//! use patinox::model::offline::OfflineModel;
//!
//! let breaker = CircuitBreaker::new(5, Duration::from_secs(30));
//! let model = CircuitBreakerModel::new(OfflineModel::new(), breaker);
//! ```

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::{CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream};
use crate::error::{ExecutionErrorKind, PatinoxError, RecoveryStrategy, Result};

/// The state shared by the calls through one circuit.
#[derive(Debug)]
pub struct CircuitBreaker {
    failure_threshold: u32,
    cool_down: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    consecutive_failures: u32,
    open_until: Option<Instant>,
    probing: bool,
}

/// Where a circuit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls fail at once.
    Open,
    /// The cool-down is over; the next call is a probe.
    HalfOpen,
}

impl CircuitBreaker {
    /// Opens after `failure_threshold` consecutive failures (at least 1) and
    /// stays open for `cool_down`.
    pub fn new(failure_threshold: u32, cool_down: Duration) -> Self {
        Self {
            failure_threshold: failure_threshold.max(1),
            cool_down,
            state: Mutex::new(State::default()),
        }
    }

    /// The current state.
    pub fn state(&self) -> CircuitState {
        let state = self.lock();
        match state.open_until {
            None => CircuitState::Closed,
            Some(until) if Instant::now() < until => CircuitState::Open,
            Some(_) => CircuitState::HalfOpen,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few counters, valid after any panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Admits a call, or refuses it while the circuit is open (or another
    /// probe is in flight).
    fn admit(&self) -> Result<Admission<'_>> {
        let mut state = self.lock();
        let Some(until) = state.open_until else {
            return Ok(Admission(self));
        };
        let remaining = until.saturating_duration_since(Instant::now());
        if remaining.is_zero() && !state.probing {
            state.probing = true;
            return Ok(Admission(self));
        }
        Err(PatinoxError::execution(
            ExecutionErrorKind::CircuitOpen,
            format!("the circuit is open; the next probe is in {remaining:?}"),
        ))
    }

    fn record<T>(&self, outcome: &Result<T>) {
        let mut state = self.lock();
        state.probing = false;
        let failed = outcome.as_ref().err().is_some_and(|error| {
            matches!(
                error.recovery_strategy(),
                RecoveryStrategy::Retry { .. } | RecoveryStrategy::CircuitBreak
            )
        });
        if !failed {
            *state = State::default();
            return;
        }
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        if state.consecutive_failures >= self.failure_threshold || state.open_until.is_some() {
            state.open_until = Some(Instant::now() + self.cool_down);
            tracing::warn!(
                failures = state.consecutive_failures,
                cool_down_ms = self.cool_down.as_millis() as u64,
                "circuit opened"
            );
        }
    }
}

/// An admitted call. A probe dropped before its outcome (a cancelled
/// future) must not leave the circuit waiting for it forever.
struct Admission<'a>(&'a CircuitBreaker);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.lock().probing = false;
    }
}

/// A model guarded by a [`CircuitBreaker`].
#[derive(Debug)]
pub struct CircuitBreakerModel<M> {
    inner: M,
    breaker: CircuitBreaker,
}

impl<M: LanguageModel> CircuitBreakerModel<M> {
    /// Guards `inner` with `breaker`.
    pub fn new(inner: M, breaker: CircuitBreaker) -> Self {
        Self { inner, breaker }
    }

    /// The breaker, to inspect its state.
    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for CircuitBreakerModel<M> {
    fn id(&self) -> &ModelId {
        self.inner.id()
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        let _admission = self.breaker.admit()?;
        let outcome = self.inner.complete(request).await;
        self.breaker.record(&outcome);
        outcome
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        let _admission = self.breaker.admit()?;
        let outcome = self.inner.stream(request).await;
        self.breaker.record(&outcome);
        outcome
    }
}
