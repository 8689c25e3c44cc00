//! The two sides of a cassette: a recorder that writes exchanges as they
//! finish, a player that serves them back in order.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::diff::differences;
use super::error::CassetteError;
use super::format::{Answer, CassetteFile, EventRecord, Exchange, VERSION};
use crate::error::{ConfigurationError, PatinoxError, Result};
use crate::model::ResponseStream;
use crate::model::http::redact;

/// Strings never written to a cassette: the given secrets and anything shaped
/// like an `sk-` key. Requests are compared after the same redaction, so a
/// redacted recording still matches.
#[derive(Debug, Clone, Default)]
pub(super) struct Redactor {
    secrets: Vec<SecretString>,
}

impl Redactor {
    pub(super) fn add(&mut self, secret: SecretString) {
        if !secret.expose_secret().is_empty() {
            self.secrets.push(secret);
        }
    }

    /// Redacts every string in `value`, keys of objects included.
    pub(super) fn apply(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.text(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    self.apply(&mut item);
                    map.insert(self.text(&key), item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            out = out.replace(secret.expose_secret(), "[REDACTED]");
        }
        redact(&out, None)
    }
}

/// Writes the whole cassette again after each exchange, so that the file is
/// complete whenever a test stops.
#[derive(Debug)]
pub(super) struct Recorder {
    path: PathBuf,
    model: String,
    exchanges: Mutex<Vec<Exchange>>,
}

impl Recorder {
    pub(super) fn new(path: PathBuf, model: String) -> Self {
        Self {
            path,
            model,
            exchanges: Mutex::new(Vec::new()),
        }
    }

    /// Appends `exchange` and rewrites the file.
    pub(super) fn commit(&self, exchange: Exchange, redactor: &Redactor) -> Result<()> {
        let mut exchanges = self
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        exchanges.push(exchange);
        let mut recorded = serde_json::to_value(&*exchanges)?;
        redactor.apply(&mut recorded);
        let document = Document {
            version: VERSION,
            model: &self.model,
            exchanges: recorded,
        };
        let mut text = serde_json::to_string_pretty(&document)?;
        text.push('\n');
        write_atomically(&self.path, &text)
    }

    /// Records the events of `stream` as they pass; the exchange is written
    /// when [`StreamEvent::Done`](crate::model::StreamEvent::Done) arrives.
    /// A stream that fails or is dropped before is not written.
    pub(super) fn tap(
        self: Arc<Self>,
        request: Value,
        stream: ResponseStream,
        redactor: Arc<Redactor>,
    ) -> ResponseStream {
        let mut events = Vec::new();
        let mut request = Some(request);
        Box::pin(stream.map(move |item| {
            let event = item?;
            events.push(EventRecord::from_event(&event)?);
            if matches!(event, crate::model::StreamEvent::Done(_))
                && let Some(request) = request.take()
            {
                let answer = Answer::Stream(std::mem::take(&mut events));
                self.commit(Exchange { request, answer }, &redactor)?;
            }
            Ok(event)
        }))
    }
}

/// The file as written: the header first, then the exchanges.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    model: &'a str,
    exchanges: Value,
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let unwritable = |err: std::io::Error| -> PatinoxError {
        ConfigurationError::new(format!("cannot write the cassette: {err}"))
            .with_key("cassette")
            .with_origin(path.display().to_string())
            .with_source(err)
            .into()
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(unwritable)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, text).map_err(unwritable)?;
    std::fs::rename(&partial, path).map_err(unwritable)
}

/// Serves the exchanges of a cassette in order.
#[derive(Debug)]
pub(super) struct Player {
    exchanges: Vec<Exchange>,
    next: Mutex<usize>,
}

impl Player {
    pub(super) fn new(file: CassetteFile) -> Self {
        Self {
            exchanges: file.exchanges,
            next: Mutex::new(0),
        }
    }

    /// The next exchange, whose request must be `request`: its number
    /// (from 1) and its recorded answer.
    pub(super) fn answer(
        &self,
        request: &Value,
    ) -> std::result::Result<(usize, &Answer), CassetteError> {
        let index = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let index = *next;
            *next += 1;
            index
        };
        let exchange = index + 1;
        let recorded = self.exchanges.get(index).ok_or(CassetteError::Exhausted {
            exchange,
            recorded: self.exchanges.len(),
        })?;
        let found = differences(&recorded.request, request);
        if found.is_empty() {
            Ok((exchange, &recorded.answer))
        } else {
            Err(CassetteError::Mismatch {
                exchange,
                differences: found,
            })
        }
    }
}
