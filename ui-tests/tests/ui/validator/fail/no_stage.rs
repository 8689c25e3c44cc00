use patinox::validate::ValidationOutcome;

#[patinox::validator]
fn one_sentence(answer: &str) -> ValidationOutcome {
    let _ = answer;
    ValidationOutcome::Pass
}

fn main() {}
