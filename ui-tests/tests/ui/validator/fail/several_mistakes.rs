use patinox::validate::ValidationOutcome;

#[patinox::validator(output, stage = "late", name = "bad name")]
async fn judge<T>(answer: u32) -> ValidationOutcome {
    let _ = answer;
    ValidationOutcome::Pass
}

fn main() {}
