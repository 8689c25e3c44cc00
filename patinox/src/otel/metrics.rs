//! The GenAI client histograms, `gen_ai.client.token.usage` and
//! `gen_ai.client.operation.duration`, recorded once per model call.
//!
//! The instruments are created once, when an [`Otel`](super::Otel) is built,
//! and published here; a model call takes them with one atomic load and
//! records at its end, from the response the run already holds. With no
//! exporter installed, nothing is measured.

use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwapOption;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Histogram, Meter};

use crate::model::{CompletionResponse, ModelId};

/// The instruments of the installed exporter, if any.
static INSTRUMENTS: ArcSwapOption<Instruments> = ArcSwapOption::const_empty();

/// Bucket boundaries the GenAI conventions advise for token counts.
const TOKEN_BOUNDARIES: [f64; 14] = [
    1.0,
    4.0,
    16.0,
    64.0,
    256.0,
    1024.0,
    4096.0,
    16384.0,
    65536.0,
    262_144.0,
    1_048_576.0,
    4_194_304.0,
    16_777_216.0,
    67_108_864.0,
];

/// Bucket boundaries the GenAI conventions advise for durations, in seconds.
const DURATION_BOUNDARIES: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// The two histograms.
pub(super) struct Instruments {
    token_usage: Histogram<u64>,
    duration: Histogram<f64>,
}

impl Instruments {
    pub(super) fn new(meter: &Meter) -> Self {
        Self {
            token_usage: meter
                .u64_histogram("gen_ai.client.token.usage")
                .with_unit("{token}")
                .with_description("Number of input and output tokens used.")
                .with_boundaries(TOKEN_BOUNDARIES.to_vec())
                .build(),
            duration: meter
                .f64_histogram("gen_ai.client.operation.duration")
                .with_unit("s")
                .with_description("GenAI operation duration.")
                .with_boundaries(DURATION_BOUNDARIES.to_vec())
                .build(),
        }
    }
}

/// Makes `instruments` the ones model calls record to (`None`: stop recording).
pub(super) fn install(instruments: Option<Arc<Instruments>>) {
    INSTRUMENTS.store(instruments);
}

/// A model call being measured.
pub(crate) struct Started {
    instruments: Arc<Instruments>,
    at: Instant,
}

/// The start of a model call, when an exporter is installed.
pub(crate) fn start() -> Option<Started> {
    INSTRUMENTS.load_full().map(|instruments| Started {
        instruments,
        at: Instant::now(),
    })
}

impl Started {
    /// Records the call's duration and, when it answered, its tokens by
    /// type. `outcome` is the response, or the call's `error.type`.
    pub(crate) fn record(
        self,
        model: &ModelId,
        outcome: Result<&CompletionResponse, &'static str>,
    ) {
        let seconds = self.at.elapsed().as_secs_f64();
        let mut attributes = vec![
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.provider.name", model.provider().to_owned()),
            KeyValue::new("gen_ai.request.model", model.model().to_owned()),
        ];
        let response = match outcome {
            Ok(response) => response,
            Err(error_type) => {
                attributes.push(KeyValue::new("error.type", error_type));
                self.instruments.duration.record(seconds, &attributes);
                return;
            }
        };
        if let Some(model) = &response.model {
            attributes.push(KeyValue::new("gen_ai.response.model", model.clone()));
        }
        self.instruments.duration.record(seconds, &attributes);
        let usage = &response.usage;
        for (token_type, count) in [
            ("input", usage.input_tokens),
            ("output", usage.output_tokens),
        ] {
            attributes.push(KeyValue::new("gen_ai.token.type", token_type));
            self.instruments.token_usage.record(count, &attributes);
            attributes.pop();
        }
    }
}
