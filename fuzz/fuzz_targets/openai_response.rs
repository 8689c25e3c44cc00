//! An OpenAI (Chat Completions) response body of arbitrary bytes: parsed or
//! refused with a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patinox::model::internals::parse_openai_response;

fuzz_target!(|data: &[u8]| {
    let _ = parse_openai_response(data);
});
