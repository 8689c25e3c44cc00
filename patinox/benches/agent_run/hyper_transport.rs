//! A prototype, not a product: Patinox's agent loop, request serialization
//! and retry wrapper over a transport of our own on hyper 1 instead of
//! reqwest. It measures what such a transport would save (BENCHMARKS.md,
//! "A transport of our own"): plain HTTP/1.1 only, no TLS, no proxy, no
//! redirects, no HTTP/2, no timeouts. The pool is a stack of idle
//! connections: a request takes one (or connects), and puts it back once the
//! response body has been read, so a worker's next request finds it.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Mutex;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use patinox::PatinoxError;
use patinox::agent::Runner;
use patinox::error::{NetworkError, NetworkErrorKind};
use patinox::model::chat_completions::{self, ChatCompletionsModel};
use patinox::model::retry::{RetryModel, RetryPolicy};
use patinox::model::{
    CompletionRequest, CompletionResponse, FinishReason, LanguageModel, ModelId, ProviderConfig,
    ResponseStream, ToolCall, Usage,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::shared::{KEY, MODEL, SYSTEM};

/// The OpenAI model over the prototype transport.
pub struct HyperModel {
    /// Serializes requests exactly as the library's client does.
    wire: ChatCompletionsModel,
    addr: SocketAddr,
    host: HeaderValue,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

fn failed(what: impl std::fmt::Display) -> PatinoxError {
    NetworkError::new(NetworkErrorKind::Interrupted, what.to_string()).into()
}

impl HyperModel {
    fn new(base: &str) -> Self {
        let config = ProviderConfig::new()
            .api_key("bench-key")
            .base_url(format!("{base}/v1"));
        let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
        Self {
            wire: chat_completions::model(MODEL, config).unwrap(),
            addr,
            host: HeaderValue::from_str(&addr.to_string()).unwrap(),
            idle: Mutex::new(Vec::new()),
        }
    }

    async fn connection(&self) -> patinox::Result<SendRequest<Full<Bytes>>> {
        let idle = self.idle.lock().unwrap().pop();
        if let Some(sender) = idle.filter(|s| !s.is_closed()) {
            return Ok(sender);
        }
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(failed)?;
        stream.set_nodelay(true).map_err(failed)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(failed)?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// POSTs `body`; the response body, read whole.
    async fn post(&self, body: Vec<u8>) -> patinox::Result<Bytes> {
        let mut sender = self.connection().await?;
        let request = Request::builder()
            .method(Method::POST)
            .uri("/v1/chat/completions")
            .header(HOST, self.host.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, HeaderValue::from_static(KEY))
            .body(Full::new(Bytes::from(body)))
            .map_err(failed)?;
        sender.ready().await.map_err(failed)?;
        let response = sender.send_request(request).await.map_err(failed)?;
        if !response.status().is_success() {
            return Err(failed(response.status()));
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(failed)?
            .to_bytes();
        self.idle.lock().unwrap().push(sender);
        Ok(bytes)
    }
}

#[async_trait]
impl LanguageModel for HyperModel {
    fn id(&self) -> &ModelId {
        self.wire.id()
    }

    async fn complete(
        &self,
        request: CompletionRequest<'_>,
    ) -> patinox::Result<CompletionResponse> {
        let body = self.wire.request_body(&request, false)?;
        let bytes = self.post(body).await?;
        parse(&bytes)
    }

    async fn stream(&self, _: CompletionRequest<'_>) -> patinox::Result<ResponseStream> {
        Err(failed("the prototype does not stream"))
    }
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    choices: [Choice<'a>; 1],
    usage: WireUsage,
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
struct Call<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    function: Function<'a>,
}

#[derive(Deserialize)]
struct Function<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    arguments: Cow<'a, str>,
}

#[derive(Deserialize)]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// The fields a run needs, into the library's response type.
fn parse(bytes: &[u8]) -> patinox::Result<CompletionResponse> {
    let response: Response<'_> = serde_json::from_slice(bytes)?;
    let [choice] = response.choices;
    let calls = choice.message.tool_calls.unwrap_or_default();
    let tool_calls = calls
        .into_iter()
        .map(|call| {
            Ok(ToolCall {
                id: call.id.into_owned(),
                name: call.function.name.into_owned(),
                arguments: RawValue::from_string(call.function.arguments.into_owned())?,
            })
        })
        .collect::<patinox::Result<Vec<_>>>()?;
    let mut out = CompletionResponse::tool_calls(tool_calls);
    if out.tool_calls.is_empty() {
        out.finish_reason = FinishReason::Stop;
    }
    out.content = choice.message.content.map(Cow::into_owned);
    out.usage = Usage::new(
        response.usage.prompt_tokens,
        response.usage.completion_tokens,
    );
    out.model = response.model.map(Cow::into_owned);
    Ok(out)
}

/// The same runner as `patinox_client::runner`, over the prototype transport.
pub fn runner(base: &str) -> Runner {
    Runner::builder(RetryModel::new(
        HyperModel::new(base),
        RetryPolicy::default(),
    ))
    .instructions(SYSTEM)
    .tool(crate::patinox_client::get_weather {})
    .build()
    .expect("runner")
}
