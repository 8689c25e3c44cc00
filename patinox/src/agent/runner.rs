//! The agent loop.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use schemars::JsonSchema;

use super::structured::{Text, response_format};
use super::{Agent, Health, RunResult, Runnable, StepExecutor, ToolSource, UsageLimits};
use crate::config::PatinoxConfig;
use crate::error::{ConfigurationError, ExecutionErrorKind, PatinoxError, Result};
use crate::memory::ResourceRegistry;
use crate::model::{LanguageModel, ModelSettings, ResponseFormat};
use crate::monitor::{Event, Monitor};
use crate::tool::{RunContext, Tool, ToolSet};
use crate::validate::Validator;

const CREATED: u8 = 0;
const STARTED: u8 = 1;
const STOPPED: u8 = 2;

/// The default turn limit.
pub const DEFAULT_MAX_TURNS: u32 = 10;
/// The default time a tool call may take.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time `stop()` gives the agent's resources to close.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);
/// The default number of times a final answer that does not parse as the
/// output type is sent back to the model (see [`RunnerBuilder::output_retries`]).
pub const DEFAULT_OUTPUT_RETRIES: u32 = 2;

/// An agent configured at run time: a model, instructions, tools, validators
/// and monitors, driven by the agent loop. `#[agent]` generates code around it.
///
/// ```
/// use patinox::agent::Runner;
/// use patinox::model::{CompletionResponse, scripted::ScriptedModel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let runner = Runner::builder(ScriptedModel::new([CompletionResponse::text("42")]))
///     .instructions("Answer with a number.")
///     .build()?;
/// let result = runner.run("What is six times seven?").await?;
/// assert_eq!(result.output, "42");
/// assert_eq!(result.turns, 1);
/// # Ok(())
/// # }
/// ```
pub struct Runner {
    pub(super) name: String,
    pub(super) instructions: Option<String>,
    pub(super) model: Arc<dyn LanguageModel>,
    pub(super) tools: ToolSet,
    /// The builder's own tools, kept to rebuild `tools` when a source changes.
    pub(super) fixed_tools: Vec<Arc<dyn Tool>>,
    pub(super) tool_sources: Vec<Arc<dyn ToolSource>>,
    pub(super) validators: Vec<Arc<dyn Validator>>,
    monitors: Vec<Arc<dyn Monitor>>,
    pub(super) max_turns: u32,
    pub(super) tool_timeout: Duration,
    pub(super) settings: ModelSettings,
    pub(super) context: RunContext,
    pub(super) limits: UsageLimits,
    pub(super) steps: Option<Arc<dyn StepExecutor>>,
    pub(super) output_format: Option<ResponseFormat>,
    pub(super) output_retries: u32,
    pub(super) record_content: bool,
    resources: Option<Arc<ResourceRegistry>>,
    shutdown_deadline: Duration,
    state: AtomicU8,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("name", &self.name)
            .field("model", &self.model.id().to_string())
            .field("tools", &self.tools)
            .field("validators", &self.validators.len())
            .field("max_turns", &self.max_turns)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Runner`]; see [`Runner::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct RunnerBuilder {
    name: String,
    instructions: Option<String>,
    model: Arc<dyn LanguageModel>,
    tools: Vec<Arc<dyn Tool>>,
    tool_sources: Vec<Arc<dyn ToolSource>>,
    validators: Vec<Arc<dyn Validator>>,
    monitors: Vec<Arc<dyn Monitor>>,
    // `None`: not set in code, taken from the configuration at `build`.
    max_turns: Option<u32>,
    tool_timeout: Option<Duration>,
    limits: Option<UsageLimits>,
    record_content: Option<bool>,
    /// The configuration given in code; `None`: loaded at `build` if needed.
    config: Option<Configured>,
    settings: ModelSettings,
    context: RunContext,
    steps: Option<Arc<dyn StepExecutor>>,
    output_format: Option<Result<ResponseFormat>>,
    output_retries: u32,
    resources: Option<Arc<ResourceRegistry>>,
    shutdown_deadline: Duration,
}

impl fmt::Debug for RunnerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunnerBuilder")
            .field("name", &self.name)
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// Starts building a runner around `model`. A model that is already an
    /// `Arc<dyn LanguageModel>` (as [`from_env`](crate::model::from_env)
    /// returns) is shared as it is, not wrapped again.
    ///
    /// The turn limit, the tool timeout, the usage limits and whether spans
    /// record content come from the configuration ([`PatinoxConfig`]:
    /// `agent.max_turns`, `agent.tool_timeout`, `limits.*`,
    /// `tracing.record_content`) unless set in code, on this builder or by
    /// `#[agent(max_turns = ..)]`; see [`RunnerBuilder::build`].
    pub fn builder(model: impl LanguageModel + 'static) -> RunnerBuilder {
        RunnerBuilder {
            name: "agent".to_owned(),
            instructions: None,
            model: shared(model),
            tools: Vec::new(),
            tool_sources: Vec::new(),
            validators: Vec::new(),
            monitors: Vec::new(),
            max_turns: None,
            tool_timeout: None,
            limits: None,
            record_content: None,
            config: None,
            settings: ModelSettings::default(),
            context: RunContext::empty(),
            steps: None,
            output_format: None,
            output_retries: DEFAULT_OUTPUT_RETRIES,
            resources: None,
            shutdown_deadline: DEFAULT_SHUTDOWN_DEADLINE,
        }
    }

