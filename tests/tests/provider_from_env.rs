//! `from_vars` (the testable core of `from_env`): which model each
//! environment selects, without touching the process environment.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::model::{LocalProbe, from_vars};
use support::bounded;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

async fn pick(pairs: &[(&str, &str)]) -> Result<String, PatinoxError> {
    let model = bounded(from_vars(env(pairs), &LocalProbe::disabled())).await?;
    Ok(model.id().to_string())
}

#[tokio::test]
async fn keys_are_tried_in_the_documented_order() {
    let all = [
        ("OPENAI_API_KEY", "a"),
        ("ANTHROPIC_API_KEY", "b"),
        ("OPENROUTER_API_KEY", "c"),
    ];
    assert_eq!(pick(&all).await.unwrap(), "openai:gpt-4o-mini");
    assert_eq!(
        pick(&all[1..]).await.unwrap(),
        "anthropic:claude-sonnet-4-5"
    );
    assert_eq!(
        pick(&all[2..]).await.unwrap(),
        "openrouter:openai/gpt-4o-mini"
    );
    assert_eq!(pick(&[]).await.unwrap(), "offline:patinox");
    assert_eq!(
        pick(&[("OPENAI_API_KEY", "  ")]).await.unwrap(),
        "offline:patinox"
    );
}

#[tokio::test]
async fn patinox_model_overrides_the_order() {
    let picked = pick(&[
        ("OPENAI_API_KEY", "a"),
        ("ANTHROPIC_API_KEY", "b"),
        ("PATINOX_MODEL", "anthropic:claude-haiku-4-5"),
    ])
    .await
    .unwrap();
    assert_eq!(picked, "anthropic:claude-haiku-4-5");
    assert_eq!(
        pick(&[("PATINOX_MODEL", "ollama:qwen2.5:7b")])
            .await
            .unwrap(),
        "ollama:qwen2.5:7b"
    );
}

#[tokio::test]
async fn bad_settings_are_configuration_errors_naming_the_variable() {
    for (pairs, needle) in [
        (vec![("PATINOX_MODEL", "gpt-4o")], "PATINOX_MODEL"),
        (vec![("PATINOX_MODEL", "acme:model")], "PATINOX_MODEL"),
        (vec![("PATINOX_MODEL", "openai:gpt-4o")], "OPENAI_API_KEY"),
    ] {
        let error = pick(&pairs).await.unwrap_err();
        assert!(matches!(error, PatinoxError::Configuration(_)), "{error:?}");
        assert!(error.to_string().contains(needle), "{error}");
    }
}

async fn local_server(models: &str, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(models.as_bytes().to_vec(), "application/json")
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_local_server_that_answers_is_used() {
    let ollama = local_server(r#"{"data":[{"id":"llama3.2"}]}"#, Duration::ZERO).await;
    let lmstudio = local_server(r#"{"data":[{"id":"qwen"}]}"#, Duration::ZERO).await;
    let probe = |ollama: Option<String>| LocalProbe {
        ollama,
        lmstudio: Some(format!("{}/v1", lmstudio.uri())),
        timeout: Duration::from_millis(300),
    };
    let model = bounded(from_vars(
        env(&[]),
        &probe(Some(format!("{}/v1", ollama.uri()))),
    ))
    .await
    .unwrap();
    assert_eq!(model.id().to_string(), "ollama:llama3.2");
    // Nothing listens on port 9: Ollama is absent, LM Studio is used.
    let model = bounded(from_vars(
        env(&[]),
        &probe(Some("http://127.0.0.1:9/v1".into())),
    ))
    .await
    .unwrap();
    assert_eq!(model.id().to_string(), "lmstudio:qwen");
}

#[tokio::test]
async fn a_slow_or_empty_local_server_is_skipped() {
    let slow = local_server(r#"{"data":[{"id":"llama3.2"}]}"#, Duration::from_secs(5)).await;
    let empty = local_server(r#"{"data":[]}"#, Duration::ZERO).await;
    let probe = LocalProbe {
        ollama: Some(format!("{}/v1", slow.uri())),
        lmstudio: Some(format!("{}/v1", empty.uri())),
        timeout: Duration::from_millis(200),
    };
    let model = bounded(from_vars(env(&[]), &probe)).await.unwrap();
    assert_eq!(model.id().provider(), "offline");
}
