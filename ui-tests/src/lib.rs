//! Compile-time tests of the Patinox macros live in `tests/`.
