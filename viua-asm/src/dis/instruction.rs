//! Instruction text in the canonical shapes of ASSEMBLY.md §6.10, spaced as 0.13 prints it
//! (§8.2.1).

use viua_bytecode::{
    Constant, Instruction, Module, Opcode, Operand, OperandKind, RegisterRef, Timeout,
};

use super::literal::{self, Quote};

/// Prints one instruction. `offsets` holds the 0.13 byte offset of every instruction of the
/// enclosing definition plus the offset just past its end, so `Operand::Jump(i)` prints as
/// `offsets[i]`.
pub(super) fn instruction(
    module: &Module,
    instruction: &Instruction,
    offsets: &[u64],
) -> Result<String, String> {
    let opcode = instruction.opcode;
    let shape = opcode.shape();
    if instruction.operands.len() != shape.len() {
        return Err(format!(
            "'{opcode}' has {} operands, its shape needs {}",
            instruction.operands.len(),
            shape.len()
        ));
    }
    let mut text = String::from(opcode.mnemonic());
    for (position, (operand, &kind)) in instruction.operands.iter().zip(shape).enumerate() {
        let spelling = operand_text(module, opcode, kind, operand, offsets)
            .map_err(|e| format!("'{opcode}' operand {}: {e}", position + 1))?;
        text.push(' ');
        if extra_space_before(kind, operand) {
            text.push(' ');
        }
        text.push_str(&spelling);
    }
    Ok(text)
}

/// 0.13 prints a second space before a register in the source position of `text` and the callee
/// position of `call`/`tailcall`/`defer` (`call %1 local  %4 local`). The assembler accepts any
/// number of spaces, so copying the quirk keeps listings comparable with 0.13's.
fn extra_space_before(kind: OperandKind, operand: &Operand) -> bool {
    matches!(kind, OperandKind::TextOrReg | OperandKind::Callee)
        && matches!(operand, Operand::Register(_))
}

fn register(r: &RegisterRef) -> String {
    format!("{}{} {}", r.access.sigil(), r.index, r.set.name())
}

fn operand_text(
    module: &Module,
    opcode: Opcode,
    kind: OperandKind,
    operand: &Operand,
    offsets: &[u64],
) -> Result<String, String> {
    use OperandKind as K;
    Ok(match (kind, operand) {
        (
            K::Reg | K::RegOrVoid | K::TextOrReg | K::BitsOrReg | K::BoolOrReg | K::Callee,
            Operand::Register(r),
        ) => register(r),
        (K::RegOrVoid, Operand::Void) => "void".into(),
        // Counts carry no set in the module; 0.13 prints (and `allocate_registers` requires)
        // `local`, and `frame`/`vector` ignore the written set.
        (K::Count, Operand::Count(n)) => format!("%{n} local"),
        // The closure-local operand has no set, which leaves the two spaces 0.13 prints. Its
        // access mode is fixed by the opcode (§6.10), so the sigil is chosen the same way.
        (K::ClosureSlot, Operand::ClosureSlot(n)) => {
            let sigil = if opcode == Opcode::Capture { '%' } else { '@' };
            format!("{sigil}{n} ")
        }
        (K::Int, Operand::Integer(i)) => i.to_string(),
        (K::Float, Operand::Float(f)) => literal::float(*f)?,
        (K::BoolOrReg, Operand::Bool(b)) => b.to_string(),
        (K::Timeout, Operand::Timeout(Timeout::Infinity)) => "infinity".into(),
        (K::Timeout, Operand::Timeout(Timeout::Millis(ms))) => format!("{ms}ms"),
        (K::Text | K::TextOrReg, Operand::Text(i)) => {
            literal::quoted_body(bytes(module, *i)?, Quote::Double, Some(Quote::Single))?
        }
        // `catch` type names are written double-quoted only (ASSEMBLY.md §10 quirk 20).
        (K::TypeName, Operand::Text(i)) => {
            literal::quoted_body(bytes(module, *i)?, Quote::Double, None)?
        }
        (K::Atom, Operand::Atom(i)) => {
            literal::quoted_body(bytes(module, *i)?, Quote::Single, Some(Quote::Double))?
        }
        (K::BitsOrReg, Operand::Bits(i)) => literal::bits(bytes(module, *i)?)?,
        (K::Function | K::Callee, Operand::Function(i)) => {
            literal::name("function name", name(module, *i)?)?.to_string()
        }
        (K::Block, Operand::Block(i)) => {
            literal::name("block name", name(module, *i)?)?.to_string()
        }
        (K::Module, Operand::Module(i)) => {
            literal::name("module name", name(module, *i)?)?.to_string()
        }
        (K::Jump, Operand::Jump(target)) => match offsets.get(*target as usize) {
            Some(offset) => format!("0x{offset:x}"),
            None => {
                return Err(format!(
                    "jump target {target} is outside the definition ({} instructions)",
                    offsets.len().saturating_sub(1)
                ))
            }
        },
        (kind, operand) => {
            return Err(format!(
                "{operand:?} cannot stand where {kind:?} is expected"
            ))
        }
    })
}

fn bytes(module: &Module, index: u32) -> Result<&[u8], String> {
    match module.constant(index) {
        Some(Constant::Bytes(b)) => Ok(b),
        Some(Constant::Name(_)) => {
            Err(format!("constant {index} is a name, a literal is expected"))
        }
        None => Err(missing(module, index)),
    }
}

fn name(module: &Module, index: u32) -> Result<&str, String> {
    match module.constant(index) {
        Some(Constant::Name(n)) => Ok(n),
        Some(Constant::Bytes(_)) => {
            Err(format!("constant {index} is a literal, a name is expected"))
        }
        None => Err(missing(module, index)),
    }
}

fn missing(module: &Module, index: u32) -> String {
    format!(
        "constant index {index} is out of range (the pool has {} entries)",
        module.constants.len()
    )
}
