//! Integration tests of Patinox live in `tests/`; this library holds the
//! helpers they share.
