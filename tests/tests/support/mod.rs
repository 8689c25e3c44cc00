//! Helpers shared by the provider, contract and fault tests.
#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use patinox::Result;
use patinox::model::{CompletionResponse, ResponseStream, StreamEvent};
use wiremock::ResponseTemplate;

/// The canary key: it must never show up in an error or a log line. It has
/// no `sk-` prefix, so that redacting key-shaped words cannot hide a leak.
pub(crate) const CANARY_KEY: &str = "canary-5f1c2e9a7b3d4c6e8f0a1b2c3d4e5f6a";

/// The canary's random tail: no part of it may appear.
const CANARY_TAIL: &str = "5f1c2e9a7b3d4c6e8f0a1b2c3d4e5f6a";

/// Whether `text` holds any 8 consecutive characters of the canary's tail,
/// so that a key cut short or split across words is found too.
pub(crate) fn leaks_canary(text: &str) -> bool {
    let tail = CANARY_TAIL.as_bytes();
    tail.windows(8)
        .any(|window| text.contains(std::str::from_utf8(window).expect("ASCII")))
}

/// The bytes of `tests/fixtures/{path}`.
pub(crate) fn fixture(path: &str) -> Vec<u8> {
    let full: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", path]
        .iter()
        .collect();
    std::fs::read(&full).unwrap_or_else(|err| panic!("{}: {err}", full.display()))
}

/// A 200 response with a JSON body.
pub(crate) fn json(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "application/json")
}

/// A response with `status` and a JSON body.
pub(crate) fn json_status(status: u16, body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

/// A 200 `text/event-stream` response.
pub(crate) fn sse(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "text/event-stream")
}

/// Fails the test if `future` takes more than 10 s: nothing may hang.
pub(crate) async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the call hung")
}

/// Drains a stream: every event before the end, and the final response or error.
pub(crate) async fn drain(
    mut stream: ResponseStream,
) -> (Vec<StreamEvent>, Result<CompletionResponse>) {
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(StreamEvent::Done(response)) => {
                assert!(stream.next().await.is_none(), "events after Done");
                return (events, Ok(response));
            }
            Ok(event) => events.push(event),
            Err(error) => {
                assert!(stream.next().await.is_none(), "events after an error");
                return (events, Err(error));
            }
        }
    }
    panic!("the stream ended without Done or an error; events: {events:?}")
}

/// The text of every `TextDelta`, joined.
pub(crate) fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// What the raw TCP server does with one connection.
#[derive(Clone)]
pub(crate) enum Raw {
    /// Reset the connection without answering.
    Reset,
    /// Write these bytes (an HTTP response, possibly cut short) and close.
    Reply(Vec<u8>),
}

/// A TCP server on 127.0.0.1 for faults wiremock cannot produce. The n-th
/// connection gets `replies[n]`, later ones the last reply. Returns the base URL.
pub(crate) async fn raw_server(replies: Vec<Raw>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let reply = replies[n.min(replies.len() - 1)].clone();
            tokio::spawn(async move {
                match reply {
                    Raw::Reset => {
                        // Closing with unread input makes the kernel send RST.
                        let _ = socket.readable().await;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        drop(socket);
                    }
                    Raw::Reply(bytes) => {
                        let mut request = Vec::new();
                        let mut buf = [0u8; 4096];
                        // Read the whole request: closing with unread input would reset.
                        while !request_complete(&request) {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(read) => request.extend_from_slice(&buf[..read]),
                            }
                        }
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                }
            });
        }
    });
    url
}

/// An HTTP/1.1 response head with `content_type` and a chunked body, followed
/// by `body` as one chunk; `complete` adds the terminating chunk.
pub(crate) fn chunked(content_type: &str, body: &[u8], complete: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n");
    if complete {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    out
}

fn request_complete(request: &[u8]) -> bool {
    let Some(head_end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    request.len() >= head_end + 4 + length
}

/// Log output captured from `tracing`, at every level, while its guard lives.
#[derive(Clone, Default)]
pub(crate) struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything logged so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("log lock").clone()).expect("UTF-8 logs")
    }
}

/// Captures what this thread logs until the guard is dropped: every event,
/// and every span with its fields when it closes.
pub(crate) fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}
