//! Procedural macros of Patinox. Use them through the `patinox` crate
//! (`patinox::tool`, `patinox::validator`, `patinox::agent`), which re-exports them.
