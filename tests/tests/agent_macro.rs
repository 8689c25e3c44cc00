//! `#[agent]` end to end: build with the typestate builder, start, run, stop,
//! against the scripted model; tools, validators, structured output, deps,
//! and `.configure(..)` for what the attribute does not declare.

use std::sync::Arc;
use std::time::Duration;

use patinox::agent::{AgentHandle, Created, Started, Stopped};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message, ToolSpec};
use patinox::monitor::RecordingMonitor;
use patinox::tool::{RunContext, Tool, ToolResult};
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use patinox::{PatinoxError, agent, tool};
use serde_json::value::RawValue;

/// Current weather for a city.
#[tool]
fn get_weather(city: String) -> String {
    format!(r#"{{"city":"{city}","celsius":21.5}}"#)
}

/// A tool written by hand, as `.configure(..)` adds it: `get_weather` under
/// another name.
struct EchoWeather;

#[async_trait::async_trait]
impl Tool for EchoWeather {
    fn spec(&self) -> &ToolSpec {
        static SPEC: std::sync::OnceLock<ToolSpec> = std::sync::OnceLock::new();
        SPEC.get_or_init(|| {
            let schema = serde_json::json!({
                "type": "object",
                "properties": { "city": { "type": "string" } },
                "required": ["city"]
            });
            ToolSpec::new("echo_weather", "Current weather for a city.", &schema)
                .expect("a valid tool spec")
        })
    }

    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        get_weather {}.call(ctx, arguments).await
    }
}

/// A tool written by hand whose spec reuses the name `get_weather`.
struct WeatherAgain;

#[async_trait::async_trait]
impl Tool for WeatherAgain {
    fn spec(&self) -> &ToolSpec {
        get_weather {}.spec()
    }

    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        get_weather {}.call(ctx, arguments).await
    }
}

/// Shared state handed to tools.
struct AppState {
    greeting: String,
}

/// A greeting from the app.
#[tool]
fn greet(ctx: &RunContext<AppState>) -> String {
    ctx.deps().greeting.clone()
}

/// What `#[validator(output)] fn no_shouting(..)` generates.
#[allow(non_camel_case_types)]
struct no_shouting {}

#[async_trait::async_trait]
impl Validator for no_shouting {
    fn name(&self) -> &str {
        "no_shouting"
    }
    fn stage(&self) -> ValidationStage {
        ValidationStage::Output
    }
    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
        match target {
            ValidationTarget::Output(text) if text == text.to_uppercase() => {
                ValidationOutcome::retry("Please do not shout.")
            }
            _ => ValidationOutcome::Pass,
        }
    }
}

/// You are a concise weather assistant.
#[agent(tools(get_weather), validators(no_shouting), max_turns = 4)]
struct WeatherBot;

/// You answer in the user's units.
#[agent]
#[derive(Debug)]
struct UnitsBot {
    units: String,
    #[agent(default)]
    verbose: bool,
}

#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct Forecast {
    city: String,
    celsius: f64,
}

/// You forecast the weather.
#[agent(output = Forecast, tools(get_weather), max_turns = 3)]
struct ForecastBot;

#[agent(tools(greet), deps = AppState, instructions = "Greet the user.", name = "greeter")]
struct Greeter;

#[agent(model = "offline:patinox")]
struct OfflineBot;

fn system_prompt(model: &ScriptedModel) -> String {
    match &model.requests()[0].messages[0] {
        Message::System { content } => content.clone(),
        other => panic!("expected the instructions first, got {other:?}"),
    }
}

#[tokio::test]
async fn an_agent_runs_its_tools_and_validators_through_the_lifecycle() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("SUNNY!"),
        CompletionResponse::text("Sunny and 21.5 °C in Paris."),
    ]));
    let bot: AgentHandle<WeatherBot, Created> = WeatherBot::builder()
        .model(Arc::clone(&model))
        .build()
        .unwrap();
    let bot: AgentHandle<WeatherBot, Started> = bot.start().await.unwrap();
    let reply = bot.run("Weather in Paris?").await.unwrap();
    let _stopped: AgentHandle<WeatherBot, Stopped> = bot.stop().await.unwrap();

    assert_eq!(reply.output, "Sunny and 21.5 °C in Paris.");
    assert_eq!(reply.turns, 3, "tool call, shouted answer retried, answer");
    let requests = model.requests();
    assert_eq!(requests[0].tools, ["get_weather"]);
    assert_eq!(
        system_prompt(&model),
        "You are a concise weather assistant."
    );
    assert!(matches!(
        &requests[1].messages[3],
        Message::Tool { content, is_error: false, .. } if content.contains("Paris")
    ));
    assert_eq!(
        requests[2].messages.last().and_then(Message::text),
        Some("Please do not shout.")
    );
}

