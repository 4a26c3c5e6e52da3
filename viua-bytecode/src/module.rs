//! The module container: what a `.bc` / `.module` file holds (RUNTIME.md §11).
//!
//! Everything is plain data in `Vec`s (never hash maps), so encoding is deterministic: the same
//! module always serialises to the same bytes.

use serde::{Deserialize, Serialize};

use crate::opcode::Opcode;

/// The magic bytes at the start of every file.
pub const MAGIC: [u8; 4] = *b"VIUA";

/// Version of the container layout; bumped on every incompatible change.
pub const FORMAT_VERSION: u16 = 1;

/// Executable (runnable, has `__entry`) or linkable module (`asm -c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleKind {
    Executable,
    Library,
}

/// A register set (ISA-CONTROL.md §1.2). `ClosureLocal` cannot be named in source; it is the
/// implied set of the closure-slot operand of the capture instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterSet {
    Local,
    Static,
    Global,
    Arguments,
    Parameters,
}

impl RegisterSet {
    /// The source spelling of the set.
    pub fn name(self) -> &'static str {
        match self {
            RegisterSet::Local => "local",
            RegisterSet::Static => "static",
            RegisterSet::Global => "global",
            RegisterSet::Arguments => "arguments",
            RegisterSet::Parameters => "parameters",
        }
    }

    /// Parses a set name as written in source.
    pub fn from_name(word: &str) -> Option<RegisterSet> {
        Some(match word {
            "local" => RegisterSet::Local,
            "static" => RegisterSet::Static,
            "global" => RegisterSet::Global,
            "arguments" => RegisterSet::Arguments,
            "parameters" => RegisterSet::Parameters,
            _ => return None,
        })
    }
}

/// How a register operand is accessed (ASSEMBLY.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Access {
    /// `%N`: the register itself.
    Direct,
    /// `*N`: the value the pointer in register N points to.
    Pointer,
    /// `@N`: the register whose index is the integer in register N.
    Reference,
}

impl Access {
    /// The sigil that introduces the operand in source.
    pub fn sigil(self) -> char {
        match self {
            Access::Direct => '%',
            Access::Pointer => '*',
            Access::Reference => '@',
        }
    }
}

/// A register operand: index, set and access mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegisterRef {
    pub access: Access,
    pub set: RegisterSet,
    pub index: u16,
}

/// A timeout of `join`, `receive` and `io_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Timeout {
    Infinity,
    /// Milliseconds (`3s` is stored as 3000; at most [`crate::limits::MAX_TIMEOUT_MS`]).
    Millis(u32),
}

/// Index into [`Module::constants`].
pub type ConstIndex = u32;

/// One operand of an instruction. Which variants may appear where is given by the opcode's
/// shape ([`Opcode::shape`]) and checked by the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    Register(RegisterRef),
    Void,
    /// A count written as `%N` (`frame`, `allocate_registers`, the pack count of `vector`).
    Count(u16),
    /// The closure-local index of `capture`/`capturecopy`/`capturemove`.
    ClosureSlot(u16),
    Integer(i32),
    Float(f64),
    Bool(bool),
    Timeout(Timeout),
    /// A text literal body, undecoded ([`Constant::Bytes`]); also the `string` literal and the
    /// `catch` type name.
    Text(ConstIndex),
    /// An atom literal body, undecoded ([`Constant::Bytes`]).
    Atom(ConstIndex),
    /// A bit string, most significant byte first ([`Constant::Bytes`]).
    Bits(ConstIndex),
    /// A function name ([`Constant::Name`]).
    Function(ConstIndex),
    /// A block name ([`Constant::Name`]).
    Block(ConstIndex),
    /// A module name ([`Constant::Name`]).
    Module(ConstIndex),
    /// A jump target: an instruction index within the same function or block.
    Jump(u32),
}

/// An entry of the constant pool. Equal constants are stored once, in order of first use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Constant {
    /// Literal bytes (text, string, atom, bits, exception type names).
    Bytes(Vec<u8>),
    /// A function, block or module name.
    Name(String),
}

/// One instruction: an opcode and its operands in canonical order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instruction {
    pub opcode: Opcode,
    pub operands: Vec<Operand>,
}

