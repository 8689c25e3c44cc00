//! Streaming runs: the events a caller sees, in order, and what dropping a
//! run stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use patinox::agent::{RunEvent, Runner, ToolOutcome};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, ProviderConfig, Usage, openai};
use patinox::validate::ValidationOutcome;
use patinox_tests::{Behaviour, EndlessTool, RecordingTool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// Every event of a stream, the last one included.
async fn collect(runner: &Runner, input: &str) -> Vec<RunEvent> {
    runner
        .run_stream(input)
        .map(|event| event.expect("the run succeeds"))
        .collect()
        .await
}

#[tokio::test]
async fn a_streaming_run_reports_tool_calls_turns_and_the_final_result() {
    let model = ScriptedModel::new([
        ScriptedModel::call("get_weather", r#"{"city":"Paris"}"#).with_usage(Usage::new(20, 5)),
        CompletionResponse::text("18°C in Paris.").with_usage(Usage::new(40, 6)),
    ]);
    let runner = Runner::builder(model)
        .tool(RecordingTool::new(
            "get_weather",
            Behaviour::Return(r#"{"celsius":18}"#.into()),
        ))
        .build()
        .unwrap();

    let events = collect(&runner, "Weather in Paris?").await;

    let call_id = match &events[1] {
        RunEvent::ToolCallStarted { id, name } if name == "get_weather" => id.clone(),
        other => panic!("expected the tool call to start, got {other:?}"),
    };
    assert!(
        matches!(&events[0], RunEvent::TurnFinished { turn: 1, usage } if usage.input_tokens == 20)
    );
    assert!(matches!(
        &events[2],
        RunEvent::ToolFinished { id, outcome: ToolOutcome::Succeeded, .. } if *id == call_id
    ));
    // A model that cannot stream sends its answer as one delta.
    assert_eq!(events[3], RunEvent::TextDelta("18°C in Paris.".into()));
    assert!(matches!(&events[4], RunEvent::TurnFinished { turn: 2, .. }));
    match &events[5] {
        RunEvent::Finished(result) => {
            assert_eq!(result.output, "18°C in Paris.");
            assert_eq!(result.turns, 2);
            assert_eq!(result.usage.output_tokens, 11);
        }
        other => panic!("expected the result last, got {other:?}"),
    }
    assert_eq!(events.len(), 6);
}

#[tokio::test]
async fn a_failed_tool_is_reported_as_failed_in_the_stream() {
    let model = ScriptedModel::new([
        ScriptedModel::call("broken", r#"{"city":"x"}"#),
        CompletionResponse::text("sorry"),
    ]);
    let runner = Runner::builder(model)
        .tool(RecordingTool::new(
            "broken",
            Behaviour::Fail("no data".into()),
        ))
        .build()
        .unwrap();

    let events = collect(&runner, "go").await;

    assert!(
        events.iter().any(|e| matches!(
            e,
            RunEvent::ToolFinished { outcome: ToolOutcome::Failed(message), .. } if message.contains("no data")
        )),
        "{events:?}"
    );
}

#[patinox::validator(output)]
fn polite(answer: &str) -> ValidationOutcome {
    if answer.contains("please") {
        ValidationOutcome::Pass
    } else {
        ValidationOutcome::retry("Say please.")
    }
}

#[tokio::test]
async fn a_retried_answer_is_announced_before_the_next_answers_deltas() {
    let model = ScriptedModel::new([
        CompletionResponse::text("Sit down."),
        CompletionResponse::text("Sit down, please."),
    ]);
    let runner = Runner::builder(model).validator(polite {}).build().unwrap();

    let events = collect(&runner, "Tell me to sit").await;

    let texts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::TextDelta(text) => Some(format!("delta {text}")),
            RunEvent::OutputRetried { feedback, .. } => Some(format!("retried {feedback}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        [
            "delta Sit down.",
            "retried Say please.",
            "delta Sit down, please."
        ]
    );
    assert!(
        matches!(events.last(), Some(RunEvent::Finished(r)) if r.output == "Sit down, please.")
    );
}

#[tokio::test]
async fn a_failed_run_ends_its_stream_with_the_error() {
    let runner = Runner::builder(ScriptedModel::new([])).build().unwrap();
    let items: Vec<_> = runner.run_stream("Hi").collect().await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}

fn endless_runner() -> (Runner, Arc<Notify>, Arc<AtomicBool>) {
    let tool = EndlessTool::new();
    let (started, dropped) = (tool.started(), tool.dropped());
    let runner = Runner::builder(ScriptedModel::new([ScriptedModel::call("endless", "{}")]))
        .tool(tool)
        .build()
        .unwrap();
    (runner, started, dropped)
}

#[tokio::test]
async fn dropping_a_run_stream_drops_the_tool_call_in_flight() {
    let (runner, _started, dropped) = endless_runner();
    let mut events = runner.run_stream("go");
    loop {
        match events.next().await {
            Some(Ok(RunEvent::ToolCallStarted { .. })) => break,
            Some(Ok(_)) => {}
            other => panic!("the tool call should start, got {other:?}"),
        }
    }
    // The tool is now waiting forever inside the run.
    assert!(!dropped.load(Ordering::SeqCst));
    drop(events);
    assert!(
        dropped.load(Ordering::SeqCst),
        "the tool call outlived the stream"
    );
}

#[tokio::test]
async fn dropping_a_run_future_drops_the_tool_call_in_flight() {
    let (runner, started, dropped) = endless_runner();
    tokio::select! {
        result = runner.run("go") => panic!("the run cannot finish: {result:?}"),
        () = started.notified() => {}
    }
    // `select!` dropped the run's future when the tool had started.
    assert!(
        dropped.load(Ordering::SeqCst),
        "the tool call outlived the run"
    );
}

/// The start of an OpenAI streamed answer; the server then holds the connection.
const FIRST_EVENTS: &str = concat!(
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",",
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",",
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Once upon\"},\"finish_reason\":null}]}\n\n",
);

/// Serves one streamed answer that never ends; reports when the client
/// closes the connection.
async fn holding_server() -> (String, tokio::sync::oneshot::Receiver<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (closed, on_close) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        let chunk = format!("{:x}\r\n{FIRST_EVENTS}\r\n", FIRST_EVENTS.len());
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(chunk.as_bytes()).await.unwrap();
        // Hold: read (and drop) whatever comes until the client closes.
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = closed.send(());
    });
    (url, on_close)
}

#[tokio::test]
async fn dropping_a_stream_mid_answer_closes_the_provider_connection() {
    let (url, closed) = holding_server().await;
    let model = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new().api_key("sk-test").base_url(&url),
    )
    .unwrap();
    let runner = Runner::builder(model).build().unwrap();

    let mut events = runner.run_stream("Tell me a story");
    loop {
        match events.next().await.expect("an event").expect("no error") {
            RunEvent::TextDelta(text) if text.is_empty() => {}
            RunEvent::TextDelta(text) => break assert_eq!(text, "Once upon"),
            other => panic!("expected the first words, got {other:?}"),
        }
    }
    drop(events);

    // A guard against a hang, not a speed requirement.
    tokio::time::timeout(Duration::from_secs(30), closed)
        .await
        .expect("the client should close the connection once the stream is dropped")
        .unwrap();
}
