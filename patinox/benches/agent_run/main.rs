//! Whole agent runs against the mock LLM: Patinox against a typical
//! hand-written client (reqwest + `serde_json::Value`) and the leanest
//! client we can write (hyper, borrowed typed structs, reused buffers).
//!
//! One run is two model calls and one tool call. Each client runs in its own
//! process (so that its CPU time, peak RSS and allocations are its own), the
//! mock in another. See BENCHMARKS.md, "Agent runs".
//!
//! `cargo bench -p patinox --bench agent_run [-- c50 c500 c10k s50]` runs every
//! configuration (`s50` streams its runs); `AGENT_BENCH_RUNS=N` changes the runs per client.
//! For callgrind, run one client alone (it starts its own mock):
//! `AGENT_BENCH_ROLE=client AGENT_BENCH_CLIENT=lean AGENT_BENCH_RUNS=200 valgrind --tool=callgrind <binary>`
//! (patinox/benches/agent_instructions.sh does this for every client).

#![allow(missing_docs, unsafe_code, unreachable_pub)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod hyper_transport;
mod lean;
mod measure;
mod patinox_client;
mod shared;
mod typical;

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: measure::Counting = measure::Counting;

/// The clients of a non-streaming configuration: the lean baseline first, the typical second.
const CLIENTS: &[&str] = &["lean", "typical", "patinox", "patinox-hyper"];
/// The clients of the streaming configuration: the lean baseline first.
const STREAM_CLIENTS: &[&str] = &["lean-stream", "patinox-stream"];

/// (name, concurrency, mock latency in ms, clients).
const CONFIGS: [(&str, usize, u64, &[&str]); 4] = [
    ("c50", 50, 0, CLIENTS),
    ("c500", 500, 50, CLIENTS),
    ("c10k", 10_000, 50, CLIENTS),
    ("s50", 50, 0, STREAM_CLIENTS),
];

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    env(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    measure::raise_fd_limit();
    match env("AGENT_BENCH_ROLE").as_deref() {
        Some("mock") => serve_mock(),
        Some("client") => {
            let result = run_client(&env("AGENT_BENCH_CLIENT").unwrap_or_else(|| "patinox".into()));
            println!("{result}");
        }
        _ => orchestrate(),
    }
}

/// The mock, until its stdin closes (its parent ended).
fn serve_mock() {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let latency = Duration::from_millis(env_number("AGENT_BENCH_LATENCY_MS", 0));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = patinox_mock::MockConfig::default().latency(latency);
        let server = patinox_mock::MockServer::start(config).await.unwrap();
        println!("{}", server.url());
        std::future::pending::<()>().await;
    });
}

/// A mock server in a child process, and its URL.
fn spawn_mock(latency_ms: u64) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("AGENT_BENCH_ROLE", "mock")
        .env("AGENT_BENCH_LATENCY_MS", latency_ms.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the mock");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    (child, url.trim().to_owned())
}

/// The mock's counters: requests and accepted connections.
fn mock_stats(url: &str) -> (u64, u64) {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /stats HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    let stats: serde_json::Value = serde_json::from_str(body).unwrap();
    // This request's own connection is not the client's.
    (
        stats["requests"].as_u64().unwrap() - 1,
        stats["connections"].as_u64().unwrap() - 1,
    )
}

/// Whether a client's runs stream their answers.
#[derive(Clone, Copy)]
enum Mode {
    Complete,
    Stream,
}

enum Client {
    Lean(lean::Lean, RefCell<Vec<lean::Worker>>, Mode),
    Typical(typical::Typical),
    Patinox(Box<patinox::agent::Runner>, Mode),
}

impl Client {
    fn new(kind: &str, url: &str) -> Self {
        let lean = |mode| {
            let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
            Self::Lean(lean::Lean::new(addr), RefCell::new(Vec::new()), mode)
        };
        let patinox = |runner, mode| Self::Patinox(Box::new(runner), mode);
        match kind {
            "lean" => lean(Mode::Complete),
            "lean-stream" => lean(Mode::Stream),
            "typical" => Self::Typical(typical::Typical::new(url)),
            "patinox" => patinox(patinox_client::runner(url), Mode::Complete),
            "patinox-stream" => patinox(patinox_client::runner(url), Mode::Stream),
            "patinox-hyper" => patinox(hyper_transport::runner(url), Mode::Complete),
            other => panic!("unknown client {other}"),
        }
    }

    /// Runs while `remaining` is positive; one worker of `drive`.
    async fn work(&self, remaining: &Cell<usize>) -> usize {
        let take = || {
            let left = remaining.get();
            remaining.set(left.saturating_sub(1));
            left > 0
        };
        let mut total = 0;
        match self {
            Self::Lean(lean, idle, mode) => {
                let reused = idle.borrow_mut().pop();
                let mut worker = match reused {
                    Some(worker) => worker,
                    None => lean.worker().await,
                };
                while take() {
                    total += match mode {
                        Mode::Complete => lean.run(&mut worker).await,
                        Mode::Stream => lean.run_stream(&mut worker).await,
                    };
                }
                idle.borrow_mut().push(worker);
            }
            Self::Typical(client) => {
                while take() {
                    total += client.run().await;
                }
            }
            Self::Patinox(runner, mode) => {
                while take() {
                    total += match mode {
                        Mode::Complete => patinox_client::run(runner).await,
                        Mode::Stream => patinox_client::run_stream(runner).await,
                    };
                }
            }
        }
        total
    }
}

