//! A Patinox MCP server on stdio offering `add` and `shout`, for clients
//! written with other SDKs (see `tests/mcp/python_client.py`).

use patinox::mcp::McpServer;
use patinox::tool::ToolSet;

#[tokio::main(flavor = "current_thread")]
async fn main() -> patinox::Result<()> {
    let tools = ToolSet::new(patinox_tests::mcp_fixture_tools())?;
    McpServer::new(tools)
        .with_name("patinox-fixture")
        .serve_stdio()
        .await
}
