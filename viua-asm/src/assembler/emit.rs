//! Building the final module: constants interned in table order (blocks, then functions),
//! then `0x…` byte-offset jump targets converted to instruction indexes through the 0.13
//! layout of the finished module (ASSEMBLY.md §3.12, §5.6).

use std::collections::HashMap;

use viua_bytecode::{
    size, Block, ConstIndex, Constant, Function, FunctionKind, Instruction, Module, Operand,
};

use crate::diag::{Diagnostic, Entry, Pos};

use super::codegen::{Lowered, LoweredBody};

/// The definition a body came from, for messages about its `0x…` targets.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub is_block: bool,
    pub name: String,
    pub at: Pos,
}

pub(crate) struct PendingBlock {
    pub name: String,
    pub linked_from: Option<u32>,
    pub body: LoweredBody,
    pub origin: Option<Origin>,
}

pub(crate) struct PendingFunction {
    pub name: String,
    pub arity: Option<u16>,
    pub kind: FunctionKind,
    pub linked_from: Option<u32>,
    pub body: LoweredBody,
    pub origin: Option<Origin>,
}

/// Constant pool with hashed lookup (`Module::intern` is linear).
#[derive(Default)]
struct Interner {
    constants: Vec<Constant>,
    index: HashMap<Constant, ConstIndex>,
}

impl Interner {
    fn intern(&mut self, constant: Constant) -> ConstIndex {
        if let Some(&i) = self.index.get(&constant) {
            return i;
        }
        let i = self.constants.len() as ConstIndex;
        self.constants.push(constant.clone());
        self.index.insert(constant, i);
        i
    }
}

/// A byte-offset target waiting for the layout: (is_block, table index, instruction,
/// operand, offset, token position).
struct ByteTarget {
    is_block: bool,
    table: usize,
    instruction: usize,
    operand: usize,
    offset: u64,
    at: Pos,
}

fn encode(
    interner: &mut Interner,
    body: LoweredBody,
    is_block: bool,
    table: usize,
    targets: &mut Vec<ByteTarget>,
) -> Vec<Instruction> {
    let mut code = Vec::with_capacity(body.code.len());
    for (n, i) in body.code.into_iter().enumerate() {
        let mut operands = Vec::with_capacity(i.operands.len());
        for (k, o) in i.operands.into_iter().enumerate() {
            operands.push(match o {
                Lowered::Plain(o) => o,
                Lowered::Text(b) => Operand::Text(interner.intern(Constant::Bytes(b))),
                Lowered::Atom(b) => Operand::Atom(interner.intern(Constant::Bytes(b))),
                Lowered::Bits(b) => Operand::Bits(interner.intern(Constant::Bytes(b))),
                Lowered::Function(s) => Operand::Function(interner.intern(Constant::Name(s))),
                Lowered::Block(s) => Operand::Block(interner.intern(Constant::Name(s))),
                Lowered::Module(s) => Operand::Module(interner.intern(Constant::Name(s))),
                Lowered::ByteOffset { offset, token } => {
                    targets.push(ByteTarget {
                        is_block,
                        table,
                        instruction: n,
                        operand: k,
                        offset,
                        at: token.pos(),
                    });
                    // Same 0.13 size as the final target, so the layout is already right.
                    Operand::Jump(0)
                }
            });
        }
        code.push(Instruction {
            opcode: i.opcode,
            operands,
        });
    }
    code
}

/// Fills `module`'s blocks, functions and constants from the pending tables.
pub(crate) fn emit(
    module: &mut Module,
    blocks: Vec<PendingBlock>,
    functions: Vec<PendingFunction>,
) -> Result<(), Diagnostic> {
    let mut interner = Interner::default();
    let mut targets = Vec::new();
    let mut origins: Vec<Option<Origin>> = Vec::new();
    for (table, b) in blocks.into_iter().enumerate() {
        let debug = b.body.debug.clone();
        let code = encode(&mut interner, b.body, true, table, &mut targets);
        module.blocks.push(Block {
            name: b.name,
            linked_from: b.linked_from,
            code,
            debug,
        });
        origins.push(b.origin);
    }
    let block_count = origins.len();
    for (table, f) in functions.into_iter().enumerate() {
        let debug = f.body.debug.clone();
        let code = encode(&mut interner, f.body, false, table, &mut targets);
        module.functions.push(Function {
            name: f.name,
            arity: f.arity,
            kind: f.kind,
            linked_from: f.linked_from,
            code,
            debug,
        });
        origins.push(f.origin);
    }
    module.constants = interner.constants;
    if targets.is_empty() {
        return Ok(());
    }
    let (block_offsets, function_offsets, _) = size::layout(module);
    for t in targets {
        let (code, base, origin) = if t.is_block {
            (
                &module.blocks[t.table].code,
                block_offsets[t.table],
                &origins[t.table],
            )
        } else {
            (
                &module.functions[t.table].code,
                function_offsets[t.table],
                &origins[block_count + t.table],
            )
        };
        let offsets = size::instruction_offsets(module, code, base);
        let Some(index) = offsets[..code.len()].iter().position(|&o| o == t.offset) else {
            let (what, name) = match origin {
                Some(o) => (
                    if o.is_block { "block" } else { "function" },
                    o.name.as_str(),
                ),
                None => ("function", ""),
            };
            let mut d = Diagnostic::new(Entry::error_at(
                t.at,
                format!(
                    "jump target {:#x} is not the byte offset of an instruction of {what} {name}",
                    t.offset
                ),
            ));
            if let Some(o) = origin {
                d = d.in_definition(o.is_block, &o.name, o.at);
            }
            return Err(d);
        };
        let code = if t.is_block {
            &mut module.blocks[t.table].code
        } else {
            &mut module.functions[t.table].code
        };
        code[t.instruction].operands[t.operand] = Operand::Jump(index as u32);
    }
    Ok(())
}
