use patinox::tool::RunContext;

struct Db;

/// Counts the rows of a table.
#[patinox::tool]
fn count_rows(ctx: &RunContext<Db>, table: String) -> usize {
    let _ = (ctx.deps(), table);
    0
}

fn main() {}
