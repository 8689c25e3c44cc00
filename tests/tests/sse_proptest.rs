//! Property tests of the SSE decoder: however a stream is split into chunks
//! (inside UTF-8 sequences, between `\r` and `\n`), it decodes to the
//! events it was written from; arbitrary bytes never panic it.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use patinox::model::internals::SseDecoder;
use proptest::prelude::*;

type Event = (String, String, Option<String>);

/// An event's text and what it must decode to.
type Written = (String, Event);

fn decode(chunks: &[&[u8]]) -> Vec<Event> {
    let mut decoder = SseDecoder::new();
    let mut out = Vec::new();
    let mut push = |e: patinox::model::internals::SseEvent<'_>| {
        out.push((
            e.event.to_owned(),
            e.data.to_owned(),
            e.id.map(str::to_owned),
        ));
    };
    for chunk in chunks {
        decoder.feed(chunk, &mut push);
    }
    decoder.finish(&mut push);
    out
}

/// Splits `bytes` at the given cut points (taken modulo its length).
fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|c| {
            if bytes.is_empty() {
                0
            } else {
                c % (bytes.len() + 1)
            }
        })
        .collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for point in points {
        chunks.push(&bytes[start..point]);
        start = point;
    }
    chunks.push(&bytes[start..]);
    chunks
}

fn line_break() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
}

/// One well-formed event: optional `event:` and `id:`, data lines with
/// non-ASCII text, an optional comment, any mix of line breaks. With its
/// text, what it must decode to: its name (`message` when it has none), its
/// data lines joined by `\n`, and its id if it sets one.
fn event() -> impl Strategy<Value = Written> {
    (
        proptest::option::of("[a-z_]{1,12}"),
        proptest::option::of("[a-z0-9]{1,8}"),
        proptest::collection::vec("[ a-zA-Z0-9{}\":,éß漢字🙂]{0,24}", 1..4),
        any::<bool>(),
        line_break(),
    )
        .prop_map(|(name, id, data, comment, br)| {
            let mut out = String::new();
            if comment {
                out.push_str(": keep-alive");
                out.push_str(br);
            }
            if let Some(name) = &name {
                out.push_str(&format!("event: {name}{br}"));
            }
            if let Some(id) = &id {
                out.push_str(&format!("id: {id}{br}"));
            }
            for line in &data {
                out.push_str(&format!("data: {line}{br}"));
            }
            out.push_str(br);
            let name = name.unwrap_or_else(|| "message".to_owned());
            (out, (name, data.join("\n"), id))
        })
}

/// The stream of `events` and the events it must decode to: an event
/// without an `id:` carries the last id of the stream, as the SSE spec says.
fn expected(events: &[Written]) -> (String, Vec<Event>) {
    let mut last_id = None;
    let decoded = events
        .iter()
        .map(|(_, (name, data, id))| {
            if id.is_some() {
                last_id.clone_from(id);
            }
            (name.clone(), data.clone(), last_id.clone())
        })
        .collect();
    let stream = events.iter().map(|(text, _)| text.as_str()).collect();
    (stream, decoded)
}

proptest! {
    #[test]
    fn splitting_never_changes_the_events(
        events in proptest::collection::vec(event(), 0..8),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let (stream, events) = expected(&events);
        prop_assert_eq!(&decode(&[stream.as_bytes()]), &events);
        let pieces = split(stream.as_bytes(), &cuts);
        prop_assert_eq!(decode(&pieces), events);
    }

    #[test]
    fn byte_at_a_time_matches_whole(events in proptest::collection::vec(event(), 1..4)) {
        let (stream, events) = expected(&events);
        let bytes: Vec<&[u8]> = stream.as_bytes().chunks(1).collect();
        prop_assert_eq!(decode(&bytes), events);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let pieces = split(&bytes, &cuts);
        // Splitting may not change the outcome even for garbage.
        prop_assert_eq!(decode(&pieces), decode(&[&bytes]));
    }
}

#[test]
fn the_vendor_streams_decode_the_same_in_any_split() {
    for file in [
        "anthropic/stream_text.sse",
        "openai/stream_parallel_tool_calls.sse",
        "openrouter/stream_with_comments.sse",
    ] {
        let bytes = support::fixture(file);
        let whole = decode(&[&bytes]);
        assert!(!whole.is_empty(), "{file}");
        for size in [1, 2, 3, 7, 64] {
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            assert_eq!(decode(&chunks), whole, "{file} in chunks of {size}");
        }
    }
}
