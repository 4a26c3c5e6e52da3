//! The bytecode verifier: everything the VM relies on, checked before a module runs.
//!
//! The VM loads untrusted files (DECISIONS.md: "loading verifies bytecode before running it"),
//! so after [`verify`] succeeds the VM may treat every violation of these rules as its own bug
//! (`debug_assert!`, STYLE.md §2) rather than a run-time error:
//!
//! - every instruction's operands match its opcode's canonical shape ([`Opcode::shape`]) in
//!   number and kind; constant indexes are in range and of the kind the operand needs; names
//!   are well-formed; timeouts are within [`limits::MAX_TIMEOUT_MS`] (`operand.rs`);
//! - jump targets stay inside their own function or block; referenced functions are defined,
//!   declared by a signature or imported; referenced blocks are defined or declared
//!   (`function.rs`);
//! - tables: unique function and block names, names consistent with arities, non-empty code,
//!   debug tables that match the code, `linked_from` in range, bounds from [`limits`], and the
//!   entry point of executables (`module.rs`).
//!
//! Register indexes are deliberately *not* checked against the registers a function allocates:
//! accessing a register beyond the allocated set is a defined run-time exception in Viua
//! ("register access out of bounds", conformance case `registers/register_out_of_range`), so a
//! program doing it is valid bytecode and must run up to that exception.
//!
//! Errors follow wasmparser's `BinaryReaderError`: one boxed allocation (a `Result` stays one
//! word wide), `#[cold]` constructors, a `#[non_exhaustive]` kind and a location.
//!
//! [`Opcode::shape`]: crate::Opcode::shape
//! [`limits`]: crate::limits
//! [`limits::MAX_TIMEOUT_MS`]: crate::limits::MAX_TIMEOUT_MS

mod function;
mod module;
pub mod names;
mod operand;

use std::fmt;

use crate::module::Module;

pub use names::{is_block_name, is_function_name, is_module_name, ENTRY_FUNCTION};

/// Checks everything the VM relies on; see the module documentation for the rules.
pub fn verify(module: &Module) -> Result<(), VerifyError> {
    module::verify_module(module)
}

/// What rule a module breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// A table or a literal is larger than a bound of [`crate::limits`].
    TooLarge,
    /// Meta-information keys are not sorted and unique, or `imported_functions` is not sorted
    /// and unique.
    UnsortedTable,
    /// A function name (in the function table, a signature, an import list or an operand) does
    /// not match `segment{::segment}/[arity]`.
    BadFunctionName,
    /// A block name is empty, too long or contains whitespace or control characters.
    BadBlockName,
    /// A module name does not match `segment{::segment}`.
    BadModuleName,
    /// A linked module path is empty.
    BadLinkedModule,
    /// Two functions or two blocks have the same name.
    DuplicateName,
    /// The stored arity differs from the one in the name, or a closure has no arity.
    ArityMismatch,
    /// `linked_from` is not an index into `linked`.
    BadLinkedFrom,
    /// A function or block has no instructions.
    EmptyCode,
    /// The debug table is neither empty nor one entry per instruction.
    DebugTableMismatch,
    /// The entry point is missing, misplaced, or present in a library.
    BadEntry,
    /// An executable has no `main/0`, `main/1` or `main/2`, or more than one.
    BadMain,
    /// An instruction has the wrong number of operands.
    OperandCount,
    /// An operand is of the wrong kind for its position.
    OperandKind,
    /// A constant index is outside the constant pool.
    ConstantIndex,
    /// A constant index refers to a constant of the wrong kind (bytes where a name is needed,
    /// or the reverse).
    ConstantKind,
    /// A finite timeout is larger than [`crate::limits::MAX_TIMEOUT_MS`].
    BadTimeout,
    /// A jump target is outside its function or block.
    JumpOutOfRange,
    /// A function operand names a function that is not defined, declared or imported.
    UndefinedFunction,
    /// A block operand names a block that is not defined or declared.
    UndefinedBlock,
}

/// Where in a module a rule is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A module-level table (or the module as a whole).
    Module,
    /// A function, by its index in [`Module::functions`] and its name, optionally at an
    /// instruction index.
    Function {
        index: usize,
        name: String,
        instruction: Option<usize>,
    },
    /// A block, by its index in [`Module::blocks`] and its name, optionally at an instruction
    /// index.
    Block {
        index: usize,
        name: String,
        instruction: Option<usize>,
    },
}

