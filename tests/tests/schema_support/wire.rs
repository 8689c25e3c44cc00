//! What a strict-mode model sends for a value: the value's plain JSON, with
//! maps as `{key, value}` entry lists and tuples as objects of positions
//! wherever the strict schema asks for them.
//!
//! Guided by the strict schema only; whether the result is right is checked
//! by validating it against that schema.

use serde_json::{Map, Value, json};

/// `value` (plain JSON, as serde writes it) in the form `strict` describes.
pub fn wire_form(value: &Value, strict: &Value) -> Value {
    convert(value, strict, strict)
}

fn convert(value: &Value, schema: &Value, root: &Value) -> Value {
    let Some(node) = resolve(schema, root) else {
        return value.clone();
    };
    if let Some(Value::Array(variants)) = node.get("anyOf") {
        return match variants.iter().find(|v| fits(value, v, root)) {
            Some(variant) => convert(value, variant, root),
            None => value.clone(),
        };
    }
    let properties = node.get("properties").and_then(Value::as_object);
    match value {
        Value::Object(members) if is_entries(node) => {
            let entry = &node["items"]["properties"]["value"];
            members
                .iter()
                .map(|(k, v)| json!({"key": k, "value": convert(v, entry, root)}))
                .collect()
        }
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| {
                    let converted = match properties.and_then(|p| p.get(k)) {
                        Some(property) => convert(v, property, root),
                        None => v.clone(),
                    };
                    (k.clone(), converted)
                })
                .collect(),
        ),
        Value::Array(items) if is_positions(node) => {
            let positions = properties.cloned().unwrap_or_default();
            Value::Object(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let key = i.to_string();
                        let converted = convert(item, &positions[&key], root);
                        (key, converted)
                    })
                    .collect(),
            )
        }
        Value::Array(items) => items
            .iter()
            .map(|item| convert(item, &node["items"], root))
            .collect(),
        other => other.clone(),
    }
}

/// Whether `schema` is the strict stand-in of a map.
fn is_entries(node: &Map<String, Value>) -> bool {
    node.get("type") == Some(&json!("array"))
        && node["items"]["required"] == json!(["key", "value"])
}

/// Whether `schema` is the strict stand-in of a tuple.
fn is_positions(node: &Map<String, Value>) -> bool {
    node.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("0"))
}

/// Whether `value` could be an instance of `variant`: same JSON kind, and
/// for objects, only known properties and matching constants.
fn fits(value: &Value, variant: &Value, root: &Value) -> bool {
    let Some(node) = resolve(variant, root) else {
        return false;
    };
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if node.contains_key("anyOf") => {
            return node["anyOf"]
                .as_array()
                .is_some_and(|vs| vs.iter().any(|v| fits(value, v, root)));
        }
        _ => return node.get("const").is_some_and(|c| c == value),
    };
    if let Some(constant) = node.get("const") {
        return constant == value;
    }
    if let Some(Value::Array(allowed)) = node.get("enum") {
        return allowed.contains(value);
    }
    match value {
        Value::Null => types.contains(&"null"),
        Value::Bool(_) => types.contains(&"boolean"),
        Value::Number(n) => {
            types.contains(&"number") || (types.contains(&"integer") && !n.is_f64())
        }
        Value::String(_) => types.contains(&"string"),
        Value::Array(_) => types.contains(&"array") || is_positions(node),
        Value::Object(_) if is_entries(node) => true,
        Value::Object(members) => {
            let properties = node.get("properties").and_then(Value::as_object);
            types.contains(&"object")
                && members.iter().all(|(k, v)| {
                    properties.and_then(|p| p.get(k)).is_some_and(|p| {
                        resolve(p, root).is_none_or(|p| p.get("const").is_none_or(|c| c == v))
                    })
                })
        }
    }
}

fn resolve<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Map<String, Value>> {
    let node = schema.as_object()?;
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => root.pointer(reference.strip_prefix('#')?)?.as_object(),
        None => Some(node),
    }
}
