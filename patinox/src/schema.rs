//! JSON Schemas of tool arguments, in the dialects providers accept.
//!
//! [`tool_spec`] computes a [`ToolSpec`] from a Rust type that derives
//! `schemars::JsonSchema`. `#[tool]` calls it once per tool and caches the result.

use schemars::JsonSchema;

use crate::error::Result;
use crate::model::ToolSpec;

/// The [`ToolSpec`] of a tool whose arguments deserialize into `T`.
///
/// ```
/// use patinox::schema::tool_spec;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Args {
///     /// City name.
///     city: String,
/// }
///
/// let spec = tool_spec::<Args>("get_weather", "Current weather for a city.")?;
/// assert!(spec.parameters().get().contains("\"city\""));
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] if the name is invalid or `T`'s
/// schema is not an object.
pub fn tool_spec<T: JsonSchema>(name: &str, description: &str) -> Result<ToolSpec> {
    let schema = schemars::schema_for!(T);
    ToolSpec::new(name, description, schema.as_value())
}
