//! Load without loss: 1,000 concurrent agent runs, 10% of them meeting a
//! transient fault (503, 529, 429 with `retry-after-ms`, a connection reset:
//! 25 failures of each), with retries on. Every run ends exactly once, with its answer; none is
//! lost or duplicated, and the server saw exactly the requests the faults
//! explain.

mod reliability_support;

use std::sync::Arc;
use std::time::Duration;

use patinox::agent::Runner;
use patinox_mock::{DEFAULT_FINAL_TEXT, Fault, MockConfig, MockServer, Wire};
use reliability_support::{agent, provider_within, retrying};
use tokio::task::JoinSet;

const RUNS: usize = 1_000;
/// Runs per fault kind: 4 kinds × 25 = 10% of the runs.
const FAULTY_PER_KIND: u64 = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_runs_with_transient_faults_all_end_once() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let faults = [
        Fault::status(503),
        Fault::status(529),
        Fault::status(429).retry_after_ms(20),
        Fault::reset(),
    ]
    .map(|fault| fault.first(FAULTY_PER_KIND));
    let runner = |fault: Option<&Fault>| {
        // Patient: a thousand runs on two cores queue for a while.
        let model = provider_within(&server, Wire::OpenAi, fault, Duration::from_secs(30));
        // Which runs of a kind meet its 25 failures depends on scheduling:
        // one unlucky run may meet them all, so it may try once more than that.
        Arc::new(agent(retrying(model, FAULTY_PER_KIND as u32 + 1)))
    };
    let healthy = runner(None);
    let faulty: Vec<Arc<Runner>> = faults.iter().map(|f| runner(Some(f))).collect();

    let mut runs = JoinSet::new();
    for index in 0..RUNS {
        // Every tenth run asks for a fault, the kinds in turn.
        let runner = if index % 10 == 0 {
            Arc::clone(&faulty[(index / 10) % faults.len()])
        } else {
            Arc::clone(&healthy)
        };
        runs.spawn(async move { (index, runner.run("Weather in Paris?").await) });
    }

    let mut ended = vec![0u32; RUNS];
    let all = async {
        while let Some(joined) = runs.join_next().await {
            let (index, result) = joined.expect("a run panicked");
            ended[index] += 1;
            let result = result.unwrap_or_else(|e| panic!("run {index} failed: {e}"));
            assert_eq!(result.output, DEFAULT_FINAL_TEXT);
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("runs hung");

    let lost = ended.iter().filter(|&&n| n == 0).count();
    let duplicated = ended.iter().filter(|&&n| n > 1).count();
    println!(
        "{RUNS} runs: {} ended once, {lost} lost, {duplicated} duplicated; {} requests",
        ended.iter().filter(|&&n| n == 1).count(),
        server.requests()
    );
    assert_eq!((lost, duplicated), (0, 0));
    // Two model calls per run, plus one failed request per injected fault.
    let injected = FAULTY_PER_KIND * faults.len() as u64;
    assert_eq!(server.requests(), 2 * RUNS as u64 + injected);
}
