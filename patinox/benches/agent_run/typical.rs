//! Baseline (a): a typical hand-written client, reqwest and `serde_json::Value`.

use serde_json::{Value, json};

use crate::shared::{KEY, MODEL, SYSTEM, TOOLS, USER, weather};

/// One shared reqwest client (its pool) and the tools, parsed once.
pub struct Typical {
    client: reqwest::Client,
    url: String,
    tools: Value,
}

impl Typical {
    pub fn new(base: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            client: reqwest::Client::new(),
            url: format!("{base}/v1/chat/completions"),
            tools: serde_json::from_str(TOOLS).expect("tools"),
        }
    }

    async fn post(&self, messages: &[Value]) -> Value {
        let body = json!({"model": MODEL, "messages": messages, "tools": self.tools});
        let response = self
            .client
            .post(&self.url)
            .header("authorization", KEY)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).expect("body"))
            .send()
            .await
            .expect("send");
        assert!(response.status().is_success(), "{}", response.status());
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("json")
    }

    /// One agent run: ask, call the tool, ask again; the answer's length.
    pub async fn run(&self) -> usize {
        let mut messages = vec![
            json!({"role": "system", "content": SYSTEM}),
            json!({"role": "user", "content": USER}),
        ];
        loop {
            let mut response = self.post(&messages).await;
            let message = response["choices"][0]["message"].take();
            let Some(calls) = message["tool_calls"].as_array().cloned() else {
                return message["content"].as_str().expect("content").len();
            };
            messages.push(message);
            for call in calls {
                let arguments: Value =
                    serde_json::from_str(call["function"]["arguments"].as_str().expect("args"))
                        .expect("arguments");
                let output = weather(arguments["city"].as_str().expect("city"));
                messages
                    .push(json!({"role": "tool", "tool_call_id": call["id"], "content": output}));
            }
        }
    }
}
