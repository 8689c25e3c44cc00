//! Rewrites a JSON Schema into the subset OpenAI accepts with `strict: true`.
//!
//! The rewrite is one pass over the schema tree. Each node is made strict on
//! its own terms (closed objects, every property required, optional ones
//! nullable); what strict mode cannot say is either moved into the node's
//! `description`, so the model still reads it, or reported with the JSON
//! Pointer of the node, when dropping it would change which values are valid.
//! Maps and tuples, which strict mode cannot say either, get the stand-ins of
//! [`reshape`](super::reshape) where the reader turns them back.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::{ConfigurationError, PatinoxError};

use super::limits::check_limits;
use super::node::{escape, has_type, nullable, split_compound_null};
use super::reshape;

/// String formats strict mode accepts.
const ALLOWED_FORMATS: &[&str] = &[
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

/// Keywords strict mode understands; everything else is moved or dropped.
const KEPT: &[&str] = &[
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

/// Constraints strict mode does not enforce but the model should still read.
const DESCRIBED: &[&str] = &[
    "default",
    "minLength",
    "maxLength",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Keywords whose removal would let the model produce values the type rejects.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "patternProperties",
        "an object with arbitrary keys (a map such as `HashMap<String, T>`)",
    ),
    (
        "propertyNames",
        "an object with arbitrary keys (a map such as `HashMap<K, T>`)",
    ),
    ("prefixItems", "a fixed-length array (a tuple)"),
    ("not", "`not`"),
    ("if", "`if`/`then`/`else`"),
    ("then", "`if`/`then`/`else`"),
    ("else", "`if`/`then`/`else`"),
    ("dependentRequired", "`dependentRequired`"),
    ("dependentSchemas", "`dependentSchemas`"),
    ("dependencies", "`dependencies`"),
    ("contains", "`contains`"),
    ("unevaluatedItems", "`unevaluatedItems`"),
];

const TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// Why a schema has no strict form, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StrictError {
    /// JSON Pointer of the offending node in the input schema.
    path: String,
    /// What the node expresses that strict mode cannot.
    reason: String,
}

impl From<StrictError> for PatinoxError {
    fn from(err: StrictError) -> Self {
        let path = if err.path.is_empty() {
            "/".to_owned()
        } else {
            err.path
        };
        ConfigurationError::new(format!(
            "{} cannot be expressed in OpenAI strict mode",
            err.reason
        ))
        .with_key(path)
        .into()
    }
}

type Outcome<T = ()> = Result<T, StrictError>;

fn fail<T>(path: &str, reason: impl Into<String>) -> Outcome<T> {
    Err(StrictError {
        path: path.to_owned(),
        reason: reason.into(),
    })
}

/// Whether the strict form may send maps and tuples in the stand-in forms of
/// [`reshape`](super::reshape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StandIns {
    /// Yes: the value is read back through the canonical schema (tool
    /// arguments, see [`parse_arguments`](super::parse_arguments)).
    Allowed,
    /// No: the value is deserialized as sent (structured outputs).
    Refused,
}

/// The strict form of `schema`, whose root must be an object schema.
///
/// # Errors
/// A [`PatinoxError::Configuration`] whose key is the JSON Pointer of the
/// part of `schema` strict mode cannot express.
pub(crate) fn make_strict(schema: &Value, stand_ins: StandIns) -> Result<Value, PatinoxError> {
    Ok(strict_form(schema, stand_ins)?)
}

