//! What the Restate tests run: the Restate server (the npm package
//! `@restatedev/restate-server`, installed by `npm ci` in `tests/server`),
//! the service process (`restate-test-service`), a TCP proxy, and the tool's
//! traces.
//!
//! Without the server binary a test prints why it is skipped and passes,
//! except when `CI` is set to a non-empty value: there it fails.
//!
//! Every process is started on free ports of 127.0.0.1 with its data in the
//! test's temporary directory, and killed when its handle drops. Every wait
//! is bounded.

#![allow(dead_code)]

use std::fs;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// How long anything the tests wait for may take.
pub(crate) const WAIT: Duration = Duration::from_secs(90);

/// The Restate server binary, or `None` (with a notice) when it is not
/// installed; fails under `CI`.
pub(crate) fn server_binary() -> Option<PathBuf> {
    let binary = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/server/node_modules/@restatedev/restate-server-linux-x64/bin/restate-server");
    if binary.exists() {
        return Some(binary);
    }
    let what = "the Restate server (npm ci in patinox-restate/tests/server)";
    // CI runners set `CI` to a non-empty value (`true`, `1`, ...).
    if std::env::var_os("CI").is_some_and(|value| !value.is_empty()) {
        panic!("{what} is missing, and CI must run the Restate tests (run .ci/run)");
    }
    eprintln!("skipped: {what} is missing; run `.ci/run` to install it");
    None
}

/// A port of 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Polls `check` until it yields a value, at most [`WAIT`].
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether something listens on `port`.
pub(crate) async fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).await.is_ok()
}

/// A child process, killed (SIGKILL) when dropped; its output goes to a log
/// file that a failing test prints.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(mut command: Command, log: PathBuf) -> Self {
        let out = fs::File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
        Self { child, log }
    }

    /// SIGKILL, as a crash: nothing runs on the way out.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- last lines of {}:", self.log.display());
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// A Restate server with its data in a directory of its own.
pub(crate) struct Restate {
    binary: PathBuf,
    dir: PathBuf,
    pub(crate) ingress: u16,
    pub(crate) admin: u16,
    node: u16,
    process: Option<Process>,
    starts: u32,
}

impl Restate {
    /// Starts a server on free ports with its data under `dir`, and waits
    /// until its ingress and admin API answer.
    pub(crate) async fn start(binary: PathBuf, dir: &Path) -> Self {
        let mut server = Self {
            binary,
            dir: dir.to_path_buf(),
            ingress: free_port(),
            admin: free_port(),
            node: free_port(),
            process: None,
            starts: 0,
        };
        server.write_config();
        server.restart().await;
        server
    }

    fn write_config(&self) {
        // Retries come quickly, so that a service restarted after a crash is
        // found again within a second; small memory budgets, since the
        // tests run beside each other; no telemetry.
        let config = format!(
            r#"cluster-name = "patinox-test"
default-num-partitions = 2
disable-telemetry = true
rocksdb-total-memory-size = "256 MiB"
log-disable-ansi-codes = true

[default-retry-policy]
initial-interval = "100ms"
exponentiation-factor = 1.5
max-interval = "1s"
max-attempts = 500
on-max-attempts = "pause"

[admin]
bind-address = "127.0.0.1:{admin}"
disable-web-ui = true

[admin.query-engine]
memory-size = "64 MiB"

[ingress]
bind-address = "127.0.0.1:{ingress}"
"#,
            admin = self.admin,
            ingress = self.ingress,
        );
        fs::write(self.dir.join("restate.toml"), config).expect("the server's config");
    }

    /// Starts the server (again), on the same ports and data.
    pub(crate) async fn restart(&mut self) {
        self.starts += 1;
        let mut command = Command::new(&self.binary);
        command
            .arg("--config-file")
            .arg(self.dir.join("restate.toml"))
            .arg("--base-dir")
            .arg(self.dir.join("data"))
            .args(["--listen-mode", "tcp", "--no-logo", "--node-name", "node"])
            .arg("--bind-address")
            .arg(format!("127.0.0.1:{}", self.node));
        let log = self.dir.join(format!("restate-{}.log", self.starts));
        self.process = Some(Process::spawn(command, log));
        let health = [
            format!("http://127.0.0.1:{}/health", self.admin),
            format!("{}/restate/health", self.ingress_url()),
        ];
        for url in health {
            eventually(&format!("{url} to answer"), || async {
                let response = client().get(&url).send().await.ok()?;
                response.status().is_success().then_some(())
            })
            .await;
        }
    }

    /// Kills the server (SIGKILL).
    pub(crate) fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.kill();
        }
    }

    /// `http://127.0.0.1:<ingress port>`.
    pub(crate) fn ingress_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ingress)
    }

    /// Registers the deployment at `uri` with the admin API.
    pub(crate) async fn register(&self, uri: &str) {
        let response = client()
            .post(format!("http://127.0.0.1:{}/deployments", self.admin))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "uri": uri }).to_string())
            .send()
            .await
            .expect("the admin API answers");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "registering {uri} failed: {status} {body}"
        );
    }

    /// Its ingress, to call the agent through.
    pub(crate) fn ingress(&self) -> Ingress {
        Ingress(self.ingress_url())
    }
}

