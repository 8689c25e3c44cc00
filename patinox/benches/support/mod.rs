//! Shared by the provider benches: a loopback mock provider and the bare
//! reqwest + serde_json client used as the baseline.
#![allow(dead_code, unreachable_pub)]

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const RESPONSE: &[u8] =
    include_bytes!("../../../tests/fixtures/openai/chat_completion_text.json");

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering every request with
/// `RESPONSE`, on its own thread so it does not share the clients' runtime.
pub fn start_mock() -> String {
    start_mock_with(|_| RESPONSE)
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering each request with
/// the JSON body `respond` chooses for the request's body, on its own thread.
pub fn start_mock_with(respond: fn(&[u8]) -> &'static [u8]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(serve(socket, respond));
            }
        });
    });
    url
}

async fn serve(mut socket: tokio::net::TcpStream, respond: fn(&[u8]) -> &'static [u8]) {
    let mut buf = Vec::with_capacity(8192);
    let mut read = [0u8; 8192];
    // The reply is rebuilt only when the answer changes.
    let mut reply = Vec::with_capacity(8192);
    let mut replying: Option<&'static [u8]> = None;
    loop {
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&read[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&read[..n]),
            }
        }
        let body = respond(&buf[end + 4..end + 4 + length]);
        if replying.is_none_or(|previous| !std::ptr::eq(previous, body)) {
            reply.clear();
            reply.extend_from_slice(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            reply.extend_from_slice(body);
            replying = Some(body);
        }
        buf.drain(..end + 4 + length);
        if socket.write_all(&reply).await.is_err() {
            return;
        }
    }
}

#[derive(Serialize)]
pub struct BareRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [BareMessage<'a>],
}

#[derive(Serialize)]
pub struct BareMessage<'a> {
    pub role: &'a str,
    pub content: &'a str,
}

#[derive(Deserialize)]
pub struct BareResponse<'a> {
    #[serde(borrow)]
    pub choices: Vec<BareChoice<'a>>,
    pub usage: BareUsage,
}

#[derive(Deserialize)]
pub struct BareChoice<'a> {
    #[serde(borrow)]
    pub message: BareContent<'a>,
    #[serde(borrow)]
    pub finish_reason: std::borrow::Cow<'a, str>,
}

#[derive(Deserialize)]
pub struct BareContent<'a> {
    #[serde(borrow)]
    pub content: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct BareUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The bare client's request: serialize, POST, parse the typed fields.
pub async fn bare_request(
    client: &reqwest::Client,
    url: &str,
    messages: &[BareMessage<'_>],
) -> usize {
    let body = serde_json::to_vec(&BareRequest {
        model: "gpt-4o-mini",
        messages,
    })
    .unwrap();
    let response = client
        .post(url)
        .header("authorization", "Bearer sk-bench")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let parsed: BareResponse<'_> = serde_json::from_slice(&bytes).unwrap();
    let choice = &parsed.choices[0];
    let text = choice.message.content.as_deref().map(str::to_owned);
    text.map_or(0, |t| t.len())
        + choice.finish_reason.len()
        + (parsed.usage.prompt_tokens + parsed.usage.completion_tokens) as usize
}

/// The conversation both clients send.
pub const SYSTEM: &str = "You are a concise weather assistant.";
/// The user's question.
pub const USER: &str = "What is the weather in Paris today?";

/// The bare client's messages.
pub fn bare_messages() -> [BareMessage<'static>; 2] {
    [
        BareMessage {
            role: "system",
            content: SYSTEM,
        },
        BareMessage {
            role: "user",
            content: USER,
        },
    ]
}