fn strict_form(schema: &Value, stand_ins: StandIns) -> Outcome<Value> {
    let Some(root) = schema.as_object() else {
        return fail("", "a schema that is not an object");
    };
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return fail(
            "",
            "a root schema without \"type\": \"object\" (wrap the value in a struct)",
        );
    }
    let mut node = root.clone();
    let defs = node.remove("$defs");
    node.remove("definitions");
    let defs = defs.as_ref().and_then(Value::as_object);
    let mut rewriter = Rewriter {
        defs,
        inlining: Vec::new(),
        stand_ins,
    };
    // Definitions first: an error inside one is reported at its own path,
    // not at the first property that copies it in.
    let mut strict_defs = None;
    if let Some(defs) = defs {
        let mut strict = Map::new();
        for (name, def) in defs {
            let path = format!("/$defs/{}", escape(name));
            // A definition referring to itself keeps a plain reference.
            rewriter.inlining.push(name.clone());
            let def = rewriter.value(def, &path);
            rewriter.inlining.pop();
            let def = def?;
            strict.insert(name.clone(), Value::Object(def));
        }
        strict_defs = Some(strict);
    }
    let mut out = rewriter.node(node, Origins::new(""))?;
    if out.contains_key("anyOf") {
        let keyword = if root.contains_key("oneOf") {
            "oneOf"
        } else {
            "anyOf"
        };
        return fail(
            &format!("/{keyword}"),
            "alternatives at the root (such as a flattened enum)",
        );
    }
    if let Some(defs) = strict_defs {
        out.insert("$defs".to_owned(), Value::Object(defs));
    }
    let out = Value::Object(out);
    check_limits(&out).or_else(|reason| fail("", reason))?;
    Ok(out)
}

struct Rewriter<'a> {
    defs: Option<&'a Map<String, Value>>,
    /// Definitions being inlined, to stop at recursion.
    inlining: Vec<String>,
    stand_ins: StandIns,
}

/// Where each keyword of a node stood in the input schema, so that errors
/// point there even after `allOf`, `oneOf` or `$ref` moved it.
#[derive(Clone)]
struct Origins {
    here: String,
    moved: BTreeMap<String, String>,
}

impl Origins {
    fn new(path: &str) -> Self {
        Self {
            here: path.to_owned(),
            moved: BTreeMap::new(),
        }
    }

    /// The JSON Pointer of `key` in the input.
    fn at(&self, key: &str) -> String {
        self.moved
            .get(key)
            .cloned()
            .unwrap_or_else(|| format!("{}/{key}", self.here))
    }
}

