//! `#[validator]`: the generated validators as an agent sees them (`dyn Validator`).

use std::sync::Arc;

use patinox::validate::{ValidationOutcome, ValidationStage, ValidationTarget, Validator};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Answers must be one sentence.
#[patinox::validator(output)]
fn one_sentence(answer: &str) -> Result<(), String> {
    if answer.trim_end_matches('.').contains(". ") {
        return Err("Answer in one sentence.".to_owned());
    }
    Ok(())
}

#[patinox::validator(input, name = "no_secrets")]
async fn reject_secrets(input: &str) -> ValidationOutcome {
    if input.contains("password") {
        ValidationOutcome::reject("the input contains a password")
    } else {
        ValidationOutcome::Pass
    }
}

#[patinox::validator(tool_call)]
fn small_amounts(tool: &str, arguments: &serde_json::Value) -> ValidationOutcome {
    match arguments["amount"].as_f64() {
        Some(amount) if tool == "pay" && amount > 100.0 => {
            ValidationOutcome::retry("payments above 100 need approval; pay at most 100")
        }
        _ => ValidationOutcome::Pass,
    }
}

#[derive(Deserialize)]
struct Payment {
    amount: u32,
}

#[patinox::validator(tool_call)]
async fn typed_payment(_tool: &str, payment: Payment) -> Result<(), String> {
    if payment.amount == 0 {
        return Err("a payment needs an amount".to_owned());
    }
    Ok(())
}

#[patinox::validator(tool_call)]
fn raw_not_empty(_tool: &str, arguments: &RawValue) -> ValidationOutcome {
    if arguments.get() == "{}" {
        ValidationOutcome::retry("pass arguments")
    } else {
        ValidationOutcome::Pass
    }
}

fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_owned()).expect("test JSON is valid")
}

#[test]
fn the_function_stays_callable() {
    assert_eq!(one_sentence("Hi."), Ok(()));
}

#[test]
fn name_and_stage_come_from_the_attribute() {
    let validators: [Arc<dyn Validator>; 3] = [
        Arc::new(one_sentence {}),
        Arc::new(reject_secrets {}),
        Arc::new(small_amounts {}),
    ];
    let described: Vec<_> = validators
        .iter()
        .map(|v| (v.name().to_owned(), v.stage()))
        .collect();
    assert_eq!(
        described,
        [
            ("one_sentence".to_owned(), ValidationStage::Output),
            ("no_secrets".to_owned(), ValidationStage::Input),
            ("small_amounts".to_owned(), ValidationStage::ToolCall),
        ]
    );
}

#[tokio::test]
async fn text_validators_judge_their_stage() {
    let v: &dyn Validator = &one_sentence {};
    assert_eq!(
        v.validate(ValidationTarget::Output("One.")).await,
        ValidationOutcome::Pass
    );
    assert_eq!(
        v.validate(ValidationTarget::Output("One. Two.")).await,
        ValidationOutcome::retry("Answer in one sentence.")
    );
    let v: &dyn Validator = &reject_secrets {};
    assert_eq!(
        v.validate(ValidationTarget::Input("my password is x"))
            .await,
        ValidationOutcome::reject("the input contains a password")
    );
}

#[tokio::test]
async fn tool_call_validators_see_name_and_arguments() {
    let args = raw(r#"{"amount": 250}"#);
    let target = ValidationTarget::ToolCall {
        name: "pay",
        arguments: &args,
    };
    assert!(matches!(
        small_amounts {}.validate(target).await,
        ValidationOutcome::Retry { .. }
    ));
    let target = ValidationTarget::ToolCall {
        name: "refund",
        arguments: &args,
    };
    assert_eq!(
        small_amounts {}.validate(target).await,
        ValidationOutcome::Pass
    );
    assert_eq!(
        typed_payment {}.validate(target).await,
        ValidationOutcome::Pass
    );
    assert_eq!(
        raw_not_empty {}.validate(target).await,
        ValidationOutcome::Pass
    );

    let zero = raw(r#"{"amount": 0}"#);
    let target = ValidationTarget::ToolCall {
        name: "pay",
        arguments: &zero,
    };
    assert_eq!(
        typed_payment {}.validate(target).await,
        ValidationOutcome::retry("a payment needs an amount")
    );
}

#[tokio::test]
async fn arguments_that_do_not_fit_the_type_ask_the_model_to_retry() {
    let bad = raw(r#"{"amount": "lots"}"#);
    let target = ValidationTarget::ToolCall {
        name: "pay",
        arguments: &bad,
    };
    let ValidationOutcome::Retry { feedback } = typed_payment {}.validate(target).await else {
        panic!("expected a retry")
    };
    assert!(feedback.contains("`pay`"), "{feedback}");
}

#[tokio::test]
async fn output_validator_makes_the_agent_retry() {
    use patinox::agent::Runner;
    use patinox::model::CompletionResponse;
    use patinox::model::scripted::ScriptedModel;

    let model = ScriptedModel::new([
        CompletionResponse::text("One. Two."),
        CompletionResponse::text("Just one."),
    ]);
    let runner = Runner::builder(model)
        .validator(one_sentence {})
        .build()
        .unwrap();
    let result = runner.run("hi").await.unwrap();
    assert_eq!(result.output, "Just one.");
}
