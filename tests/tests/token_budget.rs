//! `TokenBudget`: the documented estimate, its calibration by reported usage,
//! and the fitting rules, checked over random histories.

use std::collections::HashSet;

use patinox::agent::{
    BYTES_PER_TOKEN, HistoryPolicy, MESSAGE_OVERHEAD_TOKENS, TOOL_CALL_OVERHEAD_TOKENS, TokenBudget,
};
use patinox::model::{Message, ToolCall, Usage};
use proptest::prelude::*;

fn call(id: &str, arguments: &str) -> ToolCall {
    ToolCall::new(id, "lookup", arguments).expect("valid JSON arguments")
}

#[test]
fn the_estimate_follows_the_documented_rule() {
    let budget = TokenBudget::new(1_000);
    // 4 overhead + ceil(9 / 4) = 7.
    assert_eq!(budget.estimate(&[Message::user("123456789")]), 7);
    // An empty text costs the overhead only.
    assert_eq!(
        budget.estimate(&[Message::assistant("")]),
        MESSAGE_OVERHEAD_TOKENS
    );
    // A tool call counts its id, name and arguments, plus its own overhead.
    let calls = vec![call("c1", r#"{"q":"x"}"#)];
    let bytes = ("c1".len() + "lookup".len() + r#"{"q":"x"}"#.len()) as u64;
    let assistant = Message::Assistant {
        content: None,
        tool_calls: calls.clone(),
    };
    assert_eq!(
        budget.estimate(std::slice::from_ref(&assistant)),
        MESSAGE_OVERHEAD_TOKENS + bytes.div_ceil(BYTES_PER_TOKEN) + TOOL_CALL_OVERHEAD_TOKENS
    );
    // A tool result counts its call id and tool name with its content.
    let result = Message::tool_result(&calls[0], "sunny");
    let bytes = ("c1".len() + "lookup".len() + "sunny".len()) as u64;
    assert_eq!(
        budget.estimate(&[result]),
        MESSAGE_OVERHEAD_TOKENS + bytes.div_ceil(BYTES_PER_TOKEN)
    );
}

#[test]
fn reported_usage_calibrates_the_estimate_and_empty_usage_is_ignored() {
    let budget = TokenBudget::new(100);
    let sent = [Message::system("Be brief."), Message::user("Hello there")];
    let uncalibrated = budget.estimate(&sent);

    budget.observe(&sent, &Usage::default());
    assert_eq!(budget.estimate(&sent), uncalibrated, "no usage, no change");

    // The provider counted more (tool definitions, framing): the estimate
    // of the same messages becomes exactly what it reported...
    budget.observe(&sent, &Usage::new(uncalibrated + 60, 3));
    assert_eq!(budget.estimate(&sent), uncalibrated + 60);
    // ...and a longer request is estimated with the same correction.
    let longer = [sent[0].clone(), sent[1].clone(), Message::assistant("x")];
    assert_eq!(
        budget.estimate(&longer),
        uncalibrated + 60 + MESSAGE_OVERHEAD_TOKENS + 1
    );

    // Fewer tokens than estimated corrects downwards, never below zero.
    budget.observe(&sent, &Usage::new(1, 0));
    assert_eq!(budget.estimate(&sent), 1);
    assert_eq!(budget.estimate(&[]), 0);
}

#[test]
fn calibration_changes_what_fits() {
    let history = vec![
        Message::user("first question, rather long ".repeat(4)),
        Message::assistant("first answer"),
        Message::user("second question"),
    ];
    let budget = TokenBudget::new(budget_for(&history));
    assert_eq!(budget.window(&history).len(), 3, "fits before calibration");

    // The provider reports 40 tokens more than the estimate: now it does not.
    budget.observe(&history, &Usage::new(budget.estimate(&history) + 40, 1));
    let window = budget.window(&history);
    assert_eq!(&*window, &history[2..]);
}

fn budget_for(history: &[Message]) -> u64 {
    TokenBudget::new(0).estimate(history)
}

#[test]
fn a_history_within_the_budget_is_sent_as_it_is() {
    let history = vec![Message::system("s"), Message::user("u")];
    let budget = TokenBudget::new(1_000);
    assert!(matches!(
        budget.window(&history),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn tool_calls_go_with_their_results_and_the_window_starts_with_a_question() {
    let calls = vec![call("a", "{}"), call("b", "{}")];
    let history = vec![
        Message::system("You help."),
        Message::user("Weather?"),
        Message::Assistant {
            content: None,
            tool_calls: calls.clone(),
        },
        Message::tool_result(&calls[0], "x".repeat(400)),
        Message::tool_result(&calls[1], "sunny"),
        Message::assistant("Sunny."),
        Message::user("And tomorrow?"),
    ];
    let tail = [history[0].clone(), history[6].clone()];
    let budget = TokenBudget::new(budget_for(&tail) + 10);
    // Dropping the first question is not enough; the tool call goes with
    // both results, and the answer left without its question goes too.
    assert_eq!(&*budget.window(&history), &tail);
}

#[test]
fn the_kept_minimum_is_sent_even_when_it_does_not_fit() {
    let history = vec![
        Message::system("x".repeat(400)),
        Message::user("old"),
        Message::assistant("old answer"),
        Message::user("y".repeat(400)),
    ];
    let window = TokenBudget::new(10).window(&history);
    assert_eq!(&*window, &[history[0].clone(), history[3].clone()]);
}

/// One exchange of a random history: a question, rounds of tool calls, and
/// maybe a final answer.
#[derive(Debug, Clone)]
struct Exchange {
    question: usize,
    rounds: Vec<Vec<(usize, usize)>>,
    answer: Option<usize>,
}

fn exchange() -> impl Strategy<Value = Exchange> {
    let round = prop::collection::vec((0..200usize, 0..300usize), 1..3);
    (
        0..300usize,
        prop::collection::vec(round, 0..3),
        prop::option::of(0..200usize),
    )
        .prop_map(|(question, rounds, answer)| Exchange {
            question,
            rounds,
            answer,
        })
}

/// A well-formed history: optional instructions, then exchanges. Every text
/// starts with its index so that each message is unique.
fn history() -> impl Strategy<Value = Vec<Message>> {
    (
        prop::option::of(0..300usize),
        prop::collection::vec(exchange(), 1..6),
    )
        .prop_map(|(instructions, exchanges)| {
            let mut messages = Vec::new();
            let text = |len: usize, messages: &Vec<Message>| {
                format!("#{} {}", messages.len(), "w".repeat(len))
            };
            if let Some(len) = instructions {
                messages.push(Message::system(text(len, &messages)));
            }
            for exchange in exchanges {
                messages.push(Message::user(text(exchange.question, &messages)));
                for round in exchange.rounds {
                    let calls: Vec<ToolCall> = round
                        .iter()
                        .enumerate()
                        .map(|(i, (args, _))| {
                            let arguments = serde_json::json!({"q": "a".repeat(*args)});
                            call(
                                &format!("call_{}_{i}", messages.len()),
                                &arguments.to_string(),
                            )
                        })
                        .collect();
                    messages.push(Message::Assistant {
                        content: None,
                        tool_calls: calls.clone(),
                    });
                    for (call, (_, result)) in calls.iter().zip(round) {
                        messages.push(Message::tool_result(call, text(result, &messages)));
                    }
                }
                if let Some(len) = exchange.answer {
                    messages.push(Message::assistant(text(len, &messages)));
                }
            }
            messages
        })
}

/// The index in `history` of each message of `window`, checking that the
/// window is a subsequence of the history.
fn positions(history: &[Message], window: &[Message]) -> Vec<usize> {
    let mut next = 0;
    window
        .iter()
        .map(|message| {
            let found = history[next..]
                .iter()
                .position(|m| m == message)
                .expect("the window is the history's messages, in order");
            next += found + 1;
            next - 1
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fitting_keeps_its_invariants(
        history in history(),
        max_tokens in 0..3_000u64,
        reported in prop::option::of(1..5_000u64),
    ) {
        let budget = TokenBudget::new(max_tokens);
        if let Some(reported) = reported {
            budget.observe(&history, &Usage::new(reported, 1));
        }
        let window = budget.window(&history);
        let kept = positions(&history, &window);
        let kept_set: HashSet<usize> = kept.iter().copied().collect();

        // The instructions and the latest user message are always kept.
        for (i, message) in history.iter().enumerate() {
            if matches!(message, Message::System { .. }) {
                prop_assert!(kept_set.contains(&i), "instructions dropped");
            }
        }
        let latest_user = history
            .iter()
            .rposition(|m| matches!(m, Message::User { .. }))
            .expect("every history has a question");
        prop_assert!(kept_set.contains(&latest_user), "latest user message dropped");

        // A tool call and its results are kept or dropped together.
        for (i, message) in history.iter().enumerate() {
            if let Message::Assistant { tool_calls, .. } = message {
                let ids: HashSet<&str> = tool_calls.iter().map(|c| c.id.as_str()).collect();
                for (j, result) in history.iter().enumerate() {
                    if let Message::Tool { call_id, .. } = result
                        && ids.contains(call_id.as_str())
                    {
                        prop_assert_eq!(kept_set.contains(&i), kept_set.contains(&j));
                    }
                }
            }
        }

        // After the instructions, the window starts with a user message.
        let first = window.iter().find(|m| !matches!(m, Message::System { .. }));
        prop_assert!(matches!(first, Some(Message::User { .. })), "window starts with {:?}", first);

        // The window fits whenever the kept minimum does, and a history
        // that fits is sent whole.
        let minimum: Vec<Message> = history
            .iter()
            .enumerate()
            .filter(|(i, m)| *i == latest_user || matches!(m, Message::System { .. }))
            .map(|(_, m)| m.clone())
            .collect();
        if budget.estimate(&minimum) <= max_tokens {
            prop_assert!(budget.estimate(&window) <= max_tokens);
        }
        if budget.estimate(&history) <= max_tokens {
            prop_assert_eq!(window.len(), history.len());
        }
    }
}