impl Rewriter<'_> {
    fn value(&mut self, schema: &Value, path: &str) -> Outcome<Map<String, Value>> {
        match schema {
            Value::Object(node) => self.node(node.clone(), Origins::new(path)),
            Value::Bool(true) => fail(path, "a schema that accepts any value"),
            _ => fail(path, "a schema that accepts no value"),
        }
    }

    fn node(
        &mut self,
        mut node: Map<String, Value>,
        mut origins: Origins,
    ) -> Outcome<Map<String, Value>> {
        merge_single_all_of(&mut node, &mut origins)?;
        if let Some(reference) = node.get("$ref") {
            self.check_ref(reference, &origins)?;
            if node.len() > 1 {
                return self.inline_ref(node, origins);
            }
        }
        if let Some(one_of) = node.remove("oneOf") {
            origins
                .moved
                .insert("anyOf".to_owned(), origins.at("oneOf"));
            node.insert("anyOf".to_owned(), one_of);
        }
        if self.stand_ins == StandIns::Allowed {
            if reshape::map_parts(&node).is_some() {
                return self.map_entries(node, &origins);
            }
            if reshape::tuple_items(&node).is_some() {
                return self.tuple_positions(node, &origins);
            }
        }
        reject_unsupported(&node, &origins)?;
        describe_constraints(&mut node);
        node.retain(|key, _| KEPT.contains(&key.as_str()));
        if !node.contains_key("$ref") && !accepts_something_definite(&node) {
            return fail(
                &origins.here,
                "a schema that accepts any value (such as `serde_json::Value`)",
            );
        }
        check_types(&node, &origins)?;
        if let Some(Value::Array(variants)) = node.get("anyOf") {
            let mut strict = Vec::with_capacity(variants.len());
            for (index, variant) in variants.iter().enumerate() {
                let variant = self.value(variant, &format!("{}/{index}", origins.at("anyOf")))?;
                strict.push(Value::Object(variant));
            }
            node.insert("anyOf".to_owned(), Value::Array(strict));
        }
        if has_type(&node, "array") || node.contains_key("items") {
            self.array(&mut node, &origins)?;
        }
        if has_type(&node, "object") || node.contains_key("properties") {
            self.object(&mut node, &origins)?;
        }
        Ok(split_compound_null(node))
    }

    /// Strict mode rejects keywords next to `$ref`: the definition is copied
    /// in place, with the sibling keywords (usually a field's description) on top.
    fn inline_ref(
        &mut self,
        node: Map<String, Value>,
        mut origins: Origins,
    ) -> Outcome<Map<String, Value>> {
        let reference = node
            .get("$ref")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let name = reference.strip_prefix("#/$defs/").unwrap_or_default();
        let def = self.defs.and_then(|defs| defs.get(name));
        let (Some(Value::Object(def)), false) = (def, self.inlining.iter().any(|n| n == name))
        else {
            // Recursion (through `#` or a definition being rewritten): keep
            // the plain reference, lose the sibling text.
            return Ok(Map::from_iter([(
                "$ref".to_owned(),
                Value::String(reference),
            )]));
        };
        let mut merged = def.clone();
        for key in def.keys() {
            if !node.contains_key(key) {
                origins
                    .moved
                    .insert(key.clone(), format!("/$defs/{}/{key}", escape(name)));
            }
        }
        for (key, value) in node.into_iter().filter(|(key, _)| key != "$ref") {
            merged.insert(key, value);
        }
        self.inlining.push(name.to_owned());
        let result = self.node(merged, origins);
        self.inlining.pop();
        result
    }

    /// A map becomes a list of `{key, value}` entries; its size bounds
    /// become the list's, and the other notes stay in the description.
    fn map_entries(
        &mut self,
        mut node: Map<String, Value>,
        origins: &Origins,
    ) -> Outcome<Map<String, Value>> {
        let Some(parts) = reshape::map_parts(&node) else {
            return fail(&origins.here, "a map without a value schema");
        };
        let value_path = match parts.pattern {
            Some(pattern) => format!("{}/{}", origins.at("patternProperties"), escape(pattern)),
            None => origins.at("additionalProperties"),
        };
        let value = self.value(parts.value, &value_path)?;
        let mut out = reshape::entries(parts.key, value);
        for (from, to) in [("minProperties", "minItems"), ("maxProperties", "maxItems")] {
            if let Some(bound) = node.remove(from) {
                out.insert(to.to_owned(), bound);
            }
        }
        if let Some(Value::Object(default)) = node.get("default") {
            let default = reshape::as_entries(default);
            node.insert("default".to_owned(), default);
        }
        Ok(stand_in(node, out, "array"))
    }

    /// A tuple becomes a closed object whose properties are its positions.
    fn tuple_positions(
        &mut self,
        mut node: Map<String, Value>,
        origins: &Origins,
    ) -> Outcome<Map<String, Value>> {
        let items = reshape::tuple_items(&node).unwrap_or_default().to_vec();
        let mut strict = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            strict.push(self.value(item, &format!("{}/{index}", origins.at("prefixItems")))?);
        }
        // The positions say the length.
        node.remove("minItems");
        node.remove("maxItems");
        if let Some(Value::Array(default)) = node.get("default") {
            let default = reshape::as_positions(default);
            node.insert("default".to_owned(), default);
        }
        Ok(stand_in(node, reshape::positions(strict), "object"))
    }

    fn check_ref(&self, reference: &Value, origins: &Origins) -> Outcome {
        let reference = reference.as_str().unwrap_or_default();
        let known = reference == "#"
            || reference
                .strip_prefix("#/$defs/")
                .is_some_and(|name| self.defs.is_some_and(|defs| defs.contains_key(name)));
        if known {
            Ok(())
        } else {
            fail(
                &origins.at("$ref"),
                format!("a reference to `{reference}` (only `#` and `#/$defs/...` resolve)"),
            )
        }
    }

    fn array(&mut self, node: &mut Map<String, Value>, origins: &Origins) -> Outcome {
        let Some(items) = node.get("items") else {
            return fail(&origins.here, "an array without an item schema");
        };
        let items = self.value(items, &origins.at("items"))?;
        node.insert("items".to_owned(), Value::Object(items));
        Ok(())
    }

    fn object(&mut self, node: &mut Map<String, Value>, origins: &Origins) -> Outcome {
        match node.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => {
                return fail(
                    &origins.at("additionalProperties"),
                    "an object with arbitrary keys (a map such as `HashMap<String, T>`)",
                );
            }
        }
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let empty = Map::new();
        let properties = node
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut strict = Map::new();
        for (name, property) in properties {
            let property_path = format!("{}/{}", origins.at("properties"), escape(name));
            let mut property = self.value(property, &property_path)?;
            if !required.contains(&name.as_str()) {
                property = nullable(property);
            }
            strict.insert(name.clone(), Value::Object(property));
        }
        let names: Vec<Value> = strict.keys().cloned().map(Value::from).collect();
        node.insert("properties".to_owned(), Value::Object(strict));
        node.insert("required".to_owned(), Value::Array(names));
        node.insert("additionalProperties".to_owned(), Value::Bool(false));
        Ok(())
    }
}

