use patinox::agent;
use patinox::tool::RunContext;

struct Database;
struct AppState;

/// Looks a user up.
#[patinox::tool]
fn lookup(ctx: &RunContext<Database>, id: u32) -> String {
    let _ = ctx.deps();
    id.to_string()
}

#[agent(tools(lookup), deps = AppState)]
struct Support;

#[agent(tools(lookup))]
struct NoDeps;

fn main() {}
