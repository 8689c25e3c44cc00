use patinox::validate::ValidationOutcome;

#[patinox::validator(input, output)]
fn not_empty(text: &str) -> ValidationOutcome {
    let _ = text;
    ValidationOutcome::Pass
}

fn main() {}
