//! Viua assembly language: lexer, the 0.13 rewrite chain ("cooking"), parser, the verify
//! phase, code generation, static linking, and the disassembler.
//!
//! Data flow (ASSEMBLY.md §1): source text → [`lexer`] raw tokens → [`cook`] (comments and
//! spaces removed, compound tokens glued, `iota`/`default`/wraps/names/nested blocks rewritten,
//! operands canonicalised) → [`assembler`] (gather, parse, verify, generate, link) →
//! [`viua_bytecode::Module`]. [`dis`] goes back from a module to canonical source.
//!
//! Only the first error is reported, as in 0.13; it comes back as a [`diag::Diagnostic`].

pub mod assembler;
pub mod cook;
pub mod diag;
pub mod dis;
pub mod lexer;
pub mod token;

pub use assembler::{assemble, Analyse, Options, Output, WarnFlags};
pub use diag::Diagnostic;
pub use dis::{disassemble, escape_meta, DisOptions};
