//! Loading: a verified [`Module`] is translated once into a [`Program`] of pre-decoded
//! [`Insn`]s with every literal decoded into a table and every name resolved that can be.
//!
//! A program grows by dynamic import ([`Program::with_module`], RUNTIME.md §7.3): the new
//! program is the old one with the module's code and literals appended, so every index a
//! running process holds (function, block, literal, name) stays valid in it.

mod extend;
mod hot;
mod insn;
mod translate;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub use hot::{FrameSet, Hot, VOID};
pub use insn::*;
use viua_bytecode::Module;

use crate::foreign::ForeignFunction;
use crate::ops::bits::Bits;
use crate::value::FunctionName;

/// Which code an instruction pointer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRef {
    Function(u32),
    Block(u32),
}

/// A translated function or block. Cloning is cheap (the code is shared).
#[derive(Debug, Clone)]
pub struct Code {
    pub name: String,
    pub code: Arc<[Insn]>,
    /// The hot form of each instruction of `code`.
    pub hot: Arc<[Hot]>,
    /// 0.13 byte offset of each instruction from the start of its module's code (for throw
    /// points), plus one past the end.
    pub offsets: Arc<[u64]>,
    /// Index into [`Program::modules`] of the module the code came from (0: the executable,
    /// statically linked code included).
    pub module: u32,
}

/// A module whose code is part of a program: the executable or a dynamically imported
/// bytecode module (for the `[FUNCTION => PATH {NAME}]` part of throw points, RUNTIME.md §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// `<main>` for the executable, otherwise the module name (`std::functional`).
    pub name: String,
    /// The executable path as given on the command line, or the file the module was loaded
    /// from.
    pub path: String,
    /// A stable per-module number to print as BASE (0 for the executable).
    pub base: u64,
}

/// The name of the executable in [`ModuleInfo::name`].
pub const MAIN_MODULE: &str = "<main>";

/// A loaded executable: code and decoded literal tables, shared read-only by all processes.
///
/// Cloning copies the tables but shares the code of every function and block.
#[derive(Debug, Clone)]
pub struct Program {
    /// The executable path as given on the command line (for stack traces).
    pub path: String,
    /// Functions of the executable, then of each imported module in import order.
    pub functions: Vec<Code>,
    /// Blocks, in the same order as `functions`.
    pub blocks: Vec<Code>,
    /// Function names that code refers to (`function`, `closure`, unresolved callees). After
    /// an import, an entry whose name the module defines carries the new function index.
    pub names: Vec<Arc<FunctionName>>,
    pub floats: Vec<f64>,
    pub strings: Vec<Vec<u8>>,
    /// Decoded text literals; `None` when the bytes are not valid UTF-8.
    pub texts: Vec<Option<Vec<u8>>>,
    pub atoms: Vec<Vec<u8>>,
    pub bits: Vec<Bits>,
    /// Catch tags and undefined block names.
    pub labels: Vec<String>,
    pub entry: Option<u32>,
    /// Index 0: the executable; then each imported bytecode module in import order.
    pub modules: Vec<ModuleInfo>,
    /// Names of the imported modules, bytecode and native (an import of one of them is a
    /// no-op).
    pub loaded_modules: HashSet<String>,
    /// Foreign functions of the imported native modules by name (a later registration of a
    /// name replaces the earlier one, RUNTIME.md §7.3).
    pub foreign: Arc<HashMap<String, Arc<ForeignFunction>>>,
    /// How many imports made this program (the VM's current program has the highest).
    pub generation: u64,
    /// Name → function index, first definition wins (RUNTIME.md §7.3).
    function_names: Arc<HashMap<String, u32>>,
    /// Name → block index, first definition wins.
    block_names: Arc<HashMap<String, u32>>,
}

/// Why a module cannot be loaded (only for modules that did not pass the verifier, or a
/// module that cannot be imported: not linkable, already loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