#[tokio::test]
async fn the_declared_turn_limit_applies() {
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
        CompletionResponse::text("never reached"),
    ]);
    let bot = WeatherBot::builder().model(model).build().unwrap();
    assert_eq!(bot.inner().runner().max_turns(), 4);
    let bot = bot.start().await.unwrap();
    let error = bot.run("Weather?").await.unwrap_err();
    assert!(error.to_string().contains("4 turns"), "{error}");
}

#[tokio::test]
async fn fields_are_builder_members_and_defaults_are_optional() {
    let model = ScriptedModel::new([CompletionResponse::text("ok")]);
    let bot = UnitsBot::builder()
        .units("metric".to_owned())
        .model(model)
        .build()
        .unwrap();
    assert_eq!(bot.inner().units, "metric");
    assert!(format!("{:?}", bot.inner()).contains("metric"));
    assert!(!bot.inner().verbose);

    let model = ScriptedModel::new([]);
    let bot = UnitsBot::builder()
        .model(model)
        .verbose(true)
        .units("imperial".to_owned())
        .build()
        .unwrap();
    assert!(bot.inner().verbose);
}

#[test]
fn the_state_markers_take_no_space() {
    use std::mem::size_of;
    assert_eq!(
        size_of::<AgentHandle<WeatherBot, Created>>(),
        size_of::<WeatherBot>()
    );
    assert_eq!(
        size_of::<AgentHandle<UnitsBot, Started>>(),
        size_of::<UnitsBot>()
    );
    assert_eq!(
        size_of::<AgentHandle<ForecastBot, Stopped>>(),
        size_of::<ForecastBot>()
    );
}

#[tokio::test]
async fn structured_output_is_parsed_and_re_asked_until_it_parses() {
    let model = Arc::new(ScriptedModel::new([
        CompletionResponse::text("It will be sunny in Paris."),
        CompletionResponse::text("```json\n{\"city\": \"Paris\", \"celsius\": 21.5}\n```"),
    ]));
    let bot = ForecastBot::builder()
        .model(Arc::clone(&model))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let result = bot.run("Forecast for Paris?").await.unwrap();
    let forecast: Forecast = result.output;
    assert_eq!(
        forecast,
        Forecast {
            city: "Paris".into(),
            celsius: 21.5
        }
    );
    assert_eq!(result.turns, 2);

    // The schema travels as the request's response format, not in the prompt.
    assert_eq!(system_prompt(&model), "You forecast the weather.");
    let feedback = model.requests()[1].messages.last().cloned().unwrap();
    assert!(
        feedback.text().unwrap().contains("could not be parsed"),
        "{feedback:?}"
    );
}

#[tokio::test]
async fn structured_output_that_never_parses_is_a_validation_error() {
    let model = ScriptedModel::new([
        CompletionResponse::text("sunny"),
        CompletionResponse::text("still sunny"),
        CompletionResponse::text("{\"city\": \"Paris\"}"),
    ]);
    let bot = ForecastBot::builder()
        .model(model)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let error = bot.run("Forecast?").await.unwrap_err();
    assert!(matches!(error, PatinoxError::Validation(_)), "{error:?}");
    assert!(error.to_string().contains("celsius"), "{error}");
}

#[tokio::test]
async fn deps_reach_the_tools() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::call("greet", "{}"),
        CompletionResponse::text("done"),
    ]));
    let state = AppState {
        greeting: "Bonjour".to_owned(),
    };
    let bot = Greeter::builder()
        .deps(state)
        .model(Arc::clone(&model))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    bot.run("Hi").await.unwrap();
    let tool_message = model.requests()[1].messages[3].clone();
    assert!(
        matches!(&tool_message, Message::Tool { content, is_error: false, .. } if content == "\"Bonjour\""),
        "{tool_message:?}"
    );
    assert_eq!(system_prompt(&model), "Greet the user.");
    assert_eq!(patinox::agent::Agent::name(bot.inner()), "greeter");

    // An `Arc` works as well as a value.
    let shared = Arc::new(AppState {
        greeting: "Hallo".to_owned(),
    });
    let model = ScriptedModel::new([]);
    assert!(Greeter::builder().model(model).deps(shared).build().is_ok());
}

