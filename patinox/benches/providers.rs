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
use patinox::model::sse::SseDecoder;
use patinox::model::{CompletionRequest, LanguageModel, Message, ProviderConfig, openai};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const STREAM: &[u8] = include_bytes!("../../tests/fixtures/openai/stream_text_with_usage.sse");
const RESPONSE: &[u8] = include_bytes!("../../tests/fixtures/openai/chat_completion_text.json");

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

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering every request with
/// `RESPONSE`, on its own thread so it does not share the clients' runtime.
fn start_mock() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(serve(socket));
            }
        });
    });
    url
}

async fn serve(mut socket: tokio::net::TcpStream) {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        RESPONSE.len()
    );
    let mut reply = head.into_bytes();
    reply.extend_from_slice(RESPONSE);
    let mut buf = Vec::with_capacity(8192);
    let mut read = [0u8; 8192];
    loop {
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&read[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&read[..n]),
            }
        }
        buf.drain(..end + 4 + length);
        if socket.write_all(&reply).await.is_err() {
            return;
        }
    }
}

#[derive(Serialize)]
struct BareRequest<'a> {
    model: &'a str,
    messages: &'a [BareMessage<'a>],
}

#[derive(Serialize)]
struct BareMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Deserialize)]
struct BareResponse<'a> {
    #[serde(borrow)]
    choices: Vec<BareChoice<'a>>,
    usage: BareUsage,
}

#[derive(Deserialize)]
struct BareChoice<'a> {
    #[serde(borrow)]
    message: BareContent<'a>,
    #[serde(borrow)]
    finish_reason: std::borrow::Cow<'a, str>,
}

#[derive(Deserialize)]
struct BareContent<'a> {
    #[serde(borrow)]
    content: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
struct BareUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
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
    let messages = [
        Message::system("You are a concise weather assistant."),
        Message::user("What is the weather in Paris today?"),
    ];
    let bare_messages = [
        BareMessage {
            role: "system",
            content: "You are a concise weather assistant.",
        },
        BareMessage {
            role: "user",
            content: "What is the weather in Paris today?",
        },
    ];
    let bare = reqwest::Client::new();
    let url = format!("{base}/chat/completions");

    let mut group = c.benchmark_group("client_overhead");
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("bare_reqwest_serde_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let body = serde_json::to_vec(&BareRequest {
                model: "gpt-4o-mini",
                messages: &bare_messages,
            })
            .unwrap();
            let response = bare
                .post(&url)
                .header("authorization", "Bearer sk-bench")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let bytes = response.bytes().await.unwrap();
            let parsed: BareResponse<'_> = serde_json::from_slice(&bytes).unwrap();
            let choice = &parsed.choices[0];
            black_box((
                choice.message.content.as_deref().map(str::to_owned),
                choice.finish_reason.len(),
                parsed.usage.prompt_tokens + parsed.usage.completion_tokens,
            ))
        });
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
