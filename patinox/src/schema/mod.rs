//! JSON Schemas of tool arguments and structured outputs, in the dialects
//! providers accept.
//!
//! [`tool_spec`] turns a type that derives `serde::Deserialize` and
//! `schemars::JsonSchema` into a [`ToolSpec`] carrying two schemas, computed
//! once. `#[tool]` calls it for the struct of a function's parameters and
//! caches the result.
//!
//! - The **canonical** schema ([`ToolSpec::parameters`]) is JSON Schema
//!   2020-12 as schemars writes it, without a `$schema` key: the root is
//!   `"type": "object"`, shared types live in `$defs`, optional properties
//!   are simply not `required`. Anthropic takes it as the tool's
//!   `input_schema`; OpenAI takes it when a tool is not strict.
//!   The root `title` (the Rust type's name) is left out. Keys come in
//!   alphabetical order, as `serde_json`'s default map keeps them.
//! - The **OpenAI strict** schema ([`ToolSpec::strict_parameters`]) is the
//!   subset OpenAI accepts with `"strict": true` (see [`strict_schema`]).
//!
//! [`output_schema`] gives the same two forms for a structured output type
//! (`response_format` `json_schema`), and [`parse_arguments`] reads a
//! model's arguments, in either form, back into the parameter type.
//!
//! # What strict mode changes
//!
//! - Every object gets `"additionalProperties": false`, and every property
//!   is listed in `required`, in `$defs` and nested objects too.
//! - A property that was optional (an `Option`, or a field with
//!   `#[serde(default)]`) becomes nullable: `"type": ["integer", "null"]` for
//!   scalars, `"anyOf": [<schema>, {"type": "null"}]` for references, enums,
//!   arrays and objects (also where schemars wrote `["array", "null"]`, as
//!   OpenAI documents type arrays for scalars only). [`parse_arguments`]
//!   reads a `null` there as "not given", so such a field gets its default,
//!   as when the model leaves it out of a non-strict call.
//! - `$ref` and `$defs` are kept (strict mode allows them, recursion
//!   included). A `$ref` with sibling keywords, such as a field's doc
//!   comment, is replaced by a copy of the definition, because strict mode
//!   rejects keywords next to `$ref`.
//! - `oneOf` becomes `anyOf` (serde's enum variants never overlap, so this
//!   accepts the same values); an `allOf` with one schema is merged in place.
//! - Constraints strict mode does not enforce (`default`, `minLength`,
//!   `maxLength`, `uniqueItems`, `minProperties`, `maxProperties` and string
//!   formats other than date-time, time, date, duration, email, hostname,
//!   ipv4, ipv6 and uuid) are moved into the `description`, so the model
//!   still reads them. schemars' numeric formats (`uint8`, `double`) are
//!   dropped: the type and bounds say the same. Annotations without meaning
//!   for the model (`examples`, `deprecated`, `$comment`, extension
//!   keywords) are dropped.
//! - Maps and tuples, which strict mode cannot say, are sent in a form it
//!   can (see below).
//! - What cannot be expressed is reported with the JSON Pointer of the part
//!   of the canonical schema that says it: any-value schemas
//!   (`serde_json::Value`, and so `serde_json::Map<String, Value>`), an
//!   object with both named properties and arbitrary keys (a
//!   `#[serde(flatten)]` map), `patternProperties` with several patterns,
//!   `not`, `if`/`then`/`else`, `allOf` with several schemas (a flattened
//!   enum), more than 10 levels of object nesting, more than 5000 properties
//!   or 1000 enum values.
//!
//! # Maps and tuples
//!
//! Strict mode has no "object with any keys" and no "array whose items
//! differ", so in the strict schema
//!
//! - a map (`HashMap<String, V>`, `BTreeMap<K, V>`, any object schema with
//!   an `additionalProperties` schema or one `patternProperties` pattern) is
//!   a list of `{"key": …, "value": …}` entries: `{"a": 1}` is sent as
//!   `[{"key": "a", "value": 1}]`. Integer keys keep their pattern
//!   (`"^\d+$"`), `minProperties`/`maxProperties` become
//!   `minItems`/`maxItems`.
//! - a tuple (`(u8, String)`, `prefixItems`) is a closed object whose
//!   properties are the positions: `[1, "x"]` is sent as `{"0": 1, "1": "x"}`.
//!
//! [`parse_arguments`] (which every `#[tool]` calls) turns them back before
//! deserializing, wherever they are: inside structs, enums, `Option`s,
//! lists and other maps. The canonical schema keeps the plain forms, which
//! Anthropic and non-strict OpenAI tools send; both are accepted, and a map
//! schema never admits an array nor a tuple schema an object, so the form
//! that arrived is never in doubt. A repeated key or a malformed entry is an
//! [`ArgumentsError`] the model reads, never a silently dropped value.
//!
//! Structured outputs are deserialized as the model sends them, without
//! this translation, so [`output_schema`] gives a type with a map or a
//! tuple no strict form.
//!
//! # Types strict mode cannot express
//!
//! Every argument type built from scalars, strings, lists, maps, tuples,
//! options, structs and enums (serde's derives, without `flatten`) has a
//! strict form. What remains is a value that can be anything
//! (`serde_json::Value`): strict mode would need its shape. Such a type is
//! legitimate for Anthropic and non-strict OpenAI, so [`tool_spec`] still
//! returns a spec, without a strict schema (`strict_parameters()` is `None`,
//! and providers send the tool with `strict: false`), and logs a `tracing`
//! warning naming the tool and the offending path. Code that requires strict
//! mode calls [`strict_tool_spec`], which returns that reason as a
//! [`PatinoxError::Configuration`] when the tool is registered;
//! [`strict_schema`] returns it for any schema. Prefer a typed argument (an
//! enum, a struct, a map of a known value type) where strict mode matters.
//! The check cannot happen at compile time: whether a type's schema has a
//! strict form is only known once its `JsonSchema` impl has run.

