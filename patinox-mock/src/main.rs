//! `patinox-mock [--port N] [--latency-ms N] [--threads N]`: serves the mock
//! LLM on 127.0.0.1 until killed, after printing its base URL on stdout.

use std::time::Duration;

use patinox_mock::{MockConfig, MockServer};

fn main() -> std::io::Result<()> {
    let mut port = 0u16;
    let mut latency_ms = 0u64;
    let mut threads = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        let invalid = || std::io::Error::other(format!("invalid value {value:?} for {flag}"));
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|_| invalid())?,
            "--latency-ms" => latency_ms = value.parse().map_err(|_| invalid())?,
            "--threads" => threads = value.parse().map_err(|_| invalid())?,
            _ => {
                eprintln!("usage: patinox-mock [--port N] [--latency-ms N] [--threads N]");
                std::process::exit(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let config = MockConfig::default().latency(Duration::from_millis(latency_ms));
        let server = MockServer::serve(listener, config)?;
        println!("{}", server.url());
        std::future::pending::<std::io::Result<()>>().await
    })
}
