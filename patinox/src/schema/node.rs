//! Reading one node of a JSON Schema: its types, whether it lets `null`
//! through, the definition a `$ref` points at.

use serde_json::{Map, Value};

/// Whether `node` lists `wanted` in its `type` (a name or an array of names).
pub(crate) fn has_type(node: &Map<String, Value>, wanted: &str) -> bool {
    match node.get("type") {
        Some(Value::String(name)) => name == wanted,
        Some(Value::Array(names)) => names.iter().any(|n| n == wanted),
        _ => false,
    }
}

/// Whether `node` (already strict) lets `null` through.
pub(crate) fn accepts_null(node: &Map<String, Value>) -> bool {
    let listed = |key: &str| {
        node.get(key)
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_null))
    };
    if node.contains_key("enum") {
        return listed("enum");
    }
    if let Some(constant) = node.get("const") {
        return constant.is_null();
    }
    if let Some(Value::Array(variants)) = node.get("anyOf") {
        return variants
            .iter()
            .any(|v| v.as_object().is_some_and(accepts_null));
    }
    has_type(node, "null")
}

/// The schema object behind `schema`, following a local `$ref`.
pub(crate) fn resolve<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Map<String, Value>> {
    let node = schema.as_object()?;
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => root.pointer(reference.strip_prefix('#')?)?.as_object(),
        None => Some(node),
    }
}

/// `name` as one JSON Pointer segment.
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
