//! Every stage, sync and async, both return types, every form of tool-call arguments.
#![deny(warnings, missing_docs)]

use patinox::validate::{ValidationOutcome, ValidationStage, Validator};
use serde_json::value::RawValue;

/// Rejects empty input.
#[patinox::validator(input)]
pub fn not_empty(input: &str) -> ValidationOutcome {
    if input.trim().is_empty() {
        ValidationOutcome::reject("empty input")
    } else {
        ValidationOutcome::Pass
    }
}

/// Keeps answers short.
#[patinox::validator(output, name = "short")]
pub async fn short_answer(output: &str) -> Result<(), String> {
    if output.len() > 200 {
        return Err("Answer in under 200 characters.".to_owned());
    }
    Ok(())
}

/// Allows one tool.
#[patinox::validator(tool_call)]
pub fn only_search(tool: &str, _arguments: &RawValue) -> ValidationOutcome {
    if tool == "search" {
        ValidationOutcome::Pass
    } else {
        ValidationOutcome::reject("only search is allowed")
    }
}

/// Looks at the JSON text.
#[patinox::validator(tool_call)]
pub async fn small_calls(_tool: &str, arguments: &str) -> Result<(), &'static str> {
    if arguments.len() > 1000 { Err("too long") } else { Ok(()) }
}

/// Looks at the JSON value.
#[patinox::validator(tool_call)]
pub fn no_urls(_tool: &str, arguments: &serde_json::Value) -> ValidationOutcome {
    if arguments.to_string().contains("http") {
        ValidationOutcome::retry("do not pass URLs")
    } else {
        ValidationOutcome::Pass
    }
}

fn main() {
    assert_eq!(short_answer {}.name(), "short");
    assert_eq!(not_empty {}.stage(), ValidationStage::Input);
    let _ = (only_search {}, small_calls {}, no_urls {});
}
