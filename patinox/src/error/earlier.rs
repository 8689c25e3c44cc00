//! Attaching the errors of earlier attempts (a fallback's other models) to
//! the error that is finally returned.

use std::fmt;

use super::{BoxError, PatinoxError};

impl PatinoxError {
    /// Attaches the errors of earlier attempts (a fallback's other models) to
    /// this one. They are kept in the source chain, in front of this error's
    /// own source, and listed by [`earlier_attempts`](Self::earlier_attempts).
    #[must_use]
    pub fn with_earlier_attempts(mut self, earlier: Vec<PatinoxError>) -> Self {
        if earlier.is_empty() {
            return self;
        }
        let slot = match &mut self {
            Self::Validation(e) => &mut e.source,
            Self::Execution(e) => &mut e.source,
            Self::Network(e) => &mut e.source,
            Self::Provider(e) => &mut e.source,
            Self::Configuration(e) => &mut e.source,
        };
        let source = slot.take();
        *slot = Some(Box::new(EarlierAttempts {
            attempts: earlier,
            source,
        }));
        self
    }

    /// The errors of earlier attempts attached by
    /// [`with_earlier_attempts`](Self::with_earlier_attempts), oldest first.
    ///
    /// ```
    /// use patinox::error::{PatinoxError, ProviderError};
    ///
    /// let first = PatinoxError::from(ProviderError::new("openai", 503, "unavailable"));
    /// let last = PatinoxError::from(ProviderError::new("anthropic", 529, "overloaded"))
    ///     .with_earlier_attempts(vec![first]);
    /// assert_eq!(last.status(), Some(529));
    /// assert_eq!(last.earlier_attempts()[0].status(), Some(503));
    /// ```
    pub fn earlier_attempts(&self) -> &[PatinoxError] {
        let mut source = std::error::Error::source(self);
        while let Some(err) = source {
            if let Some(earlier) = err.downcast_ref::<EarlierAttempts>() {
                return &earlier.attempts;
            }
            source = err.source();
        }
        &[]
    }
}

/// The errors of earlier attempts, kept in the source chain of the last one;
/// see [`PatinoxError::with_earlier_attempts`].
#[derive(Debug)]
pub struct EarlierAttempts {
    /// The earlier errors, oldest first.
    pub attempts: Vec<PatinoxError>,
    source: Option<BoxError>,
}

impl fmt::Display for EarlierAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} earlier attempt(s) failed", self.attempts.len())?;
        for (n, attempt) in self.attempts.iter().enumerate() {
            write!(f, "; #{}: {attempt}", n + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for EarlierAttempts {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
