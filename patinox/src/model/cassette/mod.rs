//! Record and replay: a [`CassetteModel`] wraps any model, records each
//! exchange (the request and the response, or a stream's events) to a file,
//! and later serves the recording back in order without any network.
//!
//! A test records once against a real provider or a mock server, commits the
//! cassette, and from then on runs offline and deterministically. A request
//! that differs from the recording fails with a [`CassetteError::Mismatch`]
//! that names the exchange, the field and both values.
//!
//! ## Choosing the mode
//!
//! | `PATINOX_CASSETTE` | What happens |
//! |---|---|
//! | unset or `replay` | serve the file; a missing file is an error; nothing touches the network |
//! | `record` | call the wrapped model and write the file, replacing it |
//! | `auto` | replay when the file exists, else record |
//!
//! [`CassetteModel::from_env`] reads the variable; [`CassetteModel::record`],
//! [`CassetteModel::replay`] and [`CassetteModel::open`] choose in code. The
//! wrapped model is built by a closure, called only when recording, so a
//! replaying test needs no key:
//!
//! ```no_run
//! use patinox::model::cassette::CassetteModel;
//! use patinox::model::{ProviderConfig, openai};
//!
//! let model = CassetteModel::from_env("tests/cassettes/weather.json", || {
//!     let key = std::env::var("OPENAI_API_KEY").unwrap_or_default();
//!     openai::model("gpt-4o-mini", ProviderConfig::new().api_key(key))
//! })?;
//! # Ok::<(), patinox::PatinoxError>(())
//! ```
//!
//! ```
//! use std::sync::Arc;
//! use patinox::agent::Runner;
//! use patinox::model::cassette::CassetteModel;
//! use patinox::model::offline::OfflineModel;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> patinox::Result<()> {
//! let dir = std::env::temp_dir().join(format!("patinox-doc-{}", std::process::id()));
//! let path = dir.join("hello.json");
//! // Record (here from the offline model; usually a provider)...
//! let recording = CassetteModel::record(&path, OfflineModel::new());
//! let first = Runner::builder(recording).build()?.run("Hello").await?;
//! // ...and replay, with no model behind it.
//! let replaying = CassetteModel::replay(&path)?;
//! let again = Runner::builder(replaying).build()?.run("Hello").await?;
//! assert_eq!(first.output, again.output);
//! # std::fs::remove_dir_all(dir).ok();
//! # Ok(())
//! # }
//! ```
//!
//! ## Why a model wrapper, under the step seam
//!
//! A cassette wraps the model, not the run's
//! [`StepExecutor`](crate::agent::StepExecutor), and so sits under the step seam: a run
//! replayed from a cassette goes through any step executor (a durable
//! journal, a recorder of steps) exactly as the recorded run did, with the
//! same [`StepId`](crate::agent::StepId)s. The model is the right level
//! because:
//!
//! - it records what only the model layer sees: a stream's events, so a
//!   replayed streaming run yields the same deltas, where a step records the
//!   final response only;
//! - it works for any model call, inside an agent or not;
//! - tools are the code under test: a replay runs them again against the
//!   recorded model answers, so a changed tool shows up instead of being
//!   served from the recording. Tool results that must not run twice are
//!   the business of a durable step journal, which keeps both kinds of
//!   step on that seam; a cassette does not keep a second journal.
//!
//! ## The file
//!
//! One pretty-printed JSON document (`version`, `model`, `exchanges`), so a
//! re-recording reads as a diff in review. API keys never reach the model
//! layer (they travel in headers, which are not recorded); as a second
//! guard, anything shaped like an `sk-` key and every secret given to
//! [`CassetteModel::redact`] is written as `[REDACTED]`, and live requests
//! are compared after the same redaction.
//!
//! Only answered exchanges are recorded: an error from the wrapped model is
//! returned as it is and not written, and a stream is written when its
//! [`StreamEvent::Done`] arrives. Wrap the outermost model (around any
//! [`RetryModel`](crate::model::retry::RetryModel)) so that retries stay out
//! of the recording. Requests are recorded in the order they finish, so
//! replay is exact for one conversation at a time. The file is rewritten
//! after every exchange with a blocking write: cassettes are for tests.

mod diff;
mod error;
mod format;
mod tape;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::SecretString;

pub use diff::Difference;
pub use error::{Call, CassetteError};