    /// The model this runner uses.
    pub fn model(&self) -> &Arc<dyn LanguageModel> {
        &self.model
    }

    /// The tools offered to the model.
    pub fn tools(&self) -> &ToolSet {
        &self.tools
    }

    /// The turn limit.
    pub fn max_turns(&self) -> u32 {
        self.max_turns
    }

    /// The registry of resources closed by [`Agent::stop`], if one was given.
    pub fn resources(&self) -> Option<&Arc<ResourceRegistry>> {
        self.resources.as_ref()
    }

    pub(super) fn emit(&self, event: &Event<'_>) {
        for monitor in &self.monitors {
            monitor.on_event(event);
        }
    }

    /// The tools again when a [`ToolSource`] reports a change, else `None`.
    pub(super) async fn changed_tools(&self) -> Result<Option<ToolSet>> {
        if !self.tool_sources.iter().any(|source| source.changed()) {
            return Ok(None);
        }
        let mut tools = self.fixed_tools.clone();
        for source in &self.tool_sources {
            if source.changed() {
                tools.extend(source.refresh().await?);
            } else {
                tools.extend(source.current());
            }
        }
        ToolSet::new(tools).map(Some)
    }

    fn check_state(&self, expected: u8, action: &str) -> Result<()> {
        let state = self.state.load(Ordering::Acquire);
        if state == expected {
            return Ok(());
        }
        let now = match state {
            CREATED => "not started",
            STARTED => "already started",
            _ => "stopped",
        };
        Err(PatinoxError::execution(
            ExecutionErrorKind::InvalidState,
            format!("cannot {action} agent `{}`: it is {now}", self.name),
        ))
    }
}

/// `model` as a shared model: itself when it already is one.
pub(crate) fn shared<M: LanguageModel + 'static>(model: M) -> Arc<dyn LanguageModel> {
    match (&model as &dyn Any).downcast_ref::<Arc<dyn LanguageModel>>() {
        Some(shared) => Arc::clone(shared),
        None => Arc::new(model),
    }
}

