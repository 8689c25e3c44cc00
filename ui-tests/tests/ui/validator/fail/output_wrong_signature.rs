use patinox::validate::ValidationOutcome;

#[patinox::validator(output)]
fn one_sentence(answer: String) -> ValidationOutcome {
    let _ = answer;
    ValidationOutcome::Pass
}

fn main() {}
