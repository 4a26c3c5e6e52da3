//! Lowering of parsed instructions to bytecode operands (ASSEMBLY.md §6.10, §7.4
//! "Generation"). Names and literals stay owned here; [`super::emit`] interns them in table
//! order, so the constant pool does not depend on the order definitions are lowered in.
//!
//! Errors come in two phases, as in the reference: *size* errors (operand tokens that cannot
//! be encoded: `invalid operand token`, `invalid register set type name`, `invalid timeout
//! token`) are reported before linking and main selection, *generation* errors (`stoi`,
//! `cannot resolve register operand`, unresolvable jumps, reserved marker names) after them.

use viua_bytecode::{Access, Opcode, OperandKind, RegisterRef, RegisterSet, SourcePos, Timeout};

use crate::diag::{Diagnostic, Entry, Severity};
use crate::token::Token;

use super::syntax::{
    bits_value, duration_millis, hex_offset, is_module_name, is_reserved, literal_body,
};
use super::unit::{Class, Definition, DirectiveKind, Instruction, Line, Operand, RegisterIndex};

/// An operand before interning.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lowered {
    Plain(viua_bytecode::Operand),
    Text(Vec<u8>),
    Atom(Vec<u8>),
    Bits(Vec<u8>),
    Function(String),
    Block(String),
    Module(String),
    /// A `0x…` byte-offset target, converted once the module layout is known.
    ByteOffset {
        offset: u64,
        token: Token,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LoweredInstruction {
    pub opcode: Opcode,
    pub operands: Vec<Lowered>,
}

/// A lowered definition body.
#[derive(Debug, Clone)]
pub(crate) struct LoweredBody {
    pub code: Vec<LoweredInstruction>,
    pub debug: Vec<SourcePos>,
}

/// Result of lowering one definition: its body and the first generation-phase error.
#[derive(Debug)]
pub(crate) struct Lowering {
    pub body: LoweredBody,
    pub generation_error: Option<Diagnostic>,
}

enum Failure {
    Size(Diagnostic),
    Generation(Diagnostic),
}

fn size_error(at: &Token, message: impl Into<String>) -> Failure {
    Failure::Size(Diagnostic::new(Entry::error_at(at.pos(), message)))
}

fn generation_error(at: &Token, message: impl Into<String>) -> Failure {
    Failure::Generation(Diagnostic::new(Entry::error_at(at.pos(), message)))
}

/// Lowers a definition; `Err` is its first size-phase error.
pub(crate) fn lower(def: &Definition, debug_info: bool) -> Result<Lowering, Diagnostic> {
    let markers = def.markers();
    let count = def.instructions().count();
    let mut generation: Option<Diagnostic> = None;
    for line in &def.lines {
        if let Line::Directive(d) = line {
            if let DirectiveKind::Mark(name) = &d.kind {
                if is_reserved(&name.text) && generation.is_none() {
                    generation = Some(Diagnostic::new(Entry::error_at(
                        name.pos(),
                        format!(
                            "invalid marker name: '{}' is a registered keyword",
                            name.text
                        ),
                    )));
                }
            }
        }
    }
    let cx = Context {
        def,
        markers: &markers,
        count,
    };
    let mut body = LoweredBody {
        code: Vec::with_capacity(count),
        debug: Vec::new(),
    };
    for (index, i) in def.instructions().enumerate() {
        let mut operands = Vec::with_capacity(i.opcode.shape().len());
        for (position, &kind) in i.opcode.shape().iter().enumerate() {
            match cx.operand(i, index, position, kind) {
                Ok(o) => operands.push(o),
                Err(Failure::Size(d)) => return Err(d),
                Err(Failure::Generation(d)) => {
                    generation.get_or_insert(d);
                    operands.push(Lowered::Plain(viua_bytecode::Operand::Void));
                }
            }
        }
        body.code.push(LoweredInstruction {
            opcode: i.opcode,
            operands,
        });
        if debug_info {
            body.debug.push(SourcePos {
                line: i.mnemonic.line,
                column: i.mnemonic.col,
            });
        }
    }
    Ok(Lowering {
        body,
        generation_error: generation,
    })
}

struct Context<'a> {
    def: &'a Definition,
    markers: &'a std::collections::HashMap<&'a str, usize>,
    count: usize,
}

