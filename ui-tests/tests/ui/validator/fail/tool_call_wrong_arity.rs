use patinox::validate::ValidationOutcome;

#[patinox::validator(tool_call)]
fn only_search(tool: &str) -> ValidationOutcome {
    let _ = tool;
    ValidationOutcome::Pass
}

fn main() {}