impl Program {
    /// Translates a module; `path` is how the executable was named on the command line.
    pub fn load(module: &Module, path: &str) -> Result<Program, LoadError> {
        translate::translate(module, path)
    }

    /// A new program: this one plus the functions and blocks of the linkable bytecode module
    /// `module` (already verified), imported under `name` from the file `path`.
    ///
    /// Every index valid in `self` is valid in the result and means the same thing. Names
    /// resolve to the earliest definition: the executable's, then those of modules in import
    /// order, also for calls inside the module. Errors: `module` is not a linkable module, or
    /// a module called `name` is already loaded (see [`Program::is_loaded`]).
    pub fn with_module(
        &self,
        module: &Module,
        name: &str,
        path: &str,
    ) -> Result<Program, LoadError> {
        extend::extend(self, module, name, path)
    }

    /// Decodes, verifies and imports an encoded module (see [`Program::with_module`]).
    /// `Ok(None)`: a module called `name` is already loaded, so the import is a no-op.
    pub fn with_module_bytes(
        &self,
        bytes: &[u8],
        name: &str,
        path: &str,
    ) -> Result<Option<Program>, LoadError> {
        if self.is_loaded(name) {
            return Ok(None);
        }
        let module = viua_bytecode::load(bytes)
            .map_err(|e| LoadError(format!("invalid bytecode module {path}: {e}")))?;
        self.with_module(&module, name, path).map(Some)
    }

    /// A new program: this one with the foreign functions of the native module `name`.
    pub fn with_foreign(&self, name: &str, functions: Vec<ForeignFunction>) -> Program {
        let mut program = self.clone();
        let mut table = (*self.foreign).clone();
        for f in functions {
            table.insert(f.name.clone(), Arc::new(f));
        }
        program.foreign = Arc::new(table);
        program.loaded_modules.insert(name.to_string());
        program
    }

    /// The foreign function a call of `name` runs, when no bytecode function has that name.
    pub fn foreign_function(&self, name: &str) -> Option<&Arc<ForeignFunction>> {
        self.foreign.get(name)
    }

    /// Whether a module (bytecode or native) called `name` has been imported.
    pub fn is_loaded(&self, name: &str) -> bool {
        self.loaded_modules.contains(name)
    }

    #[inline(always)]
    pub fn code(&self, at: CodeRef) -> &Code {
        match at {
            CodeRef::Function(i) => &self.functions[i as usize],
            CodeRef::Block(i) => &self.blocks[i as usize],
        }
    }

    /// The module a function or block came from.
    pub fn module_of(&self, at: CodeRef) -> Option<&ModuleInfo> {
        let code = match at {
            CodeRef::Function(i) => self.functions.get(i as usize),
            CodeRef::Block(i) => self.blocks.get(i as usize),
        }?;
        self.modules.get(code.module as usize)
    }

    /// Index of a function by name (the definition calls resolve to).
    pub fn function_index(&self, name: &str) -> Option<u32> {
        self.resolve_function(name)
    }

    /// The function a call of `name` runs: the executable's, else the earliest imported
    /// module's (RUNTIME.md §7.3). `None`: no bytecode function of that name is loaded.
    pub fn resolve_function(&self, name: &str) -> Option<u32> {
        self.function_names.get(name).copied()
    }

    /// The block `enter`/`catch` of `name` uses, resolved like functions.
    pub fn resolve_block(&self, name: &str) -> Option<u32> {
        self.block_names.get(name).copied()
    }

    /// Run-time resolution of [`Callee::Unknown`]`(n)`: the function `names[n]` now names.
    pub fn resolve_name(&self, n: u32) -> Option<u32> {
        let entry = self.names.get(n as usize)?;
        entry
            .function
            .or_else(|| self.resolve_function(&entry.name))
    }

    /// Run-time resolution of [`BlockRef::Unknown`]`(l)`: the block `labels[l]` now names.
    pub fn resolve_label(&self, l: u32) -> Option<u32> {
        self.resolve_block(self.labels.get(l as usize)?)
    }
}