impl Context<'_> {
    fn operand(
        &self,
        i: &Instruction,
        index: usize,
        position: usize,
        kind: OperandKind,
    ) -> Result<Lowered, Failure> {
        use viua_bytecode::Operand as O;
        use OperandKind as K;
        let Some(op) = i.operand(position) else {
            return Err(size_error(&i.end, "invalid operand token: "));
        };
        let plain = |o| Ok(Lowered::Plain(o));
        let invalid = || {
            Err(size_error(
                &op.token,
                format!("invalid operand token: {}", op.token.text),
            ))
        };
        match (kind, &op.class) {
            (
                K::Reg | K::RegOrVoid | K::TextOrReg | K::BitsOrReg | K::BoolOrReg,
                Class::Register { .. },
            ) => plain(O::Register(register(i, position, op)?)),
            (K::Callee, Class::Register { .. }) if i.opcode != Opcode::Process => {
                plain(O::Register(register(i, position, op)?))
            }
            (K::RegOrVoid, Class::Void) => plain(O::Void),
            (
                K::Count | K::ClosureSlot,
                Class::Register {
                    index: RegisterIndex::Number(n),
                    ..
                },
            ) => {
                if i.opcode == Opcode::AllocateRegisters && op.set.is_none() {
                    return Err(missing_set(i, position));
                }
                plain(if kind == K::Count {
                    O::Count(*n)
                } else {
                    O::ClosureSlot(*n)
                })
            }
            (K::Int, Class::Integer) => match op.token.text.parse::<i32>() {
                Ok(v) => plain(O::Integer(v)),
                Err(_) => {
                    let what = if self.def.kind.is_block() {
                        "block"
                    } else {
                        "function"
                    };
                    Err(Failure::Generation(Diagnostic::new(Entry::unlocated(
                        Severity::Error,
                        format!("in {what} '{}': stoi", self.def.name.text),
                    ))))
                }
            },
            (K::Int, _) => Err(generation_error(
                &op.token,
                format!("cannot resolve register operand: \"{}\"", op.token.text),
            )),
            (K::Float, Class::Float | Class::Integer) => match op.token.text.parse::<f64>() {
                Ok(v) => plain(O::Float(v)),
                Err(_) => invalid(),
            },
            (K::Text | K::TextOrReg, Class::Quoted { .. }) => {
                Ok(Lowered::Text(literal_body(&op.token.text).to_vec()))
            }
            (K::TypeName, Class::Quoted { .. }) => {
                Ok(Lowered::Text(literal_body(&op.token.text).to_vec()))
            }
            (K::Atom, Class::Quoted { .. }) => {
                Ok(Lowered::Atom(literal_body(&op.token.text).to_vec()))
            }
            (K::BitsOrReg, Class::Bits) => match bits_value(&op.token.text) {
                Some(bits) => Ok(Lowered::Bits(bits)),
                None => invalid(),
            },
            (K::BoolOrReg, Class::Bool(b)) => plain(O::Bool(*b)),
            (K::Timeout, Class::Infinity) => plain(O::Timeout(Timeout::Infinity)),
            (K::Timeout, _) => match (&op.class, duration_millis(&op.token.text)) {
                (Class::Duration, Some(ms)) => plain(O::Timeout(Timeout::Millis(ms))),
                _ => Err(size_error(
                    &op.token,
                    format!("invalid timeout token in '{}'", i.mnemonic.text),
                )),
            },
            (K::Function | K::Callee, Class::FunctionName) => {
                Ok(Lowered::Function(op.token.text.clone()))
            }
            (K::Block, Class::FunctionName | Class::Word) => {
                Ok(Lowered::Block(op.token.text.clone()))
            }
            (K::Module, Class::Word) if is_module_name(&op.token.text) => {
                Ok(Lowered::Module(op.token.text.clone()))
            }
            (K::Jump, _) => self.jump(op, index),
            _ => invalid(),
        }
    }

    /// Resolves a jump target to an instruction index of this definition.
    fn jump(&self, op: &Operand, current: usize) -> Result<Lowered, Failure> {
        let text = op.token.text.as_str();
        let index = match op.class {
            Class::Bits => match hex_offset(text).and_then(|h| u64::from_str_radix(h, 16).ok()) {
                Some(offset) => {
                    return Ok(Lowered::ByteOffset {
                        offset,
                        token: op.token.clone(),
                    })
                }
                None => {
                    return Err(size_error(
                        &op.token,
                        format!("invalid operand token: {text}"),
                    ))
                }
            },
            Class::Integer | Class::Offset => {
                let digits = text.trim_start_matches(['-', '+']);
                let n: u64 = digits.parse().unwrap_or(u64::MAX);
                if text.starts_with('-') {
                    match (current as u64).checked_sub(n) {
                        Some(i) => i,
                        None => {
                            return Err(generation_error(
                                &op.token,
                                format!(
                                    "use of relative jump results in a jump to negative index: jump_value = -{digits}, instruction_index = {current}"
                                ),
                            ))
                        }
                    }
                } else if text.starts_with('+') {
                    (current as u64).saturating_add(n)
                } else {
                    n
                }
            }
            Class::Word => match self.markers.get(text) {
                Some(&i) => i as u64,
                None => {
                    return Err(generation_error(
                        &op.token,
                        format!("cannot resolve jump to unrecognised marker: \"{text}\""),
                    ))
                }
            },
            _ => {
                return Err(size_error(
                    &op.token,
                    format!("invalid operand token: {text}"),
                ))
            }
        };
        // 0.13 lets forward overruns through in `no_sa` code; our bytecode cannot hold them.
        if index >= self.count as u64 {
            return Err(generation_error(&op.token, "forward out-of-range jump"));
        }
        Ok(Lowered::Plain(viua_bytecode::Operand::Jump(index as u32)))
    }
}

