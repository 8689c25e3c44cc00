//! Conversations: the history of one conversation kept across runs.

mod limits;
mod saved;
mod stream;
mod v1;
mod v2;

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

pub use saved::{CONVERSATION_FORMAT_VERSION, SavedConversation};
pub use stream::ConversationStream;

use self::limits::{Allowance, Metered, Started as Clock, Used};
use super::handle::Output;
use super::{
    AgentHandle, HistoryPolicy, RunOptions, RunResult, Runnable, Runner, Started, TokenBudget,
    UsageLimits,
};
use crate::error::Result;
use crate::model::{Message, Usage};

/// The token budget of a conversation's requests unless
/// [`Conversation::history_policy`] sets another: within the context window
/// of every hosted model Patinox supports, with room for the answer. A local
/// model with a smaller window needs a smaller budget.
pub const DEFAULT_TOKEN_BUDGET: u64 = 32_000;

/// One conversation with an agent: every run continues the history of the
/// runs before it.
///
/// Each run sends the agent's instructions, the conversation so far and the
/// new input. Before each request the history is fitted to a token budget
/// ([`TokenBudget`] of [`DEFAULT_TOKEN_BUDGET`] unless
/// [`history_policy`](Self::history_policy) sets another); the conversation
/// itself keeps every message. A run that fails leaves the history as it was
/// (its input is not recorded), but its usage counts.
///
/// A conversation is made from a started agent ([`new`](Self::new)) or a
/// [`Runner`] ([`with_runner`](Self::with_runner)), and continues a saved
/// conversation or a finished run with [`restore`](Self::restore). It saves
/// to JSON with [`to_json`](Self::to_json); see [`SavedConversation`].
///
/// Each conversation has an [`id`](Self::id), random unless set with
/// [`with_id`](Self::with_id) and kept when saved; the `invoke_agent` span of
/// each of its runs carries it as `gen_ai.conversation.id`.
///
/// ```
/// use patinox::agent::{AgentHandle, Conversation, Runner, SavedConversation};
/// use patinox::model::{CompletionResponse, Message, scripted::ScriptedModel};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = ScriptedModel::new([
///     CompletionResponse::text("Hello, Ada!"),
///     CompletionResponse::text("Your name is Ada."),
/// ]);
/// let agent = AgentHandle::new(Runner::builder(model).instructions("Be brief.").build()?)
///     .start()
///     .await?;
///
/// let mut chat = Conversation::new(&agent);
/// chat.run("Hi, I am Ada.").await?;
/// let json = chat.to_json()?; // save it anywhere
///
/// // Later, perhaps in another process: resume and continue.
/// let mut chat = Conversation::new(&agent).restore(SavedConversation::from_json(&json)?);
/// let reply = chat.run("What is my name?").await?;
/// assert_eq!(reply.output, "Your name is Ada.");
/// assert_eq!(chat.messages().len(), 4);
/// assert_eq!(chat.runs(), 2);
/// # Ok(())
/// # }
/// ```
pub struct Conversation<'a, A: Runnable = Runner> {
    agent: &'a A,
    /// Shared with each run's options for its span, without a copy.
    id: Arc<str>,
    transcript: Transcript,
    metadata: Map<String, Value>,
    policy: Arc<dyn HistoryPolicy>,
    limits: UsageLimits,
    started: Clock,
}

