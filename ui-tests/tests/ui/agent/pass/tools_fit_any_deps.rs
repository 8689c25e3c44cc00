//! A tool without a context parameter, or with the untyped one, fits any
//! agent; a tool with `&RunContext<D>` fits an agent with `deps = D`.

use patinox::agent;
use patinox::tool::RunContext;

struct AppState;

/// The time.
#[patinox::tool]
fn now() -> u64 {
    0
}

/// Which turn it is.
#[patinox::tool]
fn turn(ctx: &RunContext) -> u32 {
    ctx.turn()
}

/// The state.
#[patinox::tool]
fn state(ctx: &RunContext<AppState>) -> bool {
    let _ = ctx.deps();
    true
}

#[agent(tools(now, turn, state), deps = AppState)]
struct WithDeps;

#[agent(tools(now, turn))]
struct WithoutDeps;

fn main() {
    let _ = WithDeps::builder();
    let _ = WithoutDeps::builder();
}
