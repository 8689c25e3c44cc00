//! A canary API key, used with every provider and driven down every error
//! path and through whole agent runs, must never appear in an error's Debug
//! or Display, in a model's or config's Debug, in a run's events or result,
//! or in anything logged through `tracing`. The canary has no `sk-` prefix,
//! and any 8 characters of its random tail count as a leak.

// Helpers outside #[test] fns fail the test by panicking, like the tests do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use patinox::agent::Runner;
use patinox::model::anthropic;
use patinox::model::fallback::FallbackModel;
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{
    CompletionRequest, LanguageModel, LocalProbe, Message, ProviderConfig, from_vars, lmstudio,
    ollama, openai, openrouter,
};
use patinox_mock::{Fault, MockConfig, Wire};
use patinox_tests::{Behaviour, RecordingTool};
use support::{
    CANARY_KEY, Raw, bounded, capture_logs, drain, json_status, leaks_canary, raw_server, sse,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn models(base: &str) -> Vec<Arc<dyn LanguageModel>> {
    let config = || {
        ProviderConfig::new()
            .api_key(CANARY_KEY)
            .base_url(base)
            .timeout(Duration::from_millis(300))
    };
    vec![
        Arc::new(openai::model("gpt-4o-mini", config()).unwrap()),
        Arc::new(anthropic::model("claude", config()).unwrap()),
        Arc::new(openrouter::model("openai/gpt-4o", config()).unwrap()),
        Arc::new(ollama::model("llama3.2", config()).unwrap()),
        Arc::new(lmstudio::model("local", config()).unwrap()),
    ]
}

/// Error bodies that echo the key back, as some proxies and servers do.
fn echoing_failures() -> Vec<ResponseTemplate> {
    let echo = format!(
        r#"{{"error":{{"message":"Incorrect API key provided: {CANARY_KEY}.","type":"invalid_request_error","code":"{CANARY_KEY}"}}}}"#
    );
    vec![
        json_status(401, echo.clone()),
        json_status(500, echo.clone()),
        json_status(503, format!("<html>key={CANARY_KEY}</html>")),
        json_status(429, echo).insert_header("retry-after", "0"),
        ResponseTemplate::new(200)
            .set_body_raw(format!("{{\"oops\": \"{CANARY_KEY}"), "application/json"),
        sse(format!(
            "data: {{\"error\":{{\"message\":\"{CANARY_KEY}\",\"code\":502}}}}\n\n"
        )),
        json_status(200, b"{}".to_vec()).set_delay(Duration::from_secs(2)),
    ]
}

async fn exercise(model: &dyn LanguageModel, seen: &mut Vec<String>) {
    let messages = [Message::user("Hi")];
    match bounded(model.complete(CompletionRequest::new(&messages))).await {
        Ok(response) => seen.push(format!("{response:?}")),
        Err(error) => seen.push(format!("{error:?} {error}")),
    }
    match bounded(model.stream(CompletionRequest::new(&messages))).await {
        Ok(stream) => {
            let (events, end) = bounded(drain(stream)).await;
            seen.push(format!("{events:?}"));
            if let Err(error) = end {
                seen.push(format!("{error:?} {error}"));
            }
        }
        Err(error) => seen.push(format!("{error:?} {error}")),
    }
}

/// Fails naming the first text that holds part of the canary.
fn assert_no_leak(seen: &[String]) {
    if let Some(text) = seen.iter().find(|text| leaks_canary(text)) {
        let lines: Vec<&str> = text.lines().filter(|l| leaks_canary(l)).take(3).collect();
        panic!("the key leaked: {lines:#?}");
    }
}

/// One agent run and one streaming run; every event, the result or the
/// error, in their Debug and Display forms.
async fn run_agent(runner: &Runner, seen: &mut Vec<String>) {
    match bounded(runner.run("Weather in Paris?")).await {
        Ok(result) => seen.push(format!("{result:?} {}", result.output)),
        Err(error) => seen.push(format!("{error:?} {error}")),
    }
    let events: Vec<_> = bounded(runner.run_stream("Weather in Paris?").collect()).await;
    for event in events {
        match event {
            Ok(event) => seen.push(format!("{event:?}")),
            Err(error) => seen.push(format!("{error:?} {error}")),
        }
    }
}

/// An agent with one tool on `model`, recording message content in its spans.
fn agent(model: Arc<dyn LanguageModel>) -> Runner {
    Runner::builder(model)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#"{"celsius":22}"#.to_owned()),
        ))
        .record_content(true)
        .build()
        .unwrap()
}

#[test]
fn the_canary_key_never_leaks() {
    let (captured, _guard) = capture_logs();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen = Vec::new();
    runtime.block_on(async {
        for failure in echoing_failures() {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(failure)
                .mount(&server)
                .await;
            for model in models(&server.uri()) {
                exercise(model.as_ref(), &mut seen).await;
            }
            // Wrappers log the errors they handle.
            let policy = RetryPolicy::default()
                .max_attempts(2)
                .base_delay(Duration::from_millis(1));
            let retry = RetryModel::new(models(&server.uri()).remove(0), policy);
            exercise(&retry, &mut seen).await;
            let fallback = FallbackModel::new(models(&server.uri())).unwrap();
            exercise(&fallback, &mut seen).await;
        }
        // Connection refused and reset.
        let reset = raw_server(vec![Raw::Reset]).await;
        for base in [reset.as_str(), "http://127.0.0.1:9"] {
            for model in models(base) {
                exercise(model.as_ref(), &mut seen).await;
            }
        }
        // from_env with the key in the environment logs its choice.
        let vars = |name: &str| (name == "OPENAI_API_KEY").then(|| CANARY_KEY.to_owned());
        let model = from_vars(vars, &LocalProbe::disabled()).await.unwrap();
        seen.push(format!("{}", model.id()));
    });
    let config = || ProviderConfig::new().api_key(CANARY_KEY);
    seen.push(format!("{:?}", openai::model("m", config()).unwrap()));
    seen.push(format!("{:?}", anthropic::model("m", config()).unwrap()));
    seen.push(format!("{:?}", ProviderConfig::new().api_key(CANARY_KEY)));
    let logs = captured.text();
    assert!(
        logs.contains("selected model"),
        "tracing output was captured"
    );
    assert!(seen.len() > 100, "every path was exercised: {}", seen.len());
    seen.push(logs);
    assert_no_leak(&seen);
}

