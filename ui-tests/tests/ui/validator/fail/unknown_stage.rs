use patinox::validate::ValidationOutcome;

#[patinox::validator(ouput)]
fn one_sentence(answer: &str) -> ValidationOutcome {
    let _ = answer;
    ValidationOutcome::Pass
}

fn main() {}