/// Why a decoded module is not safe to run.
///
/// Boxed so that `Result<(), VerifyError>` is a single word: the happy path of verification
/// moves results around constantly, the error path happens once.
pub struct VerifyError {
    inner: Box<Inner>,
}

struct Inner {
    kind: VerifyErrorKind,
    location: Location,
    message: String,
}

impl VerifyError {
    #[cold]
    pub(crate) fn new(kind: VerifyErrorKind, location: Location, message: String) -> VerifyError {
        VerifyError {
            inner: Box::new(Inner {
                kind,
                location,
                message,
            }),
        }
    }

    /// The rule broken.
    pub fn kind(&self) -> VerifyErrorKind {
        self.inner.kind
    }

    /// Where it is broken.
    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// The description without the location.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, name, instruction) = match &self.inner.location {
            Location::Module => return f.write_str(&self.inner.message),
            Location::Function {
                name, instruction, ..
            } => ("function", name, instruction),
            Location::Block {
                name, instruction, ..
            } => ("block", name, instruction),
        };
        write!(f, "in {what} '{}'", Shown(name))?;
        if let Some(i) = instruction {
            write!(f, " at instruction {i}")?;
        }
        write!(f, ": {}", self.inner.message)
    }
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyError")
            .field("kind", &self.inner.kind)
            .field("location", &self.inner.location)
            .field("message", &self.inner.message)
            .finish()
    }
}

impl std::error::Error for VerifyError {}

/// Displays a name taken from an untrusted file: escaped (no control characters reach the
/// terminal) and cut short (a 64 KiB name would drown the message).
pub(crate) struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_CHARS: usize = 80;
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(MAX_CHARS) {
            write!(f, "{}", c.escape_debug())?;
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Returns a [`VerifyError`] from the enclosing function: `bail!(Kind, location, "fmt", args)`.
/// The location and message are only built when the check fails.
macro_rules! bail {
    ($kind:ident, $loc:expr, $($fmt:tt)+) => {
        return Err($crate::verify::VerifyError::new(
            $crate::verify::VerifyErrorKind::$kind,
            $loc,
            format!($($fmt)+),
        ))
    };
}
pub(crate) use bail;

/// A function or block being checked, with enough to build a [`Location`] on failure.
#[derive(Clone, Copy)]
pub(crate) struct Body<'a> {
    pub is_block: bool,
    pub index: usize,
    pub name: &'a str,
}

impl Body<'_> {
    /// "function" or "block", for messages.
    pub(crate) fn noun(self) -> &'static str {
        if self.is_block {
            "block"
        } else {
            "function"
        }
    }

    #[cold]
    pub(crate) fn at(self, instruction: Option<usize>) -> Location {
        let name = self.name.to_owned();
        if self.is_block {
            Location::Block {
                index: self.index,
                name,
                instruction,
            }
        } else {
            Location::Function {
                index: self.index,
                name,
                instruction,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_word() {
        assert_eq!(
            std::mem::size_of::<VerifyError>(),
            std::mem::size_of::<usize>()
        );
        assert_eq!(
            std::mem::size_of::<Result<(), VerifyError>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn display_names_location() {
        let body = Body {
            is_block: false,
            index: 0,
            name: "main/0",
        };
        let e = VerifyError::new(
            VerifyErrorKind::JumpOutOfRange,
            body.at(Some(3)),
            "jump target 12 is outside the function (5 instructions)".into(),
        );
        assert_eq!(
            e.to_string(),
            "in function 'main/0' at instruction 3: jump target 12 is outside the function \
             (5 instructions)"
        );
        let e = VerifyError::new(
            VerifyErrorKind::EmptyCode,
            Body {
                is_block: true,
                index: 1,
                name: "a\nb",
            }
            .at(None),
            "no instructions".into(),
        );
        assert_eq!(e.to_string(), "in block 'a\\nb': no instructions");
        let long = "x".repeat(200);
        let e = VerifyError::new(VerifyErrorKind::BadMain, Location::Module, "m".into());
        assert_eq!(e.to_string(), "m");
        assert!(Shown(&long).to_string().chars().count() == 81);
    }
}