mod arguments;
mod limits;
mod node;
mod reshape;
mod strict;

use std::sync::Arc;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{PatinoxError, Result};
use crate::model::ToolSpec;

pub use arguments::{ArgumentsError, parse_arguments};
use strict::StandIns;

/// The [`ToolSpec`] of a tool whose arguments deserialize into `T`, with an
/// OpenAI strict schema when `T` has one.
///
/// ```
/// use patinox::schema::tool_spec;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Args {
///     /// City name.
///     city: String,
///     /// Temperature unit; Celsius when not given.
///     unit: Option<String>,
/// }
///
/// let spec = tool_spec::<Args>("get_weather", "Current weather for a city.")?;
/// let strict: serde_json::Value =
///     serde_json::from_str(spec.strict_parameters().unwrap().get())?;
/// assert_eq!(strict["required"], serde_json::json!(["city", "unit"]));
/// assert_eq!(strict["properties"]["unit"]["type"], serde_json::json!(["string", "null"]));
/// assert_eq!(strict["additionalProperties"], false);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`PatinoxError::Configuration`] if the name is invalid or `T`'s schema
/// is not an object schema. A type without a strict form is not an error
/// here (see the [module docs](self)); use [`strict_tool_spec`] to make it one.
pub fn tool_spec<T: JsonSchema>(name: &str, description: &str) -> Result<ToolSpec> {
    let parameters = parameters_schema::<T>();
    let spec = ToolSpec::new(name, description, &parameters)?;
    match strict_raw(&parameters) {
        Ok(strict) => Ok(spec.with_strict_parameters(strict)),
        Err(err) => {
            tracing::warn!(
                tool = name,
                reason = %err,
                "tool arguments cannot use OpenAI strict mode; the tool is sent with strict: false"
            );
            Ok(spec)
        }
    }
}

