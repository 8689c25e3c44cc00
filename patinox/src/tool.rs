//! Tools: functions the model can ask the agent to call.
//!
//! A [`Tool`] has a [`ToolSpec`] (name, description, JSON Schema of its
//! arguments) and an async [`Tool::call`] that receives the model's arguments
//! as raw JSON. `#[tool]` generates both from a plain function; this module
//! is what it generates code against.
//!
//! A tool's failure is not the run's failure: the agent sends a
//! [`ToolError`] back to the model as an error result so it can correct
//! itself, and the run goes on.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::value::RawValue;

use crate::agent::{IdempotencyKey, RunId};
use crate::error::{ConfigurationError, Result};
use crate::model::ToolSpec;
use crate::schema::ArgumentsError;

/// Dependencies of a run, type-erased so that `dyn Tool` can carry them.
pub type AnyDeps = dyn Any + Send + Sync;

/// What a tool can see of the run it is called in: the agent's dependencies
/// (`D`, e.g. a database pool) and where the run is: its [`RunId`], the turn,
/// and the [`IdempotencyKey`] of the current call.
///
/// Tools receive `&RunContext` (type-erased); a tool that knows its
/// dependency type recovers it with [`RunContext::downcast`].
///
/// ```
/// use std::sync::Arc;
/// use patinox::tool::RunContext;
///
/// struct AppState { greeting: &'static str }
///
/// let ctx = RunContext::new(Arc::new(AppState { greeting: "hello" }));
/// let erased = ctx.erase();
/// let typed = erased.downcast::<AppState>().expect("deps are an AppState");
/// assert_eq!(typed.deps().greeting, "hello");
/// ```
pub struct RunContext<D: ?Sized = AnyDeps> {
    deps: Arc<D>,
    turn: u32,
    run_id: Option<RunId>,
    call_id: Option<Box<str>>,
}

impl<D: ?Sized> Clone for RunContext<D> {
    fn clone(&self) -> Self {
        Self {
            deps: Arc::clone(&self.deps),
            turn: self.turn,
            run_id: self.run_id.clone(),
            call_id: self.call_id.clone(),
        }
    }
}

impl<D: ?Sized> fmt::Debug for RunContext<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext")
            .field("run_id", &self.run_id)
            .field("turn", &self.turn)
            .field("call_id", &self.call_id)
            .finish_non_exhaustive()
    }
}

impl<D: ?Sized> RunContext<D> {
    /// The run's dependencies.
    pub fn deps(&self) -> &D {
        &self.deps
    }

    /// A shared handle to the dependencies.
    pub fn deps_arc(&self) -> Arc<D> {
        Arc::clone(&self.deps)
    }

    /// The model turn that requested the current tool call (1-based; 0 before the first).
    pub fn turn(&self) -> u32 {
        self.turn
    }

    /// The same context at `turn`.
    #[must_use]
    pub fn at_turn(mut self, turn: u32) -> Self {
        self.turn = turn;
        self
    }

    /// The run this context belongs to; `None` outside a run.
    pub fn run_id(&self) -> Option<&RunId> {
        self.run_id.as_ref()
    }

    /// The same context in run `run_id`.
    #[must_use]
    pub fn in_run(mut self, run_id: RunId) -> Self {
        self.run_id = Some(run_id);
        self
    }

    /// The same context for the tool call `call_id` (the loop sets it for
    /// each call; set it to test a tool that reads its
    /// [`idempotency_key`](Self::idempotency_key)).
    #[must_use]
    pub fn for_call(mut self, call_id: impl Into<Box<str>>) -> Self {
        self.call_id = Some(call_id.into());
        self
    }

    /// The key of the current tool call: the same for this call of this run
    /// every time it is made, including after the run is resumed; `None`
    /// outside a tool call of a run.
    ///
    /// A durable run does not repeat a completed step, but a step that was
    /// interrupted (the process died while the tool ran) runs again: tools
    /// run **at least once**. A tool with side effects makes them
    /// exactly-once with this key: it passes it to the service it calls (an
    /// `Idempotency-Key` header), or records it with its effect and skips
    /// the effect when the key is already recorded.
    ///
    /// ```
    /// use patinox::agent::RunId;
    /// use patinox::tool::RunContext;
    ///
    /// let ctx = RunContext::empty()
    ///     .in_run(RunId::new("order-42")?)
    ///     .at_turn(1)
    ///     .for_call("call_7");
    /// assert_eq!(ctx.idempotency_key().unwrap().as_str(), "order-42:1:call_7");
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    pub fn idempotency_key(&self) -> Option<IdempotencyKey> {
        let run_id = self.run_id.as_ref()?;
        let call_id = self.call_id.as_deref()?;
        Some(IdempotencyKey::new(run_id, self.turn, call_id))
    }
}

impl<D: Send + Sync + 'static> RunContext<D> {
    /// A context holding `deps`.
    pub fn new(deps: Arc<D>) -> Self {
        Self {
            deps,
            turn: 0,
            run_id: None,
            call_id: None,
        }
    }

    /// Erases the dependency type, as tools receive it.
    pub fn erase(self) -> RunContext {
        RunContext {
            deps: self.deps,
            turn: self.turn,
            run_id: self.run_id,
            call_id: self.call_id,
        }
    }
}

impl RunContext {
    /// A context with no dependencies (`()`).
    pub fn empty() -> Self {
        RunContext::new(Arc::new(())).erase()
    }

