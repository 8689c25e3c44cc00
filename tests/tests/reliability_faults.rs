//! The fault matrix through whole agent runs: every fault the mock server can
//! inject, on both wires, with retries off and with a `RetryModel`. Each case
//! states what the user gets: the run's answer (recovered by retry), or a
//! specific typed error and its `RecoveryStrategy`. Every run is bounded in
//! time: nothing may hang. `cargo test -p patinox-tests --test
//! reliability_faults -- --nocapture` prints the matrix; docs/reliability.md
//! keeps it.

mod reliability_support;

use std::time::Duration;

use futures_util::StreamExt;
use patinox::PatinoxError;
use patinox::error::{NetworkErrorKind, RecoveryStrategy};
use patinox::model::{CompletionRequest, LanguageModel, Message, StreamEvent};
use patinox_mock::{DEFAULT_FINAL_TEXT, Fault, MockConfig, MockServer, Wire};
use reliability_support::{MAX_RESPONSE_BYTES, agent, bounded, provider, retrying, wire_name};

/// What a case must end in.
#[derive(Debug, Clone, Copy)]
enum Expected {
    /// A provider error with this status.
    Status(u16, RecoveryStrategy),
    /// A network error of this kind.
    Network(NetworkErrorKind, RecoveryStrategy),
}

impl Expected {
    fn strategy(self) -> RecoveryStrategy {
        match self {
            Self::Status(_, strategy) | Self::Network(_, strategy) => strategy,
        }
    }

    fn check(self, case: &str, error: &PatinoxError) {
        let matches = match (self, error) {
            (Self::Status(status, _), PatinoxError::Provider(e)) => e.status == status,
            (Self::Network(kind, _), PatinoxError::Network(e)) => e.kind == kind,
            _ => false,
        };
        assert!(matches, "{case}: expected {self:?}, got {error:?}");
        assert_eq!(
            error.recovery_strategy(),
            self.strategy(),
            "{case}: {error}"
        );
    }
}

const RETRY: RecoveryStrategy = RecoveryStrategy::Retry { after: None };
/// A body that is not what the wire promises: retrying will not fix it.
const UNDECODABLE: Expected = Expected::Network(NetworkErrorKind::Decode, RecoveryStrategy::Fail);

fn retry_after(after: Duration) -> RecoveryStrategy {
    RecoveryStrategy::Retry { after: Some(after) }
}

/// Faults of non-streaming requests, each transient (first request only).
fn plain_cases() -> Vec<(Fault, Expected)> {
    let status = |code| (Fault::status(code), Expected::Status(code, RETRY));
    vec![
        status(500),
        status(502),
        status(503),
        status(529),
        (
            Fault::status(429).retry_after_secs(1),
            Expected::Status(429, retry_after(Duration::from_secs(1))),
        ),
        (
            Fault::status(429).retry_after_ms(200),
            Expected::Status(429, retry_after(Duration::from_millis(200))),
        ),
        (
            Fault::reset(),
            Expected::Network(NetworkErrorKind::Interrupted, RETRY),
        ),
        (
            Fault::stall(),
            Expected::Network(NetworkErrorKind::Timeout, RETRY),
        ),
        (
            Fault::truncate(),
            Expected::Network(NetworkErrorKind::Interrupted, RETRY),
        ),
        (Fault::malformed(), UNDECODABLE),
        (Fault::html(), Expected::Status(502, RETRY)),
        (
            Fault::oversized().bytes(4 * MAX_RESPONSE_BYTES),
            Expected::Network(NetworkErrorKind::ResponseTooLarge, RecoveryStrategy::Fail),
        ),
    ]
    .into_iter()
    .map(|(fault, expected)| (fault.first(1), expected))
    .collect()
}

fn print_row(wire: Wire, fault: &Fault, retries: &str, outcome: &str, requests: u64) {
    println!(
        "| {} | `{fault}` | {retries} | {outcome} | {requests} |",
        wire_name(wire)
    );
}

fn outcome(result: &patinox::Result<String>) -> String {
    match result {
        Ok(_) => "answer".to_owned(),
        Err(error) => {
            let text: String = error
                .to_string()
                .replace('\n', " ")
                .chars()
                .take(90)
                .collect();
            format!("{text} → {:?}", error.recovery_strategy())
        }
    }
}

