//! The configuration cascade: defaults < `patinox.toml` < environment <
//! code, each bad value's error, key files, and the show-origin listing.
//! Every test gives its variables explicitly; none reads the process
//! environment. The last tests build models from the configuration and
//! check what reaches a mock provider on 127.0.0.1.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::config::{ConfigLoader, Origin, PatinoxConfig, Provider};
use patinox::error::ConfigurationError;
use patinox::model::{
    CompletionRequest, LanguageModel, LocalProbe, Message, from_config, from_vars,
};
use secrecy::ExposeSecret;
use support::{bounded, fixture, json, json_status};
use tempfile::TempDir;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

const NO_VARS: [(&str, &str); 0] = [];

/// A directory holding `patinox.toml` with `text`.
fn config_file(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("patinox.toml");
    std::fs::write(&path, text).expect("write config");
    (dir, path)
}

fn load(file: Option<&PathBuf>, vars: &[(&str, &str)]) -> patinox::Result<PatinoxConfig> {
    let loader = match file {
        Some(path) => ConfigLoader::new().file(path),
        None => ConfigLoader::new().no_file(),
    };
    loader.env(vars.iter().copied()).load()
}

fn configuration_error(result: patinox::Result<PatinoxConfig>) -> Box<ConfigurationError> {
    match result {
        Err(PatinoxError::Configuration(error)) => error,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(config) => panic!("expected a configuration error, got {config:?}"),
    }
}

const FILE: &str = r#"
model = "anthropic:claude-haiku-4-5"

[timeouts]
connect = "5s"
idle = "90s"

[agent]
max_turns = 4

[providers.openai]
base_url = "http://127.0.0.1:9000/v1"
headers = { x-team = "search" }
"#;

#[test]
fn defaults_apply_when_nothing_is_set() {
    let config = load(None, &[]).unwrap();
    assert_eq!(config.model, None);
    assert_eq!(config.timeouts.connect, Duration::from_secs(10));
    assert_eq!(config.agent.max_turns, patinox::agent::DEFAULT_MAX_TURNS);
    assert_eq!(config.limits.requests, None);
    assert!(!config.tracing.record_content);
    assert!(config.providers.openai.api_key.is_none());
    assert_eq!(config.origin("timeouts.connect"), Origin::Default);
}

#[test]
fn the_file_overrides_the_defaults_and_names_its_lines() {
    let (_dir, path) = config_file(FILE);
    let config = load(Some(&path), &[]).unwrap();
    assert_eq!(
        config.model.as_ref().map(ToString::to_string).as_deref(),
        Some("anthropic:claude-haiku-4-5")
    );
    assert_eq!(config.timeouts.connect, Duration::from_secs(5));
    assert_eq!(config.timeouts.idle, Duration::from_secs(90));
    assert_eq!(
        config.timeouts.request,
        Duration::from_secs(600),
        "unset keys keep their default"
    );
    assert_eq!(config.agent.max_turns, 4);
    assert_eq!(
        config.providers.openai.base_url.as_deref(),
        Some("http://127.0.0.1:9000/v1")
    );
    assert_eq!(
        config
            .providers
            .openai
            .headers
            .get("x-team")
            .map(String::as_str),
        Some("search")
    );
    assert_eq!(
        config.origin("timeouts.connect"),
        Origin::File {
            path: path.clone(),
            line: 5
        }
    );
    assert_eq!(
        config.origin("agent.max_turns"),
        Origin::File { path, line: 9 }
    );
}

#[test]
fn the_environment_overrides_the_file() {
    let (_dir, path) = config_file(FILE);
    let vars = [
        ("PATINOX_TIMEOUTS_CONNECT", "750ms"),
        ("PATINOX_MODEL", "ollama:llama3.2"),
        ("OPENAI_BASE_URL", "http://127.0.0.1:9001/v1"),
        ("PATINOX_LIMITS_TOTAL_TOKENS", "20000"),
    ];
    let config = load(Some(&path), &vars).unwrap();
    assert_eq!(config.timeouts.connect, Duration::from_millis(750));
    assert_eq!(config.model.as_ref().map(|m| m.provider()), Some("ollama"));
    assert_eq!(
        config.providers.openai.base_url.as_deref(),
        Some("http://127.0.0.1:9001/v1")
    );
    assert_eq!(config.limits.total_tokens, Some(20_000));
    assert_eq!(
        config.timeouts.idle,
        Duration::from_secs(90),
        "the file still sets what the environment does not"
    );
    assert_eq!(
        config.origin("timeouts.connect"),
        Origin::Env("PATINOX_TIMEOUTS_CONNECT".into())
    );
}

