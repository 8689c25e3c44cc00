//! The exporter's HTTP client: our reqwest client, driven by a runtime of its
//! own.
//!
//! The SDK's batch span processor and periodic metric reader export from
//! their own threads, blocking on the export future. A reqwest request needs
//! a tokio reactor, and borrowing the application's runtime would deadlock a
//! current-thread runtime whose only thread is the one waiting for a flush.
//! So requests run on a one-thread runtime that lives as long as the
//! exporter (as `reqwest::blocking` does it), whatever runtime, if any, the
//! application has.

use std::fmt;
use std::thread::JoinHandle;
use std::time::Duration;

use async_trait::async_trait;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::error::{ConfigurationError, Result};

/// Sends the exporter's requests on the export thread's runtime.
pub(super) struct ExportClient {
    client: reqwest::Client,
    runtime: Handle,
}

impl fmt::Debug for ExportClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportClient").finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpClient for ExportClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        self.runtime
            .spawn(async move { client.send_bytes(request).await })
            .await?
    }
}

/// The thread and runtime that send the exports; stopped when dropped,
/// after the providers have flushed.
pub(super) struct ExportThread {
    runtime: Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ExportThread {
    /// Starts the thread.
    pub(super) fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| cannot("start the export runtime", err))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("patinox-otel-export".to_owned())
            .spawn(move || {
                // Either a stop signal or the sender dropped: both end it.
                let _ = runtime.block_on(stopped);
            })
            .map_err(|err| cannot("start the export thread", err))?;
        Ok(Self {
            runtime: handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// A client whose requests this thread sends, each bounded by `timeout`.
    pub(super) fn client(&self, timeout: Duration) -> Result<ExportClient> {
        // reqwest's `rustls-no-provider` feature needs a process-wide crypto
        // provider; installing fails harmlessly when one is set already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|err| cannot("build the OTLP HTTP client", err.without_url()))?;
        Ok(ExportClient {
            client,
            runtime: self.runtime.clone(),
        })
    }
}

impl Drop for ExportThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn cannot(what: &str, err: impl std::error::Error + Send + Sync + 'static) -> crate::PatinoxError {
    ConfigurationError::new(format!("cannot {what}"))
        .with_source(err)
        .into()
}