impl RunnerBuilder {
    /// Names the agent (for errors and monitors). Default: `agent`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The system instructions.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        let instructions = instructions.into();
        self.instructions = (!instructions.trim().is_empty()).then_some(instructions);
        self
    }

    /// Adds a tool.
    pub fn tool(mut self, tool: impl Tool + 'static) -> Self {
        self.tools.push(Arc::new(tool));
        self
    }

    /// Adds a shared tool.
    pub fn shared_tool(mut self, tool: Arc<dyn Tool>) -> Self {
        self.tools.push(tool);
        self
    }

    /// Adds tools that may change while the agent lives (an MCP server's,
    /// see [`ToolSource`]): the agent starts with their
    /// [`current`](ToolSource::current) tools and takes up the refreshed ones
    /// at the start of the turn after a change.
    pub fn tool_source(mut self, source: Arc<dyn ToolSource>) -> Self {
        self.tool_sources.push(source);
        self
    }

    /// Adds a validator.
    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    /// Adds a shared validator.
    pub fn shared_validator(mut self, validator: Arc<dyn Validator>) -> Self {
        self.validators.push(validator);
        self
    }

    /// Adds a monitor.
    pub fn monitor(mut self, monitor: Arc<dyn Monitor>) -> Self {
        self.monitors.push(monitor);
        self
    }

    /// The turn limit, instead of the configuration's `agent.max_turns`
    /// (default [`DEFAULT_MAX_TURNS`]); must be at least 1.
    pub fn max_turns(mut self, max_turns: u32) -> Self {
        self.max_turns = Some(max_turns);
        self
    }

    /// How long one tool call may take, instead of the configuration's
    /// `agent.tool_timeout` (default [`DEFAULT_TOOL_TIMEOUT`]).
    pub fn tool_timeout(mut self, timeout: Duration) -> Self {
        self.tool_timeout = Some(timeout);
        self
    }

    /// Sampling settings for every request.
    pub fn settings(mut self, settings: ModelSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Limits of every run, instead of the configuration's `limits.*`
    /// (default: none); a run's
    /// [`RunOptions::limits`](super::RunOptions::limits) replace them.
    pub fn limits(mut self, limits: UsageLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Takes the settings not set in code from `config` rather than from
    /// [`PatinoxConfig::load`] at [`build`](Self::build).
    ///
    /// ```
    /// use patinox::agent::Runner;
    /// use patinox::config::ConfigLoader;
    /// use patinox::model::offline::OfflineModel;
    ///
    /// let config = ConfigLoader::new().no_file().env([("PATINOX_AGENT_MAX_TURNS", "3")]).load()?;
    /// let runner = Runner::builder(OfflineModel::new()).config(&config).build()?;
    /// assert_eq!(runner.max_turns(), 3);
    /// let runner = Runner::builder(OfflineModel::new()).config(&config).max_turns(5).build()?;
    /// assert_eq!(runner.max_turns(), 5); // set in code: wins
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    pub fn config(mut self, config: &PatinoxConfig) -> Self {
        self.config = Some(Configured::from(config));
        self
    }

    /// Performs every model call and tool call of the runs through `steps`
    /// (see [`StepExecutor`]); a run's
    /// [`RunOptions::step_executor`](super::RunOptions::step_executor) replaces it.
    pub fn step_executor(mut self, steps: Arc<dyn StepExecutor>) -> Self {
        self.steps = Some(steps);
        self
    }

    /// Asks the model for answers that follow `T`'s JSON Schema (the strict
    /// form of [`output_schema`](crate::schema::output_schema)) on every
    /// request; run with [`Runner::run_as::<T>`](Runner::run_as) to get `T`.
    pub fn output<T: JsonSchema>(mut self) -> Self {
        self.output_format = Some(response_format::<T>());
        self
    }

    /// How many times a final answer that does not parse as the output type
    /// goes back to the model with the error before the run fails (default
    /// [`DEFAULT_OUTPUT_RETRIES`]). Each try is a turn, within `max_turns`.
    pub fn output_retries(mut self, retries: u32) -> Self {
        self.output_retries = retries;
        self
    }

    /// Whether the run's spans record message content: the messages sent and
    /// answered, tool arguments and results, instead of the configuration's
    /// `tracing.record_content` ([`TracingSettings`](crate::config::TracingSettings);
    /// default `false`: they may hold personal data).
    pub fn record_content(mut self, record: bool) -> Self {
        self.record_content = Some(record);
        self
    }

    /// Dependencies handed to tools through [`RunContext`].
    pub fn deps<D: Send + Sync + 'static>(mut self, deps: Arc<D>) -> Self {
        self.context = RunContext::new(deps).erase();
        self
    }

    /// Resources the agent holds: [`Agent::stop`] shuts the registry down
    /// (see [`ResourceRegistry::shutdown`]) so that nothing outlives the agent,
    /// and fails with the list of what did not close.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use patinox::agent::{AgentHandle, Runner};
    /// use patinox::memory::ResourceRegistry;
    /// use patinox::model::offline::OfflineModel;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> patinox::Result<()> {
    /// let resources = Arc::new(ResourceRegistry::new());
    /// resources.register("index", "file", || async { Ok(()) })?;
    /// let agent = Runner::builder(OfflineModel::new())
    ///     .resources(Arc::clone(&resources))
    ///     .build()?;
    /// AgentHandle::new(agent).start().await?.stop().await?;
    /// assert!(resources.leak_report().open().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn resources(mut self, registry: Arc<ResourceRegistry>) -> Self {
        self.resources = Some(registry);
        self
    }

    /// How long [`Agent::stop`] waits for the [`resources`](Self::resources)
    /// to close (default [`DEFAULT_SHUTDOWN_DEADLINE`]).
    pub fn shutdown_deadline(mut self, deadline: Duration) -> Self {
        self.shutdown_deadline = deadline;
        self
    }

    /// Builds the runner. The settings not set in code are taken from the
    /// configuration given to [`config`](Self::config), else from
    /// [`PatinoxConfig::load`] (`patinox.toml`, `PATINOX_*` variables),
    /// read here, once.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if `max_turns` is 0 or two tools share
    /// a name, or for a bad configuration value (naming the key and where it
    /// came from); the error of an output schema that could not be serialized.
    pub fn build(self) -> Result<Runner> {
        let all_set = self.max_turns.is_some()
            && self.tool_timeout.is_some()
            && self.limits.is_some()
            && self.record_content.is_some();
        let configured = match self.config {
            Some(configured) => configured,
            // Nothing to take from a file or the environment.
            None if all_set => Configured::from(&PatinoxConfig::default()),
            None => Configured::from(&PatinoxConfig::load()?),
        };
        let max_turns = self.max_turns.unwrap_or(configured.max_turns);
        if max_turns == 0 {
            return Err(ConfigurationError::new("`max_turns` must be at least 1")
                .with_key("max_turns")
                .into());
        }
        let mut tools = self.tools.clone();
        for source in &self.tool_sources {
            tools.extend(source.current());
        }
        Ok(Runner {
            name: self.name,
            instructions: self.instructions,
            model: self.model,
            tools: ToolSet::new(tools)?,
            fixed_tools: self.tools,
            tool_sources: self.tool_sources,
            validators: self.validators,
            monitors: self.monitors,
            max_turns,
            tool_timeout: self.tool_timeout.unwrap_or(configured.tool_timeout),
            settings: self.settings,
            context: self.context,
            limits: self.limits.unwrap_or(configured.limits),
            steps: self.steps,
            output_format: self.output_format.transpose()?,
            output_retries: self.output_retries,
            record_content: self.record_content.unwrap_or(configured.record_content),
            resources: self.resources,
            shutdown_deadline: self.shutdown_deadline,
            state: AtomicU8::new(CREATED),
        })
    }
}

