//! The size limits OpenAI puts on a strict schema, from its Structured
//! Outputs guide; a schema past them is refused by the API, so it is refused
//! here first, where the error can say why. The numbers are the guide's
//! current ones (older versions allowed 100 properties and 5 levels); the
//! per-enum string-length limits are left to the API.

use serde_json::Value;

use super::node::has_type;

/// Object nesting levels OpenAI accepts in a strict schema.
const MAX_NESTING: usize = 10;
/// Object properties OpenAI accepts across a whole strict schema.
const MAX_PROPERTIES: usize = 5000;
/// Enum values OpenAI accepts across a whole strict schema.
const MAX_ENUM_VALUES: usize = 1000;

#[derive(Default)]
struct Counts {
    properties: usize,
    enum_values: usize,
}

/// Checks a strict schema against the limits; the error says which one it
/// passes, and applies to the schema as a whole.
pub(crate) fn check_limits(schema: &Value) -> Result<(), String> {
    let mut counts = Counts::default();
    count(schema, &mut counts);
    if counts.properties > MAX_PROPERTIES {
        return Err(format!(
            "{} object properties (at most {MAX_PROPERTIES})",
            counts.properties
        ));
    }
    if counts.enum_values > MAX_ENUM_VALUES {
        return Err(format!(
            "{} enum values (at most {MAX_ENUM_VALUES})",
            counts.enum_values
        ));
    }
    let depth = object_depth(schema, schema, &mut Vec::new());
    if depth > MAX_NESTING {
        return Err(format!(
            "{depth} levels of object nesting (at most {MAX_NESTING})"
        ));
    }
    Ok(())
}

fn count(schema: &Value, counts: &mut Counts) {
    match schema {
        Value::Object(node) => {
            if let Some(Value::Object(properties)) = node.get("properties") {
                counts.properties += properties.len();
            }
            if let Some(Value::Array(values)) = node.get("enum") {
                counts.enum_values += values.len();
            }
            for (key, child) in node {
                if key != "enum" && key != "const" {
                    count(child, counts);
                }
            }
        }
        Value::Array(children) => children.iter().for_each(|c| count(c, counts)),
        _ => {}
    }
}

/// Deepest chain of nested objects, following `$ref`s but not around a cycle.
fn object_depth(schema: &Value, root: &Value, seen: &mut Vec<String>) -> usize {
    let Some(node) = schema.as_object() else {
        return 0;
    };
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|r| r == reference) {
            return 0;
        }
        let target = reference.strip_prefix('#').and_then(|p| root.pointer(p));
        seen.push(reference.to_owned());
        let depth = target.map_or(0, |t| object_depth(t, root, seen));
        seen.pop();
        return depth;
    }
    let own = usize::from(has_type(node, "object"));
    let mut deepest = 0;
    for (key, child) in node {
        let children: Vec<&Value> = match (key.as_str(), child) {
            ("properties", Value::Object(props)) => props.values().collect(),
            ("items", item) => vec![item],
            ("anyOf", Value::Array(variants)) => variants.iter().collect(),
            _ => continue,
        };
        for child in children {
            deepest = deepest.max(object_depth(child, root, seen));
        }
    }
    own + deepest
}
