//! The service process the Restate tests start, stop with SIGKILL and start
//! again: an agent on an OpenAI-compatible model (the tests' mock LLM) with
//! one tool whose side effect the tests count.
//!
//! ```text
//! restate-test-service <port> <model base URL> <tool directory>
//! ```
//!
//! The tool, `record_visit`, appends its process id and the call's
//! idempotency key to `<dir>/started` when it starts, waits until `<dir>/release` exists (so a test can kill the
//! process while the tool is running), then appends the city to
//! `<dir>/effects`: the side effect that must happen once per completed call.

use std::fs::OpenOptions;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use patinox::agent::Runner;
use patinox::model::{ProviderConfig, openai};
use patinox::tool;
use patinox::tool::RunContext;

/// How long the tool waits for its release before it gives up.
const RELEASE_WAIT: Duration = Duration::from_secs(120);

/// Where the tool leaves its traces.
struct ToolDir(PathBuf);

/// Records a visit to a city.
///
/// # Arguments
/// * `city` - The city visited.
#[tool]
async fn record_visit(ctx: &RunContext<ToolDir>, city: String) -> Result<String, String> {
    let dir = &ctx.deps().0;
    let key = ctx
        .idempotency_key()
        .ok_or("a tool call of a run has an idempotency key")?;
    append(
        &dir.join("started"),
        &format!("{} {}", std::process::id(), key.as_str()),
    )?;
    let release = dir.join("release");
    let started = Instant::now();
    while !release.exists() {
        if started.elapsed() > RELEASE_WAIT {
            return Err("the test never released the tool".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    append(&dir.join("effects"), &city)?;
    Ok(format!("visit to {city:?} recorded"))
}

fn append(path: &Path, line: &str) -> Result<(), String> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    writeln!(file, "{line}")
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    file.sync_all()
        .map_err(|error| format!("cannot sync {}: {error}", path.display()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> patinox::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(base_url), Some(dir)) = (args.next(), args.next(), args.next()) else {
        return Err(patinox::PatinoxError::configuration(
            "usage: restate-test-service <port> <model base URL> <tool directory>",
        ));
    };
    let port: u16 = port
        .parse()
        .map_err(|_| patinox::PatinoxError::configuration(format!("bad port {port:?}")))?;
    let model = openai::model("mock", ProviderConfig::new().base_url(base_url))?;
    let runner = Runner::builder(model)
        .instructions("You record visits.")
        .tool(record_visit {})
        .deps(Arc::new(ToolDir(dir.into())))
        .tool_timeout(RELEASE_WAIT + Duration::from_secs(10))
        .build()?;
    patinox_restate::serve(runner, SocketAddr::from(([127, 0, 0, 1], port))).await
}
