//! The assembler back end: gathering, parsing, the verify phase, code generation and static
//! linking (ASSEMBLY.md §1 steps 5–11).
//!
//! Phases, in the reference's order (only the first error is reported):
//! - [`gather`]: nesting, reserved and duplicate names over the cooked token stream;
//! - [`parse`] (top-level items) and [`lines`] (body lines and operands) into a [`unit::Unit`];
//! - [`verify`]: the seven structural checks;
//! - [`precheck`]: the two analyser checks needed until the static analyser exists;
//! - [`link`]: `.import:` resolution, loading linked modules;
//! - [`generate`]: main checks ([`main`]), lowering ([`codegen`]), linking, module assembly
//!   ([`emit`]).

mod codegen;
mod emit;
mod gather;
mod generate;
mod lines;
mod link;
mod main;
mod parse;
mod precheck;
pub mod suggest;
mod syntax;
pub mod unit;
mod verify;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use viua_bytecode::Module;

use crate::diag::Diagnostic;
use crate::token::Token;

/// Which end-of-path lints are switched off (`-Wunused-register`, `-Wunused-value`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarnFlags {
    pub unused_register: bool,
    pub unused_value: bool,
}

/// The static analyser (ANALYSER.md §4), installed from outside so that viua-asm does not
/// depend on the crate implementing it. Called after the verify phase unless `--no-sa`.
pub trait Analyse: std::fmt::Debug {
    /// `source` is the file's text (asides without an anchor token are indented by the whole
    /// source line); `path` is the file name as given.
    fn analyse(
        &self,
        unit: &unit::Unit,
        path: &str,
        source: &str,
        warn: WarnFlags,
    ) -> Result<(), Diagnostic>;
}

/// Assembler options (the flags of the original `asm`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-c`: produce a linkable module.
    pub library: bool,
    /// `--no-sa`: skip the static analyser (the verify phase still runs).
    pub no_sa: bool,
    /// `-Wunused-register`.
    pub warn_unused_register: bool,
    /// `-Wunused-value`.
    pub warn_unused_value: bool,
    /// Record a source position per instruction (off by default, so that assembling a
    /// disassembly gives the same bytes).
    pub debug_info: bool,
    /// Modules named on the command line after the source file, linked statically in order
    /// (paths as given).
    pub link: Vec<String>,
    /// Directories searched for `.import:` modules (`VIUA_LIBRARY_PATH`), in order.
    pub library_path: Vec<PathBuf>,
    /// The static analyser; without one, only the stand-in checks of [`precheck`] run.
    pub analyser: Option<std::sync::Arc<dyn Analyse + Send + Sync>>,
}

/// A successful assembly.
#[derive(Debug, Clone)]
pub struct Output {
    pub module: Module,
    /// Total 0.13-encoded size of the unit's own instructions (`--size`): entry function and
    /// linked code excluded.
    pub unit_size: u64,
    /// Warnings to show (e.g. a statically linked module that defines no functions).
    pub warnings: Vec<Diagnostic>,
}

/// Assembles the source file `path` (as given on the command line; used in messages).
pub fn assemble(path: &str, source: &str, options: &Options) -> Result<Output, Diagnostic> {
    let tokens = crate::cook::cook(source)?;
    assemble_cooked(path, source, &tokens, options)
}

/// Assembles an already cooked token stream (`source` is only used for aside offsets).
pub(crate) fn assemble_cooked(
    path: &str,
    source: &str,
    tokens: &[Token],
    options: &Options,
) -> Result<Output, Diagnostic> {
    gather::gather(tokens)?;
    let source_lines: Vec<&str> = source.split('\n').collect();
    let unit = parse::parse_unit(tokens, &source_lines)?;
    verify::verify(&unit)?;
    match (&options.analyser, options.no_sa) {
        (Some(analyser), false) => {
            let warn = WarnFlags {
                unused_register: options.warn_unused_register,
                unused_value: options.warn_unused_value,
            };
            analyser.analyse(&unit, path, source, warn)?;
            // `void` inputs in code the analyser never walks are still rejected (DECISIONS.md).
            precheck::precheck(&unit, false)?;
        }
        _ => precheck::precheck(&unit, !options.no_sa)?,
    }
    let imports = link::resolve_imports(&unit, &options.library_path)?;
    generate::generate(path, &unit, imports, options)
}