#[test]
fn the_patinox_variable_of_a_provider_wins_over_the_vendor_variable() {
    let vars = [
        ("OPENAI_BASE_URL", "http://127.0.0.1:1/v1"),
        ("PATINOX_OPENAI_BASE_URL", "http://127.0.0.1:2/v1"),
    ];
    let config = load(None, &vars).unwrap();
    assert_eq!(
        config.providers.openai.base_url.as_deref(),
        Some("http://127.0.0.1:2/v1")
    );
    assert_eq!(
        config.origin("providers.openai.base_url"),
        Origin::Env("PATINOX_OPENAI_BASE_URL".into())
    );
}

#[test]
fn code_overrides_the_environment() {
    let (_dir, path) = config_file(FILE);
    let config = ConfigLoader::new()
        .file(&path)
        .env([
            ("PATINOX_AGENT_MAX_TURNS", "7"),
            ("PATINOX_TIMEOUTS_CONNECT", "1s"),
        ])
        .set("agent.max_turns", 2)
        .set("providers.openai.headers.x-team", "billing")
        .load()
        .unwrap();
    assert_eq!(config.agent.max_turns, 2);
    assert_eq!(config.timeouts.connect, Duration::from_secs(1));
    assert_eq!(
        config
            .providers
            .openai
            .headers
            .get("x-team")
            .map(String::as_str),
        Some("billing")
    );
    assert_eq!(config.origin("agent.max_turns"), Origin::Code);
}

#[test]
fn patinox_config_names_the_file() {
    let (_dir, path) = config_file("[agent]\nmax_turns = 3\n");
    let config = ConfigLoader::new()
        .env([("PATINOX_CONFIG", path.to_str().unwrap())])
        .load()
        .unwrap();
    assert_eq!(config.agent.max_turns, 3);

    let missing = ConfigLoader::new()
        .env([("PATINOX_CONFIG", "/nonexistent/patinox.toml")])
        .load();
    let error = configuration_error(missing);
    assert_eq!(error.key.as_deref(), Some("PATINOX_CONFIG"));
    assert!(
        error.message.contains("/nonexistent/patinox.toml"),
        "{error}"
    );
}

/// Each kind of bad value: the key, where it came from and what is expected.
#[test]
fn each_bad_value_names_its_key_origin_and_expectation() {
    let cases: [(&str, &str, &str, &str); 10] = [
        (
            "[timeouts]\nconnect = 10\n",
            "timeouts.connect",
            ":2",
            "a duration",
        ),
        (
            "[timeouts]\n\nidle = \"10 parsecs\"\n",
            "timeouts.idle",
            ":3",
            "a duration",
        ),
        (
            "[agent]\nmax_turns = 0\n",
            "agent.max_turns",
            ":2",
            "at least 1",
        ),
        (
            "[retry]\nmax_attempts = -2\n",
            "retry.max_attempts",
            ":2",
            "at least 1",
        ),
        (
            "[tracing]\nrecord_content = \"yes\"\n",
            "tracing.record_content",
            ":2",
            "true or false",
        ),
        ("model = \"gpt-4o\"\n", "model", ":1", "`provider:model`"),
        (
            "model = \"openia:gpt-4o\"\n",
            "model",
            ":1",
            "openai, anthropic",
        ),
        (
            "[providers.openai]\nbase_url = \"localhost:8080\"\n",
            "providers.openai.base_url",
            ":2",
            "http:// or https://",
        ),
        (
            "[providers.openai.headers]\n\"bad header\" = \"x\"\n",
            "providers.openai.headers.bad header",
            ":2",
            "header",
        ),
        (
            "[timeouts]\nconect = \"5s\"\n",
            "timeouts.conect",
            ":2",
            "`timeouts` has timeouts.connect",
        ),
    ];
    for (text, key, line, expected) in cases {
        let (_dir, path) = config_file(text);
        let error = configuration_error(load(Some(&path), &[]));
        assert_eq!(error.key.as_deref(), Some(key), "{text}");
        let origin = error.origin.clone().unwrap_or_default();
        assert_eq!(origin, format!("{}{line}", path.display()), "{text}");
        assert!(error.message.contains(expected), "{text}: {error}");
        let shown = error.to_string();
        assert!(shown.contains(key) && shown.contains(&origin), "{shown}");
    }
}

