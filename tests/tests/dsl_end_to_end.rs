//! The three macros together, as a user writes them: `#[tool]` functions and a
//! `#[validator]` registered on an `#[agent]`, run against a scripted model.

use std::sync::Arc;

use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message};
use patinox::tool::RunContext;
use patinox::validate::ValidationOutcome;
use patinox::{agent, tool, validator};

/// The application's state.
struct Inventory {
    apples: u32,
}

/// How many of an item are in stock.
///
/// # Arguments
/// * `item` - The item's name, e.g. "apples".
#[tool]
fn stock(ctx: &RunContext<Inventory>, item: String) -> Result<u32, String> {
    match item.as_str() {
        "apples" => Ok(ctx.deps().apples),
        other => Err(format!("we do not sell {other}")),
    }
}

/// Answers must mention a number.
#[validator(output)]
fn mentions_a_number(answer: &str) -> ValidationOutcome {
    if answer.chars().any(|c| c.is_ascii_digit()) {
        ValidationOutcome::Pass
    } else {
        ValidationOutcome::retry("Say how many, as a number.")
    }
}

/// You are a shop assistant. Check the stock before answering.
#[agent(tools(stock), validators(mentions_a_number), deps = Inventory, max_turns = 5)]
struct ShopBot;

#[tokio::test]
async fn tools_validators_and_deps_declared_with_macros_work_in_a_run() {
    let model = Arc::new(ScriptedModel::new([
        ScriptedModel::calls(&[
            ("stock", r#"{"item":"pears"}"#),
            ("stock", r#"{"item":"apples"}"#),
        ]),
        CompletionResponse::text("We have some apples."),
        CompletionResponse::text("We have 7 apples."),
    ]));
    let bot = ShopBot::builder()
        .model(Arc::clone(&model))
        .deps(Inventory { apples: 7 })
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();

    let result = bot.run("How many apples and pears?").await.unwrap();

    assert_eq!(result.output, "We have 7 apples.");
    assert_eq!(result.turns, 3);
    let requests = model.requests();
    assert_eq!(requests[0].tools, vec!["stock".to_owned()]);
    assert_eq!(
        requests[0].messages[0],
        Message::system("You are a shop assistant. Check the stock before answering.")
    );
    let results: Vec<(&str, bool)> = requests[1]
        .messages
        .iter()
        .filter_map(|m| match m {
            Message::Tool {
                content, is_error, ..
            } => Some((content.as_str(), *is_error)),
            _ => None,
        })
        .collect();
    assert_eq!(
        results,
        vec![("Error: we do not sell pears", true), ("7", false)]
    );
    assert_eq!(
        requests[2].messages.last(),
        Some(&Message::user("Say how many, as a number."))
    );
    bot.stop().await.unwrap();
}
