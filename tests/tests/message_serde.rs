//! Histories and run states are plain data: they save to JSON and read back,
//! tool calls included.

use patinox::agent::RunState;
use patinox::model::{Message, ToolCall};

fn history_with_a_tool_call() -> Vec<Message> {
    let call = ToolCall::new("call_1", "get_weather", r#"{"city":"Paris","days":[1,2]}"#)
        .expect("valid JSON arguments");
    vec![
        Message::system("You forecast."),
        Message::user("Weather in Paris?"),
        Message::Assistant {
            content: None,
            tool_calls: vec![call.clone()],
        },
        Message::tool_result(&call, "18 °C"),
        Message::tool_error(&call, "Error: rate limited"),
        Message::assistant("18 °C and sunny."),
    ]
}

#[test]
fn a_history_with_tool_calls_reads_back_equal() {
    let history = history_with_a_tool_call();
    let json = serde_json::to_string(&history).expect("serializes");
    let back: Vec<Message> = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, history);
}

#[test]
fn a_run_state_with_tool_calls_reads_back_equal() {
    let mut state = RunState::new(history_with_a_tool_call());
    state.turn = 2;
    state.tool_calls = 1;
    let json = serde_json::to_string_pretty(&state).expect("serializes");
    let back: RunState = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, state);
}

#[test]
fn tool_call_arguments_that_are_not_json_are_an_error_not_a_panic() {
    let json = r#"[{"role":"assistant","tool_calls":[{"id":"c","name":"t","arguments":{"a":}}]}]"#;
    assert!(serde_json::from_str::<Vec<Message>>(json).is_err());
}
