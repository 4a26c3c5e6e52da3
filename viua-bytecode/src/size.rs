//! Viua VM 0.13's instruction-size model.
//!
//! Our file format is our own, but source programs and disassembly listings write jump targets
//! as 0.13 *byte offsets* (`jump 0x1d`), and `asm --size` / `dis -i` report 0.13 sizes. So every
//! instruction has the size 0.13 would have encoded it in, and a byte offset is the sum of the
//! sizes of everything laid out before it (ASSEMBLY.md §3.12 layout).
//!
//! Sizes confirmed by 0.13 listings: opcode 1 byte, register operand 4 (operand type, set,
//! 16-bit index), integer literal 5 (operand type + i32), jump target 8. The rest follow the
//! same encoder conventions: `void` and booleans 1, floats 8, timeouts 5 (operand type + u32),
//! text/atom literals operand type + bytes + NUL, names bytes + NUL, bits operand type + 64-bit
//! length + bytes.

use crate::module::{Instruction, Module, Operand};

/// Size in bytes of one operand in 0.13's encoding.
pub fn operand_size(module: &Module, operand: &Operand) -> u64 {
    let bytes_len = |i| module.bytes(i).map_or(0, |b| b.len() as u64);
    let name_len = |i| module.name(i).map_or(0, |n| n.len() as u64);
    match *operand {
        Operand::Register(_) | Operand::Count(_) | Operand::ClosureSlot(_) => 4,
        Operand::Void | Operand::Bool(_) => 1,
        Operand::Integer(_) | Operand::Timeout(_) => 5,
        Operand::Float(_) | Operand::Jump(_) => 8,
        Operand::Text(i) | Operand::Atom(i) => 1 + bytes_len(i) + 1,
        Operand::Bits(i) => 1 + 8 + bytes_len(i),
        Operand::Function(i) | Operand::Block(i) | Operand::Module(i) => name_len(i) + 1,
    }
}

/// Size in bytes of one instruction in 0.13's encoding.
pub fn instruction_size(module: &Module, instruction: &Instruction) -> u64 {
    1 + instruction
        .operands
        .iter()
        .map(|o| operand_size(module, o))
        .sum::<u64>()
}

/// Size in bytes of a sequence of instructions.
pub fn code_size(module: &Module, code: &[Instruction]) -> u64 {
    code.iter().map(|i| instruction_size(module, i)).sum()
}

/// Byte offset of every block and function in 0.13's layout: blocks first (table order), then
/// functions (table order). Returns `(block_offsets, function_offsets, total_size)`.
pub fn layout(module: &Module) -> (Vec<u64>, Vec<u64>, u64) {
    let mut offset = 0;
    let mut blocks = Vec::with_capacity(module.blocks.len());
    for b in &module.blocks {
        blocks.push(offset);
        offset += code_size(module, &b.code);
    }
    let mut functions = Vec::with_capacity(module.functions.len());
    for f in &module.functions {
        functions.push(offset);
        offset += code_size(module, &f.code);
    }
    (blocks, functions, offset)
}

/// Byte offsets of each instruction of `code` (plus one past the end), starting at `base`.
pub fn instruction_offsets(module: &Module, code: &[Instruction], base: u64) -> Vec<u64> {
    let mut out = Vec::with_capacity(code.len() + 1);
    let mut offset = base;
    for i in code {
        out.push(offset);
        offset += instruction_size(module, i);
    }
    out.push(offset);
    out
}
