//! Client cost in instructions, for a repeatable comparison on a noisy
//! machine: run it under callgrind once per client and request count, and
//! subtract (see BENCHMARKS.md, "Providers" and "Agent runs").
//!
//! `PATINOX_BENCH_CLIENT=patinox|bare|agent PATINOX_BENCH_REQUESTS=N`
//! `valgrind --tool=callgrind target/release/deps/client_instructions-<hash>`
//!
//! `agent` counts whole agent runs instead of single requests: a [`Runner`]
//! with the OpenAI client, whose model first calls a tool and then answers,
//! so each run is two model requests and one tool call.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::hint::black_box;

use patinox::agent::Runner;
use patinox::model::{CompletionRequest, LanguageModel, Message, ProviderConfig, openai};
use support::{SYSTEM, USER, bare_messages, bare_request, start_mock, start_mock_with};

fn main() {
    let client = std::env::var("PATINOX_BENCH_CLIENT").unwrap_or_else(|_| "patinox".into());
    let requests: usize = std::env::var("PATINOX_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    if client == "agent" {
        agent_runs(requests);
        println!("agent: {requests} runs");
        return;
    }
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

/// The tool the agent's model calls.
///
/// # Arguments
/// * `city` - The city.
#[patinox::tool]
async fn get_weather(city: String) -> Result<String, String> {
    Ok(format!("{{\"city\":\"{city}\",\"celsius\":18}}"))
}

/// `runs` whole agent runs after one warm-up run.
fn agent_runs(runs: usize) {
    let base = start_mock_with(agent_answer);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let model = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new().api_key("sk-bench").base_url(&base),
    )
    .unwrap();
    let runner = Runner::builder(model)
        .instructions(SYSTEM)
        .tool(get_weather {})
        .build()
        .unwrap();
    runtime.block_on(async {
        for _ in 0..=runs {
            let result = runner.run(USER).await.unwrap();
            assert_eq!(result.turns, 2);
            black_box(result);
        }
    });
}

/// The first answer of every run: a call of `get_weather`.
const TOOL_CALL: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1727346165,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":76,"completion_tokens":24,"total_tokens":100}}"#;
/// The second: the final answer.
const ANSWER: &str = r#"{"id":"chatcmpl-2","object":"chat.completion","created":1727346166,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"It is 18 degrees in Paris.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}}"#;

/// The mock's answer to a request: [`ANSWER`] once the request carries a
/// tool result, [`TOOL_CALL`] before.
fn agent_answer(request: &[u8]) -> &'static [u8] {
    let has_result = request.windows(13).any(|w| w == br#""role":"tool""#);
    if has_result { ANSWER } else { TOOL_CALL }.as_bytes()
}
