//! A durable run: the process dies in the middle of a run, and the run
//! resumes from its journal without charging the card twice.
//!
//! The example starts itself as a child process, which runs the agent with a
//! local journal and dies while its tool charges a card (after the charge,
//! before the tool returns). Then it resumes the same run in this process:
//! the model call the child completed is replayed from the journal, the
//! interrupted tool call runs again with the same idempotency key (so the
//! payment provider sees one charge), and the run finishes.
//!
//! Runs offline on the built-in model.
//!
//! ```text
//! cargo run --example durable_run
//! ```

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use patinox::agent::{RunId, RunOptions};
use patinox::durable::Journal;
use patinox::model::offline::OfflineModel;
use patinox::tool::RunContext;
use patinox::{agent, tool};

/// The command-line flag of the child process that dies mid-run.
const DIE_IN_TOOL: &str = "--die-in-tool";

/// A payment provider that remembers the idempotency key of every charge, as
/// real ones do (Stripe's `Idempotency-Key`): a file of `key amount` lines.
struct Payments {
    ledger: PathBuf,
    /// Whether the process dies right after charging (the child).
    die_after_charging: bool,
}

impl Payments {
    /// Charges `cents` once per key; a repeated key is the same charge.
    fn charge(&self, key: &str, cents: u64) -> std::io::Result<bool> {
        let ledger = std::fs::read_to_string(&self.ledger).unwrap_or_default();
        if ledger
            .lines()
            .any(|line| line.split(' ').next() == Some(key))
        {
            return Ok(false);
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.ledger)?;
        writeln!(file, "{key} {cents}")?;
        file.sync_data()?;
        Ok(true)
    }

    fn charges(&self) -> usize {
        std::fs::read_to_string(&self.ledger).map_or(0, |ledger| ledger.lines().count())
    }
}

/// Charges the customer's card for an order.
///
/// # Arguments
/// * `order` - The order number.
/// * `cents` - The amount, in cents.
#[tool]
fn charge_card(ctx: &RunContext<Payments>, order: String, cents: u64) -> Result<String, String> {
    // The same for every attempt of this call, including after a crash.
    let key = ctx
        .idempotency_key()
        .ok_or("charge_card runs inside an agent run")?;
    let payments = ctx.deps();
    let new = payments
        .charge(key.as_str(), cents)
        .map_err(|err| err.to_string())?;
    if payments.die_after_charging {
        println!("   (child) charged order {order:?}; the process dies now");
        std::process::exit(70);
    }
    Ok(if new {
        format!("charged {cents} cents for order {order}")
    } else {
        format!("order {order} was already charged {cents} cents")
    })
}

/// You take payments for orders. Use the charge_card tool.
#[agent(tools(charge_card), deps = Payments)]
struct Cashier;

/// Runs the agent on the journal of run `order-A-42` in `dir`.
async fn run(dir: &Path, die_after_charging: bool) -> patinox::Result<String> {
    let payments = Payments {
        ledger: dir.join("payments.txt"),
        die_after_charging,
    };
    let cashier = Cashier::builder()
        .model(OfflineModel::new())
        .deps(Arc::new(payments))
        .build()?
        .start()
        .await?;
    // Opening the journal is all a resume takes: what it recorded is replayed.
    let journal = Journal::open(dir.join("journals"), RunId::new("order-A-42")?)?;
    let options = RunOptions::default().durable(journal);
    let reply = cashier
        .run_with("Charge 1999 cents for order A-42.", options)
        .await?;
    Ok(reply.output)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    patinox_examples::init_logging_with("warn");
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, dir] = args.as_slice()
        && flag == DIE_IN_TOOL
    {
        run(Path::new(dir), true).await?;
        unreachable!("the child dies in its tool");
    }

    let dir = std::env::temp_dir().join(format!("patinox-durable-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    println!("1. A child process starts the run and dies while charging the card.");
    let status = Command::new(std::env::current_exe()?)
        .args([DIE_IN_TOOL, &dir.display().to_string()])
        .status()?;
    println!("   the child exited: {status}");

    println!("2. This process resumes the run from its journal.");
    let answer = run(&dir, false).await?;
    println!("   answer: {answer}");

    let payments = Payments {
        ledger: dir.join("payments.txt"),
        die_after_charging: false,
    };
    println!("   charges made: {}", payments.charges());
    assert_eq!(payments.charges(), 1, "the card is charged once");

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
