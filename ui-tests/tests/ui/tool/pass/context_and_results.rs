//! A typed context, `Result` returns and async functions.
use std::sync::Arc;

use patinox::tool::{RunContext, Tool};

struct Db {
    rows: Vec<String>,
}

/// Looks a row up.
#[patinox::tool]
async fn lookup(ctx: &RunContext<Db>, index: usize) -> Result<String, std::fmt::Error> {
    ctx.deps().rows.get(index).cloned().ok_or(std::fmt::Error)
}

/// Counts rows.
#[patinox::tool]
fn count(ctx: &patinox::tool::RunContext<Db>) -> std::io::Result<usize> {
    Ok(ctx.deps().rows.len())
}

fn main() {
    let _ = RunContext::new(Arc::new(Db { rows: vec![] }));
    assert_eq!(lookup {}.spec().name(), "lookup");
    assert_eq!(count {}.spec().name(), "count");
}
