//! Tool arguments made up from a JSON Schema: the smallest value that the
//! schema accepts, so that a scripted tool call passes argument validation.

use serde_json::{Map, Value, json};

/// References and nesting deeper than this give `null`: a schema that deep
/// is recursive, and the mock does not chase it.
const MAX_DEPTH: usize = 16;

/// A value `schema` accepts: every required property, the first enum value,
/// the first branch of `anyOf`/`oneOf`, minimum numbers and lengths.
pub(crate) fn example_for(schema: &Value) -> Value {
    value_for(schema, schema, 0)
}

fn value_for(schema: &Value, root: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some(object) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(target) = object.get("$ref").and_then(Value::as_str) {
        return resolve(target, root).map_or(Value::Null, |s| value_for(s, root, depth + 1));
    }
    if let Some(value) = object.get("const") {
        return value.clone();
    }
    if let Some(first) = object.get("enum").and_then(|e| e.as_array()?.first()) {
        return first.clone();
    }
    for branch in ["anyOf", "oneOf", "allOf"] {
        if let Some(first) = object.get(branch).and_then(|b| b.as_array()?.first()) {
            return value_for(first, root, depth + 1);
        }
    }
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ if object.contains_key("properties") => "object",
        _ => "null",
    };
    let minimum = |key| object.get(key).and_then(Value::as_f64);
    match kind {
        "string" => {
            let length = minimum("minLength").unwrap_or(0.0) as usize;
            Value::String(format!("{:x<length$}", "Paris"))
        }
        "integer" => json!(minimum("minimum").map_or(1, |m| m.ceil() as i64)),
        "number" => json!(minimum("minimum").unwrap_or(1.5)),
        "boolean" => Value::Bool(true),
        "array" => {
            let items = minimum("minItems").unwrap_or(0.0) as usize;
            let item = object
                .get("items")
                .map_or(Value::Null, |i| value_for(i, root, depth + 1));
            Value::Array(vec![item; items])
        }
        "object" => object_for(object, root, depth),
        _ => Value::Null,
    }
}

fn object_for(object: &Map<String, Value>, root: &Value, depth: usize) -> Value {
    let properties = object.get("properties").and_then(Value::as_object);
    let required = object.get("required").and_then(Value::as_array);
    let mut out = Map::new();
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        let schema = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
        out.insert(name.to_owned(), value_for(schema, root, depth + 1));
    }
    Value::Object(out)
}

/// A local reference: `#/$defs/Name` or `#/definitions/Name`.
fn resolve<'s>(target: &str, root: &'s Value) -> Option<&'s Value> {
    root.pointer(target.strip_prefix('#')?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_properties_get_values_of_their_type() {
        let schema = json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer", "minimum": 3},
                "unit": {"enum": ["celsius", "fahrenheit"]},
                "when": {"$ref": "#/$defs/When"},
                "note": {"type": ["string", "null"]},
                "optional": {"type": "boolean"}
            },
            "required": ["city", "days", "unit", "when", "note"],
            "$defs": {"When": {"type": "object", "properties": {"day": {"type": "string", "minLength": 7}}, "required": ["day"]}}
        });
        assert_eq!(
            example_for(&schema),
            json!({"city": "Paris", "days": 3, "unit": "celsius", "when": {"day": "Parisxx"}, "note": "Paris"})
        );
    }

    #[test]
    fn recursive_schemas_end() {
        let schema = json!({"$ref": "#"});
        assert_eq!(example_for(&schema), Value::Null);
    }
}