use format::{Answer, CassetteFile, EventRecord, Exchange, ResponseRecord, request_value};
use tape::{Player, Recorder, Redactor};

use super::{
    CompletionRequest, CompletionResponse, LanguageModel, ModelId, ResponseStream, StreamEvent,
};
use crate::error::{ConfigurationError, PatinoxError, Result};

/// The environment variable that chooses a cassette's [`CassetteMode`].
pub const MODE_VAR: &str = "PATINOX_CASSETTE";

/// Whether a [`CassetteModel`] records or replays.
///
/// Parsed from `record`, `replay` or `auto` (any case):
///
/// ```
/// use patinox::model::cassette::CassetteMode;
///
/// assert_eq!("Record".parse::<CassetteMode>()?, CassetteMode::Record);
/// assert!("rewind".parse::<CassetteMode>().is_err());
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CassetteMode {
    /// Call the wrapped model and write every exchange to the file.
    Record,
    /// Serve the file back; never call a model.
    #[default]
    Replay,
    /// Replay when the file exists, else record.
    Auto,
}

impl CassetteMode {
    /// The mode [`MODE_VAR`] (`PATINOX_CASSETTE`) asks for; [`Replay`](Self::Replay)
    /// when it is unset, so a test never reaches the network by surprise.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] naming the variable if its value is
    /// not `record`, `replay` or `auto`.
    pub fn from_env() -> Result<Self> {
        match std::env::var(MODE_VAR) {
            Ok(value) => value.parse().map_err(|err: PatinoxError| match err {
                PatinoxError::Configuration(detail) => detail.with_origin("the environment").into(),
                other => other,
            }),
            Err(std::env::VarError::NotPresent) => Ok(Self::default()),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigurationError::new(
                "PATINOX_CASSETTE is not valid UTF-8; use record, replay or auto",
            )
            .with_key(MODE_VAR)
            .into()),
        }
    }
}

impl FromStr for CassetteMode {
    type Err = PatinoxError;

    fn from_str(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "record" => Ok(Self::Record),
            "replay" => Ok(Self::Replay),
            "auto" => Ok(Self::Auto),
            _ => Err(ConfigurationError::new(format!(
                "unknown cassette mode {value:?}; use record, replay or auto"
            ))
            .with_key(MODE_VAR)
            .into()),
        }
    }
}

/// A model that records its exchanges to a cassette file, or replays them;
/// see the [module docs](self).
pub struct CassetteModel {
    id: ModelId,
    path: PathBuf,
    redactor: Arc<Redactor>,
    tape: Tape,
}

enum Tape {
    Record {
        inner: Arc<dyn LanguageModel>,
        recorder: Arc<Recorder>,
    },
    Replay(Player),
}

impl std::fmt::Debug for CassetteModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CassetteModel")
            .field("id", &self.id)
            .field("path", &self.path)
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

impl CassetteModel {
    /// Records every exchange of `inner` to `path`, replacing what the file
    /// held. The file (and its folders) is written on the first answer.
    pub fn record(path: impl AsRef<Path>, inner: impl LanguageModel + 'static) -> Self {
        let path = path.as_ref().to_path_buf();
        let id = inner.id().clone();
        let recorder = Arc::new(Recorder::new(path.clone(), id.to_string()));
        Self {
            id,
            path,
            redactor: Arc::default(),
            tape: Tape::Record {
                inner: Arc::new(inner),
                recorder,
            },
        }
    }

