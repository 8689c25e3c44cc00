//! Reads a model's tool arguments into the tool's parameter type.
//!
//! In strict mode every property is required, so the model fills a property
//! it would have left out with `null`. `Option` fields take that as `None`,
//! but a `#[serde(default)]` field of a non-nullable type would reject it.
//! Such a `null` means "not given", so it is removed before deserializing and
//! serde applies the field's default, as if the model had omitted it.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::tool::ToolError;

use super::strict::accepts_null;

/// How deep the argument value is followed; deeper nulls are left alone.
const MAX_DEPTH: usize = 64;

/// Deserializes a model's `arguments` into `T`, treating `null` for an
/// optional property as "not given".
///
/// `parameters` is the tool's canonical schema,
/// [`ToolSpec::parameters`](crate::model::ToolSpec::parameters). Arguments
/// that deserialize as they are take the fast path and never look at it.
///
/// ```
/// use patinox::schema::{parse_arguments, tool_spec};
/// use serde_json::value::RawValue;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Args {
///     city: String,
///     /// Forecast days; 1 when not given.
///     #[serde(default = "one")]
///     days: u8,
/// }
/// fn one() -> u8 { 1 }
///
/// let spec = tool_spec::<Args>("forecast", "Weather forecast.")?;
/// // What a strict-mode model sends when it leaves `days` out:
/// let arguments = RawValue::from_string(r#"{"city": "Lyon", "days": null}"#.into())?;
/// let args: Args = parse_arguments(spec.parameters(), &arguments)?;
/// assert_eq!((args.city.as_str(), args.days), ("Lyon", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ToolError::InvalidArguments`] with serde's message when the arguments
/// do not fit `T`; the agent loop sends it back to the model.
pub fn parse_arguments<T: DeserializeOwned>(
    parameters: &RawValue,
    arguments: &RawValue,
) -> Result<T, ToolError> {
    let first_error = match serde_json::from_str::<T>(arguments.get()) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let (Ok(mut value), Ok(schema)) = (
        serde_json::from_str::<Value>(arguments.get()),
        serde_json::from_str::<Value>(parameters.get()),
    ) else {
        return Err(ToolError::invalid_arguments(first_error));
    };
    if !remove_optional_nulls(&mut value, &schema, &schema, 0) {
        return Err(ToolError::invalid_arguments(first_error));
    }
    serde_json::from_value(value).map_err(ToolError::invalid_arguments)
}

/// Removes `null` members that the schema neither requires nor allows;
/// returns whether anything was removed.
fn remove_optional_nulls(value: &mut Value, schema: &Value, root: &Value, depth: usize) -> bool {
    let Some(node) = resolve(schema, root) else {
        return false;
    };
    if depth > MAX_DEPTH {
        return false;
    }
    let mut changed = false;
    match value {
        Value::Object(members) => {
            if let Some(Value::Object(properties)) = node.get("properties") {
                changed |= clean_members(members, node, properties, root, depth);
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = node.get("items") {
                for item in items {
                    changed |= remove_optional_nulls(item, item_schema, root, depth + 1);
                }
            }
        }
        _ => {}
    }
    if value.is_object() {
        for variant in matching_variants(node, value, root) {
            changed |= remove_optional_nulls(value, variant, root, depth + 1);
        }
    }
    changed
}

fn clean_members(
    members: &mut Map<String, Value>,
    node: &Map<String, Value>,
    properties: &Map<String, Value>,
    root: &Value,
    depth: usize,
) -> bool {
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
            changed |= remove_optional_nulls(member, property, root, depth + 1);
        }
    }
    changed
}

/// The `anyOf`/`oneOf`/`allOf` branches that describe `value`: for a tagged
/// enum, the variant whose required properties are all present.
fn matching_variants<'a>(
    node: &'a Map<String, Value>,
    value: &Value,
    root: &'a Value,
) -> Vec<&'a Value> {
    let mut picked = Vec::new();
    if let Some(Value::Array(all)) = node.get("allOf") {
        picked.extend(all);
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(variants)) = node.get(key) else {
            continue;
        };
        let fits = |variant: &&Value| {
            let Some(variant) = resolve(variant, root) else {
                return false;
            };
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
        picked.extend(variants.iter().find(fits));
    }
    picked
}

/// The schema object behind `schema`, following a local `$ref`.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Map<String, Value>> {
    let node = schema.as_object()?;
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => root.pointer(reference.strip_prefix('#')?)?.as_object(),
        None => Some(node),
    }
}
