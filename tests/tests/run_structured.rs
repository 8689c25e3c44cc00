//! Structured output in the loop: the request states the format, the answer
//! is parsed once, and an answer that does not parse goes back to the model.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use futures_util::StreamExt;
use patinox::PatinoxError;
use patinox::agent::{RunEvent, RunOptions, Runner};
use patinox::model::{CompletionRequest, CompletionResponse, LanguageModel, Message, ModelId};

#[derive(Debug, PartialEq, serde::Deserialize, schemars::JsonSchema)]
struct Forecast {
    /// Degrees Celsius.
    celsius: f64,
    /// Sky conditions.
    sky: String,
}

/// Answers from a script and keeps the response format of each request.
struct FormatProbe {
    id: ModelId,
    answers: Mutex<VecDeque<&'static str>>,
    formats: Mutex<Vec<Option<(String, bool, serde_json::Value)>>>,
    last_messages: Mutex<Vec<Message>>,
}

impl FormatProbe {
    fn new(answers: &[&'static str]) -> Self {
        Self {
            id: ModelId::new("probe", "test"),
            answers: Mutex::new(answers.iter().copied().collect()),
            formats: Mutex::default(),
            last_messages: Mutex::default(),
        }
    }
}

#[async_trait]
impl LanguageModel for FormatProbe {
    fn id(&self) -> &ModelId {
        &self.id
    }

    async fn complete(
        &self,
        request: CompletionRequest<'_>,
    ) -> patinox::Result<CompletionResponse> {
        let format = request.response_format.as_ref().map(|f| {
            let schema = serde_json::from_str(f.schema().get()).unwrap();
            (f.name().to_owned(), f.strict(), schema)
        });
        self.formats.lock().unwrap().push(format);
        *self.last_messages.lock().unwrap() = request.messages.to_vec();
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("a scripted answer");
        Ok(CompletionResponse::text(answer))
    }
}

fn runner(model: &std::sync::Arc<FormatProbe>) -> Runner {
    Runner::builder(std::sync::Arc::clone(model))
        .instructions("You forecast the weather.")
        .output::<Forecast>()
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_request_states_the_strict_output_schema() {
    let model = std::sync::Arc::new(FormatProbe::new(&[r#"{"celsius": 21.5, "sky": "clear"}"#]));
    let result = runner(&model)
        .run_as::<Forecast>("Tomorrow?", RunOptions::default())
        .await
        .unwrap();

    assert_eq!(
        result.output,
        Forecast {
            celsius: 21.5,
            sky: "clear".into()
        }
    );
    let formats = model.formats.lock().unwrap();
    let (name, strict, schema) = formats[0].as_ref().expect("a response format");
    assert_eq!(name, "Forecast");
    assert!(strict);
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], serde_json::json!(["celsius", "sky"]));
    assert!(schema.get("$schema").is_none(), "{schema}");
    // The schema travels in the request, not in the instructions.
    let messages = model.last_messages.lock().unwrap();
    assert_eq!(messages[0], Message::system("You forecast the weather."));
}

#[tokio::test]
async fn an_answer_that_does_not_parse_goes_back_with_the_error() {
    let model = std::sync::Arc::new(FormatProbe::new(&[
        "It will be sunny.",
        r#"{"celsius": 19, "sky": "sunny"}"#,
    ]));
    let result = runner(&model)
        .run_as::<Forecast>("Tomorrow?", RunOptions::default())
        .await
        .unwrap();

    assert_eq!(result.output.celsius, 19.0);
    assert_eq!(result.turns, 2);
    let feedback = result.messages[3].text().unwrap();
    assert!(feedback.contains("could not be parsed"), "{feedback}");
    assert!(feedback.contains("expected value"), "{feedback}");
}

#[tokio::test]
async fn an_answer_that_never_parses_is_a_validation_error_within_the_retry_budget() {
    let model = std::sync::Arc::new(FormatProbe::new(&["warm", "hot", "very hot", "unused"]));
    let runner = Runner::builder(std::sync::Arc::clone(&model))
        .output::<Forecast>()
        .output_retries(1)
        .build()
        .unwrap();
    let error = runner
        .run_as::<Forecast>("Tomorrow?", RunOptions::default())
        .await
        .unwrap_err();

    match &error {
        PatinoxError::Validation(detail) => {
            assert_eq!(detail.field.as_deref(), Some("structured_output"));
            assert!(detail.message.contains("after 2 tries"), "{error}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(model.formats.lock().unwrap().len(), 2, "one try, one retry");
}

#[tokio::test]
async fn a_typed_stream_ends_with_the_parsed_value() {
    let model = std::sync::Arc::new(FormatProbe::new(&[
        "```json\n{\"celsius\": 3, \"sky\": \"snow\"}\n```",
    ]));
    let runner = runner(&model);
    let events: Vec<_> = runner
        .run_stream_as::<Forecast>("Tomorrow?", RunOptions::default())
        .collect()
        .await;
    match events.last() {
        Some(Ok(RunEvent::Finished(result))) => assert_eq!(result.output.sky, "snow"),
        other => panic!("expected the parsed result, got {other:?}"),
    }
}

/// You forecast the weather.
#[patinox::agent(output = Forecast)]
struct Forecaster;

#[tokio::test]
async fn an_agent_with_an_output_type_states_the_format_and_returns_the_value() {
    let model = std::sync::Arc::new(FormatProbe::new(&[r#"{"celsius": 8, "sky": "rain"}"#]));
    let agent = Forecaster::builder()
        .model(std::sync::Arc::clone(&model))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();

    let forecast = agent.run("Tomorrow?").await.unwrap().output;

    assert_eq!(forecast.sky, "rain");
    let formats = model.formats.lock().unwrap();
    assert_eq!(formats[0].as_ref().map(|f| f.0.as_str()), Some("Forecast"));
    let messages = model.last_messages.lock().unwrap();
    assert_eq!(messages[0], Message::system("You forecast the weather."));
}