/// Like [`tool_spec`], but fails when `T`'s schema has no OpenAI strict form.
///
/// ```
/// use std::collections::HashMap;
/// use patinox::schema::strict_tool_spec;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Labels {
///     labels: HashMap<String, String>,
/// }
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Patch {
///     /// Any JSON value.
///     value: serde_json::Value,
/// }
///
/// // A map has a strict form (a list of entries)...
/// assert!(strict_tool_spec::<Labels>("label", "Labels a resource.").is_ok());
/// // ...a value of any shape has not.
/// let err = strict_tool_spec::<Patch>("patch", "Patches a resource.").unwrap_err();
/// assert!(err.to_string().contains("`patch`"));
/// assert!(err.to_string().contains("/properties/value"));
/// ```
///
/// # Errors
/// A [`PatinoxError::Configuration`] naming the tool and the JSON Pointer of
/// the part of the schema strict mode cannot express, or as [`tool_spec`].
pub fn strict_tool_spec<T: JsonSchema>(name: &str, description: &str) -> Result<ToolSpec> {
    let parameters = parameters_schema::<T>();
    let spec = ToolSpec::new(name, description, &parameters)?;
    let strict = strict_raw(&parameters).map_err(|err| in_tool(name, err))?;
    Ok(spec.with_strict_parameters(strict))
}

/// The canonical JSON Schema of `T`: draft 2020-12 as schemars generates it
/// for deserializing, without the `$schema` key.
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct Point { x: f64, y: f64 }
///
/// let schema = patinox::schema::canonical_schema::<Point>();
/// assert_eq!(schema["type"], "object");
/// assert!(schema.get("$schema").is_none());
/// ```
pub fn canonical_schema<T: JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .with(|settings| settings.meta_schema = None)
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// The canonical schema without its root `title`: the title is the Rust
/// type's name (for `#[tool]`, a generated one), which means nothing to the
/// model next to the tool's name.
fn parameters_schema<T: JsonSchema>() -> Value {
    let mut schema = canonical_schema::<T>();
    if let Some(root) = schema.as_object_mut() {
        root.remove("title");
    }
    schema
}

/// The OpenAI strict-mode form of a tool's parameter schema, whose root is
/// an object schema.
///
/// See the [module docs](self) for what changes. Maps and tuples take their
/// strict stand-in forms, which [`parse_arguments`] reads back; for a
/// `response_format`, whose answer is read without it, use [`output_schema`].
///
/// ```
/// use serde_json::json;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "default": 10}},
///     "required": ["query"]
/// });
/// let strict = patinox::schema::strict_schema(&schema)?;
/// assert_eq!(strict, json!({
///     "type": "object",
///     "properties": {
///         "limit": {"type": ["integer", "null"], "description": "(default: 10)"},
///         "query": {"type": "string"}
///     },
///     "required": ["limit", "query"],
///     "additionalProperties": false
/// }));
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// A [`PatinoxError::Configuration`] whose `key` is the JSON Pointer of the
/// part strict mode cannot express, such as `/properties/value` for a
/// `serde_json::Value`.
pub fn strict_schema(schema: &Value) -> Result<Value> {
    strict::make_strict(schema, StandIns::Allowed)
}

fn strict_raw(schema: &Value) -> Result<Arc<RawValue>> {
    let strict = strict_schema(schema)?;
    Ok(RawValue::from_string(serde_json::to_string(&strict)?)?.into())
}

fn in_tool(name: &str, err: PatinoxError) -> PatinoxError {
    match err {
        PatinoxError::Configuration(detail) => {
            let mut detail = *detail;
            detail.message = format!("tool `{name}`: {}", detail.message);
            detail.into()
        }
        other => other,
    }
}

/// The schemas of a structured output type, for `response_format`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OutputSchema {
    name: String,
    schema: Value,
    strict: Option<Value>,
}

impl OutputSchema {
    /// A name for the schema, from the type's name, fit for OpenAI's
    /// `json_schema.name` (`[a-zA-Z0-9_-]{1,64}`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The canonical JSON Schema of the type.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// The OpenAI strict form, when the type has one (the root must be an
    /// object: wrap enums and scalars in a struct; maps and tuples, which
    /// tool arguments send in stand-in forms, have none here).
    pub fn strict(&self) -> Option<&Value> {
        self.strict.as_ref()
    }
}

/// The schemas of `T` as a structured output.
///
/// ```
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Verdict {
///     approved: bool,
///     reason: Option<String>,
/// }
///
/// let output = patinox::schema::output_schema::<Verdict>();
/// assert_eq!(output.name(), "Verdict");
/// let strict = output.strict().expect("a struct of scalars is strict-expressible");
/// assert_eq!(strict["required"], serde_json::json!(["approved", "reason"]));
/// ```
pub fn output_schema<T: JsonSchema>() -> OutputSchema {
    let schema = canonical_schema::<T>();
    let strict = strict::make_strict(&schema, StandIns::Refused).ok();
    OutputSchema {
        name: output_name(&T::schema_name()),
        schema,
        strict,
    }
}

fn output_name(type_name: &str) -> String {
    let name: String = type_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "output".to_owned()
    } else {
        name
    }
}
