//! Errors: conversions, `?` in anyhow code, and a total, stable recovery mapping.

use std::time::Duration;

use patinox::PatinoxError;
use patinox::error::{
    ConfigurationError, ExecutionError, ExecutionErrorKind, NetworkError, NetworkErrorKind,
    ProviderError, RecoveryStrategy, UsageLimit, ValidationError,
};
use proptest::prelude::*;

fn parse_number(text: &str) -> patinox::Result<u32> {
    Ok(serde_json::from_str(text)?)
}

fn in_an_application(text: &str) -> anyhow::Result<u32> {
    let n = parse_number(text)?;
    Ok(n * 2)
}

#[test]
fn patinox_errors_propagate_with_question_mark_into_anyhow() {
    assert_eq!(in_an_application("21").unwrap(), 42);
    let error = in_an_application("twenty-one").unwrap_err();
    let patinox = error
        .downcast_ref::<PatinoxError>()
        .expect("the anyhow error wraps a PatinoxError");
    assert!(matches!(patinox, PatinoxError::Validation(_)));
    // The chain reaches serde_json's error.
    assert!(error.chain().any(|e| e.is::<serde_json::Error>()));
}

#[test]
fn io_errors_map_to_network_kinds() {
    let reset = PatinoxError::from(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
    assert!(matches!(&reset, PatinoxError::Network(n) if n.kind == NetworkErrorKind::Interrupted));
    assert!(reset.is_retryable());
}

fn provider_error() -> impl Strategy<Value = ProviderError> {
    (
        "[a-z]{1,10}",
        100u16..=599,
        proptest::option::of("[a-z_]{1,24}"),
        proptest::option::of("[a-z_]{1,24}"),
        ".{0,64}",
        proptest::option::of(0u64..100_000),
    )
        .prop_map(|(provider, status, error_type, code, message, retry_ms)| {
            let mut error = ProviderError::new(provider, status, message);
            if let Some(t) = error_type {
                error = error.with_error_type(t);
            }
            if let Some(c) = code {
                error = error.with_code(c);
            }
            if let Some(ms) = retry_ms {
                error = error.with_retry_after(Duration::from_millis(ms));
            }
            error
        })
}

fn execution_kind() -> impl Strategy<Value = ExecutionErrorKind> {
    prop_oneof![
        any::<u32>().prop_map(|max_turns| ExecutionErrorKind::MaxTurnsExceeded { max_turns }),
        any::<u64>().prop_map(|reached| ExecutionErrorKind::UsageLimitExceeded {
            limit: UsageLimit::ToolCalls,
            reached
        }),
        Just(ExecutionErrorKind::Cancelled),
        Just(ExecutionErrorKind::Timeout),
        Just(ExecutionErrorKind::CircuitOpen),
        Just(ExecutionErrorKind::InvalidState),
        Just(ExecutionErrorKind::Internal),
    ]
}

fn network_kind() -> impl Strategy<Value = NetworkErrorKind> {
    prop_oneof![
        Just(NetworkErrorKind::Connect),
        Just(NetworkErrorKind::Timeout),
        Just(NetworkErrorKind::Interrupted),
        Just(NetworkErrorKind::ResponseTooLarge),
        Just(NetworkErrorKind::Decode),
        Just(NetworkErrorKind::Other),
    ]
}

fn any_error() -> impl Strategy<Value = PatinoxError> {
    prop_oneof![
        provider_error().prop_map(PatinoxError::from),
        (network_kind(), ".{0,40}")
            .prop_map(|(kind, message)| NetworkError::new(kind, message).into()),
        (execution_kind(), ".{0,40}")
            .prop_map(|(kind, message)| ExecutionError::new(kind, message).into()),
        (".{0,40}", proptest::option::of("[a-z]{1,8}")).prop_map(|(message, field)| {
            let error = ValidationError::new(message);
            match field {
                Some(f) => error.with_field(f).into(),
                None => error.into(),
            }
        }),
        (
            ".{0,40}",
            proptest::option::of("[a-z]{1,8}"),
            proptest::option::of("[a-z/.]{1,12}")
        )
            .prop_map(|(message, key, origin)| {
                let mut error = ConfigurationError::new(message);
                if let Some(k) = key {
                    error = error.with_key(k);
                }
                if let Some(o) = origin {
                    error = error.with_origin(o);
                }
                error.into()
            }),
        ".{0,40}".prop_map(|text| {
            serde_json::from_str::<u8>(&text)
                .err()
                .map_or_else(|| PatinoxError::validation("parsed"), PatinoxError::from)
        }),
    ]
}

proptest! {
    #[test]
    fn any_error_displays_debugs_and_classifies_without_panicking(error in any_error()) {
        let display = error.to_string();
        prop_assert!(!display.is_empty());
        let _ = format!("{error:?}");
        let first = error.recovery_strategy();
        prop_assert_eq!(first, error.recovery_strategy(), "classification is stable");
        let mut source = std::error::Error::source(&error);
        let mut depth = 0;
        while let Some(s) = source {
            let _ = s.to_string();
            source = s.source();
            depth += 1;
            prop_assert!(depth < 16);
        }
        let wrapped: anyhow::Error = error.into();
        prop_assert!(wrapped.downcast_ref::<PatinoxError>().is_some());
    }

    #[test]
    fn provider_statuses_map_to_the_documented_strategies(error in provider_error()) {
        let strategy = PatinoxError::from(ProviderError {
            source: None,
            ..error
        });
        let PatinoxError::Provider(detail) = &strategy else { unreachable!() };
        let code_has = |s: &str| detail.code.iter().chain(&detail.error_type).any(|c| c.contains(s));
        let expected = match detail.status {
            429 if code_has("insufficient_quota") => RecoveryStrategy::Fallback,
            408 | 409 | 425 | 429 | 500..=599 => RecoveryStrategy::Retry { after: detail.retry_after },
            404 => RecoveryStrategy::Fallback,
            400 if code_has("context_length") => RecoveryStrategy::Fallback,
            _ => RecoveryStrategy::Fail,
        };
        prop_assert_eq!(strategy.recovery_strategy(), expected);
    }

    #[test]
    fn a_429_with_retry_after_is_retried_after_that_delay(ms in 0u64..3_600_000) {
        let after = Duration::from_millis(ms);
        let error = PatinoxError::from(ProviderError::new("openai", 429, "slow down").with_retry_after(after));
        prop_assert_eq!(error.recovery_strategy(), RecoveryStrategy::Retry { after: Some(after) });
    }
}

#[test]
fn the_documented_cases_of_the_recovery_table_hold() {
    let status = |s: u16| PatinoxError::from(ProviderError::new("p", s, "m")).recovery_strategy();
    assert_eq!(status(401), RecoveryStrategy::Fail);
    assert_eq!(status(403), RecoveryStrategy::Fail);
    assert_eq!(status(400), RecoveryStrategy::Fail);
    assert_eq!(status(422), RecoveryStrategy::Fail);
    for s in [500, 502, 503, 504, 529] {
        assert_eq!(status(s), RecoveryStrategy::Retry { after: None }, "{s}");
    }
    assert_eq!(
        PatinoxError::configuration("bad model id").recovery_strategy(),
        RecoveryStrategy::Fail
    );
    assert_eq!(
        PatinoxError::execution(ExecutionErrorKind::CircuitOpen, "open").recovery_strategy(),
        RecoveryStrategy::CircuitBreak
    );
    let timeout = PatinoxError::from(NetworkError::new(NetworkErrorKind::Timeout, "slow"));
    assert_eq!(
        timeout.recovery_strategy(),
        RecoveryStrategy::Retry { after: None }
    );
}
