//! The owned request that travels through tower middleware.

use crate::model::{
    CompletionRequest, Message, ModelSettings, ResponseFormat, ToolChoice, ToolSpec,
};

/// A [`CompletionRequest`] that owns its conversation and tool specs, so it
/// can be moved into a `tower::Service` and held by middleware (a timeout, a
/// queue) for as long as the call lasts.
///
/// Tool specs are cheap to clone (their schemas are shared); the messages are
/// copied once per request.
///
/// ```
/// use patinox::model::{CompletionRequest, Message};
/// use patinox::tower::ModelRequest;
///
/// let history = [Message::user("Hi")];
/// let owned = ModelRequest::from(&CompletionRequest::new(&history));
/// assert_eq!(owned.messages, history);
/// assert_eq!(owned.as_request().messages, history);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModelRequest {
    /// The conversation so far, oldest first.
    pub messages: Vec<Message>,
    /// The tools the model may call.
    pub tools: Vec<ToolSpec>,
    /// How the model may use them.
    pub tool_choice: ToolChoice,
    /// Sampling settings.
    pub settings: ModelSettings,
    /// A JSON Schema the answer must follow (structured output), if any.
    pub response_format: Option<ResponseFormat>,
}

impl ModelRequest {
    /// A request over `messages` with no tools and default settings.
    pub fn new(messages: Vec<Message>) -> Self {
        Self {
            messages,
            tools: Vec::new(),
            tool_choice: ToolChoice::Auto,
            settings: ModelSettings::default(),
            response_format: None,
        }
    }

    /// Borrows this request as the [`CompletionRequest`] models take.
    pub fn as_request(&self) -> CompletionRequest<'_> {
        let request = CompletionRequest::new(&self.messages)
            .with_tools(&self.tools)
            .with_tool_choice(self.tool_choice.clone())
            .with_settings(self.settings.clone());
        match &self.response_format {
            Some(format) => request.with_response_format(format.clone()),
            None => request,
        }
    }

    /// The text of the last user message: what an input validator judges.
    pub fn last_user_text(&self) -> Option<&str> {
        self.messages
            .iter()
            .rev()
            .find_map(|message| match message {
                Message::User { content } => Some(content.as_str()),
                _ => None,
            })
    }
}

impl From<&CompletionRequest<'_>> for ModelRequest {
    fn from(request: &CompletionRequest<'_>) -> Self {
        // Cloning a `CompletionRequest` copies two slice references, not the history.
        Self::from(request.clone())
    }
}

impl From<CompletionRequest<'_>> for ModelRequest {
    fn from(request: CompletionRequest<'_>) -> Self {
        Self {
            messages: request.messages.to_vec(),
            tools: request.tools.to_vec(),
            tool_choice: request.tool_choice,
            settings: request.settings,
            response_format: request.response_format,
        }
    }
}
