use patinox::validate::ValidationOutcome;

/// No deletions.
#[patinox::validator(tool_call, name = "no_deletes")]
fn guard(tool: &str, arguments: &serde_json::Value) -> ValidationOutcome {
    let _ = arguments;
    if tool.starts_with("delete") { ValidationOutcome::reject("no deletions") } else { ValidationOutcome::Pass }
}

fn main() {}