/// `runs` runs by `workers` concurrent tasks.
async fn drive(client: &Rc<Client>, workers: usize, runs: usize) {
    let remaining = Rc::new(Cell::new(runs));
    let tasks: Vec<_> = (0..workers.min(runs))
        .map(|_| {
            let client = Rc::clone(client);
            let remaining = Rc::clone(&remaining);
            tokio::task::spawn_local(async move { client.work(&remaining).await })
        })
        .collect();
    for task in tasks {
        std::hint::black_box(task.await.unwrap());
    }
}

/// Runs one client in this process and reports a `RESULT` line.
fn run_client(kind: &str) -> String {
    let concurrency = env_number("AGENT_BENCH_CONCURRENCY", 1);
    let runs = env_number("AGENT_BENCH_RUNS", 200);
    let warmup = env_number("AGENT_BENCH_WARMUP", concurrency.min(200));
    let own_mock = env("AGENT_BENCH_URL").is_none().then(|| spawn_mock(0));
    let url = env("AGENT_BENCH_URL").unwrap_or_else(|| own_mock.as_ref().unwrap().1.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let client = Rc::new(Client::new(kind, &url));
        drive(&client, warmup, warmup).await;
        let (cpu_before, _) = measure::usage();
        let allocations = measure::allocations();
        let started = Instant::now();
        drive(&client, concurrency, runs).await;
        let wall = started.elapsed();
        let (cpu_after, peak_rss_kb) = measure::usage();
        let allocations = measure::allocations() - allocations;
        format!(
            "RESULT client={kind} runs={runs} wall_us={} cpu_us={} allocations={allocations} peak_rss_kb={peak_rss_kb}",
            wall.as_micros(),
            (cpu_after - cpu_before).as_micros(),
        )
    })
}

/// One client's figures in one configuration.
struct Figures {
    runs: f64,
    wall_s: f64,
    cpu_us: f64,
    allocations: f64,
    peak_rss_mb: f64,
    connections: u64,
}

fn parse_result(line: &str) -> Figures {
    let field = |name: &str| -> f64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line:?}"))
    };
    Figures {
        runs: field("runs"),
        wall_s: field("wall_us") / 1e6,
        cpu_us: field("cpu_us"),
        allocations: field("allocations"),
        peak_rss_mb: field("peak_rss_kb") / 1024.0,
        connections: 0,
    }
}

fn measure_client(kind: &str, concurrency: usize, latency_ms: u64, runs: usize) -> Figures {
    let (mut mock, url) = spawn_mock(latency_ms);
    let output = Command::new(std::env::current_exe().unwrap())
        .env("AGENT_BENCH_ROLE", "client")
        .env("AGENT_BENCH_CLIENT", kind)
        .env("AGENT_BENCH_URL", &url)
        .env("AGENT_BENCH_CONCURRENCY", concurrency.to_string())
        .env("AGENT_BENCH_RUNS", runs.to_string())
        .output()
        .expect("run the client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find(|l| l.starts_with("RESULT")) else {
        panic!("{kind} failed: {}", String::from_utf8_lossy(&output.stderr));
    };
    let mut figures = parse_result(line);
    figures.connections = mock_stats(&url).1;
    let _ = mock.kill();
    let _ = mock.wait();
    figures
}

fn orchestrate() {
    let selected: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let runs = env_number("AGENT_BENCH_RUNS", 20_000);
    for (name, concurrency, latency_ms, clients) in CONFIGS {
        if !selected.is_empty() && !selected.iter().any(|s| s == name) {
            continue;
        }
        println!(
            "\n### {name}: {runs} runs, concurrency {concurrency}, mock latency {latency_ms} ms\n"
        );
        println!(
            "| client | runs/s | CPU µs/run | allocations/run | peak RSS MB | connections | CPU ÷ lean | CPU ÷ typical | runs/s ÷ lean | RSS ÷ lean |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
        let all: Vec<(&str, Figures)> = clients
            .iter()
            .map(|kind| (*kind, measure_client(kind, concurrency, latency_ms, runs)))
            .collect();
        let lean = &all[0].1;
        let typical = all
            .iter()
            .find(|(kind, _)| *kind == "typical")
            .map(|(_, f)| f);
        for (kind, f) in &all {
            let cpu = f.cpu_us / f.runs;
            let rate = f.runs / f.wall_s;
            let to_typical = typical.map_or_else(
                || "–".to_owned(),
                |t| format!("{:.2}", cpu / (t.cpu_us / t.runs)),
            );
            println!(
                "| {kind} | {rate:.0} | {cpu:.1} | {:.1} | {:.1} | {} | {:.2} | {to_typical} | {:.2} | {:.2} |",
                f.allocations / f.runs,
                f.peak_rss_mb,
                f.connections,
                cpu / (lean.cpu_us / lean.runs),
                rate / (lean.runs / lean.wall_s),
                f.peak_rss_mb / lean.peak_rss_mb,
            );
        }
    }
}