/// The ingress of a [`Restate`] server.
#[derive(Debug, Clone)]
pub(crate) struct Ingress(String);

impl Ingress {
    /// Sends a turn to the conversation `key`: the answer, or the ingress's
    /// status and body. The same `idempotency_key` attaches to the same
    /// invocation, so sending again fetches its result.
    pub(crate) async fn run(
        &self,
        key: &str,
        idempotency_key: &str,
        input: &str,
    ) -> Result<String, String> {
        let response = client()
            .post(format!("{}/Agent/{key}/run", self.0))
            .header("content-type", "application/json")
            .header("idempotency-key", idempotency_key)
            .body(serde_json::to_string(input).expect("a JSON string"))
            .send()
            .await
            .map_err(|error| format!("no answer: {error}"))?;
        let status = response.status();
        let body = response.text().await.map_err(|error| error.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {body}"));
        }
        serde_json::from_str(&body).map_err(|error| format!("{error}: {body}"))
    }

    /// The conversation `key`'s saved history.
    pub(crate) async fn history(&self, key: &str) -> serde_json::Value {
        let response = client()
            .post(format!("{}/Agent/{key}/history", self.0))
            .send()
            .await
            .expect("the ingress answers");
        let body = response.text().await.expect("a body");
        serde_json::from_str(&body).unwrap_or_else(|error| panic!("{error}: {body}"))
    }
}

/// An HTTP client for the ingress and admin APIs; its requests wait as long
/// as a run may take.
fn client() -> reqwest::Client {
    // reqwest is built with rustls and no provider in this workspace; the
    // tests speak plain HTTP but the client still wants one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(WAIT)
        .build()
        .expect("an HTTP client")
}

/// The service process: an agent on the mock model, with the tool whose
/// traces [`ToolDir`] reads.
pub(crate) struct Service {
    pub(crate) port: u16,
    process: Process,
}

impl Service {
    /// Starts `restate-test-service` on `port` and waits until it listens.
    pub(crate) async fn start(port: u16, model_url: &str, tools: &ToolDir, name: &str) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_restate-test-service"));
        command
            .arg(port.to_string())
            .arg(model_url)
            .arg(tools.path());
        let process = Process::spawn(command, tools.path().join(format!("{name}.log")));
        eventually(&format!("the service {name} to listen"), || async {
            listening(port).await.then_some(())
        })
        .await;
        Self { port, process }
    }

    /// `http://127.0.0.1:<port>`, the deployment's URI.
    pub(crate) fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The process id, as the tool writes it to `started`.
    pub(crate) fn pid(&self) -> String {
        self.process.child.id().to_string()
    }

    /// Kills the process (SIGKILL).
    pub(crate) fn kill(mut self) {
        self.process.kill();
    }
}

/// One start of the tool: the process it ran in and its call's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Start {
    pub(crate) pid: String,
    pub(crate) key: String,
}

/// The directory where the tool leaves its traces (see the service binary).
pub(crate) struct ToolDir(TempDir);

impl ToolDir {
    pub(crate) fn new() -> Self {
        Self(tempfile::tempdir().expect("a temporary directory"))
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    fn lines(&self, file: &str) -> Vec<String> {
        fs::read_to_string(self.path().join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The tool's starts, in order.
    pub(crate) fn started(&self) -> Vec<Start> {
        self.lines("started")
            .iter()
            .map(|line| {
                let (pid, key) = line.split_once(' ').expect("`<pid> <key>`");
                Start {
                    pid: pid.to_owned(),
                    key: key.to_owned(),
                }
            })
            .collect()
    }

    /// The tool's side effects: one line per completed call.
    pub(crate) fn effects(&self) -> Vec<String> {
        self.lines("effects")
    }

    /// Waits until the tool has started `n` times.
    pub(crate) async fn wait_started(&self, n: usize) -> Vec<Start> {
        eventually(&format!("the tool to start {n} times"), || async {
            let started = self.started();
            (started.len() >= n).then_some(started)
        })
        .await
    }

    /// Lets the tool finish.
    pub(crate) fn release(&self) {
        fs::write(self.path().join("release"), b"").expect("the release file");
    }
}

/// A TCP proxy on 127.0.0.1: each connection goes to the first backend that
/// accepts it, so one deployment URI can front several service processes.
pub(crate) struct Proxy {
    pub(crate) port: u16,
    accept: JoinHandle<()>,
}

impl Proxy {
    pub(crate) async fn start(backends: Vec<u16>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the proxy");
        let port = listener.local_addr().expect("its address").port();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let backends = backends.clone();
                tokio::spawn(async move {
                    for backend in backends {
                        let addr = SocketAddr::from(([127, 0, 0, 1], backend));
                        if let Ok(mut outbound) = TcpStream::connect(addr).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            return;
                        }
                    }
                });
            }
        });
        Self { port, accept }
    }

    /// `http://127.0.0.1:<port>`, the deployment's URI.
    pub(crate) fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
