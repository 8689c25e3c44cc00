//! The agent loop.

use std::borrow::Cow;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::FutureExt;
use futures_util::future::join_all;

use super::{Agent, Health, RunResult, ToolSource};
use crate::error::{ConfigurationError, ExecutionErrorKind, PatinoxError, Result, ValidationError};
use crate::memory::ResourceRegistry;
use crate::model::{CompletionRequest, LanguageModel, Message, ModelSettings, ToolCall, Usage};
use crate::monitor::{Event, Monitor};
use crate::tool::{RunContext, Tool, ToolSet};
use crate::validate::{ValidationOutcome, ValidationTarget, Validator, run_stage};

const CREATED: u8 = 0;
const STARTED: u8 = 1;
const STOPPED: u8 = 2;

/// The default turn limit.
pub const DEFAULT_MAX_TURNS: u32 = 10;
/// The default time a tool call may take.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time `stop()` gives the agent's resources to close.
pub const DEFAULT_SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

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
    name: String,
    instructions: Option<String>,
    model: Arc<dyn LanguageModel>,
    tools: ToolSet,
    /// The builder's own tools, kept to rebuild `tools` when a source changes.
    fixed_tools: Vec<Arc<dyn Tool>>,
    tool_sources: Vec<Arc<dyn ToolSource>>,
    validators: Vec<Arc<dyn Validator>>,
    monitors: Vec<Arc<dyn Monitor>>,
    max_turns: u32,
    tool_timeout: Duration,
    settings: ModelSettings,
    context: RunContext,
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
    max_turns: u32,
    tool_timeout: Duration,
    settings: ModelSettings,
    context: RunContext,
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
    /// Starts building a runner around `model`.
    pub fn builder(model: impl LanguageModel + 'static) -> RunnerBuilder {
        RunnerBuilder {
            name: "agent".to_owned(),
            instructions: None,
            model: Arc::new(model),
            tools: Vec::new(),
            tool_sources: Vec::new(),
            validators: Vec::new(),
            monitors: Vec::new(),
            max_turns: DEFAULT_MAX_TURNS,
            tool_timeout: DEFAULT_TOOL_TIMEOUT,
            settings: ModelSettings::default(),
            context: RunContext::empty(),
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

    /// Runs one conversation on `input`, regardless of lifecycle state.
    ///
    /// [`Agent::execute`] is this plus the lifecycle check.
    ///
    /// # Errors
    /// - a model error, as the model returned it;
    /// - [`PatinoxError::Validation`] when a validator rejects the input, the
    ///   output, or a tool call;
    /// - [`ExecutionErrorKind::MaxTurnsExceeded`] when the model is still
    ///   calling tools after `max_turns` turns.
    ///
    /// A tool that fails, panics, times out or does not exist is not an error
    /// of the run: the model is told, and may try again.
    pub async fn run(&self, input: &str) -> Result<RunResult> {
        self.emit(&Event::RunStarted {
            agent: &self.name,
            input,
        });
        let result = self.run_loop(input).await;
        match &result {
            Ok(done) => self.emit(&Event::RunFinished {
                turns: done.turns,
                usage: &done.usage,
            }),
            Err(error) => self.emit(&Event::RunFailed { error }),
        }
        result
    }

    async fn run_loop(&self, input: &str) -> Result<RunResult> {
        if let (outcome, Some(validator)) =
            run_stage(&self.validators, ValidationTarget::Input(input)).await
        {
            return Err(self.validation_failure(validator, outcome));
        }

        let mut messages = Vec::with_capacity(8);
        if let Some(instructions) = &self.instructions {
            messages.push(Message::system(instructions.as_str()));
        }
        messages.push(Message::user(input));
        let mut usage = Usage::default();
        // Borrowed until a tool source changes: a run without sources copies nothing.
        let mut tools = Cow::Borrowed(&self.tools);

        for turn in 1..=self.max_turns {
            if let Some(changed) = self.changed_tools().await? {
                tools = Cow::Owned(changed);
            }
            self.emit(&Event::ModelRequest {
                turn,
                messages: messages.len(),
            });
            let request = CompletionRequest::new(&messages)
                .with_tools(tools.specs())
                .with_settings(self.settings.clone());
            let response = self.model.complete(request).await?;
            usage += response.usage;
            self.emit(&Event::ModelResponse {
                turn,
                finish_reason: &response.finish_reason,
                usage: &response.usage,
                tool_calls: response.tool_calls.len(),
            });

            if response.tool_calls.is_empty() {
                let output = response.content.unwrap_or_default();
                let (outcome, validator) =
                    run_stage(&self.validators, ValidationTarget::Output(&output)).await;
                match (outcome, validator) {
                    (ValidationOutcome::Retry { feedback }, Some(name)) => {
                        if turn == self.max_turns {
                            // No turn is left to answer the feedback: the run
                            // failed validation, not the turn limit.
                            let reason =
                                format!("{feedback} (still not accepted after {turn} turns)");
                            return Err(
                                self.validation_failure(name, ValidationOutcome::reject(reason))
                            );
                        }
                        self.emit(&Event::ValidationFailed {
                            validator: name,
                            message: &feedback,
                        });
                        messages.push(Message::assistant(output));
                        messages.push(Message::user(feedback));
                        continue;
                    }
                    (outcome @ ValidationOutcome::Reject { .. }, Some(name)) => {
                        return Err(self.validation_failure(name, outcome));
                    }
                    _ => {}
                }
                messages.push(Message::assistant(output.as_str()));
                return Ok(RunResult {
                    output,
                    messages,
                    usage,
                    turns: turn,
                });
            }

            let context = self.context.clone().at_turn(turn);
            let results = join_all(
                response
                    .tool_calls
                    .iter()
                    .map(|call| self.call_tool(call, &context, &tools)),
            )
            .await;
            messages.push(Message::Assistant {
                content: response.content,
                tool_calls: response.tool_calls,
            });
            for result in results {
                messages.push(result?);
            }
        }
        Err(PatinoxError::execution(
            ExecutionErrorKind::MaxTurnsExceeded {
                max_turns: self.max_turns,
            },
            format!(
                "the model was still calling tools after {} turns; raise `max_turns` or check the tools' results",
                self.max_turns
            ),
        ))
    }

    /// Runs one tool call; every failure becomes an error result for the model,
    /// except a validator's rejection, which ends the run.
    async fn call_tool(
        &self,
        call: &ToolCall,
        context: &RunContext,
        tools: &ToolSet,
    ) -> Result<Message> {
        let Some(tool) = tools.get(&call.name) else {
            let available: Vec<&str> = tools.specs().iter().map(|s| s.name()).collect();
            return Ok(Message::tool_error(
                call,
                format!(
                    "unknown tool `{}`; the available tools are: {}",
                    call.name,
                    available.join(", ")
                ),
            ));
        };
        let target = ValidationTarget::ToolCall {
            name: &call.name,
            arguments: &call.arguments,
        };
        match run_stage(&self.validators, target).await {
            (ValidationOutcome::Retry { feedback }, Some(name)) => {
                self.emit(&Event::ValidationFailed {
                    validator: name,
                    message: &feedback,
                });
                return Ok(Message::tool_error(call, feedback));
            }
            (outcome @ ValidationOutcome::Reject { .. }, Some(name)) => {
                return Err(self.validation_failure(name, outcome));
            }
            _ => {}
        }

        self.emit(&Event::ToolStarted {
            name: &call.name,
            call_id: &call.id,
        });
        let guarded = AssertUnwindSafe(tool.call(context, &call.arguments)).catch_unwind();
        let message = match tokio::time::timeout(self.tool_timeout, guarded).await {
            Ok(Ok(Ok(content))) => Message::tool_result(call, content),
            Ok(Ok(Err(error))) => Message::tool_error(call, format!("Error: {error}")),
            Ok(Err(panic)) => Message::tool_error(
                call,
                format!("Error: the tool panicked: {}", panic_message(&*panic)),
            ),
            Err(_) => Message::tool_error(
                call,
                format!(
                    "Error: the tool did not finish within {:?}",
                    self.tool_timeout
                ),
            ),
        };
        let ok = matches!(
            message,
            Message::Tool {
                is_error: false,
                ..
            }
        );
        self.emit(&Event::ToolFinished {
            name: &call.name,
            call_id: &call.id,
            ok,
        });
        Ok(message)
    }

    /// The tools again when a [`ToolSource`] reports a change, else `None`.
    async fn changed_tools(&self) -> Result<Option<ToolSet>> {
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

    fn validation_failure(&self, validator: &str, outcome: ValidationOutcome) -> PatinoxError {
        let message = match outcome {
            ValidationOutcome::Retry { feedback } => feedback,
            ValidationOutcome::Reject { reason } => reason,
            ValidationOutcome::Pass => String::from("passed"),
        };
        self.emit(&Event::ValidationFailed {
            validator,
            message: &message,
        });
        ValidationError::new(message).with_field(validator).into()
    }

    fn emit(&self, event: &Event<'_>) {
        for monitor in &self.monitors {
            monitor.on_event(event);
        }
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

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
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

    /// The turn limit (default [`DEFAULT_MAX_TURNS`]); must be at least 1.
    pub fn max_turns(mut self, max_turns: u32) -> Self {
        self.max_turns = max_turns;
        self
    }

    /// How long one tool call may take (default [`DEFAULT_TOOL_TIMEOUT`]).
    pub fn tool_timeout(mut self, timeout: Duration) -> Self {
        self.tool_timeout = timeout;
        self
    }

    /// Sampling settings for every request.
    pub fn settings(mut self, settings: ModelSettings) -> Self {
        self.settings = settings;
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

    /// Builds the runner.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`] if `max_turns` is 0 or two tools share a name.
    pub fn build(self) -> Result<Runner> {
        if self.max_turns == 0 {
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
            max_turns: self.max_turns,
            tool_timeout: self.tool_timeout,
            settings: self.settings,
            context: self.context,
            resources: self.resources,
            shutdown_deadline: self.shutdown_deadline,
            state: AtomicU8::new(CREATED),
        })
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