#[test]
fn a_bad_variable_is_named() {
    let bad = [
        ("PATINOX_AGENT_TOOL_TIMEOUT", "30", "agent.tool_timeout"),
        ("PATINOX_LIMITS_REQUESTS", "many", "limits.requests"),
        ("PATINOX_BREAKER_ENABLED", "on", "breaker.enabled"),
        (
            "ANTHROPIC_BASE_URL",
            "ftp://example.com",
            "providers.anthropic.base_url",
        ),
    ];
    for (name, value, key) in bad {
        let error = configuration_error(load(None, &[(name, value)]));
        assert_eq!(error.key.as_deref(), Some(key));
        assert_eq!(
            error.origin.as_deref(),
            Some(format!("environment variable {name}").as_str())
        );
    }
    let error = configuration_error(
        ConfigLoader::new()
            .no_file()
            .env(NO_VARS)
            .set("agent.max_turn", 3)
            .load(),
    );
    assert_eq!(error.origin.as_deref(), Some("code"));
}

#[test]
fn a_file_that_is_not_toml_names_the_line() {
    let (_dir, path) = config_file("[agent]\nmax_turns = = 3\n");
    let error = configuration_error(load(Some(&path), &[]));
    assert_eq!(error.origin, Some(format!("{}:2", path.display())));
    assert!(error.message.starts_with("not valid TOML"), "{error}");
}

#[test]
fn a_key_written_in_the_file_is_refused_without_echoing_it() {
    let (_dir, path) = config_file("[providers.openai]\napi_key = \"sk-written-here\"\n");
    let error = configuration_error(load(Some(&path), &[]));
    assert!(error.message.contains("api_key_file"), "{error}");
    assert!(!format!("{error:?} {error}").contains("sk-written-here"));
}

#[test]
fn keys_come_from_their_variable_or_a_key_file() {
    let config = load(None, &[("ANTHROPIC_API_KEY", "sk-ant-from-env")]).unwrap();
    let key = config
        .providers
        .anthropic
        .api_key
        .as_ref()
        .expect("key read");
    assert_eq!(key.expose_secret(), "sk-ant-from-env");
    assert_eq!(
        config.origin("providers.anthropic.api_key"),
        Origin::Env("ANTHROPIC_API_KEY".into())
    );

    let renamed = load(
        None,
        &[
            ("PATINOX_OPENAI_API_KEY_ENV", "TEAM_KEY"),
            ("TEAM_KEY", "sk-team"),
        ],
    )
    .unwrap();
    assert_eq!(
        renamed
            .providers
            .openai
            .api_key
            .as_ref()
            .unwrap()
            .expose_secret(),
        "sk-team"
    );

    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("openai_key");
    std::fs::write(&secret, "sk-from-file\n").unwrap();
    let (_config_dir, path) = config_file(&format!(
        "[providers.openai]\napi_key_file = {:?}\n",
        secret.display().to_string()
    ));
    // The file wins over the variable, and its trailing newline is not part of the key.
    let config = load(Some(&path), &[("OPENAI_API_KEY", "sk-from-env")]).unwrap();
    assert_eq!(
        config
            .providers
            .openai
            .api_key
            .as_ref()
            .unwrap()
            .expose_secret(),
        "sk-from-file"
    );
    assert_eq!(
        config.origin("providers.openai.api_key"),
        Origin::KeyFile(secret.clone())
    );
    assert_eq!(
        config.providers.get(Provider::OpenAi).api_key_file.as_ref(),
        Some(&secret)
    );
}

#[test]
fn an_unreadable_or_empty_key_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    for (path, says) in [
        (dir.path().join("missing"), "cannot read"),
        (empty, "is empty"),
    ] {
        let vars = [("PATINOX_OPENROUTER_API_KEY_FILE", path.to_str().unwrap())];
        let error = configuration_error(load(None, &vars));
        assert_eq!(
            error.key.as_deref(),
            Some("providers.openrouter.api_key_file")
        );
        assert_eq!(
            error.origin.as_deref(),
            Some("environment variable PATINOX_OPENROUTER_API_KEY_FILE")
        );
        assert!(error.message.contains(says), "{error}");
    }
}

#[test]
fn show_origin_lists_every_value_with_its_source() {
    let (_dir, path) = config_file(FILE);
    let vars = [
        ("PATINOX_RETRY_MAX_ATTEMPTS", "5"),
        ("OPENAI_API_KEY", "sk-shown-nowhere"),
    ];
    let config = ConfigLoader::new()
        .file(&path)
        .env(vars)
        .set("tracing.record_content", true)
        .load()
        .unwrap();
    let lines: Vec<String> = config
        .show_origin()
        .iter()
        .map(ToString::to_string)
        .collect();
    let file = path.display();
    for expected in [
        format!("file:{file}:5\ttimeouts.connect = 5s"),
        "default\ttimeouts.request = 10m".to_owned(),
        "env:PATINOX_RETRY_MAX_ATTEMPTS\tretry.max_attempts = 5".to_owned(),
        "code\ttracing.record_content = true".to_owned(),
        "env:OPENAI_API_KEY\tproviders.openai.api_key = [REDACTED]".to_owned(),
        format!("file:{file}:13\tproviders.openai.headers.x-team = [REDACTED]"),
        "default\tproviders.anthropic.base_url = https://api.anthropic.com/v1".to_owned(),
        "default\tproviders.anthropic.api_key = not set".to_owned(),
        "default\tlimits.deadline = unlimited".to_owned(),
    ] {
        assert!(
            lines.contains(&expected),
            "missing {expected:?} in\n{}",
            lines.join("\n")
        );
    }
    let keys: Vec<String> = config.show_origin().into_iter().map(|e| e.key).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "listed in key order");
    assert!(!lines.join("\n").contains("sk-shown-nowhere"));
}

