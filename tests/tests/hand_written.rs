//! A tool, a validator and a model implemented by hand, as a user without
//! the macros writes them: only public paths of `patinox`, no
//! `patinox::__private`, no `async-trait` dependency of their own.

use patinox::agent::Runner;
use patinox::async_trait;
use patinox::model::{
    CompletionRequest, CompletionResponse, LanguageModel, Message, ModelId, ToolCall, ToolSpec,
};
use patinox::schema::{parse_arguments, tool_spec};
use patinox::tool::{RunContext, Tool, ToolResult};
use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use serde_json::value::RawValue;

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct ShoutArgs {
    /// What to shout.
    text: String,
}

/// Upper-cases its text.
struct Shout(ToolSpec);

#[async_trait]
impl Tool for Shout {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }

    async fn call(&self, _ctx: &RunContext, arguments: &RawValue) -> ToolResult {
        let args: ShoutArgs = parse_arguments(self.0.parameters(), arguments)?;
        Ok(serde_json::to_string(&args.text.to_uppercase()).unwrap_or_default())
    }
}

/// Refuses answers without an exclamation mark.
struct Excited;

#[async_trait]
impl Validator for Excited {
    fn name(&self) -> &str {
        "excited"
    }

    fn stage(&self) -> ValidationStage {
        ValidationStage::Output
    }

    async fn validate(&self, target: ValidationTarget<'_>) -> ValidationOutcome {
        match target {
            ValidationTarget::Output(text) if !text.contains('!') => {
                ValidationOutcome::reject("not excited")
            }
            _ => ValidationOutcome::Pass,
        }
    }
}

/// Calls `shout` with bad then good arguments, then answers with what the
/// tool returned.
struct Caller {
    id: ModelId,
}

#[async_trait]
impl LanguageModel for Caller {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(
        &self,
        request: CompletionRequest<'_>,
    ) -> patinox::Result<CompletionResponse> {
        let results: Vec<&str> = request
            .messages
            .iter()
            .filter_map(|m| match m {
                Message::Tool { content, .. } => Some(content.as_str()),
                _ => None,
            })
            .collect();
        let call = |id, arguments: &str| -> patinox::Result<CompletionResponse> {
            Ok(CompletionResponse::tool_calls(vec![ToolCall::new(
                id, "shout", arguments,
            )?]))
        };
        match results.as_slice() {
            [] => call("c1", r#"{"txt": 1}"#),
            [_] => call("c2", r#"{"text": "hi"}"#),
            [.., last] => Ok(CompletionResponse::text(format!("{last}!"))),
        }
    }
}

#[tokio::test]
async fn hand_written_tool_validator_and_model_run_together() -> patinox::Result<()> {
    let shout = Shout(tool_spec::<ShoutArgs>("shout", "Upper-cases its text.")?);
    let model = Caller {
        id: ModelId::new("test", "caller"),
    };
    let runner = Runner::builder(model)
        .tool(shout)
        .validator(Excited)
        .build()?;
    let result = runner.run("Shout hi.").await?;
    assert_eq!(result.output, r#""HI"!"#);

    // The bad arguments went back to the model as an error it can act on.
    let errors: Vec<&Message> = result
        .messages
        .iter()
        .filter(|m| matches!(m, Message::Tool { is_error: true, .. }))
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", result.messages);
    let Message::Tool { content, .. } = errors[0] else {
        unreachable!()
    };
    assert!(content.contains("missing field `text`"), "{content}");
    Ok(())
}
