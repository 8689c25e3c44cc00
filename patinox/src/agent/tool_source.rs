//! Tools whose set can change while an agent lives, such as an MCP server's.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::Result;
use crate::tool::Tool;

/// A source of tools that may change between turns (an MCP server sends
/// `notifications/tools/list_changed`). Give it to
/// [`RunnerBuilder::tool_source`](super::RunnerBuilder::tool_source): at the
/// start of every turn the runner asks [`changed`](Self::changed), and when it
/// says yes, offers the model the [`refresh`](Self::refresh)ed tools from that
/// turn on.
#[async_trait]
pub trait ToolSource: Send + Sync {
    /// The tools as last listed (what an agent starts with).
    fn current(&self) -> Vec<Arc<dyn Tool>>;

    /// Whether the tools changed since they were last listed.
    fn changed(&self) -> bool;

    /// Lists the tools again.
    ///
    /// # Errors
    /// If they cannot be listed; the run fails with this error.
    async fn refresh(&self) -> Result<Vec<Arc<dyn Tool>>>;
}
