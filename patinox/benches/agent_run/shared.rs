//! The workload every client runs: the same conversation, tool and model.

/// The system instructions.
pub const SYSTEM: &str = "You report the weather. Use the tool.";
/// The user's question.
pub const USER: &str = "What is the weather in Paris today?";
/// The model name sent.
pub const MODEL: &str = "gpt-4o-mini";
/// The API key sent (the mock ignores it).
pub const KEY: &str = "Bearer bench-key";
/// The tools of every request, as Patinox serializes `get_weather` below.
pub const TOOLS: &str = r#"[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city.","parameters":{"type":"object","properties":{"city":{"description":"City name.","type":"string"}},"required":["city"],"additionalProperties":false}}}]"#;

/// The tool every client runs between its two model calls.
pub fn weather(city: &str) -> String {
    let mut out = String::new();
    write_weather(&mut out, city);
    out
}

/// [`weather`], into a buffer.
pub fn write_weather(out: &mut String, city: &str) {
    use std::fmt::Write;
    let _ = write!(out, "22 C and sunny in {city}");
}