    /// Replays the cassette at `path`. The model's [`id`](LanguageModel::id)
    /// is the recorded one.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if the file cannot be read, or its
    /// source [`CassetteError::Corrupt`] / [`CassetteError::Version`] if it is
    /// not a cassette this Patinox reads.
    pub fn replay(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|err| {
            PatinoxError::from(
                ConfigurationError::new(format!(
                    "cannot read the cassette: {err}; record it with PATINOX_CASSETTE=record"
                ))
                .with_key("cassette")
                .with_origin(path.display().to_string())
                .with_source(err),
            )
        })?;
        let file = CassetteFile::parse(&text).map_err(|err| err.at(&path))?;
        let id = file
            .model
            .parse()
            .unwrap_or_else(|_| ModelId::new("cassette", file.model.clone()));
        Ok(Self {
            id,
            path,
            redactor: Arc::default(),
            tape: Tape::Replay(Player::new(file)),
        })
    }

    /// A cassette in `mode`; `inner` builds the wrapped model and is called
    /// only when recording, so replay needs no key and no server.
    ///
    /// # Errors
    /// As [`replay`](Self::replay) when replaying; what `inner` returns when recording.
    pub fn open<M, F>(mode: CassetteMode, path: impl AsRef<Path>, inner: F) -> Result<Self>
    where
        M: LanguageModel + 'static,
        F: FnOnce() -> Result<M>,
    {
        let path = path.as_ref();
        let records = match mode {
            CassetteMode::Record => true,
            CassetteMode::Replay => false,
            CassetteMode::Auto => !path.exists(),
        };
        if records {
            Ok(Self::record(path, inner()?))
        } else {
            Self::replay(path)
        }
    }

    /// [`open`](Self::open) in the mode `PATINOX_CASSETTE` asks for
    /// ([`CassetteMode::from_env`]; replay when unset).
    ///
    /// # Errors
    /// As [`CassetteMode::from_env`] and [`open`](Self::open).
    pub fn from_env<M, F>(path: impl AsRef<Path>, inner: F) -> Result<Self>
    where
        M: LanguageModel + 'static,
        F: FnOnce() -> Result<M>,
    {
        Self::open(CassetteMode::from_env()?, path, inner)
    }

    /// Never writes `secret`: it is replaced by `[REDACTED]` in the file, and
    /// in live requests before they are compared with the recording.
    #[must_use]
    pub fn redact(mut self, secret: impl Into<SecretString>) -> Self {
        Arc::make_mut(&mut self.redactor).add(secret.into());
        self
    }

    /// Whether this cassette records (`Record`) or replays (`Replay`); never `Auto`.
    pub fn mode(&self) -> CassetteMode {
        match self.tape {
            Tape::Record { .. } => CassetteMode::Record,
            Tape::Replay(_) => CassetteMode::Replay,
        }
    }

    /// The cassette file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The request as recorded: JSON, redacted.
    fn recorded_request(&self, request: &CompletionRequest<'_>) -> Result<serde_json::Value> {
        let mut value = request_value(request)?;
        self.redactor.apply(&mut value);
        Ok(value)
    }

    /// The next recorded exchange, whose request must be `request`: its
    /// number (from 1) and its answer.
    fn replayed<'p>(
        &self,
        player: &'p Player,
        request: &CompletionRequest<'_>,
    ) -> Result<(usize, &'p Answer)> {
        let value = self.recorded_request(request)?;
        player.answer(&value).map_err(|err| err.at(&self.path))
    }

    /// The error for exchange `exchange`, recorded as `recorded` but made as `requested`.
    fn wrong_call(&self, exchange: usize, recorded: Call, requested: Call) -> PatinoxError {
        CassetteError::WrongCall {
            exchange,
            recorded,
            requested,
        }
        .at(&self.path)
    }
}

#[async_trait]
impl LanguageModel for CassetteModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        match &self.tape {
            Tape::Record { inner, recorder } => {
                let value = self.recorded_request(&request)?;
                let response = inner.complete(request).await?;
                let answer = Answer::Response(ResponseRecord::from_response(&response)?);
                recorder.commit(
                    Exchange {
                        request: value,
                        answer,
                    },
                    &self.redactor,
                )?;
                Ok(response)
            }
            Tape::Replay(player) => match self.replayed(player, &request)? {
                (_, Answer::Response(record)) => record.to_response(),
                (exchange, Answer::Stream(_)) => {
                    Err(self.wrong_call(exchange, Call::Stream, Call::Complete))
                }
            },
        }
    }

    async fn stream(&self, request: CompletionRequest<'_>) -> Result<ResponseStream> {
        match &self.tape {
            Tape::Record { inner, recorder } => {
                let value = self.recorded_request(&request)?;
                let stream = inner.stream(request).await?;
                Ok(Arc::clone(recorder).tap(value, stream, Arc::clone(&self.redactor)))
            }
            Tape::Replay(player) => match self.replayed(player, &request)? {
                (_, Answer::Stream(events)) => {
                    let events: Vec<Result<StreamEvent>> =
                        events.iter().map(EventRecord::to_event).collect();
                    Ok(Box::pin(futures_util::stream::iter(events)))
                }
                (exchange, Answer::Response(_)) => {
                    Err(self.wrong_call(exchange, Call::Complete, Call::Stream))
                }
            },
        }
    }
}
