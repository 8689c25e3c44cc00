//! Smoke tests against the real providers. Ignored by default, and each one
//! passes without doing anything when its key is not set:
//!
//! `OPENAI_API_KEY=... cargo test -p patinox-tests --test provider_smoke -- --ignored`

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use futures_util::StreamExt;
use patinox::model::anthropic;
use patinox::model::{
    CompletionRequest, LanguageModel, Message, ProviderConfig, StreamEvent, openai, openrouter,
};

async fn smoke(model: &dyn LanguageModel) {
    let messages = [Message::user("Reply with the single word: pong")];
    let response = support::bounded(model.complete(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    assert!(response.content.unwrap().to_lowercase().contains("pong"));
    assert!(response.usage.total_tokens() > 0);
    let mut stream = support::bounded(model.stream(CompletionRequest::new(&messages)))
        .await
        .unwrap();
    let mut done = false;
    while let Some(event) = support::bounded(stream.next()).await {
        done |= matches!(event.unwrap(), StreamEvent::Done(_));
    }
    assert!(done);
}

fn key(name: &str) -> Option<String> {
    let key = std::env::var(name).ok().filter(|k| !k.is_empty());
    if key.is_none() {
        eprintln!("{name} is not set; skipping");
    }
    key
}

#[tokio::test]
#[ignore = "talks to api.openai.com; needs OPENAI_API_KEY"]
async fn openai_answers() {
    if let Some(key) = key("OPENAI_API_KEY") {
        smoke(&openai::model("gpt-4o-mini", ProviderConfig::new().api_key(key)).unwrap()).await;
    }
}

#[tokio::test]
#[ignore = "talks to api.anthropic.com; needs ANTHROPIC_API_KEY"]
async fn anthropic_answers() {
    if let Some(key) = key("ANTHROPIC_API_KEY") {
        let config = ProviderConfig::new().api_key(key);
        smoke(&anthropic::model("claude-haiku-4-5", config).unwrap()).await;
    }
}

#[tokio::test]
#[ignore = "talks to openrouter.ai; needs OPENROUTER_API_KEY"]
async fn openrouter_answers() {
    if let Some(key) = key("OPENROUTER_API_KEY") {
        let config = ProviderConfig::new().api_key(key);
        smoke(&openrouter::model("openai/gpt-4o-mini", config).unwrap()).await;
    }
}
