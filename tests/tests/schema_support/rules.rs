//! The OpenAI strict-mode rules of `shared/specs/README.md`, as a checker
//! that walks a schema and lists every violation with its JSON Pointer.
//!
//! Written from the rules, not from `patinox::schema`, so the two can disagree.

use serde_json::{Map, Value};

const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "$ref",
    "description",
    "title",
    "pattern",
    "format",
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];
const TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "array", "null",
];
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];
const MAX_NESTING: usize = 10;

/// Every strict-mode rule `schema` breaks; empty when it complies.
pub fn violations(schema: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let Some(root) = schema.as_object() else {
        return vec!["/: the root is not an object".into()];
    };
    if root.get("type") != Some(&Value::from("object")) {
        found.push("/: the root is not \"type\": \"object\"".into());
    }
    if root.contains_key("anyOf") {
        found.push("/: anyOf at the root".into());
    }
    let mut node = root.clone();
    if let Some(defs) = node.remove("$defs") {
        match defs.as_object() {
            Some(defs) => {
                for (name, def) in defs {
                    check(def, &format!("/$defs/{name}"), schema, &mut found);
                }
            }
            None => found.push("/$defs: not an object".into()),
        }
    }
    check(&Value::Object(node), "", schema, &mut found);
    let depth = depth(schema, schema, &mut Vec::new());
    if depth > MAX_NESTING {
        found.push(format!("/: {depth} levels of nesting"));
    }
    found
}

fn check(schema: &Value, path: &str, root: &Value, found: &mut Vec<String>) {
    let Some(node) = schema.as_object() else {
        found.push(format!("{path}: a boolean schema"));
        return;
    };
    for key in node.keys() {
        if !KEYWORDS.contains(&key.as_str()) {
            found.push(format!("{path}: keyword `{key}` is not supported"));
        }
    }
    if let Some(reference) = node.get("$ref") {
        check_ref(node, reference, path, root, found);
        return;
    }
    if !["type", "enum", "const", "anyOf"]
        .iter()
        .any(|k| node.contains_key(*k))
    {
        found.push(format!("{path}: no type, enum, const or anyOf"));
    }
    let types = types(node);
    for name in &types {
        if !TYPES.contains(&name.as_str()) {
            found.push(format!("{path}: type `{name}` is not supported"));
        }
    }
    if let Some(format) = node.get("format").and_then(Value::as_str)
        && !FORMATS.contains(&format)
    {
        found.push(format!("{path}: format `{format}` is not supported"));
    }
    if let Some(variants) = node.get("anyOf") {
        match variants.as_array() {
            Some(variants) if !variants.is_empty() => {
                for (i, variant) in variants.iter().enumerate() {
                    check(variant, &format!("{path}/anyOf/{i}"), root, found);
                }
            }
            _ => found.push(format!("{path}: anyOf is not a non-empty array")),
        }
    }
    if types.iter().any(|t| t == "object") {
        check_object(node, path, root, found);
    }
    if types.iter().any(|t| t == "array") {
        match node.get("items") {
            Some(items) => check(items, &format!("{path}/items"), root, found),
            None => found.push(format!("{path}: array without items")),
        }
    }
}

fn check_ref(
    node: &Map<String, Value>,
    reference: &Value,
    path: &str,
    root: &Value,
    found: &mut Vec<String>,
) {
    if node.len() > 1 {
        found.push(format!("{path}: keywords next to $ref"));
    }
    let target = reference
        .as_str()
        .filter(|r| *r == "#" || r.starts_with("#/$defs/"))
        .and_then(|r| root.pointer(&r[1..]));
    if target.is_none() {
        found.push(format!(
            "{path}: $ref {reference} does not point into $defs"
        ));
    }
}

fn check_object(node: &Map<String, Value>, path: &str, root: &Value, found: &mut Vec<String>) {
    if node.get("additionalProperties") != Some(&Value::Bool(false)) {
        found.push(format!(
            "{path}: object without additionalProperties: false"
        ));
    }
    let properties = node.get("properties").and_then(Value::as_object);
    let Some(properties) = properties else {
        found.push(format!("{path}: object without properties"));
        return;
    };
    let mut required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    required.sort_unstable();
    let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    if required != names {
        found.push(format!(
            "{path}: required {required:?} differs from properties {names:?}"
        ));
    }
    for (name, property) in properties {
        check(property, &format!("{path}/properties/{name}"), root, found);
    }
}

fn types(node: &Map<String, Value>) -> Vec<String> {
    match node.get("type") {
        Some(Value::String(name)) => vec![name.clone()],
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| n.as_str().unwrap_or("<not a string>").to_owned())
            .collect(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    }
}

/// Levels of object nesting, following `$ref`s once around a cycle.
fn depth(schema: &Value, root: &Value, seen: &mut Vec<String>) -> usize {
    let Some(node) = schema.as_object() else {
        return 0;
    };
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|r| r == reference) {
            return 0;
        }
        seen.push(reference.to_owned());
        let d = root
            .pointer(&reference[1..])
            .map_or(0, |target| depth(target, root, seen));
        seen.pop();
        return d;
    }
    let own = usize::from(types(node).iter().any(|t| t == "object"));
    let mut children: Vec<&Value> = Vec::new();
    if let Some(Value::Object(properties)) = node.get("properties") {
        children.extend(properties.values());
    }
    if let Some(items) = node.get("items") {
        children.push(items);
    }
    if let Some(Value::Array(variants)) = node.get("anyOf") {
        children.extend(variants);
    }
    own + children
        .into_iter()
        .map(|child| depth(child, root, seen))
        .max()
        .unwrap_or(0)
}
