//! Durations as written in configuration: a whole number and a unit,
//! `500ms`, `10s`, `2m`, `1h`.

use std::time::Duration;

/// What a duration setting expects, for error messages.
pub(super) const EXPECTED: &str =
    "a duration: a whole number and a unit (ms, s, m or h), such as `500ms`, `10s` or `2m`";

/// Parses `500ms`, `10s`, `2m` or `1h` (spaces around the number allowed).
/// A bare number is refused: `10` could mean seconds or milliseconds.
pub(super) fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return None;
    }
    let number: u64 = number.parse().ok()?;
    let seconds_per_unit = match unit.trim_start() {
        "ms" => return Some(Duration::from_millis(number)),
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    number
        .checked_mul(seconds_per_unit)
        .map(Duration::from_secs)
}

/// Writes a duration in the largest unit that shows it exactly; the inverse
/// of [`parse`] for whole milliseconds.
pub(super) fn format(duration: Duration) -> String {
    let millis = duration.as_millis();
    let (number, unit) = match millis {
        0 => (0, "s"),
        m if m % 3_600_000 == 0 => (m / 3_600_000, "h"),
        m if m % 60_000 == 0 => (m / 60_000, "m"),
        m if m % 1000 == 0 => (m / 1000, "s"),
        m => (m, "ms"),
    };
    format!("{number}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_each_unit() {
        assert_eq!(parse("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse(" 10 s "), Some(Duration::from_secs(10)));
        assert_eq!(parse("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse("1h"), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn refuses_what_is_ambiguous_or_malformed() {
        for text in [
            "10",
            "",
            "s",
            "-1s",
            "1.5s",
            "10 parsecs",
            "1sm",
            "99999999999999999999s",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn format_and_parse_round_trip(millis in 0u64..10_000_000_000) {
            let duration = Duration::from_millis(millis);
            prop_assert_eq!(parse(&format(duration)), Some(duration));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,12}") {
            let _ = parse(&text);
        }
    }
}