/// The `invalid register set type name` error for a register operand without a set: reported
/// at the token where the set was expected (the next operand, or the end of the line).
fn missing_set(i: &Instruction, position: usize) -> Failure {
    let next = i.operand(position + 1).map_or(&i.end, |o| &o.token);
    let shown = if next.is_newline() {
        ""
    } else {
        next.text.as_str()
    };
    size_error(next, format!("invalid register set type name: {shown}"))
}

fn register(i: &Instruction, position: usize, op: &Operand) -> Result<RegisterRef, Failure> {
    let Class::Register { access, index } = &op.class else {
        return Err(size_error(
            &op.token,
            format!("invalid operand token: {}", op.token.text),
        ));
    };
    let RegisterIndex::Number(index) = index else {
        return Err(size_error(
            &op.token,
            format!("invalid operand token: {}", op.token.text),
        ));
    };
    let Some(set_token) = &op.set else {
        return Err(missing_set(i, position));
    };
    let Some(set) = RegisterSet::from_name(&set_token.text) else {
        return Err(size_error(
            set_token,
            format!("invalid register set type name: {}", set_token.text),
        ));
    };
    Ok(RegisterRef {
        access: *access,
        set,
        index: *index,
    })
}

/// The `__entry` function for the selected main (ASSEMBLY.md §3.10).
pub(crate) fn entry_body(main: &str) -> Vec<LoweredInstruction> {
    use viua_bytecode::Operand as O;
    let reg = |set, index| {
        Lowered::Plain(O::Register(RegisterRef {
            access: Access::Direct,
            set,
            index,
        }))
    };
    let local = |index| reg(RegisterSet::Local, index);
    let args = |index| reg(RegisterSet::Arguments, index);
    let ins = |opcode, operands| LoweredInstruction { opcode, operands };
    let count = |n| Lowered::Plain(O::Count(n));
    let mut code = Vec::new();
    match main {
        "main/0" => code.push(ins(Opcode::Frame, vec![count(0)])),
        "main/1" => {
            code.push(ins(Opcode::Frame, vec![count(1)]));
            code.push(ins(Opcode::Copy, vec![args(0), local(1)]));
        }
        _ => {
            code.push(ins(Opcode::Frame, vec![count(2)]));
            code.push(ins(Opcode::Izero, vec![local(0)]));
            code.push(ins(Opcode::Vpop, vec![local(0), local(1), local(0)]));
            code.push(ins(Opcode::Copy, vec![args(0), local(0)]));
            code.push(ins(Opcode::Copy, vec![args(1), local(1)]));
        }
    }
    code.push(ins(
        Opcode::Call,
        vec![local(1), Lowered::Function(main.to_owned())],
    ));
    code.push(ins(Opcode::Move, vec![local(0), local(1)]));
    code.push(ins(Opcode::Halt, vec![]));
    code
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_unit;
    use super::super::test_support::canonical;
    use super::*;

    fn lowered(body: &str) -> Result<Lowering, String> {
        let source = format!(".function: [[no_sa]] f/0\n{body}\n    return\n.end");
        let lines: Vec<&str> = source.split('\n').collect();
        let unit = parse_unit(&canonical(&source), &lines).unwrap();
        lower(&unit.definitions[0], false).map_err(|d| crate::diag::render_plain("f", &d))
    }

    #[test]
    fn operands_lower() {
        let l = lowered("    integer %1 local -7\n    text %2 local \"a b\"\n    bits %3 local 0b101\n    receive void 3s\n    .mark: m\n    jump m\n    call void g/0").unwrap();
        let code = &l.body.code;
        assert_eq!(
            code[0].operands[1],
            Lowered::Plain(viua_bytecode::Operand::Integer(-7))
        );
        assert_eq!(code[1].operands[1], Lowered::Text(b"a b".to_vec()));
        assert_eq!(code[2].operands[1], Lowered::Bits(vec![5]));
        assert_eq!(
            code[3].operands[1],
            Lowered::Plain(viua_bytecode::Operand::Timeout(Timeout::Millis(3000)))
        );
        assert_eq!(
            code[4].operands[0],
            Lowered::Plain(viua_bytecode::Operand::Jump(4))
        );
        assert_eq!(code[5].operands[1], Lowered::Function("g/0".into()));
        assert!(l.generation_error.is_none());
    }

    #[test]
    fn size_and_generation_errors() {
        assert_eq!(
            lowered("    print %1 nonlocal").unwrap_err(),
            "f:2:14: error: invalid register set type name: nonlocal\n"
        );
        assert_eq!(
            lowered("    print %x local").unwrap_err(),
            "f:2:11: error: invalid operand token: %x\n"
        );
        assert_eq!(
            lowered("    receive %1 local 4294967295ms").unwrap_err(),
            "f:2:22: error: invalid timeout token in 'receive'\n"
        );
        let l = lowered("    integer %1 local 99999999999").unwrap();
        assert_eq!(
            crate::diag::render_plain("f", &l.generation_error.unwrap()),
            "f: error: in function 'f/0': stoi\n"
        );
        let l = lowered("    jump -3").unwrap();
        assert!(l.generation_error.unwrap().message().starts_with("use of relative jump results in a jump to negative index: jump_value = -3, instruction_index = 0"));
    }
}
