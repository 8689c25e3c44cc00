//! Compile-time behaviour of the macros: every `pass/` case compiles, every
//! `fail/` case fails with exactly the message in its `.stderr` file.
//!
//! Regenerate the `.stderr` files after an intended change with
//! `TRYBUILD=overwrite cargo test -p patinox-ui-tests --test ui`, then read
//! each diff as a user would.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/*/pass/*.rs");
    cases.compile_fail("tests/ui/*/fail/*.rs");
}
