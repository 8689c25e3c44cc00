use patinox::validate::ValidationOutcome;

/// Rejects empty input.
#[patinox::validator(input)]
fn not_empty(input: &str) -> ValidationOutcome {
    if input.is_empty() { ValidationOutcome::reject("empty") } else { ValidationOutcome::Pass }
}

fn main() {}