// Models built from the configuration.

async fn answer(model: &dyn LanguageModel) -> patinox::Result<()> {
    let messages = [Message::user("Hi")];
    bounded(model.complete(CompletionRequest::new(&messages)))
        .await
        .map(drop)
}

async fn pick(vars: &[(&str, &str)]) -> patinox::Result<Arc<dyn LanguageModel>> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let var = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    bounded(from_vars(var, &LocalProbe::disabled())).await
}

#[tokio::test]
async fn a_base_url_without_a_key_selects_that_provider_there() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(json(fixture("openai/chat_completion_text.json")))
        .expect(2)
        .mount(&server)
        .await;
    // A bare origin means its /v1, for every provider.
    let model = pick(&[("OPENAI_BASE_URL", &server.uri())]).await.unwrap();
    assert_eq!(model.id().to_string(), "openai:gpt-4o-mini");
    answer(model.as_ref()).await.unwrap();
    // Named outright, with a base URL and no key: not an error either.
    let named = format!("{}/v1", server.uri());
    let model = pick(&[
        ("PATINOX_MODEL", "openai:gpt-4.1"),
        ("OPENAI_BASE_URL", &named),
    ])
    .await
    .unwrap();
    assert_eq!(model.id().to_string(), "openai:gpt-4.1");
    answer(model.as_ref()).await.unwrap();
    // A key still comes first.
    let model = pick(&[("ANTHROPIC_API_KEY", "k"), ("OPENAI_BASE_URL", &named)])
        .await
        .unwrap();
    assert_eq!(model.id().provider(), "anthropic");
}

#[tokio::test]
async fn anthropic_follows_the_same_base_url_rule() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(json(fixture("anthropic/message_text.json")))
        .expect(2)
        .mount(&server)
        .await;
    for base in [server.uri(), format!("{}/v1", server.uri())] {
        let model = pick(&[
            ("PATINOX_MODEL", "anthropic:claude-haiku-4-5"),
            ("ANTHROPIC_BASE_URL", &base),
        ])
        .await
        .unwrap();
        answer(model.as_ref()).await.unwrap();
    }
}

#[tokio::test]
async fn the_file_s_key_file_headers_and_retry_policy_reach_the_requests() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-from-key-file"))
        .and(header("x-team", "search"))
        .respond_with(json_status(503, r#"{"error":{"message":"overloaded"}}"#))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "sk-from-key-file\n").unwrap();
    let (_config_dir, file) = config_file(&format!(
        "model = \"openai:gpt-4o-mini\"\n[retry]\nmax_attempts = 1\n\
         [providers.openai]\nbase_url = \"{}\"\napi_key_file = {:?}\nheaders = {{ x-team = \"search\" }}\n",
        server.uri(),
        key_file.display().to_string(),
    ));
    let config = load(Some(&file), &[]).unwrap();
    let model = bounded(from_config(&config, &LocalProbe::disabled()))
        .await
        .unwrap();
    let error = answer(model.as_ref()).await.unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    // `expect(1)`: one attempt, as `retry.max_attempts = 1` says (the default makes three).
}

#[tokio::test]
async fn a_hosted_provider_with_neither_key_nor_url_names_the_variable() {
    let error = match pick(&[
        ("PATINOX_MODEL", "anthropic:claude-haiku-4-5"),
        ("PATINOX_ANTHROPIC_API_KEY_ENV", "TEAM_KEY"),
    ])
    .await
    {
        Err(PatinoxError::Configuration(error)) => error,
        other => panic!(
            "expected a configuration error, got {:?}",
            other.map(|m| m.id().to_string())
        ),
    };
    assert_eq!(error.key.as_deref(), Some("TEAM_KEY"));
    let model = pick(&[
        ("PATINOX_MODEL", "anthropic:claude-haiku-4-5"),
        ("PATINOX_ANTHROPIC_API_KEY_ENV", "TEAM_KEY"),
        ("TEAM_KEY", "k"),
    ])
    .await;
    assert!(model.is_ok());
}