    /// The context with its dependencies typed as `D`, or `None` if they are another type.
    pub fn downcast<D: Send + Sync + 'static>(&self) -> Option<RunContext<D>> {
        Arc::clone(&self.deps)
            .downcast::<D>()
            .ok()
            .map(|deps| RunContext {
                deps,
                turn: self.turn,
                run_id: self.run_id.clone(),
                call_id: self.call_id.clone(),
            })
    }
}

/// Why a tool call failed. The message goes back to the model, which may retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The arguments did not match the tool's parameters.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The tool ran and failed.
    #[error("{0}")]
    Failed(String),
    /// The dependencies of the run are not of the type the tool needs.
    #[error("the tool needs dependencies of type `{expected}`, which this agent does not provide")]
    MissingDeps {
        /// The type the tool expected.
        expected: &'static str,
    },
}

impl ToolError {
    /// A failure with `message` for the model.
    pub fn failed(message: impl fmt::Display) -> Self {
        Self::Failed(message.to_string())
    }

    /// Invalid arguments, e.g. from a `serde_json` error.
    pub fn invalid_arguments(message: impl fmt::Display) -> Self {
        Self::InvalidArguments(message.to_string())
    }
}

impl From<ArgumentsError> for ToolError {
    fn from(err: ArgumentsError) -> Self {
        Self::InvalidArguments(err.message().to_owned())
    }
}

/// A tool's result: JSON text for the model.
pub type ToolResult = std::result::Result<String, ToolError>;

/// A function the model can call.
///
/// Object safe and `Send + Sync`: agents hold tools as `Arc<dyn Tool>`.
/// Prefer `#[tool]` on a function; implement this by hand for tools whose
/// schema is only known at run time.
///
/// ```
/// use patinox::async_trait;
/// use patinox::model::ToolSpec;
/// use patinox::tool::{RunContext, Tool, ToolError, ToolResult};
/// use serde_json::{json, value::RawValue};
///
/// struct Echo(ToolSpec);
///
/// #[async_trait]
/// impl Tool for Echo {
///     fn spec(&self) -> &ToolSpec { &self.0 }
///     async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
///         Ok(arguments.get().to_owned())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let echo = Echo(ToolSpec::new("echo", "Echoes its arguments", &json!({"type": "object"}))?);
/// let args = RawValue::from_string(r#"{"x":1}"#.into())?;
/// assert_eq!(echo.call(&RunContext::empty(), &args).await, Ok(r#"{"x":1}"#.to_owned()));
/// # Ok(())
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tool",
    label = "not a tool",
    note = "annotate a function with `#[patinox::tool]`, or implement `patinox::tool::Tool` by hand"
)]
#[async_trait]
pub trait Tool: Send + Sync {
    /// Name, description and argument schema, computed once.
    fn spec(&self) -> &ToolSpec;

    /// Runs the tool on the model's `arguments` (raw JSON).
    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult;

    /// Whether the tool can be offered to a model; [`ToolSet::new`] (so every
    /// agent builder) calls it when the tool is registered.
    ///
    /// The default accepts. A `#[tool]` whose argument types have no schema the
    /// providers accept (see [`crate::schema`]) fails here, so the agent refuses to
    /// build instead of sending a broken schema at run time.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Configuration`] naming the tool and what is wrong.
    fn check_spec(&self) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
impl<T: Tool + ?Sized> Tool for Arc<T> {
    fn spec(&self) -> &ToolSpec {
        (**self).spec()
    }

    fn check_spec(&self) -> Result<()> {
        (**self).check_spec()
    }

    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        (**self).call(ctx, arguments).await
    }
}

#[async_trait]
impl<T: Tool + ?Sized> Tool for Box<T> {
    fn spec(&self) -> &ToolSpec {
        (**self).spec()
    }

    fn check_spec(&self) -> Result<()> {
        (**self).check_spec()
    }

    async fn call(&self, ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        (**self).call(ctx, arguments).await
    }
}

/// The tools of one agent: unique names, specs gathered once for every request.
///
/// ```
/// use patinox::tool::ToolSet;
///
/// let tools = ToolSet::new(Vec::new())?;
/// assert!(tools.is_empty());
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Clone, Default)]
pub struct ToolSet {
    tools: Vec<Arc<dyn Tool>>,
    specs: Arc<[ToolSpec]>,
}

impl fmt::Debug for ToolSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.specs.iter().map(ToolSpec::name))
            .finish()
    }
}

impl ToolSet {
    /// A tool set.
    ///
    /// # Errors
    /// A [`crate::PatinoxError::Configuration`] naming the tool if two tools share a name
    /// or a tool's [`Tool::check_spec`] fails.
    pub fn new(tools: Vec<Arc<dyn Tool>>) -> Result<Self> {
        for (i, tool) in tools.iter().enumerate() {
            tool.check_spec()?;
            let name = tool.spec().name();
            if tools[..i].iter().any(|t| t.spec().name() == name) {
                return Err(ConfigurationError::new(format!(
                    "two tools are named `{name}`; tool names must be unique within an agent"
                ))
                .with_key("tools")
                .into());
            }
        }
        let specs = tools.iter().map(|t| t.spec().clone()).collect();
        Ok(Self { tools, specs })
    }

    /// The tool named `name`.
    ///
    /// A linear scan: agents have a handful of tools, and comparing a few short
    /// strings beats hashing the name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.tools.iter().find(|t| t.spec().name() == name)
    }

    /// The specs of every tool, in order.
    pub fn specs(&self) -> &[ToolSpec] {
        &self.specs
    }

    /// How many tools there are.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}
