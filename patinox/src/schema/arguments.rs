//! Reads a model's tool arguments into the tool's parameter type.
//!
//! Arguments that deserialize as they are take the fast path. Otherwise the
//! canonical schema guides two repairs of what strict mode makes a model send:
//!
//! - In strict mode every property is required, so the model fills a
//!   property it would have left out with `null`. `Option` fields take that
//!   as `None`, but a `#[serde(default)]` field of a non-nullable type would
//!   reject it. Such a `null` means "not given", so it is removed and serde
//!   applies the field's default, as if the model had omitted it.
//! - Maps arrive as lists of `{key, value}` entries and tuples as objects of
//!   positions (see [`reshape`](super::reshape)); they are turned back.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::node::{accepts_null, has_type, resolve};
use super::reshape;

/// How deep the argument value is followed; deeper parts are left alone.
const MAX_DEPTH: usize = 64;

/// Arguments that do not fit a tool's parameters. The message is written
/// for the model, which the agent loop asks to correct its call; tools
/// report it as [`ToolError::InvalidArguments`](crate::tool::ToolError::InvalidArguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentsError {
    message: String,
}

impl ArgumentsError {
    fn new(message: impl fmt::Display) -> Self {
        Self {
            message: message.to_string(),
        }
    }

    /// What is wrong with the arguments (serde's message, or which map
    /// entry or tuple position is malformed).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ArgumentsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid arguments: {}", self.message)
    }
}

impl std::error::Error for ArgumentsError {}

/// Deserializes a model's `arguments` into `T`, treating `null` for an
/// optional property as "not given", and reading maps and tuples in either
/// the plain or the strict-mode form.
///
/// `parameters` is the tool's canonical schema,
/// [`ToolSpec::parameters`](crate::model::ToolSpec::parameters). Arguments
/// that deserialize as they are take the fast path and never look at it.
///
/// ```
/// use std::collections::HashMap;
/// use patinox::schema::{parse_arguments, tool_spec};
/// use serde_json::value::RawValue;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Args {
///     city: String,
///     /// Forecast days; 1 when not given.
///     #[serde(default = "one")]
///     days: u8,
///     /// Extra query parameters.
///     #[serde(default)]
///     extra: HashMap<String, String>,
/// }
/// fn one() -> u8 { 1 }
///
/// let spec = tool_spec::<Args>("forecast", "Weather forecast.")?;
/// // What a strict-mode model sends when it leaves `days` out:
/// let arguments = RawValue::from_string(
///     r#"{"city": "Lyon", "days": null, "extra": [{"key": "lang", "value": "fr"}]}"#.into(),
/// )?;
/// let args: Args = parse_arguments(spec.parameters(), &arguments)?;
/// assert_eq!((args.city.as_str(), args.days), ("Lyon", 1));
/// assert_eq!(args.extra["lang"], "fr");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An [`ArgumentsError`] with serde's message when the arguments do not fit
/// `T`, or naming the malformed map entry, repeated map key or missing tuple
/// position.
pub fn parse_arguments<T: DeserializeOwned>(
    parameters: &RawValue,
    arguments: &RawValue,
) -> Result<T, ArgumentsError> {
    let first_error = match serde_json::from_str::<T>(arguments.get()) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let (Ok(mut value), Ok(schema)) = (
        serde_json::from_str::<Value>(arguments.get()),
        serde_json::from_str::<Value>(parameters.get()),
    ) else {
        return Err(ArgumentsError::new(first_error));
    };
    if !normalize(&mut value, &schema, &schema, 0).map_err(ArgumentsError::new)? {
        return Err(ArgumentsError::new(first_error));
    }
    serde_json::from_value(value).map_err(ArgumentsError::new)
}

/// Brings `value` to the form `schema` describes: removes `null` members
/// the schema neither requires nor allows, and turns map entries and tuple
/// positions back. Returns whether anything changed.
fn normalize(
    value: &mut Value,
    schema: &Value,
    root: &Value,
    depth: usize,
) -> Result<bool, String> {
    let Some(node) = resolve(schema, root) else {
        return Ok(false);
    };
    if depth > MAX_DEPTH {
        return Ok(false);
    }
    if let Some(map) = reshape::map_parts(node) {
        let mut changed = reshape::restore_map(value)?;
        if let Value::Object(members) = value {
            for member in members.values_mut() {
                changed |= normalize(member, map.value, root, depth + 1)?;
            }
        }
        return Ok(changed);
    }
    if let Some(items) = reshape::tuple_items(node) {
        let mut changed = reshape::restore_tuple(value, items.len())?;
        if let Value::Array(values) = value {
            for (item, schema) in values.iter_mut().zip(items) {
                changed |= normalize(item, schema, root, depth + 1)?;
            }
        }
        return Ok(changed);
    }
    let mut changed = false;
    match value {
        Value::Object(members) => {
            if let Some(Value::Object(properties)) = node.get("properties") {
                changed |= clean_members(members, node, properties, root, depth)?;
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = node.get("items") {
                for item in items {
                    changed |= normalize(item, item_schema, root, depth + 1)?;
                }
            }
        }
        _ => {}
    }
    for variant in matching_variants(node, value, root) {
        changed |= normalize(value, variant, root, depth + 1)?;
    }
    Ok(changed)
}

fn clean_members(
    members: &mut Map<String, Value>,
    node: &Map<String, Value>,
    properties: &Map<String, Value>,
    root: &Value,
    depth: usize,
) -> Result<bool, String> {
    let required = |name: &str| {
        node.get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|n| n == name))
    };
    let before = members.len();
    members.retain(|name, member| {
        let Some(property) = properties.get(name) else {
            return true;
        };
        let allows_null = resolve(property, root).is_none_or(accepts_null);
        !(member.is_null() && !required(name) && !allows_null)
    });
    let mut changed = members.len() != before;
    for (name, member) in members.iter_mut() {
        if let Some(property) = properties.get(name) {
            changed |= normalize(member, property, root, depth + 1)?;
        }
    }
    Ok(changed)
}

/// The `anyOf`/`oneOf`/`allOf` branches that describe `value`: for a tagged
/// enum, the variant whose required properties are all present; for a map
/// or tuple in its strict form, the branch that is a map or tuple.
fn matching_variants<'a>(
    node: &'a Map<String, Value>,
    value: &Value,
    root: &'a Value,
) -> Vec<&'a Value> {
    let mut picked = Vec::new();
    if value.is_object()
        && let Some(Value::Array(all)) = node.get("allOf")
    {
        picked.extend(all);
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(variants)) = node.get(key) else {
            continue;
        };
        let described = |variant: &Map<String, Value>| {
            variant.contains_key("properties")
                && variant
                    .get("required")
                    .and_then(Value::as_array)
                    .is_none_or(|names| {
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .all(|n| value.get(n).is_some())
                    })
        };
        let reshaped = |variant: &Map<String, Value>| {
            reshape::map_parts(variant).is_some() || reshape::tuple_items(variant).is_some()
        };
        let fits = |variant: &&Value| {
            resolve(variant, root).is_some_and(|variant| match value {
                Value::Object(_) => described(variant) || reshaped(variant),
                Value::Array(_) => reshaped(variant) || has_type(variant, "array"),
                _ => false,
            })
        };
        picked.extend(variants.iter().find(fits));
    }
    picked
}
