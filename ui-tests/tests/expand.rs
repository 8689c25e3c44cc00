//! Expansion snapshots of the macros (macrotest, which drives `cargo expand`).
//!
//! Each `tests/expand/*.rs` file has its expansion beside it as
//! `*.expanded.rs`. Regenerate after an intended change with
//! `MACROTEST=overwrite cargo test -p patinox-ui-tests --test expand`.
//!
//! Without `cargo-expand` installed the test prints a notice and passes,
//! except in CI (`CI` set), where it must run: `.ci/run` installs it.

#[test]
fn expansions() {
    let have_expand = std::process::Command::new("cargo")
        .args(["expand", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !have_expand {
        assert!(
            std::env::var_os("CI").is_none(),
            "cargo-expand is required in CI: install it with `cargo install cargo-expand --locked`"
        );
        eprintln!(
            "note: skipping macro expansion snapshots; install cargo-expand to run them \
             (`cargo install cargo-expand --locked`)"
        );
        return;
    }
    macrotest::expand("tests/expand/*.rs");
}
