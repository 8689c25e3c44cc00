//! One durable agent run in its own process, which can stop at a chosen step
//! boundary so that a test can kill it there (`tests/tests/durable_crash.rs`).
//!
//! `durable_child <model base URL> <journal dir> <run id> <ledger file> [pause]`
//!
//! The agent's model is the OpenAI-compatible server at the base URL (the
//! test's mock), its one tool appends a line to the ledger file, once per
//! idempotency key. With a pause point (`after-model-1`, `during-tool`,
//! `after-tool`, `during-model-2`), the process prints `paused <point>` when
//! it gets there and waits on its standard input, where the test kills it.
//! Otherwise it prints `answer <output as a JSON string>` when the run ends.

use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use patinox::agent::{ModelStep, RunId, RunOptions, Runner, StepExecutor, StepId, ToolStep};
use patinox::durable::Journal;
use patinox::model::{CompletionResponse, Message, ProviderConfig, openai};
use patinox::tool::RunContext;

/// Where the run stops to be killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    AfterModel1,
    DuringTool,
    AfterTool,
    DuringModel2,
}

impl Pause {
    fn parse(name: &str) -> Self {
        match name {
            "after-model-1" => Self::AfterModel1,
            "during-tool" => Self::DuringTool,
            "after-tool" => Self::AfterTool,
            "during-model-2" => Self::DuringModel2,
            other => fail(&format!("unknown pause point {other:?}")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::AfterModel1 => "after-model-1",
            Self::DuringTool => "during-tool",
            Self::AfterTool => "after-tool",
            Self::DuringModel2 => "during-model-2",
        }
    }
}

/// Says where the process is and waits to be killed.
fn pause_here(point: Pause) -> ! {
    println!("paused {}", point.name());
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    fail("was not killed while paused")
}

fn fail(message: &str) -> ! {
    eprintln!("durable_child: {message}");
    std::process::exit(2)
}

/// What the tool writes to, and where the run stops.
struct Ledger {
    path: PathBuf,
    pause: Option<Pause>,
}

/// Appends a line to the ledger, once per call however often the call runs.
///
/// # Arguments
/// * `line` - The text to append.
#[patinox::tool]
fn append_line(ctx: &RunContext<Ledger>, line: String) -> Result<String, String> {
    let key = ctx.idempotency_key().ok_or("called outside a run")?;
    let ledger = ctx.deps();
    let written = std::fs::read_to_string(&ledger.path).unwrap_or_default();
    let done = written
        .lines()
        .any(|entry| entry.split('\t').next() == Some(key.as_str()));
    if !done {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&ledger.path)
            .map_err(|err| err.to_string())?;
        writeln!(file, "{key}\t{line}").map_err(|err| err.to_string())?;
        file.sync_data().map_err(|err| err.to_string())?;
    }
    if ledger.pause == Some(Pause::DuringTool) {
        pause_here(Pause::DuringTool);
    }
    Ok("appended".to_owned())
}

/// The journal, with stops at the step boundaries the test asks for.
struct Stopping {
    journal: Journal,
    pause: Option<Pause>,
}

#[async_trait]
impl StepExecutor for Stopping {
    async fn model_call(&self, step: ModelStep<'_>) -> patinox::Result<CompletionResponse> {
        let turn = match step.id() {
            StepId::Model { turn } => *turn,
            _ => 0,
        };
        if turn == 2 && self.pause == Some(Pause::DuringModel2) {
            // The model answers, but the process dies before the step completes.
            step.run().await?;
            pause_here(Pause::DuringModel2);
        }
        let response = self.journal.model_call(step).await?;
        if turn == 1 && self.pause == Some(Pause::AfterModel1) {
            pause_here(Pause::AfterModel1);
        }
        Ok(response)
    }

    async fn tool_call(&self, step: ToolStep<'_>) -> patinox::Result<Message> {
        let result = self.journal.tool_call(step).await?;
        if self.pause == Some(Pause::AfterTool) {
            pause_here(Pause::AfterTool);
        }
        Ok(result)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, dir, run_id, ledger, rest @ ..] = args.as_slice() else {
        fail("usage: durable_child <base URL> <journal dir> <run id> <ledger> [pause]")
    };
    let pause = rest.first().map(|name| Pause::parse(name));
    if let Err(err) = run(base_url, dir, run_id, ledger, pause).await {
        fail(&err.to_string());
    }
}

async fn run(
    base_url: &str,
    dir: &str,
    run_id: &str,
    ledger: &str,
    pause: Option<Pause>,
) -> patinox::Result<()> {
    let config = ProviderConfig::new()
        .api_key("mock-key")
        .base_url(base_url.to_owned());
    let runner = Runner::builder(openai::model("gpt-4o-mini", config)?)
        .instructions("Record what you are told in the ledger.")
        .deps(Arc::new(Ledger {
            path: ledger.into(),
            pause,
        }))
        .tool(append_line {})
        .build()?;
    let journal = Journal::open(dir, RunId::new(run_id)?)?;
    let options = RunOptions::default()
        .run_id(journal.run_id().clone())
        .step_executor(Arc::new(Stopping { journal, pause }));
    let result = runner.run_with("Record the delivery.", options).await?;
    println!("answer {}", serde_json::to_string(&result.output)?);
    Ok(())
}
