//! Baseline (b): the leanest correct client we can write. hyper directly,
//! one connection per worker reused for every request, request bodies
//! serialized from borrowed structs into a reused buffer, responses read into
//! reused buffers and parsed into borrowing structs.

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::{BufMut, Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::shared::{KEY, MODEL, SYSTEM, TOOLS, USER, write_weather};

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [Msg<'a>],
    tools: &'a RawValue,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
}

#[derive(Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
enum Msg<'a> {
    System {
        content: &'a str,
    },
    User {
        content: &'a str,
    },
    Assistant {
        content: Option<&'a str>,
        tool_calls: &'a [Call<'a>],
    },
    Tool {
        tool_call_id: &'a str,
        content: &'a str,
    },
}

#[derive(Serialize, Deserialize)]
struct Call<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    function: Function<'a>,
}

#[derive(Serialize, Deserialize)]
struct Function<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    arguments: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ChatResponse<'a> {
    #[serde(borrow)]
    choices: [Choice<'a>; 1],
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    message: Answer<'a>,
}

#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<Call<'a>>>,
}

#[derive(Deserialize)]
struct Arguments<'a> {
    #[serde(borrow)]
    city: Cow<'a, str>,
}

/// Shared by every worker: where to connect and the constant header values.
pub struct Lean {
    addr: SocketAddr,
    host: HeaderValue,
    tools: Box<RawValue>,
}

/// One connection and its buffers, owned by one worker.
pub struct Worker {
    sender: SendRequest<Full<Bytes>>,
    request: BytesMut,
    first: Vec<u8>,
    second: Vec<u8>,
    tool_output: String,
    /// What the two streamed answers of a run assemble.
    streamed: [Streamed; 2],
}

impl Lean {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            host: HeaderValue::from_str(&addr.to_string()).expect("host"),
            tools: RawValue::from_string(TOOLS.to_owned()).expect("tools"),
        }
    }

    pub async fn worker(&self) -> Worker {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::task::spawn_local(connection);
        Worker {
            sender,
            request: BytesMut::with_capacity(2048),
            first: Vec::with_capacity(2048),
            second: Vec::with_capacity(2048),
            tool_output: String::with_capacity(64),
            streamed: Default::default(),
        }
    }

    /// Serializes `messages` and POSTs them; the response's body.
    async fn send(
        &self,
        sender: &mut SendRequest<Full<Bytes>>,
        request: &mut BytesMut,
        messages: &[Msg<'_>],
        stream: bool,
    ) -> hyper::body::Incoming {
        let body = ChatRequest {
            model: MODEL,
            messages,
            tools: &self.tools,
            stream,
        };
        let mut writer = request.writer();
        serde_json::to_writer(&mut writer, &body).expect("serialize");
        let bytes = writer.into_inner().split().freeze();
        let request = Request::builder()
            .method(Method::POST)
            .uri("/v1/chat/completions")
            .header(HOST, self.host.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, HeaderValue::from_static(KEY))
            .body(Full::new(bytes))
            .expect("request");
        sender.ready().await.expect("ready");
        let response = sender.send_request(request).await.expect("send");
        assert!(response.status().is_success(), "{}", response.status());
        response.into_body()
    }

    /// Serializes `messages` and POSTs them; the response body lands in `into`.
    async fn post(
        &self,
        sender: &mut SendRequest<Full<Bytes>>,
        request: &mut BytesMut,
        messages: &[Msg<'_>],
        into: &mut Vec<u8>,
    ) {
        let mut body = self.send(sender, request, messages, false).await;
        into.clear();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.expect("body").into_data() {
                into.extend_from_slice(&data);
            }
        }
    }

    /// One agent run: ask, call the tool, ask again; the answer's length.
    pub async fn run(&self, worker: &mut Worker) -> usize {
        let Worker {
            sender,
            request,
            first,
            second,
            tool_output,
            ..
        } = worker;
        let question = [Msg::System { content: SYSTEM }, Msg::User { content: USER }];
        self.post(sender, request, &question, first).await;
        let response: ChatResponse<'_> = serde_json::from_slice(first).expect("response");
        let [choice] = response.choices;
        let calls = choice.message.tool_calls.expect("a tool call");
        let call = &calls[0];
        let arguments: Arguments<'_> =
            serde_json::from_str(&call.function.arguments).expect("arguments");
        tool_output.clear();
        write_weather(tool_output, &arguments.city);
        let messages = [
            Msg::System { content: SYSTEM },
            Msg::User { content: USER },
            Msg::Assistant {
                content: None,
                tool_calls: &calls,
            },
            Msg::Tool {
                tool_call_id: &call.id,
                content: tool_output,
            },
        ];
        self.post(sender, request, &messages, second).await;
        let response: ChatResponse<'_> = serde_json::from_slice(second).expect("response");
        let [choice] = response.choices;
        choice.message.content.expect("an answer").len()
    }
}

