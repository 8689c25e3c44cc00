//! The cost of a durable run: whole agent runs with a local journal against
//! the same runs without (see BENCHMARKS.md, "Durable runs").
//!
//! One run is two model calls and one tool call against the mock LLM, which
//! runs in a child process so that its work is not counted. With the
//! journal, each run opens a journal of its own (a new file, its directory
//! synced) and records three steps (three writes, each followed by
//! `fdatasync`) in a directory under `target/`, on the disk the build uses.
//!
//! `DURABLE_BENCH_MODE=plain|journal DURABLE_BENCH_RUNS=N cargo bench -p patinox --bench durable_run`
//! prints the CPU time (user and system) and wall time per run, after one
//! warm-up run. `patinox/benches/durable_instructions.sh` counts
//! instructions per run under callgrind for both modes.

#![allow(missing_docs, unsafe_code, unreachable_pub)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use patinox::agent::{RunId, RunOptions, Runner};
use patinox::durable::Journal;
use patinox::model::{ProviderConfig, openai};

/// The tool the mock's model calls.
///
/// # Arguments
/// * `city` - The city.
#[patinox::tool]
async fn get_weather(city: String) -> Result<String, String> {
    Ok(format!("{{\"city\":\"{city}\",\"celsius\":18}}"))
}

fn main() {
    if std::env::var("DURABLE_BENCH_ROLE").as_deref() == Ok("mock") {
        serve_mock();
    }
    let mode = std::env::var("DURABLE_BENCH_MODE").unwrap_or_else(|_| "journal".into());
    let runs: u32 = std::env::var("DURABLE_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let journaled = match mode.as_str() {
        "journal" => true,
        "plain" => false,
        other => panic!("DURABLE_BENCH_MODE is plain or journal, not {other:?}"),
    };
    let (mut mock, url) = spawn_mock();
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let model = openai::model(
        "gpt-4o-mini",
        ProviderConfig::new().api_key("sk-bench").base_url(&url),
    )
    .unwrap();
    let runner = Runner::builder(model)
        .instructions("You are a weather assistant.")
        .tool(get_weather {})
        .build()
        .unwrap();
    let run = |options: RunOptions| {
        let result = runtime
            .block_on(runner.run_with("Weather in Paris?", options))
            .unwrap();
        assert_eq!(result.turns, 2);
        black_box(result);
    };
    let options = || {
        if journaled {
            let journal = Journal::open(dir.path(), RunId::generate()).unwrap();
            RunOptions::default().durable(journal)
        } else {
            RunOptions::default()
        }
    };
    run(options());
    let (cpu, wall) = (cpu_time(), Instant::now());
    for _ in 0..runs {
        run(options());
    }
    let (user, system) = cpu_time() - cpu;
    let per_run = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(runs.max(1));
    println!(
        "mode={mode} runs={runs} user_us={:.1} system_us={:.1} wall_us={:.1}",
        per_run(user),
        per_run(system),
        per_run(wall.elapsed()),
    );
    mock.kill().unwrap();
    mock.wait().unwrap();
}

/// The mock LLM server, until its standard input closes.
fn serve_mock() -> ! {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = patinox_mock::MockConfig::default();
        let server = patinox_mock::MockServer::start(config).await.unwrap();
        println!("{}", server.base_url());
        std::future::pending::<()>().await;
    });
    unreachable!("the mock serves until its parent ends")
}

/// This binary again, as the mock server, and the mock's base URL.
fn spawn_mock() -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("DURABLE_BENCH_ROLE", "mock")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    (child, url.trim().to_owned())
}

/// User and system CPU time of this process so far.
struct Cpu(Duration, Duration);

fn cpu_time() -> Cpu {
    // SAFETY: `getrusage` fills the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let duration = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Cpu(duration(usage.ru_utime), duration(usage.ru_stime))
}

impl std::ops::Sub for Cpu {
    type Output = (Duration, Duration);

    fn sub(self, earlier: Self) -> Self::Output {
        (self.0 - earlier.0, self.1 - earlier.1)
    }
}
