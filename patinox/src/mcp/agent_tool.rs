//! An agent offered as one tool.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use serde_json::value::RawValue;

use crate::agent::Agent;
use crate::error::Result;
use crate::model::ToolSpec;
use crate::tool::{RunContext, Tool, ToolError, ToolResult};

/// An [`Agent`] as a tool taking `{"input": "..."}` and answering with the
/// run's final output, for serving an agent over MCP (or handing it to
/// another agent).
///
/// The agent must be started: a call runs [`Agent::execute`], and a failed
/// run is a failed call whose message is the error.
///
/// ```
/// use std::sync::Arc;
/// use patinox::agent::{Agent, Runner};
/// use patinox::mcp::AgentTool;
/// use patinox::model::offline::OfflineModel;
/// use patinox::tool::{RunContext, Tool};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let agent = Arc::new(Runner::builder(OfflineModel::new()).build()?);
/// agent.start().await?;
/// let tool = AgentTool::new("assistant", "Answers questions.", agent)?;
/// let args = serde_json::value::RawValue::from_string(r#"{"input":"Hello"}"#.into())?;
/// let answer = tool.call(&RunContext::empty(), &args).await.unwrap();
/// assert!(answer.contains("Hello"));
/// # Ok(())
/// # }
/// ```
pub struct AgentTool {
    spec: ToolSpec,
    agent: Arc<dyn Agent>,
}

impl fmt::Debug for AgentTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentTool")
            .field("name", &self.spec.name())
            .finish_non_exhaustive()
    }
}

impl AgentTool {
    /// `agent` as a tool named `name`, described to the caller by `description`.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Configuration`] if `name` is not a valid tool name.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        agent: Arc<dyn Agent>,
    ) -> Result<Self> {
        let schema = json!({
            "type": "object",
            "properties": {
                "input": {"type": "string", "description": "The request for the agent."}
            },
            "required": ["input"],
            "additionalProperties": false
        });
        let strict = serde_json::value::to_raw_value(&schema)?;
        let spec = ToolSpec::new(name, description, &schema)?.with_strict_parameters(strict.into());
        Ok(Self { spec, agent })
    }
}

#[derive(serde::Deserialize)]
struct Input {
    input: String,
}

#[async_trait]
impl Tool for AgentTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        let Input { input } =
            serde_json::from_str(arguments.get()).map_err(ToolError::invalid_arguments)?;
        match self.agent.execute(&input).await {
            Ok(result) => Ok(result.output),
            Err(err) => Err(ToolError::failed(err)),
        }
    }
}
