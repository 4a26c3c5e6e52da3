//! Gathering, parsing, the verify phase, code generation and static linking. Stub.
use std::path::PathBuf;

use viua_bytecode::{Module, ModuleKind};

use crate::diag::Diagnostic;

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
    let _ = (path, crate::cook::cook(source)?);
    let kind = if options.library { ModuleKind::Library } else { ModuleKind::Executable };
    Ok(Output { module: Module::new(kind), unit_size: 0, warnings: Vec::new() })
}