/// One agent run per fault, retries off: the typed error, after one request.
/// Retries on: transient faults are recovered (fail, retry, then the second
/// model call: three requests); the others give the same error after one.
#[tokio::test]
async fn every_fault_ends_a_whole_run_in_its_documented_outcome() {
    println!("| wire | fault | retries | outcome | requests |\n|---|---|---|---|---|");
    for wire in [Wire::OpenAi, Wire::Anthropic] {
        for (fault, expected) in plain_cases() {
            let case = format!("{} {fault}", wire_name(wire));

            let server = MockServer::start(MockConfig::default()).await.unwrap();
            let runner = agent(provider(&server, wire, Some(&fault)));
            let result = bounded(runner.run("Weather in Paris?"))
                .await
                .map(|r| r.output);
            print_row(wire, &fault, "off", &outcome(&result), server.requests());
            expected.check(&case, &result.unwrap_err());
            assert_eq!(
                server.requests(),
                1,
                "{case}: retried without a retry policy"
            );

            let server = MockServer::start(MockConfig::default()).await.unwrap();
            let runner = agent(retrying(provider(&server, wire, Some(&fault)), 3));
            let result = bounded(runner.run("Weather in Paris?"))
                .await
                .map(|r| r.output);
            print_row(
                wire,
                &fault,
                "3 attempts",
                &outcome(&result),
                server.requests(),
            );
            if expected.strategy() == RecoveryStrategy::Fail {
                expected.check(&case, &result.unwrap_err());
                assert_eq!(
                    server.requests(),
                    1,
                    "{case}: a permanent fault was retried"
                );
            } else {
                assert_eq!(result.unwrap(), DEFAULT_FINAL_TEXT, "{case}");
                assert_eq!(server.requests(), 3, "{case}");
            }
        }
    }
}

/// Drains a model's stream: the final response, or the error that ended it.
async fn stream_once(model: &dyn LanguageModel) -> patinox::Result<String> {
    let messages = [Message::user("Weather in Paris?")];
    let mut stream = model.stream(CompletionRequest::new(&messages)).await?;
    while let Some(event) = stream.next().await {
        if let StreamEvent::Done(response) = event? {
            assert!(stream.next().await.is_none(), "events after Done");
            return Ok(response.content.unwrap_or_default());
        }
    }
    panic!("the stream ended without Done or an error")
}

/// Streams break after they start, so they are not retried: the error ends
/// the stream, after exactly one request. A fault before the first event
/// (a status, or a stall that delivers no event) is retried like a plain
/// request: nothing was delivered that a retry could duplicate (the 503
/// case below, and `provider_retry.rs` for a stream that fails first).
#[tokio::test]
async fn faulty_streams_end_in_a_typed_error() {
    let cases = [
        (
            Fault::truncate(),
            Expected::Network(NetworkErrorKind::Interrupted, RETRY),
            1,
        ),
        // The mock's stall sends half the stream, then holds: started, so
        // not replayed.
        (
            Fault::stall(),
            Expected::Network(NetworkErrorKind::Timeout, RETRY),
            1,
        ),
        (Fault::malformed(), UNDECODABLE, 1),
    ];
    for wire in [Wire::OpenAi, Wire::Anthropic] {
        for (fault, expected, requests) in cases {
            let case = format!("{} stream {fault}", wire_name(wire));
            let server = MockServer::start(MockConfig::default()).await.unwrap();
            let model = retrying(provider(&server, wire, Some(&fault)), 3);
            let result = bounded(stream_once(&model)).await;
            print_row(
                wire,
                &fault,
                "stream, 3 attempts",
                &outcome(&result),
                server.requests(),
            );
            expected.check(&case, &result.unwrap_err());
            assert_eq!(
                server.requests(),
                requests,
                "{case}: a started stream was replayed, or one without events was not"
            );
        }

        let fault = Fault::status(503).first(1);
        let server = MockServer::start(MockConfig::default()).await.unwrap();
        let model = retrying(provider(&server, wire, Some(&fault)), 3);
        let result = bounded(stream_once(&model)).await;
        print_row(
            wire,
            &fault,
            "stream, 3 attempts",
            &outcome(&result),
            server.requests(),
        );
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(server.requests(), 2);
    }
}

/// A streamed answer larger than the response cap must fail like a plain one.
#[tokio::test]
async fn oversized_streams_are_capped() {
    for wire in [Wire::OpenAi, Wire::Anthropic] {
        let fault = Fault::oversized().bytes(4 * MAX_RESPONSE_BYTES);
        let server = MockServer::start(MockConfig::default()).await.unwrap();
        let result = bounded(stream_once(&provider(&server, wire, Some(&fault)))).await;
        // The length, not the text: a failure must not print megabytes.
        let result = result.map(|text| text.len());
        Expected::Network(NetworkErrorKind::ResponseTooLarge, RecoveryStrategy::Fail)
            .check(wire_name(wire), &result.unwrap_err());
    }
}
