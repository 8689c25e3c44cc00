//! Who a run is: its [`RunId`], and the [`IdempotencyKey`] of each tool call.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError};

/// The longest run id accepted.
const MAX_LEN: usize = 128;

/// Names one run, the same before and after it is resumed.
///
/// Set it with [`RunOptions::run_id`](crate::agent::RunOptions::run_id) (a
/// durable run takes its journal's); a run without one gets a fresh id. Tools
/// see it through [`RunContext::run_id`](crate::tool::RunContext::run_id), and
/// the [`IdempotencyKey`] of each tool call derives from it.
///
/// A run id is 1 to 128 ASCII letters, digits, `-`, `_` and `.`, starting with
/// a letter or digit: it can name a file, and it cannot contain the `:` that
/// separates the parts of an idempotency key.
///
/// ```
/// use patinox::agent::RunId;
///
/// let id = RunId::new("order-42")?;
/// assert_eq!(id.as_str(), "order-42");
/// assert!(RunId::new("../etc/passwd").is_err());
/// assert_ne!(RunId::generate(), RunId::generate());
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RunId(Arc<str>);

impl RunId {
    /// A run id, checked.
    ///
    /// # Errors
    /// A [`PatinoxError::Validation`](crate::PatinoxError::Validation) naming
    /// `run_id` if `id` is empty, longer than 128 bytes, or has a character
    /// other than ASCII letters, digits, `-`, `_` and `.` (or starts with one
    /// of the last three).
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        check(&id)?;
        Ok(Self(id.into()))
    }

    /// A fresh id, unique with overwhelming probability: a random UUID
    /// (version 4), as conversations get.
    pub fn generate() -> Self {
        Self(crate::agent::id::fresh().into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check(id: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let problem = if id.is_empty() {
        "is empty"
    } else if id.len() > MAX_LEN {
        "is longer than 128 bytes"
    } else if !id.chars().all(allowed) {
        "may only hold ASCII letters, digits, `-`, `_` and `.`"
    } else if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        "must start with a letter or a digit"
    } else {
        return Ok(());
    };
    Err(ValidationError::new(format!("the run id {id:?} {problem}"))
        .with_field("run_id")
        .into())
}

impl TryFrom<String> for RunId {
    type Error = crate::PatinoxError;

    fn try_from(id: String) -> Result<Self> {
        Self::new(id)
    }
}

impl From<RunId> for String {
    fn from(id: RunId) -> Self {
        id.0.as_ref().to_owned()
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunId({:?})", &*self.0)
    }
}

/// Names one tool call of one run, the same every time that call is made:
/// `run id:turn:call id`.
///
/// A step interrupted before it completed (a crash during the tool) runs
/// again when the run resumes, with the same key. A tool whose call changes
/// the world (charges a card, sends a mail) passes the key along (an
/// `Idempotency-Key` header) or records it beside its effect and skips the
/// effect when the key is already there: the effect then happens once.
///
/// ```
/// use patinox::tool::RunContext;
///
/// // Outside a run there is no tool call to name.
/// assert!(RunContext::empty().idempotency_key().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key of tool call `call_id`, asked for at `turn` of run `run`.
    pub fn new(run: &RunId, turn: u32, call_id: &str) -> Self {
        Self(format!("{run}:{turn}:{call_id}"))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_cannot_name_a_file_are_refused() {
        for bad in ["", ".hidden", "-x", "a/b", "a:b", "é", &"x".repeat(129)] {
            let err = RunId::new(bad).unwrap_err();
            assert!(err.to_string().contains("run id"), "{bad:?}: {err}");
        }
        assert!(RunId::new("A.b_c-9").is_ok());
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = RunId::generate();
        let b = RunId::generate();
        assert_ne!(a, b);
        assert_eq!(RunId::new(a.as_str()).unwrap(), a);
    }

    #[test]
    fn a_run_id_round_trips_through_json_and_is_checked() {
        let id = RunId::new("order-42").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, r#""order-42""#);
        assert_eq!(serde_json::from_str::<RunId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<RunId>(r#""a/b""#).is_err());
    }

    #[test]
    fn keys_differ_by_turn_and_call() {
        let run = RunId::new("r").unwrap();
        let key = IdempotencyKey::new(&run, 1, "call_1");
        assert_eq!(key.as_str(), "r:1:call_1");
        assert_ne!(key, IdempotencyKey::new(&run, 2, "call_1"));
        assert_ne!(key, IdempotencyKey::new(&run, 1, "call_2"));
    }
}
