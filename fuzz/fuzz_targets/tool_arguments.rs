//! Tool arguments as a model may write them, decoded the way a `#[tool]`
//! decodes them (strict-mode forms of maps and tuples turned back first):
//! parsed or refused with `ToolError::InvalidArguments`, never a panic.
#![no_main]

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use patinox::__private::GeneratedSpec;
use serde_json::value::RawValue;

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Arguments {
    city: String,
    celsius: Option<f64>,
    days: Vec<u8>,
    counts: HashMap<String, i32>,
    nested: Option<BTreeMap<String, Vec<(u8, String)>>>,
    unit: Unit,
    pair: (i64, bool),
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
enum Unit {
    Celsius,
    Fahrenheit { round: bool },
}

static SPEC: LazyLock<GeneratedSpec> =
    LazyLock::new(|| GeneratedSpec::new::<Arguments>("get_weather", "Weather."));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // What the provider parsers hand a tool: a valid JSON value.
    let Ok(arguments) = RawValue::from_string(text.to_owned()) else {
        return;
    };
    let _ = SPEC.parse_arguments::<Arguments>(&arguments);
});
