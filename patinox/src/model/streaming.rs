//! Turns a streaming HTTP response into a [`ResponseStream`]: bytes →
//! [`SseDecoder`] → a provider's [`StreamParser`] → [`StreamEvent`]s.
//!
//! The stream is driven by whoever polls it (the run's own task): no
//! background task, no channel.

use std::collections::VecDeque;
use std::time::Duration;

use secrecy::SecretString;

use super::http::redact_error;
use super::sse::{SseDecoder, SseEvent};
use super::{ResponseStream, StreamEvent};
use crate::error::{NetworkError, NetworkErrorKind, PatinoxError, Result};

/// Output queue of a parser: events ready to be yielded, in order.
pub(crate) type Pending = VecDeque<Result<StreamEvent>>;

/// A provider's interpretation of decoded SSE events.
pub(crate) trait StreamParser: Send + 'static {
    /// Handles one event, pushing what it produces. Pushing
    /// [`StreamEvent::Done`] or an error ends the stream.
    fn on_event(&mut self, event: SseEvent<'_>, out: &mut Pending);

    /// The body ended. Push nothing if the stream already ended, else
    /// `Done` if the response is complete, else an error.
    fn on_end(&mut self, out: &mut Pending);
}

struct State<P> {
    response: Option<reqwest::Response>,
    decoder: SseDecoder,
    parser: P,
    pending: Pending,
    limits: StreamLimits,
    /// Bytes of the body received so far.
    received: usize,
    /// Redacted from errors: a provider may echo the key in an error event.
    key: Option<SecretString>,
}

/// The bounds of one stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamLimits {
    /// Each chunk must arrive within this time of the previous one.
    pub(crate) idle_timeout: Duration,
    /// The whole body may not be larger: counted as chunks arrive, so a
    /// stream that would exceed it ends before it is buffered.
    pub(crate) max_bytes: usize,
}

/// Streams `response` through `parser`, within `limits`; `key` is redacted
/// from every error.
pub(crate) fn event_stream<P: StreamParser>(
    response: reqwest::Response,
    parser: P,
    limits: StreamLimits,
    key: Option<SecretString>,
) -> ResponseStream {
    let state = State {
        response: Some(response),
        decoder: SseDecoder::new(),
        parser,
        pending: VecDeque::new(),
        limits,
        received: 0,
        key,
    };
    Box::pin(futures_util::stream::unfold(state, next_item))
}

async fn next_item<P: StreamParser>(
    mut state: State<P>,
) -> Option<(Result<StreamEvent>, State<P>)> {
    loop {
        if let Some(item) = state.pending.pop_front() {
            if matches!(item, Err(_) | Ok(StreamEvent::Done(_))) {
                // Nothing may follow the end: drop the connection and the rest.
                state.response = None;
                state.pending.clear();
            }
            let item = item.map_err(|error| redact_error(error, state.key.as_ref()));
            return Some((item, state));
        }
        let StreamLimits {
            idle_timeout,
            max_bytes,
        } = state.limits;
        let State {
            response,
            decoder,
            parser,
            pending,
            received,
            ..
        } = &mut state;
        let response = response.as_mut()?;
        match tokio::time::timeout(idle_timeout, response.chunk()).await {
            Ok(Ok(Some(chunk))) if chunk.len() > max_bytes - *received => {
                pending.push_back(Err(too_large(max_bytes)));
            }
            Ok(Ok(Some(chunk))) => {
                *received += chunk.len();
                decoder.feed(&chunk, |event| parser.on_event(event, pending));
            }
            Ok(Ok(None)) => {
                let complete_events = pending.len();
                decoder.finish(|event| parser.on_event(event, pending));
                // An event left without its closing blank line that does not
                // parse was cut off, not malformed: the stream was interrupted.
                for item in pending.iter_mut().skip(complete_events) {
                    if let Err(PatinoxError::Network(network)) = item
                        && network.kind == NetworkErrorKind::Decode
                    {
                        network.kind = NetworkErrorKind::Interrupted;
                    }
                }
                parser.on_end(pending);
                state.response = None;
            }
            Ok(Err(err)) => pending.push_back(Err(interrupted(err))),
            Err(_) => pending.push_back(Err(NetworkError::new(
                NetworkErrorKind::Timeout,
                format!("no stream data for {idle_timeout:?}; the connection was given up"),
            )
            .into())),
        }
    }
}

/// The error for a response body larger than `cap`, streamed or not.
pub(crate) fn too_large(cap: usize) -> PatinoxError {
    NetworkError::new(
        NetworkErrorKind::ResponseTooLarge,
        format!("response body exceeds the {cap}-byte limit"),
    )
    .into()
}

/// A body error in the middle of a stream means the connection broke.
fn interrupted(err: reqwest::Error) -> PatinoxError {
    let err = PatinoxError::from(err);
    match err {
        PatinoxError::Network(mut network) if network.kind != NetworkErrorKind::Timeout => {
            network.kind = NetworkErrorKind::Interrupted;
            PatinoxError::Network(network)
        }
        other => other,
    }
}

/// The error for a stream that ended before the provider said it was complete.
pub(crate) fn ended_early(provider: &str) -> PatinoxError {
    NetworkError::new(
        NetworkErrorKind::Interrupted,
        format!("the {provider} stream ended before the response was complete"),
    )
    .into()
}

/// The error for a payload that is not the JSON the provider documents.
pub(crate) fn undecodable(provider: &str, err: serde_json::Error) -> PatinoxError {
    NetworkError::new(
        NetworkErrorKind::Decode,
        format!("unexpected {provider} response: {err}"),
    )
    .with_source(err)
    .into()
}

/// Tool-call arguments as assembled JSON text; an empty text means no arguments.
pub(crate) fn json_arguments(
    provider: &str,
    text: String,
) -> Result<Box<serde_json::value::RawValue>> {
    let text = if text.trim().is_empty() {
        "{}".to_owned()
    } else {
        text
    };
    serde_json::value::RawValue::from_string(text).map_err(|err| {
        NetworkError::new(
            NetworkErrorKind::Decode,
            format!("{provider} sent tool-call arguments that are not JSON: {err}"),
        )
        .with_source(err)
        .into()
    })
}
