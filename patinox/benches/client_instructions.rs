//! Client cost in instructions, for a repeatable comparison on a noisy
//! machine: run it under callgrind once per client and request count, and
//! subtract (see BENCHMARKS.md, "Providers").
//!
//! `PATINOX_BENCH_CLIENT=patinox|bare PATINOX_BENCH_REQUESTS=N`
//! `valgrind --tool=callgrind target/release/deps/client_instructions-<hash>`

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::hint::black_box;

use patinox::model::{CompletionRequest, LanguageModel, Message, ProviderConfig, openai};
use support::{SYSTEM, USER, bare_messages, bare_request, start_mock};

fn main() {
    let client = std::env::var("PATINOX_BENCH_CLIENT").unwrap_or_else(|_| "patinox".into());
    let requests: usize = std::env::var("PATINOX_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
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
    let bare = reqwest::Client::new();
    let bare_messages = bare_messages();
    let url = format!("{base}/chat/completions");
    runtime.block_on(async {
        // One warm-up request each opens the pooled connections.
        black_box(bare_request(&bare, &url, &bare_messages).await);
        black_box(
            model
                .complete(CompletionRequest::new(&messages))
                .await
                .unwrap(),
        );
        for _ in 0..requests {
            if client == "bare" {
                black_box(bare_request(&bare, &url, &bare_messages).await);
            } else {
                black_box(
                    model
                        .complete(CompletionRequest::new(&messages))
                        .await
                        .unwrap(),
                );
            }
        }
    });
    println!("{client}: {requests} requests");
}
