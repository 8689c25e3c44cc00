//! What can go wrong with a cassette.

use std::fmt;
use std::path::Path;

use super::diff::Difference;
use crate::error::{ConfigurationError, PatinoxError};

/// Why a cassette could not serve or store an exchange.
///
/// It reaches callers as a [`PatinoxError::Configuration`] whose key is
/// `cassette`, whose origin is the file, and whose
/// [`source`](std::error::Error::source) is this error:
///
/// ```no_run
/// use patinox::PatinoxError;
/// use patinox::model::cassette::CassetteError;
///
/// fn explain(err: &PatinoxError) {
///     let cause = std::error::Error::source(err)
///         .and_then(|source| source.downcast_ref::<CassetteError>());
///     if let Some(CassetteError::Mismatch { exchange, differences }) = cause {
///         eprintln!("request {exchange} changed: {}", differences[0]);
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CassetteError {
    /// A request differs from the recorded one. `exchange` counts from 1.
    #[error("request {exchange} does not match the recording: {}", Listed(.differences))]
    Mismatch {
        /// Which exchange of the cassette, from 1.
        exchange: usize,
        /// The fields that differ, first ones first (at most five).
        differences: Vec<Difference>,
    },
    /// More requests were made than the cassette holds.
    #[error("request {exchange} has no recording: the cassette holds {recorded} exchanges")]
    Exhausted {
        /// Which request, from 1.
        exchange: usize,
        /// How many exchanges the cassette holds.
        recorded: usize,
    },
    /// The request was made with `stream` where the recording used
    /// `complete`, or the other way round.
    #[error("request {exchange} was recorded as {recorded} but made as {requested}")]
    WrongCall {
        /// Which exchange, from 1.
        exchange: usize,
        /// How it was recorded.
        recorded: Call,
        /// How it was made now.
        requested: Call,
    },
    /// The file is not a cassette: not JSON, or not of the cassette's shape.
    #[error("the cassette file is corrupt at line {line}, column {column}: {message}")]
    Corrupt {
        /// The line of the problem, from 1.
        line: usize,
        /// The column of the problem, from 1.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file was written by a format version this Patinox does not read.
    #[error("the cassette has format version {found}; this Patinox reads version 1")]
    Version {
        /// The version the file declares.
        found: u32,
    },
}

/// How a model was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Call {
    /// [`LanguageModel::complete`](crate::model::LanguageModel::complete).
    Complete,
    /// [`LanguageModel::stream`](crate::model::LanguageModel::stream).
    Stream,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Complete => "`complete`",
            Self::Stream => "`stream`",
        })
    }
}

struct Listed<'a>(&'a [Difference]);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, difference) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{difference}")?;
        }
        Ok(())
    }
}

impl CassetteError {
    /// The error as a [`PatinoxError`] about the cassette at `path`.
    pub(super) fn at(self, path: &Path) -> PatinoxError {
        let advice = match self {
            Self::Corrupt { .. } | Self::Version { .. } => "",
            _ => "; re-record it with PATINOX_CASSETTE=record",
        };
        ConfigurationError::new(format!("{self}{advice}"))
            .with_key("cassette")
            .with_origin(path.display().to_string())
            .with_source(self)
            .into()
    }
}
