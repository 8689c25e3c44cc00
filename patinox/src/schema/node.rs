//! One node of a JSON Schema: its types, whether it lets `null` through,
//! the definition a `$ref` points at, and its nullable form.

use serde_json::{Map, Value, json};

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

/// An optional property becomes required-but-nullable: scalars get a type
/// array, everything else (references, enums, objects) an `anyOf` with null.
pub(crate) fn nullable(mut node: Map<String, Value>) -> Map<String, Value> {
    if accepts_null(&node) {
        return node;
    }
    let scalar = matches!(
        node.get("type").and_then(Value::as_str),
        Some("string" | "number" | "integer" | "boolean")
    );
    if scalar && !node.contains_key("enum") && !node.contains_key("const") {
        if let Some(name) = node.remove("type") {
            node.insert("type".to_owned(), json!([name, "null"]));
        }
        return node;
    }
    let mut outer = Map::new();
    for key in ["title", "description"] {
        if let Some(text) = node.remove(key) {
            outer.insert(key.to_owned(), text);
        }
    }
    let only_any_of = node.len() == 1 && node.contains_key("anyOf");
    let variants = match node.remove("anyOf") {
        Some(Value::Array(mut variants)) if only_any_of => {
            variants.push(json!({"type": "null"}));
            variants
        }
        Some(any_of) => {
            node.insert("anyOf".to_owned(), any_of);
            vec![Value::Object(node), json!({"type": "null"})]
        }
        None => vec![Value::Object(node), json!({"type": "null"})],
    };
    outer.insert("anyOf".to_owned(), Value::Array(variants));
    outer
}

/// `"type": ["array", "null"]` (an `Option<Vec<T>>`) becomes an `anyOf`
/// with null: OpenAI documents type arrays with null for scalars only.
pub(crate) fn split_compound_null(mut node: Map<String, Value>) -> Map<String, Value> {
    let compound = match node.get("type") {
        Some(Value::Array(names)) if names.len() == 2 && names.iter().any(|n| n == "null") => names
            .iter()
            .filter_map(Value::as_str)
            .find(|name| matches!(*name, "array" | "object"))
            .map(str::to_owned),
        _ => None,
    };
    let Some(name) = compound else {
        return node;
    };
    node.insert("type".to_owned(), Value::String(name));
    nullable(node)
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
