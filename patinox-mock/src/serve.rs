//! The HTTP side: one hyper connection per accepted socket, and a response
//! per request, scripted or faulty.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::MockConfig;
use crate::answer::{Answer, HTML_PAGE, MALFORMED_BODY, Render, error_body, malformed_event};
use crate::fault::{DEFAULT_OVERSIZED_BYTES, DEFAULT_STALL, Fault, FaultKind, RetryAfter};
use crate::request::{Exchange, Wire};

/// The header that selects a fault.
pub const FAULT_HEADER: &str = "x-mock-fault";

/// A response body: whole, or a scripted sequence of chunks and pauses.
type Body = BoxBody<Bytes, io::Error>;

/// Shared by every connection of one server.
pub(crate) struct State {
    pub(crate) config: MockConfig,
    pub(crate) requests: AtomicU64,
    pub(crate) connections: AtomicU64,
    /// Requests seen per fault spec, for `first=N`.
    seen: Mutex<HashMap<String, u64>>,
}

impl State {
    pub(crate) fn new(config: MockConfig) -> Self {
        Self {
            config,
            requests: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this request gets `fault`: always, or for the first N of its spec.
    fn applies(&self, fault: &Fault) -> bool {
        let Some(first) = fault.first else {
            return true;
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let count = seen.entry(fault.to_string()).or_default();
        *count += 1;
        *count <= first
    }
}

/// Accepts connections until the listener fails.
pub(crate) async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, most likely: wait for some to close.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        state.connections.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(serve_connection(stream, Arc::clone(&state)));
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Connection {
        stream,
        reset: Arc::clone(&reset),
    });
    let service = hyper::service::service_fn(move |request| {
        let state = Arc::clone(&state);
        let reset = Arc::clone(&reset);
        async move { respond(request, &state, &reset).await }
    });
    // An error here is a fault doing its job, or a client going away.
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(io, service)
        .await;
}

async fn respond(
    request: Request<Incoming>,
    state: &State,
    reset: &AtomicBool,
) -> Result<Response<Body>, io::Error> {
    let serial = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let (path, path_fault) = split_fault(request.uri().path());
    let header_fault = request
        .headers()
        .get(FAULT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if path == "/stats" {
        let stats = serde_json::json!({
            "requests": serial,
            "connections": state.connections.load(Ordering::Relaxed),
        });
        return Ok(plain(
            StatusCode::OK,
            "application/json",
            stats.to_string().into_bytes(),
        ));
    }
    let Some(wire) = Wire::of_path(path) else {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "text/plain",
            b"no such endpoint\n".to_vec(),
        ));
    };
    let spec = header_fault.or(path_fault);
    let body = request
        .into_body()
        .collect()
        .await
        .map_err(io::Error::other)?
        .to_bytes();
    let fault = match spec.as_deref().map(str::parse::<Fault>) {
        Some(Ok(fault)) => state.applies(&fault).then_some(fault),
        Some(Err(error)) => {
            return Ok(plain(
                StatusCode::BAD_REQUEST,
                "text/plain",
                error.to_string().into_bytes(),
            ));
        }
        None => None,
    };
    let Some(exchange) = Exchange::parse(wire, &body) else {
        let error = error_body(wire, 400);
        return Ok(plain(StatusCode::BAD_REQUEST, "application/json", error));
    };
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    let render = Render {
        wire,
        model: &exchange.model,
        serial,
        prompt_tokens: (body.len() as u64 / 4).max(1),
    };
    let answer = match fault.map(|f| (f, f.kind)) {
        Some((fault, FaultKind::Oversized)) => {
            let bytes = fault.bytes.unwrap_or(DEFAULT_OVERSIZED_BYTES);
            Answer::Text("x".repeat(bytes))
        }
        _ => Answer::for_exchange(&exchange, &state.config.final_text),
    };
    Ok(match fault {
        None => scripted(&render, &answer, exchange.stream),
        Some(fault) => faulty(&render, &answer, exchange.stream, fault, reset).await?,
    })
}

