//! Memory and resource utilities against what users would pick instead:
//! `Pool` vs deadpool and bb8, `SharedConfig` vs `RwLock<Arc<T>>`, and
//! memory-mapped vs buffered file reads. Results are in `BENCHMARKS.md`.
//!
//! `cargo bench -p patinox --bench memory` (filter with `-- pool`, `-- config`, `-- read`).

#![allow(missing_docs, clippy::unwrap_used)]

use std::convert::Infallible;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use patinox::memory::{Manager, Pool, SharedConfig, read_file_buffered};
use tokio::runtime::Runtime;

const CONTENDING_TASKS: usize = 64;
const POOL_SIZE: usize = 8;
const ROUNDS_PER_TASK: usize = 16;

struct Ours;
impl Manager for Ours {
    type Item = u64;
    async fn create(&self) -> patinox::Result<u64> {
        Ok(0)
    }
}

struct Dead;
impl deadpool::managed::Manager for Dead {
    type Type = u64;
    type Error = Infallible;
    async fn create(&self) -> Result<u64, Infallible> {
        Ok(0)
    }
    async fn recycle(
        &self,
        _: &mut u64,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<Infallible> {
        Ok(())
    }
}

struct Bb8;
impl bb8::ManageConnection for Bb8 {
    type Connection = u64;
    type Error = Infallible;
    async fn connect(&self) -> Result<u64, Infallible> {
        Ok(0)
    }
    async fn is_valid(&self, _: &mut u64) -> Result<(), Infallible> {
        Ok(())
    }
    fn has_broken(&self, _: &mut u64) -> bool {
        false
    }
}

/// The three pools behind one face, so each benchmark body is written once.
#[derive(Clone)]
enum AnyPool {
    Patinox(Pool<Ours>),
    Deadpool(deadpool::managed::Pool<Dead>),
    Bb8(bb8::Pool<Bb8>),
}

impl AnyPool {
    async fn build(name: &str) -> Self {
        match name {
            "patinox" => Self::Patinox(Pool::builder(Ours).max_size(POOL_SIZE).build().unwrap()),
            "patinox_no_timeout" => Self::Patinox(
                Pool::builder(Ours)
                    .max_size(POOL_SIZE)
                    .acquire_timeout(None)
                    .build()
                    .unwrap(),
            ),
            "deadpool" => Self::Deadpool(
                deadpool::managed::Pool::builder(Dead)
                    .max_size(POOL_SIZE)
                    .build()
                    .unwrap(),
            ),
            "deadpool_timeout" => Self::Deadpool(
                deadpool::managed::Pool::builder(Dead)
                    .max_size(POOL_SIZE)
                    .wait_timeout(Some(Duration::from_secs(30)))
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .unwrap(),
            ),
            _ => Self::Bb8(
                bb8::Pool::builder()
                    .max_size(POOL_SIZE as u32)
                    .build(Bb8)
                    .await
                    .unwrap(),
            ),
        }
    }

    /// Takes an item, optionally yields while holding it, and returns it.
    async fn cycle(&self, hold: bool) {
        match self {
            Self::Patinox(p) => {
                let item = p.get().await.unwrap();
                if hold {
                    tokio::task::yield_now().await;
                }
                black_box(&*item);
            }
            Self::Deadpool(p) => {
                let item = p.get().await.unwrap();
                if hold {
                    tokio::task::yield_now().await;
                }
                black_box(&*item);
            }
            Self::Bb8(p) => {
                let item = p.get().await.unwrap();
                if hold {
                    tokio::task::yield_now().await;
                }
                black_box(&*item);
            }
        }
    }
}

/// Each library's defaults, plus Patinox without and deadpool with a 30 s
/// acquire timeout, so that like can be compared with like: `patinox` and
/// `bb8` default to a 30 s timeout, deadpool to none.
const POOLS: [&str; 5] = [
    "patinox",
    "patinox_no_timeout",
    "deadpool",
    "deadpool_timeout",
    "bb8",
];

fn pools(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    let single: Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for name in POOLS {
        let pool = single.block_on(AnyPool::build(name));
        group.bench_function(BenchmarkId::new("uncontended", name), |b| {
            b.iter_custom(|iters| timed(&single, iters, || pool.cycle(false)));
        });
    }

    let multi: Runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    group.throughput(Throughput::Elements(
        (CONTENDING_TASKS * ROUNDS_PER_TASK) as u64,
    ));
    for name in POOLS {
        let pool = multi.block_on(AnyPool::build(name));
        group.bench_function(BenchmarkId::new("64_tasks_8_items", name), |b| {
            b.iter_custom(|iters| timed(&multi, iters, || contend(&pool)));
        });
    }
    group.finish();
}

/// Runs `body` `iters` times inside one `block_on`, so that entering the
/// runtime is not part of what is measured.
fn timed<F: std::future::Future>(runtime: &Runtime, iters: u64, body: impl Fn() -> F) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            body().await;
        }
        start.elapsed()
    })
}

