//! Validators: guardrails on an agent's input, output and tool calls.
//!
//! A [`Validator`] looks at one [`ValidationTarget`] and returns a
//! [`ValidationOutcome`]: pass, ask the model to try again with feedback, or
//! reject. The agent runs each validator at its [`ValidationStage`]:
//!
//! | stage | when | `Retry` means | `Reject` means |
//! |---|---|---|---|
//! | `Input` | before the first model call | the run fails (there is no model turn to redo) | the run fails |
//! | `ToolCall` | before a tool runs | the call is refused; the feedback goes back as the tool's error | the run fails |
//! | `Output` | on the final answer | the feedback is sent to the model, which answers again | the run fails |

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::value::RawValue;

/// When a validator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationStage {
    /// On the user's input, before the model sees it.
    Input,
    /// On the final answer.
    Output,
    /// On each tool call, before the tool runs.
    ToolCall,
}

impl fmt::Display for ValidationStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Input => "input",
            Self::Output => "output",
            Self::ToolCall => "tool_call",
        })
    }
}

/// What a validator is shown.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ValidationTarget<'a> {
    /// The user's input.
    Input(&'a str),
    /// The model's final answer.
    Output(&'a str),
    /// A tool call about to run.
    ToolCall {
        /// The tool's name.
        name: &'a str,
        /// Its arguments, as JSON text.
        arguments: &'a RawValue,
    },
}

impl ValidationTarget<'_> {
    /// The stage this target belongs to.
    pub fn stage(&self) -> ValidationStage {
        match self {
            Self::Input(_) => ValidationStage::Input,
            Self::Output(_) => ValidationStage::Output,
            Self::ToolCall { .. } => ValidationStage::ToolCall,
        }
    }
}

/// A validator's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationOutcome {
    /// Acceptable.
    Pass,
    /// Not acceptable; tell the model why and let it try again.
    Retry {
        /// What the model should change.
        feedback: String,
    },
    /// Not acceptable, and not worth another try: the run fails.
    Reject {
        /// Why.
        reason: String,
    },
}

impl ValidationOutcome {
    /// A retry with `feedback`.
    pub fn retry(feedback: impl Into<String>) -> Self {
        Self::Retry {
            feedback: feedback.into(),
        }
    }

    /// A rejection with `reason`.
    pub fn reject(reason: impl Into<String>) -> Self {
        Self::Reject {
            reason: reason.into(),
        }
    }
}

impl<E: fmt::Display> From<Result<(), E>> for ValidationOutcome {
    /// `Ok(())` passes; `Err(e)` asks for a retry with `e` as the feedback.
    fn from(result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Self::Pass,
            Err(e) => Self::retry(e.to_string()),
        }
    }
}

/// A guardrail on one stage of a run.
///
/// Object safe and `Send + Sync`. Prefer `#[validator]` on a function.
///
/// ```
/// use patinox::async_trait;
/// use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
///
/// struct NoShouting;
///
/// #[async_trait]
/// impl Validator for NoShouting {
///     fn name(&self) -> &str { "no_shouting" }
///     fn stage(&self) -> ValidationStage { ValidationStage::Output }
///     async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
///         match target {
///             ValidationTarget::Output(text) if text.chars().any(char::is_lowercase) => ValidationOutcome::Pass,
///             _ => ValidationOutcome::retry("Please do not answer in capitals."),
///         }
///     }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(NoShouting.validate(ValidationTarget::Output("HELLO")).await,
///            ValidationOutcome::retry("Please do not answer in capitals."));
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a validator",
    label = "not a validator",
    note = "annotate a function with `#[patinox::validator(input)]`, `(output)` or `(tool_call)`"
)]
#[async_trait]
pub trait Validator: Send + Sync {
    /// A name for errors and traces.
    fn name(&self) -> &str;

    /// The stage this validator runs at.
    fn stage(&self) -> ValidationStage;

    /// Judges `target`, which is always of [`stage`](Self::stage).
    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome;
}

#[async_trait]
impl<V: Validator + ?Sized> Validator for Arc<V> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn stage(&self) -> ValidationStage {
        (**self).stage()
    }

    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
        (**self).validate(target).await
    }
}

/// The verdict of a whole stage: every validator passed, or the first one
/// that did not, with what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict<'v> {
    /// Every validator of the stage passed.
    Pass,
    /// `validator` asked the model to try again.
    Retry {
        /// The validator's name.
        validator: &'v str,
        /// What the model should change.
        feedback: String,
    },
    /// `validator` rejected the target: the run fails.
    Reject {
        /// The validator's name.
        validator: &'v str,
        /// Why.
        reason: String,
    },
}

/// Runs every validator of `target`'s stage in order; the first non-pass wins.
///
/// ```
/// use std::sync::Arc;
/// use patinox::validate::{ValidationTarget, Validator, Verdict, run_stage};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let validators: Vec<Arc<dyn Validator>> = Vec::new();
/// assert_eq!(run_stage(&validators, ValidationTarget::Input("hi")).await, Verdict::Pass);
/// # }
/// ```
pub async fn run_stage<'v>(
    validators: &'v [Arc<dyn Validator>],
    target: ValidationTarget<'_>,
) -> Verdict<'v> {
    let stage = target.stage();
    for validator in validators.iter().filter(|v| v.stage() == stage) {
        match validator.validate(target).await {
            ValidationOutcome::Pass => {}
            ValidationOutcome::Retry { feedback } => {
                return Verdict::Retry {
                    validator: validator.name(),
                    feedback,
                };
            }
            ValidationOutcome::Reject { reason } => {
                return Verdict::Reject {
                    validator: validator.name(),
                    reason,
                };
            }
        }
    }
    Verdict::Pass
}
