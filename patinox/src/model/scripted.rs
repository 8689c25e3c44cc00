//! A model that replays a script, for tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use super::{
    CompletionRequest, CompletionResponse, LanguageModel, Message, ModelId, ModelSettings,
    ToolCall, ToolChoice,
};
use crate::error::{ConfigurationError, PatinoxError, Result};

/// A request as the [`ScriptedModel`] received it, copied for inspection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The conversation sent.
    pub messages: Vec<Message>,
    /// The names of the tools offered.
    pub tools: Vec<String>,
    /// The tool choice.
    pub tool_choice: ToolChoice,
    /// The settings.
    pub settings: ModelSettings,
}

/// One scripted step: a response, or an error to return.
enum Step {
    Respond(CompletionResponse),
    Fail(Box<dyn Fn() -> PatinoxError + Send + Sync>),
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Respond(response) => f.debug_tuple("Respond").field(response).finish(),
            Self::Fail(_) => f.write_str("Fail(..)"),
        }
    }
}

/// Replays a list of responses, one per request, and records every request.
///
/// When the script runs out, `complete` returns a
/// [`PatinoxError::Configuration`] error (the script is too short for the
/// test) rather than panicking.
///
/// ```
/// use patinox::model::{CompletionRequest, CompletionResponse, LanguageModel, Message};
/// use patinox::model::scripted::ScriptedModel;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = ScriptedModel::new([
///     ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#),
///     CompletionResponse::text("Sunny in Paris."),
/// ]);
/// let messages = [Message::user("Weather in Paris?")];
/// let first = model.complete(CompletionRequest::new(&messages)).await?;
/// assert_eq!(first.tool_calls[0].name, "get_weather");
/// assert_eq!(model.requests().len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ScriptedModel {
    id: ModelId,
    steps: Mutex<VecDeque<Step>>,
    requests: Mutex<Vec<RecordedRequest>>,
}

impl ScriptedModel {
    /// A model that answers with `responses`, in order.
    pub fn new(responses: impl IntoIterator<Item = CompletionResponse>) -> Self {
        Self {
            id: ModelId::new("scripted", "test"),
            steps: Mutex::new(responses.into_iter().map(Step::Respond).collect()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Appends a step that fails with the error `make` builds.
    #[must_use]
    pub fn then_fail(self, make: impl Fn() -> PatinoxError + Send + Sync + 'static) -> Self {
        lock(&self.steps).push_back(Step::Fail(Box::new(make)));
        self
    }

    /// Appends a response.
    #[must_use]
    pub fn then(self, response: CompletionResponse) -> Self {
        lock(&self.steps).push_back(Step::Respond(response));
        self
    }

    /// A response asking for one call of `tool` with `arguments` (JSON text).
    ///
    /// # Panics
    /// If `arguments` is not valid JSON; this is a test helper and a bad
    /// literal is a bug in the test.
    pub fn call(tool: &str, arguments: &str) -> CompletionResponse {
        Self::calls(&[(tool, arguments)])
    }

    /// A response asking for several calls in one turn.
    ///
    /// # Panics
    /// If any arguments are not valid JSON (a bug in the test).
    pub fn calls(calls: &[(&str, &str)]) -> CompletionResponse {
        let calls = calls
            .iter()
            .enumerate()
            .map(|(i, (tool, arguments))| {
                #[allow(clippy::expect_used)]
                ToolCall::new(format!("call_{i}_{tool}"), *tool, *arguments)
                    .expect("scripted tool arguments must be valid JSON")
            })
            .collect();
        CompletionResponse::tool_calls(calls)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    /// How many scripted steps are left.
    pub fn remaining(&self) -> usize {
        lock(&self.steps).len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in another test thread must not hide this test's own result.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl LanguageModel for ScriptedModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(&self, request: CompletionRequest<'_>) -> Result<CompletionResponse> {
        lock(&self.requests).push(RecordedRequest {
            messages: request.messages.to_vec(),
            tools: request.tools.iter().map(|t| t.name().to_owned()).collect(),
            tool_choice: request.tool_choice.clone(),
            settings: request.settings,
        });
        let step = lock(&self.steps).pop_front();
        match step {
            Some(Step::Respond(response)) => Ok(response),
            Some(Step::Fail(make)) => Err(make()),
            None => Err(ConfigurationError::new(
                "the scripted model has no response left for this request",
            )
            .into()),
        }
    }
}
