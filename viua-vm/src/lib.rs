//! The Viua virtual machine: values, the interpreter, processes.
//!
//! # Public API (for `viua run`)
//!
//! ```no_run
//! # let module: viua_bytecode::Module = unimplemented!();
//! let code = viua_vm::run_executable(&module, "prog.bc", vec!["arg".into()],
//!     &mut std::io::stdout(), &mut std::io::stderr());
//! std::process::exit(code);
//! ```
//!
//! [`run_executable`] reads `VIUA_STACKTRACE_SERIALISATION`, `VIUA_STACKTRACE_PRINT_TO` and
//! `VIUA_STACK_TRACES` from the environment; [`run_executable_with`] takes a [`RunConfig`]
//! instead. The module must already be verified (`viua_bytecode::load` does that).
//!
//! For a scheduler: [`load::Program::load`] translates a module once; [`exec::Process`] is a
//! plain `Send` struct advanced by [`exec::Process::step`]`(budget)`, which returns after at
//! most `budget` instructions or when the process finishes or dies ([`exec::StepOutcome`]).
//!
//! # Layout
//! - [`load`]: module → pre-decoded [`load::Insn`]s and literal tables; dynamic import of
//!   bytecode modules into a program;
//! - [`modules`]: the module search, `VIUA_LIBRARY_PATH` and `VIUA_IMPORT`;
//! - [`exec`]: the dispatch loop and one handler file per instruction family;
//! - [`ops`]: pure arithmetic, bits, text and parsing functions;
//! - [`value`]: values (16 bytes each), their print/nested forms and copy rules;
//! - [`exception`], [`report`]: exception objects and uncaught-exception reports.

pub mod embedding;
pub mod exception;
pub mod exec;
pub mod foreign;
pub mod kernel;
pub mod load;
pub mod modules;
pub mod ops;
pub mod output;
pub mod report;
mod run;
pub mod value;

pub use embedding::Embedding;
pub use run::{
    hardware_threads, run_embedded, run_executable, run_executable_with, RunConfig, TraceFormat,
    TraceStream,
};