impl<A: Runnable> fmt::Debug for Conversation<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conversation")
            .field("id", &self.id)
            .field("messages", &self.transcript.messages.len())
            .field("usage", &self.transcript.usage)
            .field("runs", &self.transcript.runs)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Runnable> Conversation<'a, A> {
    /// A new conversation with a started agent.
    pub fn new(agent: &'a AgentHandle<A, Started>) -> Self {
        Self::over(agent.inner())
    }

    fn over(agent: &'a A) -> Self {
        Self {
            agent,
            id: crate::agent::id::fresh().into(),
            transcript: Transcript::default(),
            metadata: Map::new(),
            policy: Arc::new(TokenBudget::new(DEFAULT_TOKEN_BUDGET)),
            limits: UsageLimits::default(),
            started: Clock::now(),
        }
    }

    /// Continues `saved` — a [`SavedConversation`], or a finished run's
    /// [`RunResult`] — instead of starting empty: its id, messages, usage,
    /// runs and metadata become this conversation's.
    #[must_use]
    pub fn restore(mut self, saved: impl Into<SavedConversation>) -> Self {
        let saved = saved.into();
        self.id = saved.id.into();
        self.transcript = Transcript {
            messages: saved.messages,
            usage: saved.usage,
            runs: saved.runs,
        };
        self.metadata = saved.metadata;
        self
    }

    /// Names the conversation `id` (e.g. the id of a chat session in the
    /// application) instead of a random one.
    ///
    /// ```
    /// use patinox::agent::{Conversation, Runner};
    /// use patinox::model::offline::OfflineModel;
    ///
    /// let runner = Runner::builder(OfflineModel::new()).build()?;
    /// let chat = Conversation::with_runner(&runner).with_id("session-42");
    /// assert_eq!(chat.id(), "session-42");
    /// assert_eq!(chat.to_saved().id, "session-42");
    /// # Ok::<(), patinox::PatinoxError>(())
    /// ```
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into().into();
        self
    }

    /// The conversation's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Chooses what part of the history each request sends (default: a
    /// [`TokenBudget`] of [`DEFAULT_TOKEN_BUDGET`] tokens).
    #[must_use]
    pub fn history_policy(mut self, policy: Arc<dyn HistoryPolicy>) -> Self {
        self.policy = policy;
        self
    }

    /// Limits of the whole conversation: requests, tokens and tool calls
    /// count across its runs (a restored conversation's usage counts too),
    /// and the deadline runs from when this value was made. Each run also
    /// keeps the runner's own limits ([`RunnerBuilder::limits`]).
    ///
    /// A run that would pass one fails with
    /// [`ExecutionErrorKind::UsageLimitExceeded`] naming the limit and the
    /// conversation's total; with no tokens left, a run is refused before it
    /// makes a request.
    ///
    /// [`RunnerBuilder::limits`]: crate::agent::RunnerBuilder::limits
    /// [`ExecutionErrorKind::UsageLimitExceeded`]: crate::error::ExecutionErrorKind::UsageLimitExceeded
    #[must_use]
    pub fn limits(mut self, limits: UsageLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Runs the agent on `input`, continuing the conversation. On success
    /// the run's messages join the history; the result is the run's, whose
    /// `messages` are the whole conversation with the instructions.
    ///
    /// Each run copies the history into the run it starts (a copy per run,
    /// never per request).
    ///
    /// # Errors
    /// Those of [`Runner::run_with`], and a conversation limit
    /// ([`limits`](Self::limits)).
    pub async fn run(&mut self, input: &str) -> Result<RunResult<Output<A>>> {
        let (options, metered, allowance) = self.prepare()?;
        let result = self
            .agent
            .runner()
            .run_format::<A::Format>(input, options, None)
            .await;
        self.transcript.finish(&metered, &allowance, result)
    }

    /// Runs the agent on `input`, continuing the conversation, and streams
    /// the run's events (see [`Runner::run_stream_with`]). The history is
    /// updated when the stream yields [`RunEvent::Finished`]; dropping the
    /// stream before that stops the run and leaves the history as it was.
    ///
    /// [`RunEvent::Finished`]: crate::agent::RunEvent::Finished
    pub fn run_stream(&mut self, input: &str) -> ConversationStream<'_, Output<A>> {
        let agent = self.agent;
        match self.prepare() {
            Ok((options, metered, allowance)) => {
                let events = agent.runner().stream_format::<A::Format>(input, options);
                ConversationStream::running(
                    events,
                    Pending::new(&mut self.transcript, metered, allowance),
                )
            }
            Err(refused) => ConversationStream::refused(refused),
        }
    }

    /// The conversation so far, oldest first, without the instructions.
    pub fn messages(&self) -> &[Message] {
        &self.transcript.messages
    }

    /// Tokens and requests used by all runs, including those that failed.
    pub fn usage(&self) -> Usage {
        self.transcript.usage
    }

    /// Runs that completed.
    pub fn runs(&self) -> u32 {
        self.transcript.runs
    }

    /// What the application keeps with the conversation; saved with it.
    pub fn metadata(&self) -> &Map<String, Value> {
        &self.metadata
    }

    /// The metadata, to change.
    pub fn metadata_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.metadata
    }

    /// The conversation as JSON (see [`SavedConversation`]), written from
    /// the conversation as it is, without copying it.
    ///
    /// # Errors
    /// As [`SavedConversation::to_json`].
    pub fn to_json(&self) -> Result<String> {
        let Transcript {
            messages,
            usage,
            runs,
        } = &self.transcript;
        saved::write_json(&self.id, messages, usage, *runs, &self.metadata)
    }

    /// A copy of the conversation as data.
    pub fn to_saved(&self) -> SavedConversation {
        let mut saved = SavedConversation::from_messages(self.transcript.messages.iter().cloned());
        self.id.as_ref().clone_into(&mut saved.id);
        saved.usage = self.transcript.usage;
        saved.runs = self.transcript.runs;
        saved.metadata.clone_from(&self.metadata);
        saved
    }

    /// The options of the next run, with what records its usage and the
    /// limits it runs under.
    fn prepare(&self) -> Result<(RunOptions, Arc<Metered>, Allowance)> {
        let allowance = Allowance::new(self.limits, self.agent.runner().limits, self.used());
        allowance.check_before_run()?;
        let metered = Metered::new(Arc::clone(&self.policy));
        let options = RunOptions::default()
            .history(self.transcript.messages.clone())
            .history_policy(Arc::clone(&metered) as Arc<dyn HistoryPolicy>)
            .limits(allowance.run_limits())
            .conversation_id(Arc::clone(&self.id));
        Ok((options, metered, allowance))
    }

    fn used(&self) -> Used {
        Used {
            usage: self.transcript.usage,
            tool_calls: tool_calls(&self.transcript.messages),
            age: self.started.age(),
        }
    }
}

