//! The configuration reaches agents: `agent.*`, `limits.*` and
//! `tracing.record_content` apply to runners and `#[agent]` builders, from
//! the environment or a loaded configuration, and values set in code win.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use patinox::PatinoxError;
use patinox::agent::Runner;
use patinox::config::ConfigLoader;
use patinox::error::{ExecutionErrorKind, UsageLimit};
use patinox::model::scripted::ScriptedModel;
use patinox::{agent, tool};
use tracing::Subscriber;
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Current weather for a city.
#[tool]
fn get_weather(city: String) -> String {
    format!(r#"{{"city":"{city}","celsius":21.5}}"#)
}

/// You answer with the weather.
#[agent(tools(get_weather))]
struct WeatherBot;

/// You answer with the weather, in at most three turns.
#[agent(tools(get_weather), max_turns = 3)]
struct ThreeTurnBot;

/// A model that calls `get_weather` on every turn.
fn looping_model() -> Arc<ScriptedModel> {
    Arc::new(ScriptedModel::new((0..6).map(|_| {
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#)
    })))
}

fn execution_kind(error: &PatinoxError) -> &ExecutionErrorKind {
    match error {
        PatinoxError::Execution(detail) => &detail.kind,
        other => panic!("expected an execution error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_loaded_configuration_sets_what_code_leaves_unset() {
    let config = ConfigLoader::new()
        .no_file()
        .env([
            ("PATINOX_AGENT_MAX_TURNS", "2"),
            ("PATINOX_LIMITS_TOOL_CALLS", "1"),
        ])
        .load()
        .unwrap();

    let runner = Runner::builder(looping_model())
        .tool(get_weather {})
        .config(&config)
        .build()
        .unwrap();
    assert_eq!(runner.max_turns(), 2);
    // The second tool call would pass `limits.tool_calls`.
    let error = runner.run("Weather?").await.unwrap_err();
    assert_eq!(
        execution_kind(&error),
        &ExecutionErrorKind::UsageLimitExceeded {
            limit: UsageLimit::ToolCalls,
            reached: 2
        }
    );

    let runner = Runner::builder(looping_model())
        .tool(get_weather {})
        .config(&config)
        .max_turns(1)
        .limits(patinox::agent::UsageLimits::default())
        .build()
        .unwrap();
    let error = runner.run("Weather?").await.unwrap_err();
    assert_eq!(
        execution_kind(&error),
        &ExecutionErrorKind::MaxTurnsExceeded { max_turns: 1 }
    );
}

#[test]
fn a_bad_value_in_the_environment_fails_the_build_naming_the_variable() {
    if !in_child() {
        let output = child("a_bad_value_in_the_environment_fails_the_build_naming_the_variable")
            .env("PATINOX_AGENT_MAX_TURNS", "many")
            .output()
            .unwrap();
        assert_child_passed(&output);
        return;
    }
    let error = Runner::builder(looping_model()).build().unwrap_err();
    assert!(matches!(error, PatinoxError::Configuration(_)), "{error}");
    let message = error.to_string();
    assert!(message.contains("agent.max_turns"), "{message}");
    assert!(message.contains("PATINOX_AGENT_MAX_TURNS"), "{message}");
    // Set in code, nothing is taken from the environment, so nothing fails.
    Runner::builder(looping_model())
        .max_turns(2)
        .tool_timeout(std::time::Duration::from_secs(1))
        .limits(patinox::agent::UsageLimits::default())
        .record_content(false)
        .build()
        .unwrap();
}

/// Set by the parent for the copy of the test binary it starts: the
/// environment of a process cannot be changed safely from its tests.
const CHILD: &str = "PATINOX_CONFIG_AGENT_CHILD";

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// This test binary, running only `test`, with no configuration file.
fn child(test: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env_remove("PATINOX_CONFIG")
        .current_dir(std::env::temp_dir());
    command
}

fn assert_child_passed(output: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child failed:\n{stdout}\n{stderr}"
    );
}

#[test]
fn environment_variables_reach_agents_built_by_the_macro() {
    if !in_child() {
        let output = child("environment_variables_reach_agents_built_by_the_macro")
            .env("PATINOX_AGENT_MAX_TURNS", "1")
            .env("PATINOX_LIMITS_REQUESTS", "5")
            .env("PATINOX_TRACING_RECORD_CONTENT", "true")
            .output()
            .unwrap();
        assert_child_passed(&output);
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let content = ContentSeen::default();
        let subscriber = tracing_subscriber::registry().with(content.clone());
        let _default = tracing::subscriber::set_default(subscriber);

        // `agent.max_turns` from the environment.
        let bot = WeatherBot::builder()
            .model(looping_model())
            .build()
            .unwrap();
        let bot = bot.start().await.unwrap();
        let error = bot.run("Weather in Paris?").await.unwrap_err();
        assert_eq!(
            execution_kind(&error),
            &ExecutionErrorKind::MaxTurnsExceeded { max_turns: 1 }
        );
        // `tracing.record_content` from the environment.
        assert!(content.0.load(Ordering::Relaxed), "no content recorded");

        // `max_turns = 3` in the attribute is code: it wins over the
        // environment; `limits.requests` still applies.
        let bot = ThreeTurnBot::builder()
            .model(looping_model())
            .build()
            .unwrap();
        let bot = bot.start().await.unwrap();
        let error = bot.run("Weather in Paris?").await.unwrap_err();
        assert_eq!(
            execution_kind(&error),
            &ExecutionErrorKind::MaxTurnsExceeded { max_turns: 3 }
        );
    });
}

/// Whether any span recorded message content.
#[derive(Clone, Default)]
struct ContentSeen(Arc<AtomicBool>);

impl ContentSeen {
    fn check(&self, fields: impl Fn(&mut FieldNames)) {
        let mut names = FieldNames::default();
        fields(&mut names);
        if names
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|name| name == "gen_ai.input.messages")
        {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

#[derive(Default)]
struct FieldNames(Mutex<Vec<String>>);

impl tracing::field::Visit for FieldNames {
    fn record_debug(&mut self, field: &tracing::field::Field, _: &dyn std::fmt::Debug) {
        self.0.lock().unwrap().push(field.name().to_owned());
    }
}

impl<S: Subscriber> Layer<S> for ContentSeen {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        self.check(|names| attrs.record(names));
    }

    fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
        self.check(|names| values.record(names));
    }
}