/// Whether a function was written as `.function:` or `.closure:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionKind {
    Function,
    Closure,
}

/// Source position of an instruction (1-based line and byte column), kept only when the
/// assembler is asked for debug information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePos {
    pub line: u32,
    pub column: u32,
}

/// A function or closure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// Full name including arity, e.g. `main/0`, `log/` (stored exactly as written).
    pub name: String,
    /// The arity after the `/`; `None` for `name/` (any number of arguments).
    pub arity: Option<u16>,
    pub kind: FunctionKind,
    /// Index into [`Module::linked`] when the code was statically linked from another module.
    pub linked_from: Option<u32>,
    pub code: Vec<Instruction>,
    /// One position per instruction, or empty.
    pub debug: Vec<SourcePos>,
}

/// A block (entered with `enter` or registered with `catch`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub name: String,
    /// Index into [`Module::linked`] when the code was statically linked from another module.
    pub linked_from: Option<u32>,
    pub code: Vec<Instruction>,
    /// One position per instruction, or empty.
    pub debug: Vec<SourcePos>,
}

/// A statically linked module: the path it was linked from, as given to the assembler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedModule {
    pub path: String,
}

/// A whole bytecode file.
///
/// Code layout (ASSEMBLY.md §3.12): the unit's blocks, then its functions, then its closures,
/// then `__entry` (executables), then the code of each statically linked module in link order.
/// Blocks and functions are kept in two tables, each in that order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub kind: ModuleKind,
    /// `.info:` pairs, sorted by key, keys unique.
    pub meta: Vec<(String, String)>,
    /// `.signature:` names in source order.
    pub signatures: Vec<String>,
    /// `.bsignature:` names in source order.
    pub block_signatures: Vec<String>,
    /// Modules to load at start-up (`.import: [[dynamic]]`, transitively), in order.
    pub dynamic_imports: Vec<String>,
    /// Function names the code calls that come from dynamically imported bytecode modules
    /// (known at assembly time, so they are not "undefined"); sorted.
    pub imported_functions: Vec<String>,
    /// Statically linked modules in link order.
    pub linked: Vec<LinkedModule>,
    pub constants: Vec<Constant>,
    pub blocks: Vec<Block>,
    pub functions: Vec<Function>,
    /// Index into [`Module::functions`] of `__entry` (executables only).
    pub entry: Option<u32>,
}

impl Module {
    /// An empty module of the given kind.
    pub fn new(kind: ModuleKind) -> Module {
        Module {
            kind,
            meta: Vec::new(),
            signatures: Vec::new(),
            block_signatures: Vec::new(),
            dynamic_imports: Vec::new(),
            imported_functions: Vec::new(),
            linked: Vec::new(),
            constants: Vec::new(),
            blocks: Vec::new(),
            functions: Vec::new(),
            entry: None,
        }
    }

    /// The constant at `index`, if any.
    pub fn constant(&self, index: ConstIndex) -> Option<&Constant> {
        self.constants.get(index as usize)
    }

    /// The bytes of a [`Constant::Bytes`] constant.
    pub fn bytes(&self, index: ConstIndex) -> Option<&[u8]> {
        match self.constant(index)? {
            Constant::Bytes(b) => Some(b),
            Constant::Name(_) => None,
        }
    }

    /// The text of a [`Constant::Name`] constant.
    pub fn name(&self, index: ConstIndex) -> Option<&str> {
        match self.constant(index)? {
            Constant::Name(n) => Some(n),
            Constant::Bytes(_) => None,
        }
    }

    /// Adds a constant (or finds an equal one) and returns its index.
    pub fn intern(&mut self, constant: Constant) -> ConstIndex {
        if let Some(i) = self.constants.iter().position(|c| *c == constant) {
            return i as ConstIndex;
        }
        self.constants.push(constant);
        (self.constants.len() - 1) as ConstIndex
    }

    /// Looks a function up by name.
    pub fn function_index(&self, name: &str) -> Option<usize> {
        self.functions.iter().position(|f| f.name == name)
    }

    /// Looks a block up by name.
    pub fn block_index(&self, name: &str) -> Option<usize> {
        self.blocks.iter().position(|b| b.name == name)
    }
}
