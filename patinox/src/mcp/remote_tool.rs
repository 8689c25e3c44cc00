//! A tool of an MCP server, as a [`Tool`] of an agent.

use std::sync::Arc;

use async_trait::async_trait;
use rmcp::model::{CallToolResult, JsonObject};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::client::Shared;
use crate::error::Result;
use crate::model::ToolSpec;
use crate::schema::strict_schema;
use crate::tool::{RunContext, Tool, ToolError, ToolResult};

/// What an MCP tool call returned, read for a model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolOutput {
    /// The content as text: text parts as they are, images, audio and
    /// binary resources as a bracketed placeholder (`[image: image/png, 68 bytes]`),
    /// embedded text resources with their URI; the structured content as
    /// JSON when there are no content parts.
    pub text: String,
    /// The structured content (`structuredContent`), if any.
    pub structured: Option<Value>,
    /// Whether the server marked the result as an error (`isError`).
    pub is_error: bool,
}

impl ToolOutput {
    pub(crate) fn from_result(result: &CallToolResult) -> Self {
        // Read through JSON: the wire form is the stable contract, where the
        // SDK's Rust types follow each protocol revision.
        let value = serde_json::to_value(result).unwrap_or(Value::Null);
        let parts: Vec<String> = value
            .get("content")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(content_text).collect())
            .unwrap_or_default();
        let structured = value.get("structuredContent").cloned();
        let text = match (&structured, parts.is_empty()) {
            (Some(structured), true) => structured.to_string(),
            _ => parts.join("\n"),
        };
        Self {
            text,
            structured,
            is_error: result.is_error.unwrap_or(false),
        }
    }
}

fn field<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Bytes encoded by a base64 string (no need to decode to say how large it is).
fn base64_len(data: &str) -> usize {
    data.trim_end_matches('=').len() * 3 / 4
}

fn content_text(part: &Value) -> String {
    match field(part, "type") {
        "text" => field(part, "text").to_owned(),
        kind @ ("image" | "audio") => format!(
            "[{kind}: {}, {} bytes]",
            field(part, "mimeType"),
            base64_len(field(part, "data"))
        ),
        "resource" => {
            let resource = part.get("resource").unwrap_or(&Value::Null);
            let uri = field(resource, "uri");
            match resource.get("text").and_then(Value::as_str) {
                Some(text) => format!("[resource: {uri}]\n{text}"),
                None => format!(
                    "[resource: {uri}, {}, {} bytes]",
                    field(resource, "mimeType"),
                    base64_len(field(resource, "blob"))
                ),
            }
        }
        "resource_link" => format!(
            "[resource link: {} ({})]",
            field(part, "uri"),
            field(part, "name")
        ),
        other => format!("[{other} content]"),
    }
}

/// A tool of an MCP server; calls go to the server.
pub(crate) struct McpTool {
    spec: ToolSpec,
    remote_name: String,
    /// Properties the schema does not require: a strict-mode `null` for one
    /// of them means "not given" and is left out of the call.
    optional: Vec<String>,
    client: Arc<Shared>,
}

impl McpTool {
    pub(crate) fn new(
        client: Arc<Shared>,
        prefix: Option<&str>,
        tool: &rmcp::model::Tool,
    ) -> Result<Self> {
        let remote_name = tool.name.to_string();
        let name = local_name(prefix, &remote_name);
        let description = tool
            .description
            .as_deref()
            .or(tool.title.as_deref())
            .unwrap_or_default();
        let mut schema = Value::Object((*tool.input_schema).clone());
        if let Some(root) = schema.as_object_mut() {
            // MCP requires an object schema; a few servers leave `type` out.
            root.entry("type").or_insert_with(|| "object".into());
        }
        let mut spec = ToolSpec::new(name, description, &schema)?;
        match strict_schema(&schema) {
            Ok(strict) => {
                spec =
                    spec.with_strict_parameters(serde_json::value::to_raw_value(&strict)?.into());
            }
            Err(reason) => tracing::debug!(
                tool = spec.name(),
                %reason,
                "MCP tool arguments cannot use OpenAI strict mode; the tool is sent with strict: false"
            ),
        }
        Ok(Self {
            spec,
            remote_name,
            optional: optional_properties(&schema),
            client,
        })
    }

    fn arguments(&self, raw: &RawValue) -> std::result::Result<JsonObject, ToolError> {
        let mut arguments = match serde_json::from_str(raw.get()) {
            Ok(Value::Object(arguments)) => arguments,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(ToolError::invalid_arguments("expected a JSON object")),
            Err(err) => return Err(ToolError::invalid_arguments(err)),
        };
        arguments.retain(|key, value| !(value.is_null() && self.optional.contains(key)));
        Ok(arguments)
    }
}

/// The name offered to the model: `{prefix}_{name}`, with characters models
/// do not accept in tool names replaced by `_`.
fn local_name(prefix: Option<&str>, remote: &str) -> String {
    let joined = match prefix {
        Some(prefix) => format!("{prefix}_{remote}"),
        None => remote.to_owned(),
    };
    joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn optional_properties(schema: &Value) -> Vec<String> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .keys()
                .filter(|key| !required.contains(&key.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[async_trait]
impl Tool for McpTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        let arguments = self.arguments(arguments)?;
        match self.client.call_tool(&self.remote_name, arguments).await {
            Ok(output) if output.is_error => Err(ToolError::Failed(output.text)),
            Ok(output) => Ok(output.text),
            Err(err) => Err(ToolError::failed(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_prefixed_and_made_acceptable() {
        assert_eq!(local_name(Some("fs"), "read.file"), "fs_read_file");
        assert_eq!(local_name(None, "get-sum"), "get-sum");
    }

    #[test]
    fn content_parts_become_readable_text() {
        let image = json!({"type": "image", "mimeType": "image/png", "data": "AAAA"});
        assert_eq!(content_text(&image), "[image: image/png, 3 bytes]");
        let resource = json!({"type": "resource", "resource": {"uri": "file:///a", "text": "hi"}});
        assert_eq!(content_text(&resource), "[resource: file:///a]\nhi");
        let link = json!({"type": "resource_link", "uri": "file:///b", "name": "b"});
        assert_eq!(content_text(&link), "[resource link: file:///b (b)]");
    }

    #[test]
    fn only_optional_properties_may_be_dropped_when_null() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "required": ["a"]
        });
        assert_eq!(optional_properties(&schema), vec!["b".to_owned()]);
    }
}
