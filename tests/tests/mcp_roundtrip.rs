//! Our MCP client against our MCP server over streamable HTTP: tools and an
//! agent served, used by another agent, and the name clash rule.

use std::sync::Arc;
use std::time::Duration;

use patinox::PatinoxError;
use patinox::agent::{Agent, Runner};
use patinox::mcp::{AgentTool, McpClient, McpServer, serve_http};
use patinox::model::scripted::ScriptedModel;
use patinox::model::{CompletionResponse, Message};
use patinox::tool::{Tool, ToolSet};
use serde_json::json;
use tokio::sync::oneshot;

struct Served {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<patinox::Result<()>>,
}

impl Served {
    async fn start(tools: Vec<Arc<dyn Tool>>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        let server = McpServer::new(ToolSet::new(tools).unwrap()).with_name("roundtrip");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_http(server, listener, async {
            let _ = stopped.await;
        }));
        Self {
            url,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

fn tools_with_an_agent() -> Vec<Arc<dyn Tool>> {
    let helper = Runner::builder(ScriptedModel::new([CompletionResponse::text("Paris")]))
        .name("geographer")
        .build()
        .unwrap();
    let helper: Arc<dyn Agent> = Arc::new(helper);
    let mut tools = patinox_tests::mcp_fixture_tools();
    tools.push(Arc::new(
        AgentTool::new("geographer", "Answers geography questions.", helper).unwrap(),
    ));
    tools
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_uses_tools_and_an_agent_served_over_http() {
    let tools = tools_with_an_agent();
    let served = Served::start(tools).await;
    let client = McpClient::http(&served.url)
        .prefix("remote")
        .connect()
        .await
        .unwrap();
    let names: Vec<String> = client
        .tools()
        .iter()
        .map(|t| t.spec().name().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "remote_add",
            "remote_shout",
            "remote_wait",
            "remote_geographer"
        ]
    );

    let sum = client
        .call_tool("add", json!({"a": 1, "b": 2}))
        .await
        .unwrap();
    assert_eq!((sum.text.as_str(), sum.is_error), ("3.0", false));

    let model = ScriptedModel::new([
        ScriptedModel::calls(&[
            ("remote_shout", r#"{"text": "hi"}"#),
            ("remote_geographer", r#"{"input": "Capital of France?"}"#),
        ]),
        CompletionResponse::text("done"),
    ]);
    let mut builder = Runner::builder(model);
    for tool in client.tools() {
        builder = builder.shared_tool(tool);
    }
    let result = builder.build().unwrap().run("Go").await.unwrap();
    let results: Vec<(String, bool)> = result
        .messages
        .iter()
        .filter_map(|message| match message {
            Message::Tool {
                content, is_error, ..
            } => Some((content.clone(), *is_error)),
            _ => None,
        })
        .collect();
    assert_eq!(results[0], ("\"HI\"".to_owned(), false));
    // The served agent was never started: its failure is a tool error the
    // model reads, not the end of the run.
    assert!(results[1].1, "{results:?}");
    assert!(results[1].0.contains("not started"), "{results:?}");

    client.close().await.unwrap();
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_started_agent_answers_as_a_tool() {
    let helper = Runner::builder(ScriptedModel::new([CompletionResponse::text("Paris")]))
        .build()
        .unwrap();
    let helper: Arc<dyn Agent> = Arc::new(helper);
    helper.start().await.unwrap();
    let tool = AgentTool::new("geographer", "Answers geography questions.", helper).unwrap();
    let served = Served::start(vec![Arc::new(tool)]).await;
    let client = McpClient::http(&served.url).connect().await.unwrap();
    let answer = client
        .call_tool("geographer", json!({"input": "Capital of France?"}))
        .await
        .unwrap();
    assert_eq!(answer.text, "Paris");
    client.close().await.unwrap();
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_of_the_same_name_clash_unless_prefixed() {
    let served = Served::start(patinox_tests::mcp_fixture_tools()).await;
    let first = McpClient::http(&served.url).connect().await.unwrap();
    let second = McpClient::http(&served.url).connect().await.unwrap();

    let clash = Runner::builder(ScriptedModel::new([]))
        .shared_tool(first.tools()[0].clone())
        .shared_tool(second.tools()[0].clone())
        .build();
    match clash {
        Err(PatinoxError::Configuration(detail)) => {
            assert!(detail.message.contains("`add`"), "{}", detail.message);
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }

    let prefixed = McpClient::http(&served.url)
        .prefix("b")
        .connect()
        .await
        .unwrap();
    let runner = Runner::builder(ScriptedModel::new([]))
        .shared_tool(first.tools()[0].clone())
        .shared_tool(prefixed.tools()[0].clone())
        .build()
        .unwrap();
    let names: Vec<&str> = runner.tools().specs().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["add", "b_add"]);

    for client in [first, second, prefixed] {
        client.close().await.unwrap();
    }
    served.stop().await;
}