/// `out` with the notes of the node it stands in for, and nullable if
/// that node was.
fn stand_in(
    mut node: Map<String, Value>,
    mut out: Map<String, Value>,
    kind: &str,
) -> Map<String, Value> {
    describe_constraints(&mut node);
    for key in ["title", "description"] {
        if let Some(text) = node.remove(key) {
            out.insert(key.to_owned(), text);
        }
    }
    if has_type(&node, "null") {
        out.insert("type".to_owned(), json!([kind, "null"]));
    }
    split_compound_null(out)
}

/// Merges `allOf: [one]` into the node, repeatedly, since the merged schema
/// may bring an `allOf` of its own.
fn merge_single_all_of(node: &mut Map<String, Value>, origins: &mut Origins) -> Outcome {
    while let Some(all_of) = node.remove("allOf") {
        let all_of_path = origins.at("allOf");
        origins.moved.remove("allOf");
        let Some([Value::Object(only)]) = all_of.as_array().map(Vec::as_slice) else {
            return fail(
                &all_of_path,
                "`allOf` with several schemas (for example from `#[serde(flatten)]` of an enum)",
            );
        };
        for (key, value) in only {
            if !node.contains_key(key) {
                origins
                    .moved
                    .insert(key.clone(), format!("{all_of_path}/0/{key}"));
                node.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(())
}

fn reject_unsupported(node: &Map<String, Value>, origins: &Origins) -> Outcome {
    for (keyword, what) in UNSUPPORTED {
        if node.contains_key(*keyword) {
            return fail(&origins.at(keyword), *what);
        }
    }
    match node.get("unevaluatedProperties") {
        None | Some(Value::Bool(false)) => Ok(()),
        Some(_) => fail(
            &origins.at("unevaluatedProperties"),
            "an object with arbitrary keys (`unevaluatedProperties`)",
        ),
    }
}

/// Moves unenforced constraints and unsupported formats into the description.
fn describe_constraints(node: &mut Map<String, Value>) {
    let mut notes = Vec::new();
    for keyword in DESCRIBED {
        match node.remove(*keyword) {
            // `null` is what strict mode already sends for "not given".
            Some(Value::Null) | None => {}
            Some(value) => notes.push(format!("{keyword}: {value}")),
        }
    }
    let format = node
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(format) = format.filter(|f| !ALLOWED_FORMATS.contains(&f.as_str())) {
        node.remove("format");
        // schemars' numeric formats (`uint8`, `double`) repeat what
        // `minimum`/`maximum` and the type already say.
        if has_type(node, "string") {
            notes.push(format!("format: {format}"));
        }
    }
    if notes.is_empty() {
        return;
    }
    let notes = format!("({})", notes.join(", "));
    let description = match node.get("description").and_then(Value::as_str) {
        Some(text) if !text.is_empty() => format!("{text} {notes}"),
        _ => notes,
    };
    node.insert("description".to_owned(), Value::String(description));
}

/// Whether the node restricts values at all; `{}` would let the model send anything.
fn accepts_something_definite(node: &Map<String, Value>) -> bool {
    ["type", "enum", "const", "anyOf"]
        .iter()
        .any(|k| node.contains_key(*k))
}

fn check_types(node: &Map<String, Value>, origins: &Origins) -> Outcome {
    let names: Vec<&Value> = match node.get("type") {
        None => return Ok(()),
        Some(Value::Array(names)) => names.iter().collect(),
        Some(name) => vec![name],
    };
    for name in names {
        if !name.as_str().is_some_and(|n| TYPES.contains(&n)) {
            return fail(&origins.at("type"), format!("the type {name}"));
        }
    }
    Ok(())
}
