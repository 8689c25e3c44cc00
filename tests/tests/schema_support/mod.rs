//! Shared by the `schema_*` tests: the catalogue of parameter types and a
//! checker of OpenAI strict-mode rules.
#![allow(dead_code, unreachable_pub)]

pub mod catalogue;
pub mod rules;
pub mod wire;

/// Parses a pre-serialized schema.
pub fn json(raw: &serde_json::value::RawValue) -> serde_json::Value {
    serde_json::from_str(raw.get()).unwrap()
}
