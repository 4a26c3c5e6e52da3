//! Loading: a verified [`Module`] is translated once into a [`Program`] of pre-decoded
//! [`Insn`]s with every literal decoded into a table and every name resolved that can be.

mod hot;
mod insn;
mod translate;

use std::sync::Arc;

pub use hot::{FrameSet, Hot, VOID};
pub use insn::*;
use viua_bytecode::Module;

use crate::ops::bits::Bits;
use crate::value::FunctionName;

/// Which code an instruction pointer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRef {
    Function(u32),
    Block(u32),
}

/// A translated function or block.
#[derive(Debug)]
pub struct Code {
    pub name: String,
    pub code: Box<[Insn]>,
    /// The hot form of each instruction of `code`.
    pub hot: Box<[Hot]>,
    /// 0.13 byte offset of each instruction in the module (for throw points).
    pub offsets: Box<[u64]>,
}

/// A loaded executable: code and decoded literal tables, shared read-only by all processes.
#[derive(Debug)]
pub struct Program {
    /// The executable path as given on the command line (for stack traces).
    pub path: String,
    pub functions: Vec<Code>,
    pub blocks: Vec<Code>,
    /// Function names that code refers to (`function`, `closure`, unresolved callees).
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
}

/// Why a module cannot be loaded (only for modules that did not pass the verifier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Program {
    /// Translates a module; `path` is how the executable was named on the command line.
    pub fn load(module: &Module, path: &str) -> Result<Program, LoadError> {
        translate::translate(module, path)
    }

    #[inline]
    pub fn code(&self, at: CodeRef) -> &Code {
        match at {
            CodeRef::Function(i) => &self.functions[i as usize],
            CodeRef::Block(i) => &self.blocks[i as usize],
        }
    }

    /// Index of a function by name.
    pub fn function_index(&self, name: &str) -> Option<u32> {
        self.functions
            .iter()
            .position(|f| f.name == name)
            .map(|i| i as u32)
    }
}
