use patinox::validate::ValidationOutcome;

#[patinox::validator(input)]
fn not_empty(input: &str, strict: bool) -> ValidationOutcome {
    let _ = (input, strict);
    ValidationOutcome::Pass
}

fn main() {}
