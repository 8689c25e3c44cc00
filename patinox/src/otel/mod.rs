//! OpenTelemetry export (feature `otel`): the GenAI spans of every run and
//! the `gen_ai.client.*` histograms of every model call, sent over OTLP/HTTP
//! with protobuf bodies to a collector (or Jaeger, Tempo, an OTLP-speaking
//! backend).
//!
//! What is exported:
//! - the spans of `tracing`, through [`tracing-opentelemetry`]: per run
//!   `invoke_agent {agent}`, per model call `chat {model}` (kind CLIENT), per
//!   tool call `execute_tool {tool}`, with the `gen_ai.*` attributes listed
//!   in the README's "Observability"; retries and fallbacks are span events;
//! - `gen_ai.client.token.usage` (unit `{token}`, per `gen_ai.token.type`
//!   `input` and `output`) and `gen_ai.client.operation.duration` (unit `s`)
//!   histograms, attributed with `gen_ai.operation.name`,
//!   `gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`
//!   (and `error.type` for a failed call).
//!
//! [`init`] installs a global `tracing` subscriber that exports spans at
//! level `info` and above; an application with its own subscriber adds
//! [`OtelGuard::layer`] to it instead. The [`OtelGuard`] flushes and stops
//! the exporters when dropped: keep it alive for the life of the program.
//!
//! ```no_run
//! # fn main() -> patinox::Result<()> {
//! // A collector or Jaeger listening for OTLP/HTTP on its default port.
//! let _otel = patinox::otel::init("http://localhost:4318")?;
//! // ... build agents and run them: their spans and metrics are exported ...
//! # Ok(())
//! # }
//! ```
//!
//! Requests are sent by a reqwest client (rustls) on a thread of their own,
//! so exporting works under any tokio runtime, current-thread included, and
//! without one. Without this feature nothing of OpenTelemetry is compiled.
//!
//! [`tracing-opentelemetry`]: https://docs.rs/tracing-opentelemetry

mod client;
pub(crate) mod metrics;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{
    MetricExporter, Protocol, SpanExporter, WithExportConfig, WithHttpConfig,
};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;

use self::client::ExportThread;
use crate::error::{ConfigurationError, NetworkError, NetworkErrorKind, Result};

/// The instrumentation scope of Patinox's spans and metrics.
const SCOPE: &str = "patinox";

/// Exports to the OTLP/HTTP endpoint `endpoint` (e.g.
/// `http://localhost:4318`, the collector's and Jaeger's default) and
/// installs a global `tracing` subscriber that sends spans of level `info`
/// and above there: [`OtelBuilder::new(endpoint).install()`](OtelBuilder::install).
///
/// # Errors
/// As [`OtelBuilder::install`].
pub fn init(endpoint: &str) -> Result<OtelGuard> {
    OtelBuilder::new(endpoint).install()
}

/// Configures the export; [`build`](Self::build) for a layer to add to your
/// own subscriber, [`install`](Self::install) for a global one.
///
/// ```no_run
/// use std::time::Duration;
/// use patinox::otel::OtelBuilder;
/// use tracing_subscriber::layer::SubscriberExt;
///
/// # fn main() -> patinox::Result<()> {
/// let otel = OtelBuilder::new("http://collector:4318")
///     .service_name("weather-bot")
///     .metrics_interval(Duration::from_secs(10))
///     .build()?;
/// let subscriber = tracing_subscriber::registry().with(otel.layer());
/// tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` or `install` is called"]
pub struct OtelBuilder {
    endpoint: String,
    service_name: Option<String>,
    timeout: Duration,
    metrics_interval: Duration,
}

