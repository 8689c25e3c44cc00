//! The SSE decoder on arbitrary bytes: it never panics, and however the
//! bytes are split into chunks, it decodes the same events.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patinox::model::internals::SseDecoder;

type Event = (String, String, Option<String>);

fn decode<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Event> {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    let mut push = |e: patinox::model::internals::SseEvent<'_>| {
        events.push((
            e.event.to_owned(),
            e.data.to_owned(),
            e.id.map(str::to_owned),
        ));
    };
    for chunk in chunks {
        decoder.feed(chunk, &mut push);
    }
    decoder.finish(&mut push);
    events
}

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the chunk size of the split decoding.
    let Some((&size, bytes)) = data.split_first() else {
        return;
    };
    let whole = decode([bytes]);
    let split = decode(bytes.chunks(usize::from(size % 16) + 1));
    assert_eq!(whole, split);
});