#[test]
fn a_declared_default_model_makes_the_model_optional() {
    // Not run: the declared model resolves on its first request through the
    // machine's configuration, where a `PATINOX_MODEL` would redirect it.
    let bot = OfflineBot::builder().build().unwrap();
    assert_eq!(
        bot.inner().runner().model().id().to_string(),
        "offline:patinox"
    );
}

#[tokio::test]
async fn configure_sets_what_the_attribute_does_not_declare() {
    let monitor = Arc::new(RecordingMonitor::default());
    let model = ScriptedModel::new([
        ScriptedModel::call("echo_weather", r#"{"city":"Oslo"}"#),
        CompletionResponse::text("Mild in Oslo."),
    ]);
    let recorded = Arc::clone(&monitor);
    // Callable before the required members are set, and more than once.
    let bot = WeatherBot::builder()
        .configure(move |b| b.monitor(recorded).tool_timeout(Duration::from_secs(5)))
        .model(model)
        .configure(|b| b.max_turns(2).tool(EchoWeather))
        .build()
        .unwrap();
    let runner = bot.inner().runner();
    assert_eq!(
        runner.max_turns(),
        2,
        "applied after the declared `max_turns = 4`"
    );
    assert_eq!(
        runner.tools().len(),
        2,
        "the declared tool and the added one"
    );
    let bot = bot.start().await.unwrap();
    let reply = bot.run("Weather in Oslo?").await.unwrap();
    assert_eq!(reply.output, "Mild in Oslo.");
    let events = monitor.events();
    assert!(
        events.contains(&"tool_started echo_weather".to_owned()),
        "{events:?}"
    );
}

#[test]
fn a_configured_tool_with_a_declared_tools_name_is_a_build_error() {
    let model = ScriptedModel::new([]);
    let Err(error) = WeatherBot::builder()
        .model(model)
        .configure(|b| b.tool(WeatherAgain))
        .build()
    else {
        panic!("two tools named `get_weather` must not build");
    };
    assert!(matches!(error, PatinoxError::Configuration(_)), "{error:?}");
    assert!(error.to_string().contains("get_weather"), "{error}");
}

#[test]
fn a_float_needing_the_exact_algorithm_parses_to_itself() {
    // serde_json's default float parsing reads this one a unit in the last
    // place off; patinox enables `float_roundtrip`, so a model's number is
    // the value it wrote.
    let celsius: f64 = -95.409_056_057_517_87;
    let answer = serde_json::json!({ "city": "", "celsius": celsius }).to_string();
    let parsed: Forecast = patinox::agent::parse_output(&answer).unwrap();
    assert_eq!(parsed.celsius.to_bits(), celsius.to_bits());
}

proptest::proptest! {
    /// Whatever JSON the model wraps its answer in (spaces, a fenced block),
    /// a structured output that is valid parses back to the same value.
    #[test]
    fn structured_output_parses_whatever_the_wrapping(
        city in "\\PC*",
        celsius in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        fence in proptest::sample::select(vec!["", "```\n", "```json\n"]),
        space in "[ \n\t]{0,3}",
    ) {
        let json = serde_json::json!({ "city": city, "celsius": celsius }).to_string();
        let close = if fence.is_empty() { "" } else { "\n```" };
        let answer = format!("{space}{fence}{json}{close}{space}");
        let parsed: Forecast = patinox::agent::parse_output(&answer).unwrap();
        proptest::prop_assert_eq!(parsed, Forecast { city, celsius });
    }
}

#[tokio::test]
async fn a_declared_agent_works_as_a_dyn_agent_with_run_time_lifecycle_checks() {
    use patinox::agent::Agent;
    let model = ScriptedModel::new([CompletionResponse::text("Hello")]);
    let bot: Arc<dyn Agent> = Arc::new(
        WeatherBot::builder()
            .model(model)
            .build()
            .unwrap()
            .into_inner(),
    );
    assert_eq!(bot.name(), "WeatherBot");
    let error = bot.execute("Hi").await.unwrap_err();
    assert!(error.to_string().contains("not started"), "{error}");
    bot.start().await.unwrap();
    assert_eq!(bot.execute("Hi").await.unwrap().output, "Hello");
}

#[test]
fn a_shared_model_is_used_as_it_is_not_wrapped_again() {
    use patinox::model::LanguageModel;

    let model: Arc<dyn LanguageModel> = Arc::new(ScriptedModel::new([]));
    let agent = WeatherBot::builder()
        .model(Arc::clone(&model))
        .build()
        .expect("builds");
    assert!(Arc::ptr_eq(agent.inner().runner().model(), &model));
}
