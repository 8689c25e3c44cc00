//! Maps and tuples under OpenAI strict mode.
//!
//! Strict mode cannot say "an object with any keys" (a map) or "an array
//! whose items have different types" (a tuple). Each gets a stand-in that
//! strict mode can say, and arguments that arrive in that form are turned
//! back before the tool's types read them:
//!
//! - a map `{"a": 1}` is sent as a list of entries `[{"key": "a", "value": 1}]`;
//! - a tuple `[1, "x"]` is sent as an object `{"0": 1, "1": "x"}`.
//!
//! The canonical schema still describes the plain forms, which providers
//! without strict mode send. Reading accepts both: a map schema never admits
//! an array and a tuple schema never admits an object, so the form that
//! arrived is never in doubt.

use serde_json::{Map, Value, json};

use super::node::has_type;

/// A map schema taken apart: `{"type": "object", "additionalProperties": V}`,
/// or one `patternProperties` entry as schemars writes integer keys.
pub(crate) struct MapParts<'a> {
    /// The schema of the keys: a string, with the pattern if there is one.
    pub(crate) key: Value,
    /// The schema of the values.
    pub(crate) value: &'a Value,
    /// The pattern, when the values sit under `patternProperties`.
    pub(crate) pattern: Option<&'a str>,
}

/// The parts of `node` if it is a map: an object without named properties
/// whose members are all described by one schema.
pub(crate) fn map_parts(node: &Map<String, Value>) -> Option<MapParts<'_>> {
    let named = node
        .get("properties")
        .is_some_and(|p| p.as_object().is_none_or(|p| !p.is_empty()));
    if !has_type(node, "object") || named {
        return None;
    }
    let additional = node
        .get("additionalProperties")
        .filter(|v| *v != &Value::Bool(false));
    match (additional, node.get("patternProperties")) {
        (Some(value @ (Value::Object(_) | Value::Bool(true))), None) => Some(MapParts {
            key: json!({"type": "string"}),
            value,
            pattern: None,
        }),
        (None, Some(Value::Object(patterns))) if patterns.len() == 1 => {
            let (pattern, value) = patterns.iter().next()?;
            Some(MapParts {
                key: json!({"type": "string", "pattern": pattern}),
                value,
                pattern: Some(pattern),
            })
        }
        _ => None,
    }
}

/// The item schemas of `node` if it is a tuple: `prefixItems` and no other items.
pub(crate) fn tuple_items(node: &Map<String, Value>) -> Option<&[Value]> {
    let open = node.get("items").is_some_and(|i| i != &Value::Bool(false));
    match node.get("prefixItems") {
        Some(Value::Array(items)) if !open && !items.is_empty() => Some(items),
        _ => None,
    }
}

/// The strict stand-in of a map: an array of closed `{key, value}` objects.
pub(crate) fn entries(key: Value, value: Map<String, Value>) -> Map<String, Value> {
    let entry = json!({
        "type": "object",
        "properties": {"key": key, "value": value},
        "required": ["key", "value"],
        "additionalProperties": false
    });
    Map::from_iter([
        ("type".to_owned(), Value::from("array")),
        ("items".to_owned(), entry),
    ])
}

/// The strict stand-in of a tuple: a closed object whose properties are the
/// positions, `"0"`, `"1"`, ….
pub(crate) fn positions(items: Vec<Map<String, Value>>) -> Map<String, Value> {
    let names: Vec<Value> = (0..items.len()).map(|i| i.to_string().into()).collect();
    let properties: Map<String, Value> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (i.to_string(), Value::Object(item)))
        .collect();
    Map::from_iter([
        ("type".to_owned(), Value::from("object")),
        ("properties".to_owned(), Value::Object(properties)),
        ("required".to_owned(), Value::Array(names)),
        ("additionalProperties".to_owned(), Value::Bool(false)),
    ])
}

/// A map value (such as a default) in the strict form.
pub(crate) fn as_entries(map: &Map<String, Value>) -> Value {
    map.iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect()
}

/// A tuple value (such as a default) in the strict form.
pub(crate) fn as_positions(items: &[Value]) -> Value {
    let positions: Map<String, Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (i.to_string(), item.clone()))
        .collect();
    Value::Object(positions)
}

/// Turns a list of map entries back into the map; returns whether `value`
/// was one. A malformed entry or a repeated key is an error for the model.
pub(crate) fn restore_map(value: &mut Value) -> Result<bool, String> {
    let Value::Array(entries) = value else {
        return Ok(false);
    };
    let mut map = Map::new();
    for (index, entry) in std::mem::take(entries).into_iter().enumerate() {
        let Value::Object(mut entry) = entry else {
            return Err(not_an_entry(index));
        };
        let (Some(Value::String(key)), Some(member)) = (entry.remove("key"), entry.remove("value"))
        else {
            return Err(not_an_entry(index));
        };
        if !entry.is_empty() {
            return Err(not_an_entry(index));
        }
        if map.contains_key(&key) {
            return Err(format!("the key {key:?} appears twice in a map"));
        }
        map.insert(key, member);
    }
    *value = Value::Object(map);
    Ok(true)
}

fn not_an_entry(index: usize) -> String {
    format!(
        "a map is sent as a list of {{\"key\": \"...\", \"value\": ...}} objects; item {index} is not one"
    )
}

/// Turns a tuple sent as an object of positions back into an array of `len`
/// items; returns whether `value` was one.
pub(crate) fn restore_tuple(value: &mut Value, len: usize) -> Result<bool, String> {
    let Value::Object(positions) = value else {
        return Ok(false);
    };
    let mut items = Vec::with_capacity(len);
    for index in 0..len {
        match positions.remove(&index.to_string()) {
            Some(item) => items.push(item),
            None => return Err(format!("a tuple of {len} items has no item \"{index}\"")),
        }
    }
    if let Some(extra) = positions.keys().next() {
        return Err(format!("a tuple of {len} items has no position {extra:?}"));
    }
    *value = Value::Array(items);
    Ok(true)
}
