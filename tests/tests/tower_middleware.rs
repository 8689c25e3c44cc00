//! tower middleware around the model of an agent: a concurrency limit, a
//! client-side rate limit and a timeout composed with `ServiceBuilder`, and a
//! validator as a layer. Time is tokio's paused clock: waits are virtual and
//! the assertions are about order and count, not speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use patinox::PatinoxError;
use patinox::agent::{AgentHandle, Runner, Started};
use patinox::error::{ExecutionErrorKind, RecoveryStrategy};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionRequest, CompletionResponse, LanguageModel, ModelId};
use patinox::tower::{ModelService, ServiceModel, ValidateLayer};
use patinox_tests::{Behaviour, RecordingTool};
use tokio::time::Instant;
use tower::ServiceBuilder;
use tower::limit::{ConcurrencyLimit, RateLimit};
use tower::timeout::Timeout;

/// A model that takes `latency` to answer, noting when each call starts and
/// how many calls are in flight at once.
struct GaugedModel {
    script: ScriptedModel,
    latency: Duration,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    starts: std::sync::Mutex<Vec<Instant>>,
}

impl GaugedModel {
    fn new(script: ScriptedModel, latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            script,
            latency,
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            starts: std::sync::Mutex::new(Vec::new()),
        })
    }

    fn starts(&self) -> Vec<Instant> {
        self.starts.lock().expect("starts lock").clone()
    }
}

#[async_trait]
impl LanguageModel for GaugedModel {
    fn id(&self) -> &ModelId {
        self.script.id()
    }

    async fn complete(
        &self,
        request: CompletionRequest<'_>,
    ) -> patinox::Result<CompletionResponse> {
        self.starts
            .lock()
            .expect("starts lock")
            .push(Instant::now());
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.latency).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.script.complete(request).await
    }
}

/// The middleware of every test here, outermost first.
struct Limits {
    concurrent: usize,
    per_minute: u64,
    timeout: Duration,
}

type Guarded = ServiceModel<ConcurrencyLimit<RateLimit<Timeout<ModelService<Arc<GaugedModel>>>>>>;

fn guarded(model: &Arc<GaugedModel>, limits: Limits) -> Guarded {
    ServiceModel::layered(
        Arc::clone(model),
        ServiceBuilder::new()
            .concurrency_limit(limits.concurrent)
            .rate_limit(limits.per_minute, Duration::from_secs(60))
            .timeout(limits.timeout),
    )
}

async fn weather_agent(model: impl LanguageModel + 'static) -> AgentHandle<Runner, Started> {
    let runner = Runner::builder(model)
        .tool(RecordingTool::new(
            "weather",
            Behaviour::Return(r#""sunny""#.into()),
        ))
        .build()
        .expect("a valid agent");
    AgentHandle::new(runner)
        .start()
        .await
        .expect("agent starts")
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_holds_the_second_model_call_to_the_next_minute() {
    let model = GaugedModel::new(
        ScriptedModel::new([
            ScriptedModel::call("weather", r#"{"city":"Paris"}"#),
            CompletionResponse::text("Sunny in Paris."),
        ]),
        Duration::from_millis(100),
    );
    let limits = Limits {
        concurrent: 4,
        per_minute: 1,
        timeout: Duration::from_secs(30),
    };
    let agent = weather_agent(guarded(&model, limits)).await;

    let reply = agent
        .run("Weather in Paris?")
        .await
        .expect("the run succeeds");

    assert_eq!(reply.output, "Sunny in Paris.");
    let starts = model.starts();
    assert_eq!(starts.len(), 2, "one call for the tool, one for the answer");
    let gap = starts[1] - starts[0];
    assert!(
        gap >= Duration::from_secs(60),
        "second call after {gap:?}, within the same minute"
    );
}

#[tokio::test(start_paused = true)]
async fn the_timeout_turns_a_stalled_model_into_a_retryable_timeout_error() {
    let stalled = GaugedModel::new(
        ScriptedModel::new([CompletionResponse::text("too late")]),
        Duration::from_secs(3600),
    );
    let limits = Limits {
        concurrent: 4,
        per_minute: 60,
        timeout: Duration::from_secs(30),
    };
    let agent = weather_agent(guarded(&stalled, limits)).await;
    let started = Instant::now();

    let error = agent
        .run("Weather in Paris?")
        .await
        .expect_err("the model stalls");

    match &error {
        PatinoxError::Execution(e) => assert_eq!(e.kind, ExecutionErrorKind::Timeout, "{error}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(
        error.recovery_strategy(),
        RecoveryStrategy::Retry { after: None }
    );
    assert!(
        started.elapsed() < Duration::from_secs(3600),
        "the run waited for the stalled model"
    );
}

/// Runs five one-call agents at once on one guarded model; returns the most
/// model calls that were in flight together.
async fn peak_of_five_concurrent_runs(concurrent: usize) -> usize {
    let model = GaugedModel::new(
        ScriptedModel::new(vec![CompletionResponse::text("Done."); 5]),
        Duration::from_secs(1),
    );
    let limits = Limits {
        concurrent,
        per_minute: 1000,
        timeout: Duration::from_secs(30),
    };
    let shared = Arc::new(guarded(&model, limits));
    let mut agents = Vec::new();
    for _ in 0..5 {
        agents.push(weather_agent(Arc::clone(&shared)).await);
    }

    let replies = futures_util::future::join_all(agents.iter().map(|a| a.run("Hi"))).await;

    for reply in replies {
        assert_eq!(reply.expect("every run succeeds").output, "Done.");
    }
    model.peak.load(Ordering::SeqCst)
}

#[tokio::test(start_paused = true)]
async fn the_concurrency_limit_caps_model_calls_in_flight_across_agents() {
    assert_eq!(peak_of_five_concurrent_runs(2).await, 2);
    // The gauge does see concurrency when the limit allows it.
    assert_eq!(peak_of_five_concurrent_runs(5).await, 5);
}

/// Keeps passwords out of prompts.
#[patinox::validator(input)]
fn no_passwords(input: &str) -> Result<(), String> {
    if input.contains("password") {
        return Err("Remove the password from the prompt.".into());
    }
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn a_validator_layer_refuses_a_request_before_the_model_sees_it() {
    let script = Arc::new(ScriptedModel::new([CompletionResponse::text("Hello!")]));
    let model = ServiceModel::layered(
        Arc::clone(&script),
        ServiceBuilder::new()
            .timeout(Duration::from_secs(30))
            .layer(ValidateLayer::new(no_passwords {})),
    );
    let agent = weather_agent(model).await;

    let error = agent
        .run("my password is hunter2")
        .await
        .expect_err("refused");
    match &error {
        PatinoxError::Validation(e) => {
            assert_eq!(e.field.as_deref(), Some("no_passwords"));
            assert_eq!(e.message, "Remove the password from the prompt.");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(script.requests().is_empty(), "the model was called");

    let reply = agent.run("Hello").await.expect("a clean prompt passes");
    assert_eq!(reply.output, "Hello!");
}
