//! Serving an [`McpServer`] over streamable HTTP.

use std::future::Future;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::McpServer;
use crate::error::Result;

/// Serves `server` over MCP streamable HTTP on `listener` until `shutdown`
/// completes, then ends every session and connection.
///
/// Every path answers (clients conventionally use `/mcp`). Each client gets a
/// session (`Mcp-Session-Id`); requests are accepted from `localhost`,
/// `127.0.0.1` and `::1` hosts only, as a guard against DNS rebinding, so put
/// a reverse proxy in front to serve other hosts.
///
/// ```no_run
/// use patinox::mcp::{McpServer, serve_http};
/// use patinox::tool::ToolSet;
///
/// # #[tokio::main]
/// # async fn main() -> patinox::Result<()> {
/// let server = McpServer::new(ToolSet::new(Vec::new())?);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await
///     .map_err(|err| patinox::PatinoxError::configuration(err.to_string()))?;
/// serve_http(server, listener, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
///
/// # Errors
/// Never at present: a connection that fails is logged and closed, and the
/// others go on.
pub async fn serve_http(
    server: McpServer,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<()> {
    let sessions = CancellationToken::new();
    let config = StreamableHttpServerConfig::default().with_cancellation_token(sessions.clone());
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        tracing::warn!(%err, "accepting an MCP connection failed");
                        continue;
                    }
                };
                let service = TowerToHyperService::new(service.clone());
                connections.spawn(async move {
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    if let Err(err) = connection.await {
                        tracing::debug!(%err, "MCP HTTP connection ended with an error");
                    }
                });
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    sessions.cancel();
    connections.shutdown().await;
    Ok(())
}
