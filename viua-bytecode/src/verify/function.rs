//! Per-body rules: each instruction's operand count, then each operand ([`super::operand`]),
//! then what the operands refer to: jump targets inside the same function or block, and
//! functions and blocks that exist.

use super::module::Context;
use super::operand::{check_operand, Reference};
use super::{bail, Body, Shown, VerifyError};
use crate::module::Instruction;

pub(super) fn check_code(
    cx: &Context<'_>,
    body: Body<'_>,
    code: &[Instruction],
) -> Result<(), VerifyError> {
    for (at, instruction) in code.iter().enumerate() {
        let opcode = instruction.opcode;
        let shape = opcode.shape();
        if instruction.operands.len() != shape.len() {
            bail!(
                OperandCount,
                body.at(Some(at)),
                "'{opcode}' takes {} operand{}, found {}",
                shape.len(),
                if shape.len() == 1 { "" } else { "s" },
                instruction.operands.len()
            );
        }
        for (position, (&kind, operand)) in shape.iter().zip(&instruction.operands).enumerate() {
            match check_operand(cx.module, body, at, opcode, position, kind, operand)? {
                Reference::None => {}
                Reference::Jump(target) => {
                    // Jumps are instruction indexes within the body: the VM can index the
                    // body's code with them without a check, and control never crosses into
                    // another function's code.
                    if target as usize >= code.len() {
                        bail!(
                            JumpOutOfRange,
                            body.at(Some(at)),
                            "jump target {target} is outside the {} ({} instructions)",
                            body.noun(),
                            code.len()
                        );
                    }
                }
                Reference::Function(name) => {
                    if !cx.functions.contains(name) {
                        bail!(
                            UndefinedFunction,
                            body.at(Some(at)),
                            "'{opcode}' refers to function '{}', which is neither defined, \
                             declared by a signature nor imported",
                            Shown(name)
                        );
                    }
                }
                Reference::Block(name) => {
                    if !cx.blocks.contains(name) {
                        bail!(
                            UndefinedBlock,
                            body.at(Some(at)),
                            "'{opcode}' refers to block '{}', which is neither defined nor \
                             declared by a block signature",
                            Shown(name)
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
