//! Cross-crate tests of viua-rs live in `tests/*.rs`: they drive the library APIs of
//! viua-asm and viua-bytecode together (source → module → bytes → module → source).
//!
//! Tests of the `viua` binary itself are in `viua-cli/tests/`, where cargo builds the binary
//! and passes its path in `CARGO_BIN_EXE_viua` (robust against any target directory).
