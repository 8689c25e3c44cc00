//! The `otel` feature end to end: one agent run with a tool call, exported
//! over OTLP/HTTP to a receiver on 127.0.0.1 that decodes the protobuf
//! bodies, as a collector would.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{HistogramDataPoint, Metric, metric};
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use patinox::agent::Runner;
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Usage};
use patinox::otel::OtelBuilder;
use patinox_tests::{Behaviour, RecordingTool};
use prost::Message;
use tokio::net::TcpListener;
use tracing_subscriber::layer::SubscriberExt;

/// The bodies received, by path.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, Bytes)>>>);

impl Received {
    fn bodies(&self, path: &str) -> Vec<Bytes> {
        let received = self.0.lock().unwrap();
        received
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, body)| body.clone())
            .collect()
    }
}

/// An OTLP/HTTP receiver: records each request's path and body, answers 200
/// with an empty (valid) protobuf response.
async fn receiver() -> (SocketAddr, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let received = Received::default();
    let sink = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let sink = sink.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let sink = sink.clone();
                    async move {
                        let path = request.uri().path().to_owned();
                        let content_type = request.headers().get("content-type").cloned();
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        assert_eq!(
                            content_type.as_ref().and_then(|v| v.to_str().ok()),
                            Some("application/x-protobuf"),
                            "{path}"
                        );
                        sink.0.lock().unwrap().push((path, body));
                        let response = Response::builder()
                            .header("content-type", "application/x-protobuf")
                            .body(Full::new(Bytes::new()))
                            .unwrap();
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (address, received)
}

/// `weather` calls `get_weather` once, then answers.
fn runner() -> Runner {
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#)
            .with_usage(Usage::new(20, 5))
            .with_model("test-2025")
            .with_id("resp-1"),
        CompletionResponse::text("Sunny, 18 °C.")
            .with_usage(Usage::new(30, 7))
            .with_model("test-2025"),
    ]);
    Runner::builder(model)
        .name("weather")
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#"{"temperature_c":18}"#.to_owned()),
        ))
        .record_content(false)
        .build()
        .unwrap()
}

fn text(value: &AnyValue) -> Option<&str> {
    match value.value.as_ref()? {
        any_value::Value::StringValue(text) => Some(text),
        _ => None,
    }
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
}

fn string<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    attribute(attributes, key).and_then(text)
}

fn int(attributes: &[KeyValue], key: &str) -> Option<i64> {
    match attribute(attributes, key)?.value.as_ref()? {
        any_value::Value::IntValue(n) => Some(*n),
        _ => None,
    }
}

/// Every span received, with the `service.name` of its resource.
fn spans(received: &Received) -> Vec<(String, Span)> {
    let mut spans = Vec::new();
    for body in received.bodies("/v1/traces") {
        let request = ExportTraceServiceRequest::decode(body).expect("an OTLP trace body");
        for resource in request.resource_spans {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| string(&r.attributes, "service.name"))
                .unwrap_or_default()
                .to_owned();
            for scope in resource.scope_spans {
                spans.extend(scope.spans.into_iter().map(|s| (service.clone(), s)));
            }
        }
    }
    spans
}

/// Every metric received, by name (the last export of each: cumulative).
fn metrics(received: &Received) -> HashMap<String, Metric> {
    let mut metrics = HashMap::new();
    for body in received.bodies("/v1/metrics") {
        let request = ExportMetricsServiceRequest::decode(body).expect("an OTLP metrics body");
        for resource in request.resource_metrics {
            for scope in resource.scope_metrics {
                assert_eq!(
                    scope.scope.as_ref().map(|s| s.name.as_str()),
                    Some("patinox")
                );
                for metric in scope.metrics {
                    metrics.insert(metric.name.clone(), metric);
                }
            }
        }
    }
    metrics
}

fn histogram(metric: &Metric) -> &[HistogramDataPoint] {
    match &metric.data {
        Some(metric::Data::Histogram(histogram)) => &histogram.data_points,
        other => panic!("{} is not a histogram: {other:?}", metric.name),
    }
}

