//! `patinox::memory::ResourceRegistry`, alone and as the resources an agent
//! closes when it stops.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod memory_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use memory_support::{Counting, bounded, capture_logs, execution_kind};
use patinox::PatinoxError;
use patinox::agent::{Agent, AgentHandle, Health, Runner};
use patinox::error::ExecutionErrorKind;
use patinox::memory::{AsyncResourceGuard, Pool, ResourceRegistry};
use patinox::model::offline::OfflineModel;

type Log = Arc<Mutex<Vec<&'static str>>>;

fn register_ok(registry: &ResourceRegistry, id: &'static str, log: &Log) {
    let log = Arc::clone(log);
    registry
        .register(id, "test", move || async move {
            log.lock().unwrap().push(id);
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn shutdown_closes_newest_first() {
    bounded(async {
        let registry = ResourceRegistry::new();
        let log = Log::default();
        for id in ["config", "database", "cache"] {
            register_ok(&registry, id, &log);
        }
        let report = registry.shutdown(Duration::from_secs(1)).await;
        assert!(report.is_clean());
        assert_eq!(*log.lock().unwrap(), ["cache", "database", "config"]);
        let closed: Vec<_> = report.closed().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(closed, ["cache", "database", "config"]);
        assert!(registry.leak_report().open().is_empty());
    })
    .await;
}

#[tokio::test]
async fn failures_panics_and_overruns_are_reported_and_the_rest_still_close() {
    bounded(async {
        let registry = ResourceRegistry::new();
        let log = Log::default();
        register_ok(&registry, "first", &log);
        registry
            .register("stuck", "socket", || async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(())
            })
            .unwrap();
        registry
            .register("panicky", "file", || async { panic!("close blew up") })
            .unwrap();
        registry
            .register("refusing", "database", || async {
                Err(PatinoxError::validation("transaction still open"))
            })
            .unwrap();
        register_ok(&registry, "last", &log);

        let report = registry.shutdown(Duration::from_millis(50)).await;
        // "first" comes after "stuck", which used up the deadline.
        assert_eq!(*log.lock().unwrap(), ["last"]);
        let failed: Vec<_> = report.failed().iter().map(|(r, _)| r.id.as_str()).collect();
        assert_eq!(failed, ["refusing", "panicky", "stuck", "first"]);

        let err = report.into_result().unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::Cleanup);
        let message = err.to_string();
        for needle in [
            "4 resources failed",
            "`refusing` (database): ",
            "transaction still open",
            "`stuck`",
            "deadline",
        ] {
            assert!(message.contains(needle), "missing {needle:?} in {message}");
        }
    })
    .await;
}

#[tokio::test]
async fn ids_are_unique_and_registration_ends_at_shutdown() {
    bounded(async {
        let registry = ResourceRegistry::new();
        registry
            .register("db", "database", || async { Ok(()) })
            .unwrap();
        let err = registry
            .register("db", "database", || async { Ok(()) })
            .unwrap_err();
        assert!(matches!(err, PatinoxError::Validation(_)), "{err:?}");

        assert!(registry.close("db").await.unwrap());
        assert!(!registry.close("db").await.unwrap());
        registry
            .register("db", "database", || async { Ok(()) })
            .unwrap();

        registry
            .shutdown(Duration::from_secs(1))
            .await
            .into_result()
            .unwrap();
        let err = registry
            .register("late", "file", || async { Ok(()) })
            .unwrap_err();
        assert_eq!(execution_kind(&err), &ExecutionErrorKind::InvalidState);
    })
    .await;
}

#[test]
fn a_registry_dropped_with_open_resources_logs_them() {
    let registry = ResourceRegistry::new();
    registry
        .register("index", "file", || async { Ok(()) })
        .unwrap();
    registry
        .register("cache", "pool", || async { Ok(()) })
        .unwrap();
    assert_eq!(
        registry.leak_report().to_string(),
        "2 resources still open: `index` (file), `cache` (pool)"
    );
    let ((), logs) = capture_logs(|| drop(registry));
    assert!(logs.contains("2 resources still open"), "{logs}");
}

#[tokio::test]
async fn stopping_an_agent_closes_its_pools_and_guards() {
    bounded(async {
        let resources = Arc::new(ResourceRegistry::new());
        let manager = Counting::default();
        let pool = Pool::builder(manager.clone()).max_size(2).build().unwrap();
        resources
            .register_pool("connections", pool.clone())
            .unwrap();
        let log = Log::default();
        let guard = AsyncResourceGuard::new(Arc::clone(&log), |log| async move {
            log.lock().unwrap().push("flushed");
            Ok(())
        });
        resources
            .register_guard("transcript", "file", guard)
            .unwrap();

        let agent = Runner::builder(OfflineModel::new())
            .resources(Arc::clone(&resources))
            .build()
            .unwrap();
        let agent = AgentHandle::new(agent).start().await.unwrap();
        drop(pool.get().await.unwrap());
        agent.run("Hello").await.unwrap();
        agent.stop().await.unwrap();

        assert!(pool.is_closed());
        manager.tracker.assert_all_dropped_once();
        assert_eq!(*log.lock().unwrap(), ["flushed"]);
        assert!(resources.leak_report().open().is_empty());
    })
    .await;
}

#[tokio::test]
async fn stop_names_the_resources_that_did_not_close() {
    bounded(async {
        let resources = Arc::new(ResourceRegistry::new());
        resources
            .register("vector store", "database", || async {
                Err(PatinoxError::validation("flush failed"))
            })
            .unwrap();
        let agent = Runner::builder(OfflineModel::new())
            .resources(resources)
            .shutdown_deadline(Duration::from_secs(1))
            .build()
            .unwrap();
        agent.start().await.unwrap();
        let err = agent.stop().await.unwrap_err();
        assert!(
            err.to_string().contains("`vector store` (database)"),
            "{err}"
        );
        assert!(
            matches!(agent.health().await, Health::Unhealthy(_)),
            "stopped anyway"
        );
    })
    .await;
}