/// A streamed answer, assembled from its deltas in reused buffers.
#[derive(Default)]
pub struct Streamed {
    /// An incomplete line carried over from the previous frame.
    line: Vec<u8>,
    answer: Assembled,
}

#[derive(Default)]
struct Assembled {
    text: String,
    call_id: String,
    call_name: String,
    arguments: String,
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow)]
    choices: Vec<ChunkChoice<'a>>,
}

#[derive(Deserialize)]
struct ChunkChoice<'a> {
    #[serde(borrow)]
    delta: Delta<'a>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool_calls: Option<Vec<CallDelta<'a>>>,
}

#[derive(Deserialize)]
struct CallDelta<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    function: Option<FunctionDelta<'a>>,
}

#[derive(Deserialize)]
struct FunctionDelta<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arguments: Option<Cow<'a, str>>,
}

impl Assembled {
    /// One line of the stream: a `data:` chunk's deltas appended; other
    /// lines and `[DONE]` ignored.
    fn on_line(&mut self, line: &[u8]) {
        let Some(data) = line.strip_prefix(b"data: ") else {
            return;
        };
        if data == b"[DONE]" {
            return;
        }
        let chunk: Chunk<'_> = serde_json::from_slice(data).expect("chunk");
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content {
                self.text.push_str(&text);
            }
            for call in choice.delta.tool_calls.into_iter().flatten() {
                if let Some(id) = call.id {
                    self.call_id.push_str(&id);
                }
                if let Some(function) = call.function {
                    if let Some(name) = function.name {
                        self.call_name.push_str(&name);
                    }
                    if let Some(arguments) = function.arguments {
                        self.arguments.push_str(&arguments);
                    }
                }
            }
        }
    }
}

impl Streamed {
    fn clear(&mut self) {
        self.line.clear();
        let Assembled {
            text,
            call_id,
            call_name,
            arguments,
        } = &mut self.answer;
        for buffer in [text, call_id, call_name, arguments] {
            buffer.clear();
        }
    }

    /// The complete lines of `bytes`, decoded; the rest kept for the next frame.
    fn feed(&mut self, mut bytes: &[u8]) {
        while let Some(end) = memchr::memchr(b'\n', bytes) {
            if self.line.is_empty() {
                self.answer.on_line(&bytes[..end]);
            } else {
                self.line.extend_from_slice(&bytes[..end]);
                self.answer.on_line(&self.line);
                self.line.clear();
            }
            bytes = &bytes[end + 1..];
        }
        self.line.extend_from_slice(bytes);
    }
}

impl Lean {
    /// Serializes `messages`, POSTs them for a stream and decodes it into `into`.
    async fn post_stream(
        &self,
        sender: &mut SendRequest<Full<Bytes>>,
        request: &mut BytesMut,
        messages: &[Msg<'_>],
        into: &mut Streamed,
    ) {
        let mut body = self.send(sender, request, messages, true).await;
        into.clear();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.expect("body").into_data() {
                into.feed(&data);
            }
        }
    }

    /// One streaming agent run: the same exchange as [`Lean::run`], each
    /// answer streamed and decoded as it arrives; the answer's length.
    pub async fn run_stream(&self, worker: &mut Worker) -> usize {
        let Worker {
            sender,
            request,
            tool_output,
            streamed,
            ..
        } = worker;
        let [first, second] = streamed;
        let question = [Msg::System { content: SYSTEM }, Msg::User { content: USER }];
        self.post_stream(sender, request, &question, first).await;
        let call = &first.answer;
        let arguments: Arguments<'_> = serde_json::from_str(&call.arguments).expect("arguments");
        tool_output.clear();
        write_weather(tool_output, &arguments.city);
        let calls = [Call {
            id: Cow::Borrowed(&call.call_id),
            kind: Cow::Borrowed("function"),
            function: Function {
                name: Cow::Borrowed(&call.call_name),
                arguments: Cow::Borrowed(&call.arguments),
            },
        }];
        let messages = [
            Msg::System { content: SYSTEM },
            Msg::User { content: USER },
            Msg::Assistant {
                content: None,
                tool_calls: &calls,
            },
            Msg::Tool {
                tool_call_id: &call.call_id,
                content: tool_output,
            },
        ];
        // The second answer goes to its own buffers: the request borrows the first.
        self.post_stream(sender, request, &messages, second).await;
        second.answer.text.len()
    }
}
