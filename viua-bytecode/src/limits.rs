//! Named bounds the verifier enforces (and the assembler respects).

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
pub const MAX_INSTRUCTIONS_PER_FUNCTION: usize = 1 << 24;
