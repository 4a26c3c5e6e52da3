//! Named bounds the verifier enforces (and the assembler respects).
//!
//! The decoder checks every length prefix against these bounds (and against the bytes that
//! remain) before it reads the elements, so a hostile file cannot make it allocate without
//! bound; the verifier checks them again for modules built in memory.

/// Largest register index (ASSEMBLY.md §5.1).
pub const MAX_REGISTER_INDEX: u16 = u16::MAX;

/// Largest finite timeout in milliseconds (0.13 stores ms + 1 in 32 bits).
pub const MAX_TIMEOUT_MS: u32 = u32::MAX - 1;

/// Largest number of operands any instruction has.
pub const MAX_OPERANDS: usize = 4;

/// Bounds on table sizes of a decoded module; a file claiming more is rejected.
pub const MAX_FUNCTIONS: usize = 1 << 20;
pub const MAX_BLOCKS: usize = 1 << 20;
pub const MAX_CONSTANTS: usize = 1 << 24;
/// Applies to blocks too.
pub const MAX_INSTRUCTIONS_PER_FUNCTION: usize = 1 << 24;

/// Entries of `.info:` meta-information.
pub const MAX_META_ENTRIES: usize = 1 << 16;
/// Entries of each of `signatures`, `block_signatures`, `dynamic_imports` and
/// `imported_functions`.
pub const MAX_NAME_LIST_ENTRIES: usize = 1 << 20;
/// Statically linked modules.
pub const MAX_LINKED_MODULES: usize = 1 << 16;

/// Longest function, block or module name, meta key or value, or linked module path, in bytes.
pub const MAX_NAME_LEN: usize = 1 << 16;
/// Longest text, atom or bits literal (a [`crate::Constant::Bytes`]), in bytes.
pub const MAX_LITERAL_LEN: usize = 1 << 24;
