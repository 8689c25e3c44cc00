//! A decoder of `text/event-stream` (server-sent events) bytes.
//!
//! Written here rather than taken from a crate: the crates we looked at either
//! wrap a whole HTTP client (`reqwest-eventsource`, `eventsource-client`) or
//! allocate an owned `String` per field and event (`eventsource-stream`). The
//! providers only need the framing layer, and the hot path is one `memchr`
//! scan per line with no allocation per event: an event borrows the decoder's
//! buffers and the provider parses its JSON straight from them.
//!
//! It follows the WHATWG parsing rules: lines end at `\r\n`, `\n` or `\r`
//! (also when a chunk boundary falls between `\r` and `\n`), lines starting
//! with `:` are comments (OpenRouter's `: OPENROUTER PROCESSING` keep-alives),
//! several `data:` lines join with `\n`, one space after the colon is dropped,
//! and a blank line dispatches the event. Chunks may split anywhere, including
//! inside a UTF-8 sequence: only complete lines are decoded, and a line break
//! byte can never be part of a multi-byte sequence. Invalid UTF-8 is replaced
//! (U+FFFD), never an error. One deviation: [`SseDecoder::finish`] dispatches an
//! event left without its final blank line, because real streams end that way.
//!
//! ```
//! use patinox::model::internals::SseDecoder;
//!
//! let mut decoder = SseDecoder::new();
//! let mut seen = Vec::new();
//! decoder.feed(b"event: ping\ndata: {\"a\":", |e| seen.push((e.event.to_owned(), e.data.to_owned())));
//! decoder.feed(b"1}\r\n\r\n: comment\n\ndata: x", |e| seen.push((e.event.to_owned(), e.data.to_owned())));
//! decoder.finish(|e| seen.push((e.event.to_owned(), e.data.to_owned())));
//! assert_eq!(seen, [("ping".into(), "{\"a\":1}".into()), ("message".into(), "x".into())]);
//! ```

use std::borrow::Cow;

/// One decoded event. It borrows the decoder, so handle it inside the callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The `event:` field, `"message"` when the event had none.
    pub event: &'a str,
    /// The `data:` lines, joined with `\n`.
    pub data: &'a str,
    /// The last `id:` seen on the stream, if any.
    pub id: Option<&'a str>,
}

/// Incremental `text/event-stream` decoder; see the module docs.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// An incomplete line carried over from the previous chunk.
    line: Vec<u8>,
    data: String,
    has_data: bool,
    event: String,
    id: Option<String>,
    retry: Option<u64>,
    /// The previous chunk ended in `\r`: a `\n` starting the next one belongs to it.
    skip_lf: bool,
}

impl SseDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last `retry:` value, in milliseconds, if the server sent one.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry
    }

    /// Decodes `chunk`, calling `on_event` for every event it completes.
    pub fn feed(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) {
        let mut input = chunk;
        // An empty chunk must not forget a pending `\r`.
        if self.skip_lf && !input.is_empty() {
            self.skip_lf = false;
            if let Some(rest) = input.strip_prefix(b"\n") {
                input = rest;
            }
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', input) {
            if self.line.is_empty() {
                self.process_line(&input[..end], &mut on_event);
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&input[..end]);
                self.process_line(&line, &mut on_event);
                line.clear();
                self.line = line;
            }
            let mut next = end + 1;
            if input[end] == b'\r' {
                match input.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            input = &input[next..];
        }
        self.line.extend_from_slice(input);
    }

    /// Ends the stream: a last line without a line break, and an event without
    /// its closing blank line, are still delivered.
    pub fn finish(&mut self, mut on_event: impl FnMut(SseEvent<'_>)) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut on_event);
        }
        self.dispatch(&mut on_event);
        self.skip_lf = false;
    }

    fn process_line(&mut self, line: &[u8], on_event: &mut impl FnMut(SseEvent<'_>)) {
        if line.is_empty() {
            self.dispatch(on_event);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&String::from_utf8_lossy(value));
                self.has_data = true;
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            b"id" if !value.contains(&0) => {
                self.id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry = lossy(value).parse().ok();
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, on_event: &mut impl FnMut(SseEvent<'_>)) {
        if self.has_data {
            on_event(SseEvent {
                event: if self.event.is_empty() {
                    "message"
                } else {
                    &self.event
                },
                data: &self.data,
                id: self.id.as_deref(),
            });
        }
        self.data.clear();
        self.event.clear();
        self.has_data = false;
    }
}

fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<(String, String)> {
        let mut decoder = SseDecoder::new();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, |e| out.push((e.event.to_owned(), e.data.to_owned())));
        }
        decoder.finish(|e| out.push((e.event.to_owned(), e.data.to_owned())));
        out
    }

    #[test]
    fn multi_line_data_joins_with_newline() {
        assert_eq!(
            decode(&[b"data: a\ndata:b\n\n"]),
            [("message".to_owned(), "a\nb".to_owned())]
        );
    }

    #[test]
    fn cr_split_from_lf_is_one_line_break() {
        assert_eq!(
            decode(&[b"data: a\r", b"\n\r", b"\ndata: b\r\r"]),
            [
                ("message".to_owned(), "a".to_owned()),
                ("message".to_owned(), "b".to_owned())
            ]
        );
    }

    #[test]
    fn an_empty_chunk_keeps_a_pending_cr() {
        assert_eq!(
            decode(&[b"data: a\r", b"", b"\ndata: b\n\n"]),
            [("message".to_owned(), "a\nb".to_owned())]
        );
    }

    #[test]
    fn utf8_split_across_chunks_is_kept() {
        let bytes = "data: héllo\n\n".as_bytes();
        assert_eq!(
            decode(&[&bytes[..8], &bytes[8..]]),
            [("message".to_owned(), "héllo".to_owned())]
        );
    }

    #[test]
    fn comments_and_empty_events_are_ignored() {
        assert_eq!(
            decode(&[b": OPENROUTER PROCESSING\n\nevent: x\n\n"]),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn retry_is_recorded() {
        let mut decoder = SseDecoder::new();
        decoder.feed(b"retry: 1500\n", |_| {});
        assert_eq!(decoder.retry_ms(), Some(1500));
    }
}