async fn contend(pool: &AnyPool) {
    let tasks: Vec<_> = (0..CONTENDING_TASKS)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for _ in 0..ROUNDS_PER_TASK {
                    pool.cycle(true).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// A configuration worth sharing: a few strings and numbers.
#[derive(Clone)]
struct Settings {
    model: String,
    temperature: f32,
    max_turns: u32,
}

fn settings() -> Settings {
    Settings {
        model: "gpt-4o-mini".into(),
        temperature: 0.2,
        max_turns: 8,
    }
}

fn config(c: &mut Criterion) {
    let mut group = c.benchmark_group("config");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let shared = Arc::new(SharedConfig::new(settings()));
    let locked = Arc::new(RwLock::new(Arc::new(settings())));

    for contended in [false, true] {
        // A second thread reading all the time, as other agents' runs would.
        let stop = Arc::new(AtomicBool::new(false));
        let reader = contended.then(|| {
            let (shared, locked, stop) = (shared.clone(), locked.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    black_box(shared.snapshot().max_turns);
                    black_box(locked.read().unwrap().clone().max_turns);
                }
            })
        });
        let suffix = if contended { "_with_reader_thread" } else { "" };
        group.bench_function(format!("snapshot{suffix}/shared_config"), |b| {
            b.iter(|| black_box(shared.snapshot()).temperature);
        });
        group.bench_function(format!("snapshot{suffix}/rwlock_arc"), |b| {
            b.iter(|| black_box(locked.read().unwrap().clone()).temperature);
        });
        group.bench_function(format!("borrow{suffix}/shared_config"), |b| {
            b.iter(|| shared.read(|s| black_box(s.model.len())));
        });
        group.bench_function(format!("borrow{suffix}/rwlock_arc"), |b| {
            b.iter(|| black_box(locked.read().unwrap().model.len()));
        });
        stop.store(true, Ordering::Relaxed);
        if let Some(reader) = reader {
            reader.join().unwrap();
        }
    }
    group.finish();
}

const KIB: usize = 1024;
const SIZES: [usize; 9] = [
    4 * KIB,
    16 * KIB,
    64 * KIB,
    256 * KIB,
    KIB * KIB,
    4 * KIB * KIB,
    16 * KIB * KIB,
    64 * KIB * KIB,
    256 * KIB * KIB,
];

fn checksum(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0_u64, |sum, &b| sum.wrapping_add(u64::from(b)))
}

fn reads(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("read");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300));
    for size in SIZES {
        let path = dir.path().join(format!("{size}.bin"));
        let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        drop(data);
        let large = size >= 64 * KIB * KIB;
        group
            .sample_size(if large { 10 } else { 20 })
            .measurement_time(Duration::from_secs(if large { 3 } else { 1 }))
            .throughput(Throughput::Bytes(size as u64));
        let label = if size >= KIB * KIB {
            format!("{}MiB", size / KIB / KIB)
        } else {
            format!("{}KiB", size / KIB)
        };
        group.bench_function(BenchmarkId::new("mmap", &label), |b| {
            b.iter(|| checksum(&patinox::memory::MappedFile::open(&path).unwrap()));
        });
        group.bench_function(BenchmarkId::new("buffered", &label), |b| {
            b.iter(|| checksum(&read_file_buffered(&path).unwrap()));
        });
        std::fs::remove_file(&path).unwrap();
    }
    group.finish();
}

criterion_group!(benches, pools, config, reads);
criterion_main!(benches);