/// The path without a `/fault/<spec>` prefix, and the spec.
fn split_fault(path: &str) -> (&str, Option<String>) {
    let Some(rest) = path.strip_prefix("/fault/") else {
        return (path, None);
    };
    let (spec, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    (rest, Some(spec.to_owned()))
}

fn scripted(render: &Render<'_>, answer: &Answer, stream: bool) -> Response<Body> {
    if stream {
        event_stream(render.events(answer).into_iter().map(Step::Data).collect())
    } else {
        plain(StatusCode::OK, "application/json", render.json(answer))
    }
}

async fn faulty(
    render: &Render<'_>,
    answer: &Answer,
    stream: bool,
    fault: Fault,
    reset: &AtomicBool,
) -> Result<Response<Body>, io::Error> {
    let stall = fault.stall.unwrap_or(DEFAULT_STALL);
    if stream && let Some(response) = faulty_stream(render, answer, fault.kind, stall) {
        return Ok(response);
    }
    Ok(match fault.kind {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).map_err(io::Error::other)?;
            let mut response = plain(status, "application/json", error_body(render.wire, code));
            let header = match fault.retry_after {
                Some(RetryAfter::Secs(secs)) => Some(("retry-after", secs)),
                Some(RetryAfter::Millis(ms)) => Some(("retry-after-ms", ms)),
                None => None,
            };
            if let Some((name, value)) = header {
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from(value));
            }
            response
        }
        FaultKind::Reset => {
            reset.store(true, Ordering::Relaxed);
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "mock fault: reset",
            ));
        }
        FaultKind::Html => plain(StatusCode::BAD_GATEWAY, "text/html", HTML_PAGE.to_vec()),
        FaultKind::Malformed => plain(StatusCode::OK, "application/json", MALFORMED_BODY.to_vec()),
        FaultKind::Stall => {
            tokio::time::sleep(stall).await;
            scripted(render, answer, stream)
        }
        FaultKind::Truncate => {
            let body = Bytes::from(render.json(answer));
            let half = body.slice(..body.len() / 2);
            // The pause lets hyper flush the head and the half before the abort.
            let steps = [
                Step::Data(half),
                Step::Pause(Duration::from_millis(10)),
                Step::Fail,
            ];
            let mut response = scripted_body("application/json", VecDeque::from(steps));
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            response
        }
        FaultKind::Oversized => {
            // Chunked, with no declared length: the client finds out by reading.
            let body = Bytes::from(render.json(answer));
            let chunks = (0..body.len())
                .step_by(64 * 1024)
                .map(|at| Step::Data(body.slice(at..body.len().min(at + 64 * 1024))));
            scripted_body("application/json", chunks.collect())
        }
    })
}

/// The faults a stream shows differently from a plain body, if `kind` is one.
fn faulty_stream(
    render: &Render<'_>,
    answer: &Answer,
    kind: FaultKind,
    stall: Duration,
) -> Option<Response<Body>> {
    let mut events = render.events(answer);
    match kind {
        FaultKind::Malformed => events.insert(1, malformed_event(render.wire)),
        // Half the events: the stream has started (a retry would replay it),
        // then it ends early, or stalls.
        FaultKind::Truncate | FaultKind::Stall => events.truncate(events.len() / 2),
        FaultKind::Oversized => {}
        _ => return None,
    }
    let mut steps: VecDeque<Step> = events.into_iter().map(Step::Data).collect();
    if kind == FaultKind::Stall {
        steps.push_back(Step::Pause(stall));
    }
    Some(event_stream(steps))
}

/// One step of a scripted body.
enum Step {
    Data(Bytes),
    Pause(Duration),
    /// Abort the connection mid-body.
    Fail,
}

fn event_stream(steps: VecDeque<Step>) -> Response<Body> {
    scripted_body("text/event-stream", steps)
}

fn scripted_body(content_type: &'static str, steps: VecDeque<Step>) -> Response<Body> {
    let frames = futures_util::stream::unfold(steps, |mut steps| async move {
        loop {
            match steps.pop_front()? {
                Step::Data(bytes) => return Some((Ok(Frame::data(bytes)), steps)),
                Step::Pause(duration) => tokio::time::sleep(duration).await,
                Step::Fail => {
                    let error =
                        io::Error::new(io::ErrorKind::UnexpectedEof, "mock fault: cut short");
                    return Some((Err(error), steps));
                }
            }
        }
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(frames)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn plain(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response<Body> {
    let body = Full::new(Bytes::from(body)).map_err(|never| match never {});
    let mut response = Response::new(BodyExt::boxed(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A socket that resets (RST, not FIN) when dropped after a `reset` fault.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            // A zero linger makes close() send RST; the socket is closing anyway.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_prefixes_are_split_off_the_path() {
        assert_eq!(
            split_fault("/fault/status=503,first=1/v1/chat/completions"),
            (
                "/v1/chat/completions",
                Some("status=503,first=1".to_owned())
            )
        );
        assert_eq!(split_fault("/v1/messages"), ("/v1/messages", None));
    }
}
