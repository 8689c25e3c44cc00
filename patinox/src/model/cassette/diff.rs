//! The difference between a recorded request and the one made now, as JSON
//! paths with both values.

use std::fmt;

use serde_json::Value;

/// How many differences an error lists; the first few say what changed.
const MAX_DIFFERENCES: usize = 5;
/// How much of each value an error shows.
const MAX_VALUE_CHARS: usize = 160;

/// One field where the request made now differs from the recording.
///
/// `path` is a JSON path into the request (`messages[1].content`,
/// `tools[0].parameters.required`); a side where the field does not exist
/// shows as `(absent)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// Where in the request, e.g. `messages[1].content`.
    pub path: String,
    /// The recorded value, as compact JSON (shortened when long).
    pub expected: String,
    /// The value sent now, as compact JSON (shortened when long).
    pub got: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.path, self.expected, self.got
        )
    }
}

/// The first differences between `expected` and `got`, in document order.
pub(super) fn differences(expected: &Value, got: &Value) -> Vec<Difference> {
    let mut found = Vec::new();
    walk(String::new(), Some(expected), Some(got), &mut found);
    found
}

fn walk(path: String, expected: Option<&Value>, got: Option<&Value>, found: &mut Vec<Difference>) {
    if found.len() >= MAX_DIFFERENCES || expected == got {
        return;
    }
    match (expected, got) {
        (Some(Value::Object(left)), Some(Value::Object(right))) => {
            let mut keys: Vec<&String> = left.keys().chain(right.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, left.get(key), right.get(key), found);
            }
        }
        (Some(Value::Array(left)), Some(Value::Array(right))) => {
            for index in 0..left.len().max(right.len()) {
                walk(
                    format!("{path}[{index}]"),
                    left.get(index),
                    right.get(index),
                    found,
                );
            }
        }
        _ => found.push(Difference {
            path: if path.is_empty() {
                "(request)".into()
            } else {
                path
            },
            expected: shown(expected),
            got: shown(got),
        }),
    }
}

fn shown(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(absent)".to_owned();
    };
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(MAX_VALUE_CHARS).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_the_changed_field_with_both_values() {
        let recorded =
            json!({"messages": [{"role": "user", "content": "Paris"}], "tool_choice": "auto"});
        let now = json!({"messages": [{"role": "user", "content": "Lyon"}], "tool_choice": "auto"});
        let found = differences(&recorded, &now);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            r#"messages[0].content: expected "Paris", got "Lyon""#
        );
    }

    #[test]
    fn a_missing_field_or_element_is_absent() {
        let recorded = json!({"messages": [1, 2]});
        let now = json!({"messages": [1], "temperature": 0.5});
        let shown: Vec<String> = differences(&recorded, &now)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "messages[1]: expected 2, got (absent)",
                "temperature: expected (absent), got 0.5"
            ]
        );
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(1000);
        let found = differences(&json!(long), &json!("y"));
        assert_eq!(found[0].path, "(request)");
        assert!(found[0].expected.chars().count() <= MAX_VALUE_CHARS + 1);
    }
}