impl OtelBuilder {
    /// Exports to the OTLP/HTTP endpoint `endpoint`, the URL without the
    /// signal's path: spans go to `{endpoint}/v1/traces`, metrics to
    /// `{endpoint}/v1/metrics`.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            service_name: None,
            timeout: Duration::from_secs(10),
            metrics_interval: Duration::from_secs(60),
        }
    }

    /// The `service.name` of the exported resource (default: the
    /// `OTEL_SERVICE_NAME` variable, else the SDK's `unknown_service`).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// How long one export request may take (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often metrics are exported (default 60 s, the SDK's); they are
    /// also exported when the guard is dropped.
    pub fn metrics_interval(mut self, interval: Duration) -> Self {
        self.metrics_interval = interval;
        self
    }

    /// Starts the exporters and the histograms; spans are exported by the
    /// subscriber [`OtelGuard::layer`] is added to.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
    /// if the endpoint is not an `http` or `https` URL, or the export thread
    /// or HTTP client cannot be started.
    pub fn build(self) -> Result<OtelGuard> {
        let base = endpoint(&self.endpoint)?;
        let export = ExportThread::start()?;
        let resource = match self.service_name {
            Some(name) => Resource::builder().with_service_name(name).build(),
            None => Resource::builder().build(),
        };
        let spans = SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/traces"))
            .with_timeout(self.timeout)
            .with_http_client(export.client(self.timeout)?)
            .build()
            .map_err(|err| exporter_error("span", err))?;
        let metrics = MetricExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/metrics"))
            .with_timeout(self.timeout)
            .with_http_client(export.client(self.timeout)?)
            .build()
            .map_err(|err| exporter_error("metric", err))?;
        let tracer_provider = SdkTracerProvider::builder()
            .with_batch_exporter(spans)
            .with_resource(resource.clone())
            .build();
        let reader = PeriodicReader::builder(metrics)
            .with_interval(self.metrics_interval)
            .build();
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(reader)
            .with_resource(resource)
            .build();
        let instruments = metrics::Instruments::new(&meter_provider.meter_with_scope(scope()));
        metrics::install(Some(Arc::new(instruments)));
        Ok(OtelGuard {
            tracer: tracer_provider.tracer_with_scope(scope()),
            tracer_provider,
            meter_provider,
            _export: export,
        })
    }

    /// [`build`](Self::build), and installs a global `tracing` subscriber
    /// exporting the spans of level `info` and above.
    ///
    /// # Errors
    /// As [`build`](Self::build); a
    /// [`PatinoxError::Configuration`](crate::PatinoxError::Configuration) if
    /// a global subscriber is already installed (add
    /// [`OtelGuard::layer`] to it instead).
    pub fn install(self) -> Result<OtelGuard> {
        let guard = self.build()?;
        let subscriber =
            tracing_subscriber::registry().with(guard.layer().with_filter(LevelFilter::INFO));
        tracing::subscriber::set_global_default(subscriber).map_err(|err| {
            ConfigurationError::new(
                "a global tracing subscriber is already installed: add `OtelGuard::layer()` to it \
                 instead of calling `otel::init`",
            )
            .with_source(err)
        })?;
        Ok(guard)
    }
}

/// The running export. Dropping it exports what is pending (spans and a
/// last collection of the metrics) and stops; this blocks the dropping
/// thread for up to the export timeout.
pub struct OtelGuard {
    tracer: SdkTracer,
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    /// Dropped last: the providers' final exports are sent on it.
    _export: ExportThread,
}

impl fmt::Debug for OtelGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtelGuard").finish_non_exhaustive()
    }
}

impl OtelGuard {
    /// The `tracing` layer that exports spans, for a subscriber of your own.
    /// Every span reaching it is exported: filter it (e.g.
    /// `.with_filter(LevelFilter::INFO)`) to leave out debug spans.
    pub fn layer<S>(&self) -> impl Layer<S> + use<S>
    where
        S: Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.tracer.clone())
    }

    /// Exports the spans finished so far and the metrics now, and waits
    /// until they are sent.
    ///
    /// # Errors
    /// A [`PatinoxError::Network`](crate::PatinoxError::Network) if an export
    /// failed (the collector did not answer or refused it).
    pub fn flush(&self) -> Result<()> {
        let spans = self.tracer_provider.force_flush();
        let metrics = self.meter_provider.force_flush();
        spans.map_err(|err| export_failed("spans", err))?;
        metrics.map_err(|err| export_failed("metrics", err))
    }

    /// Flushes and stops the export, reporting a failure that dropping the
    /// guard would ignore.
    ///
    /// # Errors
    /// As [`flush`](Self::flush).
    pub fn shutdown(self) -> Result<()> {
        self.stop()
    }

    fn stop(&self) -> Result<()> {
        metrics::install(None);
        let spans = self.tracer_provider.shutdown();
        let metrics = self.meter_provider.shutdown();
        ignore_already_stopped(spans).map_err(|err| export_failed("spans", err))?;
        ignore_already_stopped(metrics).map_err(|err| export_failed("metrics", err))
    }
}

impl Drop for OtelGuard {
    fn drop(&mut self) {
        // Nothing to report to from a drop; `shutdown` reports.
        let _ = self.stop();
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope::builder(SCOPE)
        .with_version(env!("CARGO_PKG_VERSION"))
        .build()
}

/// The endpoint without a trailing `/`, checked to be an HTTP URL.
fn endpoint(endpoint: &str) -> Result<&str> {
    let base = endpoint.trim_end_matches('/');
    match reqwest::Url::parse(base) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(base),
        _ => Err(ConfigurationError::new(format!(
            "the OTLP endpoint must be an http:// or https:// URL such as \
             http://localhost:4318, not `{endpoint}`"
        ))
        .with_key("otel.endpoint")
        .into()),
    }
}

fn exporter_error(
    signal: &str,
    err: impl std::error::Error + Send + Sync + 'static,
) -> crate::PatinoxError {
    ConfigurationError::new(format!("cannot build the OTLP {signal} exporter"))
        .with_source(err)
        .into()
}

fn export_failed(signal: &str, err: OTelSdkError) -> crate::PatinoxError {
    NetworkError::new(
        NetworkErrorKind::Other,
        format!("exporting {signal} over OTLP failed: {err}"),
    )
    .into()
}

/// A provider already stopped (by `shutdown`, before the drop) is not a failure.
fn ignore_already_stopped(
    result: opentelemetry_sdk::error::OTelSdkResult,
) -> opentelemetry_sdk::error::OTelSdkResult {
    match result {
        Err(OTelSdkError::AlreadyShutdown) => Ok(()),
        other => other,
    }
}
