//! Per-operand rules: the operand is a variant its shape position allows, constant indexes are
//! in range and of the right kind, names are well-formed, timeouts are finite-or-in-range.

use super::names::{is_block_name, is_module_name, parse_function_name, ENTRY_FUNCTION};
use super::{bail, Body, Shown, VerifyError, VerifyErrorKind};
use crate::limits::MAX_TIMEOUT_MS;
use crate::module::{ConstIndex, Constant, Module, Operand, Timeout};
use crate::opcode::{Opcode, OperandKind};

/// What an operand refers to beyond itself, for the body-level checks.
pub(super) enum Reference<'a> {
    None,
    Jump(u32),
    Function(&'a str),
    Block(&'a str),
}

/// The kinds of name a [`Constant::Name`] operand can hold.
#[derive(Clone, Copy)]
enum NameKind {
    Function,
    Block,
    Module,
}

pub(super) fn check_operand<'m>(
    module: &'m Module,
    body: Body<'_>,
    at: usize,
    opcode: Opcode,
    position: usize,
    kind: OperandKind,
    operand: &Operand,
) -> Result<Reference<'m>, VerifyError> {
    use OperandKind as K;
    let allowed = match (kind, operand) {
        (K::Reg, Operand::Register(_))
        | (K::RegOrVoid, Operand::Register(_) | Operand::Void)
        | (K::Count, Operand::Count(_))
        | (K::ClosureSlot, Operand::ClosureSlot(_))
        | (K::Int, Operand::Integer(_))
        | (K::Float, Operand::Float(_))
        | (K::TextOrReg | K::BitsOrReg | K::BoolOrReg | K::Callee, Operand::Register(_))
        | (K::BoolOrReg, Operand::Bool(_)) => true,
        (K::Timeout, Operand::Timeout(t)) => {
            if let Timeout::Millis(ms) = *t {
                if ms > MAX_TIMEOUT_MS {
                    bail!(
                        BadTimeout,
                        body.at(Some(at)),
                        "operand {position} of '{opcode}': timeout of {ms} ms is larger than \
                         the maximum {MAX_TIMEOUT_MS} ms"
                    );
                }
            }
            true
        }
        (K::Text | K::TypeName | K::TextOrReg, Operand::Text(i))
        | (K::Atom, Operand::Atom(i))
        | (K::BitsOrReg, Operand::Bits(i)) => {
            bytes_constant(module, body, at, opcode, position, *i)?;
            true
        }
        (K::Function | K::Callee, Operand::Function(i)) => {
            let name = name_constant(module, body, at, opcode, position, *i, NameKind::Function)?;
            return Ok(Reference::Function(name));
        }
        (K::Block, Operand::Block(i)) => {
            let name = name_constant(module, body, at, opcode, position, *i, NameKind::Block)?;
            return Ok(Reference::Block(name));
        }
        (K::Module, Operand::Module(i)) => {
            name_constant(module, body, at, opcode, position, *i, NameKind::Module)?;
            true
        }
        (K::Jump, Operand::Jump(target)) => return Ok(Reference::Jump(*target)),
        _ => false,
    };
    if !allowed {
        bail!(
            OperandKind,
            body.at(Some(at)),
            "operand {position} of '{opcode}' must be {}, found {}",
            expected(kind),
            found(operand)
        );
    }
    Ok(Reference::None)
}

/// Looks constant `index` up.
fn constant<'m>(
    module: &'m Module,
    body: Body<'_>,
    at: usize,
    opcode: Opcode,
    position: usize,
    index: ConstIndex,
) -> Result<&'m Constant, VerifyError> {
    match module.constant(index) {
        Some(c) => Ok(c),
        None => bail!(
            ConstantIndex,
            body.at(Some(at)),
            "operand {position} of '{opcode}' refers to constant {index}, but there are only \
             {} constants",
            module.constants.len()
        ),
    }
}

/// Checks a text, atom or bits operand refers to literal bytes.
fn bytes_constant(
    module: &Module,
    body: Body<'_>,
    at: usize,
    opcode: Opcode,
    position: usize,
    index: ConstIndex,
) -> Result<(), VerifyError> {
    match constant(module, body, at, opcode, position, index)? {
        Constant::Bytes(_) => Ok(()),
        Constant::Name(_) => bail!(
            ConstantKind,
            body.at(Some(at)),
            "operand {position} of '{opcode}' refers to constant {index}, which is a name, not \
             literal bytes"
        ),
    }
}

/// Checks a function, block or module operand refers to a well-formed name of that kind and
/// returns it.
fn name_constant<'m>(
    module: &'m Module,
    body: Body<'_>,
    at: usize,
    opcode: Opcode,
    position: usize,
    index: ConstIndex,
    kind: NameKind,
) -> Result<&'m str, VerifyError> {
    let name = match constant(module, body, at, opcode, position, index)? {
        Constant::Name(name) => name.as_str(),
        Constant::Bytes(_) => bail!(
            ConstantKind,
            body.at(Some(at)),
            "operand {position} of '{opcode}' refers to constant {index}, which is literal \
             bytes, not a name"
        ),
    };
    let (ok, what, error) = match kind {
        NameKind::Function => (
            name == ENTRY_FUNCTION || parse_function_name(name).is_some(),
            "function",
            VerifyErrorKind::BadFunctionName,
        ),
        NameKind::Block => (is_block_name(name), "block", VerifyErrorKind::BadBlockName),
        NameKind::Module => (
            is_module_name(name),
            "module",
            VerifyErrorKind::BadModuleName,
        ),
    };
    if !ok {
        return Err(VerifyError::new(
            error,
            body.at(Some(at)),
            format!(
                "operand {position} of '{opcode}': '{}' is not a valid {what} name",
                Shown(name)
            ),
        ));
    }
    Ok(name)
}

fn expected(kind: OperandKind) -> &'static str {
    use OperandKind as K;
    match kind {
        K::Reg => "a register",
        K::RegOrVoid => "a register or void",
        K::Count => "a count",
        K::ClosureSlot => "a closure slot",
        K::Int => "an integer",
        K::Float => "a float",
        K::Text => "a text literal",
        K::TextOrReg => "a text literal or a register",
        K::Atom => "an atom literal",
        K::BitsOrReg => "a bits literal or a register",
        K::BoolOrReg => "a boolean or a register",
        K::Timeout => "a timeout",
        K::Function => "a function name",
        K::Callee => "a function name or a register",
        K::Block => "a block name",
        K::TypeName => "an exception type name",
        K::Module => "a module name",
        K::Jump => "a jump target",
    }
}

fn found(operand: &Operand) -> &'static str {
    match operand {
        Operand::Register(_) => "a register",
        Operand::Void => "void",
        Operand::Count(_) => "a count",
        Operand::ClosureSlot(_) => "a closure slot",
        Operand::Integer(_) => "an integer",
        Operand::Float(_) => "a float",
        Operand::Bool(_) => "a boolean",
        Operand::Timeout(_) => "a timeout",
        Operand::Text(_) => "a text literal",
        Operand::Atom(_) => "an atom literal",
        Operand::Bits(_) => "a bits literal",
        Operand::Function(_) => "a function name",
        Operand::Block(_) => "a block name",
        Operand::Module(_) => "a module name",
        Operand::Jump(_) => "a jump target",
    }
}