#[tokio::test]
async fn one_run_with_a_tool_call_is_exported_as_spans_and_histograms() {
    let (address, received) = receiver().await;
    let otel = OtelBuilder::new(format!("http://{address}/"))
        .service_name("weather-service")
        .build()
        .unwrap();
    let subscriber = tracing_subscriber::registry().with(otel.layer());
    {
        let _default = tracing::subscriber::set_default(subscriber);
        let result = runner().run("Weather in Paris?").await.unwrap();
        assert_eq!(result.output, "Sunny, 18 °C.");
    }
    // Exporting blocks; the receiver runs on this test's runtime.
    tokio::task::spawn_blocking(move || otel.shutdown())
        .await
        .unwrap()
        .unwrap();

    let spans = spans(&received);
    let named = |name: &str| -> Vec<&Span> {
        spans
            .iter()
            .filter(|(_, span)| span.name == name)
            .map(|(_, span)| span)
            .collect()
    };
    let agent = named("invoke_agent weather");
    assert_eq!(agent.len(), 1, "{spans:#?}");
    let agent = agent[0];
    assert!(agent.parent_span_id.is_empty(), "the run is the root");
    assert_eq!(agent.kind, SpanKind::Internal as i32);
    assert!(
        spans
            .iter()
            .all(|(service, _)| service == "weather-service")
    );
    let attributes = &agent.attributes;
    assert_eq!(
        string(attributes, "gen_ai.operation.name"),
        Some("invoke_agent")
    );
    assert_eq!(string(attributes, "gen_ai.agent.name"), Some("weather"));
    assert_eq!(string(attributes, "gen_ai.provider.name"), Some("scripted"));
    assert_eq!(int(attributes, "gen_ai.usage.input_tokens"), Some(50));
    assert_eq!(int(attributes, "gen_ai.usage.output_tokens"), Some(12));

    let chats = named("chat test");
    assert_eq!(chats.len(), 2, "{spans:#?}");
    for chat in &chats {
        assert_eq!(chat.kind, SpanKind::Client as i32);
        assert_eq!(chat.trace_id, agent.trace_id);
        assert_eq!(chat.parent_span_id, agent.span_id);
        assert_eq!(
            string(&chat.attributes, "gen_ai.operation.name"),
            Some("chat")
        );
        assert_eq!(
            string(&chat.attributes, "gen_ai.request.model"),
            Some("test")
        );
        assert_eq!(
            string(&chat.attributes, "gen_ai.response.model"),
            Some("test-2025")
        );
    }
    let (first, second) = if chats[0].start_time_unix_nano <= chats[1].start_time_unix_nano {
        (chats[0], chats[1])
    } else {
        (chats[1], chats[0])
    };
    assert_eq!(
        string(&first.attributes, "gen_ai.response.id"),
        Some("resp-1")
    );
    let finish = |span: &Span| {
        attribute(&span.attributes, "gen_ai.response.finish_reasons").map(|v| format!("{v:?}"))
    };
    assert!(finish(first).unwrap().contains("tool_calls"));
    assert!(finish(second).unwrap().contains("stop"));
    assert_eq!(
        int(&first.attributes, "gen_ai.usage.input_tokens"),
        Some(20)
    );

    let tool = named("execute_tool get_weather");
    assert_eq!(tool.len(), 1, "{spans:#?}");
    let tool = tool[0];
    assert_eq!(tool.parent_span_id, agent.span_id);
    assert_eq!(
        string(&tool.attributes, "gen_ai.tool.name"),
        Some("get_weather")
    );
    assert_eq!(
        string(&tool.attributes, "gen_ai.tool.call.id"),
        Some("call_0_get_weather")
    );
    // In order: chat, then the tool, then chat again.
    assert!(first.end_time_unix_nano <= tool.start_time_unix_nano);
    assert!(tool.end_time_unix_nano <= second.start_time_unix_nano);

    let metrics = metrics(&received);
    let tokens = &metrics["gen_ai.client.token.usage"];
    assert_eq!(tokens.unit, "{token}");
    let mut by_type: HashMap<&str, (u64, f64)> = HashMap::new();
    for point in histogram(tokens) {
        assert_eq!(
            string(&point.attributes, "gen_ai.operation.name"),
            Some("chat")
        );
        assert_eq!(
            string(&point.attributes, "gen_ai.provider.name"),
            Some("scripted")
        );
        assert_eq!(
            string(&point.attributes, "gen_ai.request.model"),
            Some("test")
        );
        assert_eq!(
            string(&point.attributes, "gen_ai.response.model"),
            Some("test-2025")
        );
        let kind = string(&point.attributes, "gen_ai.token.type").unwrap();
        let entry = by_type.entry(kind).or_default();
        entry.0 += point.count;
        entry.1 += point.sum.unwrap_or_default();
    }
    assert_eq!(by_type["input"], (2, 50.0));
    assert_eq!(by_type["output"], (2, 12.0));

    let duration = &metrics["gen_ai.client.operation.duration"];
    assert_eq!(duration.unit, "s");
    let points = histogram(duration);
    assert_eq!(points.iter().map(|p| p.count).sum::<u64>(), 2);
    for point in points {
        assert_eq!(
            string(&point.attributes, "gen_ai.operation.name"),
            Some("chat")
        );
        assert_eq!(string(&point.attributes, "gen_ai.token.type"), None);
        let seconds = point.sum.unwrap();
        assert!((0.0..60.0).contains(&seconds), "{seconds} s");
    }
}

#[test]
fn an_endpoint_that_is_not_an_http_url_is_a_configuration_error() {
    for endpoint in ["localhost:4318", "ftp://collector", ""] {
        let error = OtelBuilder::new(endpoint).build().unwrap_err();
        assert!(
            matches!(error, patinox::PatinoxError::Configuration(_)),
            "{endpoint}: {error}"
        );
        assert!(error.to_string().contains("http://"), "{error}");
    }
}