impl<'a> Conversation<'a, Runner> {
    /// A new conversation with a runner, which runs whatever its lifecycle
    /// state (as [`Runner::run_with`] does).
    pub fn with_runner(runner: &'a Runner) -> Self {
        Self::over(runner)
    }
}

/// The tool calls made in `messages`.
fn tool_calls(messages: &[Message]) -> u64 {
    messages
        .iter()
        .map(|m| match m {
            Message::Assistant { tool_calls, .. } => tool_calls.len() as u64,
            _ => 0,
        })
        .sum()
}

/// What runs change: the history, the usage, the count of runs.
#[derive(Debug, Default)]
struct Transcript {
    messages: Vec<Message>,
    usage: Usage,
    runs: u32,
}

impl Transcript {
    /// Records a run's usage and, if it succeeded, its messages.
    fn finish<T>(
        &mut self,
        metered: &Metered,
        allowance: &Allowance,
        result: Result<RunResult<T>>,
    ) -> Result<RunResult<T>> {
        self.usage += metered.spent();
        let result = result.map_err(|error| allowance.restate(error))?;
        self.record(&result.messages);
        Ok(result)
    }

    /// Appends what a successful run added to the history it was given.
    fn record(&mut self, run_messages: &[Message]) {
        let instructions = run_messages
            .iter()
            .take_while(|m| matches!(m, Message::System { .. }))
            .count();
        let added = run_messages
            .get(instructions + self.messages.len()..)
            .unwrap_or_default();
        self.messages.extend_from_slice(added);
        self.runs = self.runs.saturating_add(1);
    }
}

/// A streaming run's outcome, still to be recorded in its conversation.
struct Pending<'c> {
    transcript: &'c mut Transcript,
    metered: Arc<Metered>,
    allowance: Allowance,
}

impl<'c> Pending<'c> {
    fn new(transcript: &'c mut Transcript, metered: Arc<Metered>, allowance: Allowance) -> Self {
        Self {
            transcript,
            metered,
            allowance,
        }
    }

    /// Records the run's outcome.
    fn finish<T>(self, result: Result<RunResult<T>>) -> Result<RunResult<T>> {
        self.transcript
            .finish(&self.metered, &self.allowance, result)
    }

    /// Records the usage of a run stopped before it ended.
    fn abandon(self) {
        self.transcript.usage += self.metered.spent();
    }
}