/// Whole agent runs, plain and streaming, with the canary as the provider's
/// key: answered (a tool call, then the answer), failing with every fault of
/// the mock server, and failing on servers that echo the key back.
#[test]
fn the_canary_key_never_leaks_from_agent_runs() {
    let (captured, _guard) = capture_logs();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen = Vec::new();
    runtime.block_on(async {
        let mock = patinox_mock::MockServer::start(MockConfig::default())
            .await
            .unwrap();
        let faults = [
            None,
            Some(Fault::status(401)),
            Some(Fault::status(429).retry_after_ms(1)),
            Some(Fault::reset()),
            Some(Fault::stall()),
            Some(Fault::truncate()),
            Some(Fault::malformed()),
            Some(Fault::html()),
        ];
        for fault in &faults {
            let base = fault
                .as_ref()
                .map_or_else(|| mock.base_url(), |f| mock.base_url_with(f));
            for wire in [Wire::OpenAi, Wire::Anthropic] {
                let config = ProviderConfig::new()
                    .api_key(CANARY_KEY)
                    .base_url(base.as_str())
                    .timeout(Duration::from_millis(300));
                let model: Arc<dyn LanguageModel> = match wire {
                    Wire::OpenAi => Arc::new(openai::model("gpt-4o-mini", config).unwrap()),
                    _ => Arc::new(anthropic::model("claude", config).unwrap()),
                };
                run_agent(&agent(model), &mut seen).await;
            }
        }
        for failure in echoing_failures() {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(failure)
                .mount(&server)
                .await;
            for model in models(&server.uri()) {
                run_agent(&agent(model), &mut seen).await;
            }
        }
    });
    let answered = seen
        .iter()
        .filter(|text| text.contains("RunResult"))
        .count();
    assert!(answered >= 2, "runs on both wires answered: {seen:#?}");
    assert!(seen.len() > 100, "every path was exercised: {}", seen.len());
    let logs = captured.text();
    assert!(
        logs.contains("execute_tool"),
        "the runs' spans were captured"
    );
    seen.push(logs);
    assert_no_leak(&seen);
}

/// The canary as the key in a variable, in a key file and as a header value
/// in a config file: it appears in no `Debug` of the loaded configuration,
/// no show-origin line, no configuration error and no log line.
#[test]
fn the_canary_key_never_leaks_from_configuration() {
    use patinox::config::ConfigLoader;

    let (captured, _guard) = capture_logs();

    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("anthropic_key");
    std::fs::write(&key_file, format!("{CANARY_KEY}\n")).unwrap();
    let config_file = dir.path().join("patinox.toml");
    std::fs::write(
        &config_file,
        format!(
            "[providers.openrouter.headers]\nauthorization = \"Bearer {CANARY_KEY}\"\n\
             [providers.anthropic]\napi_key_file = {:?}\n",
            key_file.display().to_string()
        ),
    )
    .unwrap();
    let vars = [
        ("OPENAI_API_KEY", CANARY_KEY),
        ("PATINOX_NOT_A_SETTING", CANARY_KEY),
    ];
    let config = ConfigLoader::new()
        .file(&config_file)
        .env(vars)
        .load()
        .unwrap();
    assert!(config.providers.openai.api_key.is_some());
    assert!(config.providers.anthropic.api_key.is_some());

    let mut seen = vec![
        format!("{config:?}"),
        format!("{:?}", ConfigLoader::new().env(vars)),
    ];
    seen.extend(config.show_origin().iter().map(|e| format!("{e} {e:?}")));
    // Keys written where they do not belong are refused without being echoed.
    for text in [
        format!("[providers.openai]\napi_key = \"{CANARY_KEY}\"\n"),
        format!("[providers.openai]\napi_key = \"{CANARY_KEY}\n"),
        format!("[providers.openai]\nbase_url = \"{CANARY_KEY}\"\n"),
        format!("[providers.openai.headers]\nx-key = \"{CANARY_KEY}\n\"\n"),
    ] {
        std::fs::write(&config_file, text).unwrap();
        let error = ConfigLoader::new()
            .file(&config_file)
            .env(vars)
            .load()
            .unwrap_err();
        seen.push(format!("{error:?} {error}"));
    }
    let error = ConfigLoader::new()
        .no_file()
        .env([("PATINOX_TIMEOUTS_CONNECT", CANARY_KEY)])
        .load()
        .unwrap_err();
    seen.push(format!("{error:?} {error}"));

    let logs = captured.text();
    assert!(
        logs.contains("PATINOX_NOT_A_SETTING"),
        "the warning was captured: {logs}"
    );
    seen.push(logs);
    assert_no_leak(&seen);
}
