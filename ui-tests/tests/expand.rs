//! Expansion snapshots of the macros (macrotest, which drives `cargo expand`).
//!
//! Each `tests/expand/*.rs` file has its expansion beside it as
//! `*.expanded.rs`; a missing one fails the test. Write or regenerate them
//! after an intended change with
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
    // One macrotest run per file: macrotest names each file's binary by its
    // position in the run (`macrotest001`, ...), and derives such as
    // `JsonSchema` bake that name into their expansion through `module_path!()`.
    // Run alone, every file is `macrotest001`, so adding a file does not
    // change the snapshots of the others.
    let mut files: Vec<_> = std::fs::read_dir("tests/expand")
        .expect("tests/expand exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !path.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no expansion tests found in tests/expand"
    );
    // A missing or different snapshot fails; only `MACROTEST=overwrite`
    // writes snapshots (`expand_without_refresh` would refuse to).
    let overwrite = std::env::var_os("MACROTEST").is_some_and(|v| v == "overwrite");
    for file in files {
        if overwrite {
            macrotest::expand(&file);
        } else {
            macrotest::expand_without_refresh(&file);
        }
    }
}
