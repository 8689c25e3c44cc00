//! Provider benchmarks.
//!
//! - `sse_decode`: framing throughput of the SSE decoder on a large stream
//!   built from a vendor-recorded OpenAI stream, fed in 16 KiB chunks.
//! - `client_overhead`: one non-streaming completion against a loopback mock
//!   server, through Patinox's OpenAI client and through a bare reqwest +
//!   serde_json client doing the same work (serialize the conversation, POST,
//!   parse the typed fields), in the same run.
//!
//! `cargo bench -p patinox --bench providers`

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use patinox::model::internals::SseDecoder;
use patinox::model::{CompletionRequest, LanguageModel, Message, ProviderConfig, openai};
use support::{SYSTEM, USER, bare_messages, bare_request, start_mock};

const STREAM: &[u8] = include_bytes!("../../tests/fixtures/openai/stream_text_with_usage.sse");

mod support;

fn sse_decode(c: &mut Criterion) {
    let mut stream = Vec::with_capacity(8 << 20);
    while stream.len() < 8 << 20 {
        stream.extend_from_slice(STREAM);
    }
    let mut group = c.benchmark_group("sse_decode");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("framing_16k_chunks", |b| {
        b.iter(|| {
            let mut decoder = SseDecoder::new();
            let mut data_bytes = 0usize;
            for chunk in stream.chunks(16 * 1024) {
                decoder.feed(chunk, |event| data_bytes += event.data.len());
            }
            decoder.finish(|event| data_bytes += event.data.len());
            black_box(data_bytes)
        });
    });
    group.finish();
}

fn client_overhead(c: &mut Criterion) {
    let base = start_mock();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let model = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new().api_key("sk-bench").base_url(&base),
    )
    .unwrap();
    let messages = [Message::system(SYSTEM), Message::user(USER)];
    let bare_messages = bare_messages();
    let bare = reqwest::Client::new();
    let url = format!("{base}/chat/completions");

    let mut group = c.benchmark_group("client_overhead");
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("bare_reqwest_serde_json", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(bare_request(&bare, &url, &bare_messages).await) });
    });
    group.bench_function("patinox_openai", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = model
                .complete(CompletionRequest::new(&messages))
                .await
                .unwrap();
            black_box(response)
        });
    });
    group.finish();
}

criterion_group!(benches, sse_decode, client_overhead);
criterion_main!(benches);
