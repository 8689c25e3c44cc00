//! `patinox::memory::SharedConfig`: consistent snapshots under concurrent
//! writes, and agents seeing new configuration on their next run.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod memory_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use memory_support::bounded;
use patinox::agent::Runner;
use patinox::memory::SharedConfig;
use patinox::model::{CompletionResponse, ToolSpec, scripted::ScriptedModel};
use patinox::tool::{RunContext, Tool, ToolResult};
use serde_json::value::RawValue;

#[derive(Debug, Clone, PartialEq)]
struct Settings {
    version: u64,
    // Always `version * 2`: a torn read would break it.
    double: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_see_whole_versions_while_a_writer_publishes() {
    bounded(async {
        let config = Arc::new(SharedConfig::new(Settings {
            version: 0,
            double: 0,
        }));
        let done = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (config, done) = (Arc::clone(&config), Arc::clone(&done));
                tokio::spawn(async move {
                    let mut last = 0;
                    while !done.load(Ordering::SeqCst) {
                        let snapshot = config.snapshot();
                        assert_eq!(snapshot.double, snapshot.version * 2);
                        assert!(snapshot.version >= last, "versions never go back");
                        last = snapshot.version;
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for v in 1..=500 {
            let published = config.update(|old| Settings {
                version: old.version + 1,
                double: (old.version + 1) * 2,
            });
            assert_eq!(published, v);
            tokio::task::yield_now().await;
        }
        done.store(true, Ordering::SeqCst);
        for reader in readers {
            reader.await.unwrap();
        }
        assert_eq!(config.read(|s| s.version), 500);
    })
    .await;
}

/// A tool that answers with the greeting configured when it is called.
struct Greeting(ToolSpec);

#[async_trait]
impl Tool for Greeting {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }

    async fn call(&self, ctx: &RunContext, _arguments: &RawValue) -> ToolResult {
        let config = ctx
            .downcast::<SharedConfig<String>>()
            .expect("the runner's deps are the shared config");
        Ok(config.deps().snapshot().to_string())
    }
}

#[tokio::test]
async fn an_agent_picks_up_new_config_on_its_next_run() {
    // Boxed: two runs' futures held inline pass clippy's `large_futures` size.
    bounded(Box::pin(async {
        let config = Arc::new(SharedConfig::new(String::from("hello")));
        let spec = ToolSpec::new(
            "greeting",
            "The configured greeting.",
            &serde_json::json!({"type": "object", "properties": {}}),
        )
        .unwrap();
        let model = ScriptedModel::new([
            ScriptedModel::call("greeting", "{}"),
            CompletionResponse::text("done"),
            ScriptedModel::call("greeting", "{}"),
            CompletionResponse::text("done"),
        ]);
        let runner = Runner::builder(model)
            .tool(Greeting(spec))
            .deps(Arc::clone(&config))
            .build()
            .unwrap();

        let tool_output = |result: &patinox::agent::RunResult| {
            result
                .messages
                .iter()
                .find_map(|m| match m {
                    patinox::model::Message::Tool { content, .. } => Some(content.clone()),
                    _ => None,
                })
                .unwrap()
        };
        let first = runner.run("greet").await.unwrap();
        assert_eq!(tool_output(&first), "hello");
        config.publish(String::from("bonjour"));
        let second = runner.run("greet").await.unwrap();
        assert_eq!(tool_output(&second), "bonjour");
    }))
    .await;
}