/// The settings a runner takes from the configuration when code leaves them
/// unset.
#[derive(Debug, Clone)]
struct Configured {
    max_turns: u32,
    tool_timeout: Duration,
    limits: UsageLimits,
    record_content: bool,
}

impl From<&PatinoxConfig> for Configured {
    fn from(config: &PatinoxConfig) -> Self {
        let limits = &config.limits;
        let run_limits = UsageLimits {
            requests: limits.requests.map(u64::from),
            input_tokens: limits.input_tokens,
            output_tokens: limits.output_tokens,
            total_tokens: limits.total_tokens,
            tool_calls: limits.tool_calls.map(u64::from),
            deadline: limits.deadline,
        };
        Self {
            max_turns: config.agent.max_turns,
            tool_timeout: config.agent.tool_timeout,
            limits: run_limits,
            record_content: config.tracing.record_content,
        }
    }
}

#[async_trait]
impl Agent for Runner {
    fn name(&self) -> &str {
        &self.name
    }

    async fn start(&self) -> Result<()> {
        self.state
            .compare_exchange(CREATED, STARTED, Ordering::AcqRel, Ordering::Acquire)
            .map(drop)
            .or_else(|_| self.check_state(CREATED, "start"))
    }

    async fn execute(&self, input: &str) -> Result<RunResult> {
        self.check_state(STARTED, "run")?;
        self.run(input).await
    }

    async fn stop(&self) -> Result<()> {
        self.state.store(STOPPED, Ordering::Release);
        match &self.resources {
            Some(registry) => {
                let report = registry.shutdown(self.shutdown_deadline).await;
                report.into_result()
            }
            None => Ok(()),
        }
    }

    async fn health(&self) -> Health {
        match self.state.load(Ordering::Acquire) {
            STARTED => Health::Healthy,
            CREATED => Health::Degraded(format!("agent `{}` is not started", self.name)),
            _ => Health::Unhealthy(format!("agent `{}` is stopped", self.name)),
        }
    }
}

impl Runnable for Runner {
    type Format = Text;

    fn runner(&self) -> &Runner {
        self
    }
}
