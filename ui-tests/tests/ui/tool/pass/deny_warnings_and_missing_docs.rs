//! Generated tools compile in a crate that denies warnings and missing docs.
#![deny(warnings, missing_docs)]

/// Adds two numbers.
#[patinox::tool]
pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Greets someone.
#[patinox::tool]
pub async fn greet(ctx: &patinox::tool::RunContext, who: String) -> String {
    format!("hello {who} at turn {}", ctx.turn())
}

/// Says nothing.
#[patinox::tool]
pub(crate) fn nothing() {}

fn main() {
    let _ = (add {}, greet {}, nothing {});
    assert_eq!(add(1, 2), 3);
}
