//! Helpers shared by the provider, contract and fault tests.
#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use patinox::Result;
use patinox::model::{CompletionResponse, ResponseStream, StreamEvent};
use wiremock::ResponseTemplate;

/// The canary key: it must never show up in an error or a log line.
pub(crate) const CANARY_KEY: &str = "sk-canary-5f1c2e9a7b3d4c6e8f0a1b2c3d4e5f6a";

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
