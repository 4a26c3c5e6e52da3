//! Per-instruction rules for everything but control flow (ANALYSER.md §4.12). Steps run in
//! the order the tables give; the first failing one raises the diagnostic.

use viua_asm::assembler::unit::{Class, Operand};
use viua_bytecode::Access;

use crate::fault::{error, note, Checked, Fault};
use crate::ops::{access_of, at, is_register, Step};
use crate::state::{Reg, Set};
use crate::types::Type;

const LHS: &str = "invalid left-hand side operand";
const RHS: &str = "invalid right-hand side operand";
const REGISTER: &str = "expected register index";
const REGISTER_OR_VOID: &str = "expected register index or void";

fn is_atom(op: &Operand) -> bool {
    op.class == (Class::Quoted { single: true })
}

fn is_function_name(op: &Operand) -> bool {
    op.class == Class::FunctionName
}

/// A closure created by `closure` in the current walk (§4.12.7), with its captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub name: String,
    pub target: crate::state::At,
    /// (local index, type, capture index token)
    pub captures: Vec<(u16, Type, crate::state::At)>,
}

pub type Closures = std::collections::BTreeMap<Reg, Created>;

impl<'i> Step<'i, '_> {
    /// `R(0); N(0); L(1); H(2); U(1); U(2); T(1, a); T(2, b)`; returns type(1).
    fn binary(&mut self, left: Type, right: Type) -> Checked<(&'i Operand, Type)> {
        let target = self.r(0)?;
        self.name(target)?;
        let l = self.r_as(1, LHS, REGISTER)?;
        let h = self.r_as(2, RHS, REGISTER)?;
        self.use_(l)?;
        self.use_(h)?;
        let t = self.assert_type(l, left)?;
        self.assert_type(h, right)?;
        let _ = t;
        Ok((target, self.type_of(l)))
    }

    /// `R(0); N(0); R(1); U(1); T(1, input); D(0, output)`.
    fn unary(&mut self, input: Type, output: Type) -> Checked {
        let target = self.r(0)?;
        self.name(target)?;
        let source = self.r(1)?;
        self.use_(source)?;
        self.assert_type(source, input)?;
        self.d(target, output)?;
        Ok(())
    }

    /// `R(0); N(0); D(0, ty)`.
    fn constant(&mut self, ty: Type) -> Checked {
        let target = self.r(0)?;
        self.name(target)?;
        self.d(target, ty)?;
        Ok(())
    }

    /// `R(0); N(0); U(0); T(0, ty)` (in-place updates).
    fn in_place(&mut self, ty: Type) -> Checked {
        let target = self.r(0)?;
        self.name(target)?;
        self.use_(target)?;
        self.assert_type(target, ty)?;
        Ok(())
    }

    /// `RV(0)` and, for a register, `N(0)`; the register target if there is one.
    fn optional_target(&mut self, note_text: &str) -> Checked<Option<&'i Operand>> {
        let target = self.rv(0, note_text)?;
        if is_register(target) {
            self.name(target)?;
            Ok(Some(target))
        } else {
            Ok(None)
        }
    }

    /// `R(k); U(k); T(k, ty)`.
    fn input(&mut self, k: usize, ty: Type) -> Checked<&'i Operand> {
        let op = self.r(k)?;
        self.use_(op)?;
        self.assert_type(op, ty)?;
        Ok(op)
    }

    /// Checks one data instruction; `closures` is the current walk's closure list.
    /// Returns false for mnemonics this module does not handle.
    pub fn data(&mut self, closures: &mut Closures) -> Checked<bool> {
        let mnemonic = self.ins.mnemonic.text.clone();
        match mnemonic.as_str() {
            "izero" => self.constant(Type::INTEGER)?,
            "integer" => {
                let target = self.r(0)?;
                let reg = self.name(target)?;
                self.define(target, Type::INTEGER, true)?;
                if target.maybe_unused {
                    self.profile.mark_used(reg);
                }
            }
            "iinc" | "idec" => self.in_place(Type::INTEGER)?,
            "float" => self.constant(Type::FLOAT)?,
            "itof" => self.unary(Type::INTEGER, Type::FLOAT)?,
            "ftoi" => self.unary(Type::FLOAT, Type::INTEGER)?,
            "stoi" => self.unary(Type::STRING, Type::INTEGER)?,
            "stof" => self.unary(Type::STRING, Type::FLOAT)?,
            "add" | "sub" | "mul" | "div" => {
                let (target, ty) = self.binary(Type::NUMBER, Type::NUMBER)?;
                self.d(target, ty.without_pointer())?;
            }
            "lt" | "lte" | "gt" | "gte" | "eq" => {
                let (target, _) = self.binary(Type::NUMBER, Type::NUMBER)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "string" => self.constant(Type::STRING)?,
            "streq" => {
                let (target, _) = self.binary(Type::STRING, Type::STRING)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "text" => {
                let target = self.r(0)?;
                self.name(target)?;
                if let Some(source) = self.ins.operand(1).filter(|o| is_register(o)) {
                    let reg = self.use_(source)?;
                    if let Some(def) = self.profile.defined.get(&reg) {
                        if def.ty == Type::TEXT {
                            return Err(Fault::new(
                                error(at(source), "useless conversion of value")
                                    .with_underline(source.token.span()),
                            )
                            .then(note(def.at, "value defined here")));
                        }
                    }
                }
                self.d(target, Type::TEXT)?;
            }
            "texteq" => {
                let (target, _) = self.binary(Type::TEXT, Type::TEXT)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "textat" => {
                let target = self.r(0)?;
                self.name(target)?;
                let a = self.r(1)?;
                let b = self.r(2)?;
                self.use_(a)?;
                self.use_(b)?;
                self.assert_type(a, Type::TEXT)?;
                self.assert_type(b, Type::INTEGER)?;
                self.d(target, Type::TEXT)?;
            }
            "textsub" => {
                let target = self.r(0)?;
                self.name(target)?;
                let a = self.r(1)?;
                let b = self.r(2)?;
                let c = self.r(3)?;
                self.use_(a)?;
                self.use_(b)?;
                self.use_(c)?;
                self.assert_type(a, Type::TEXT)?;
                self.assert_type(b, Type::INTEGER)?;
                self.assert_type(c, Type::INTEGER)?;
                self.d(target, Type::TEXT)?;
            }
            "textlength" => self.unary(Type::TEXT, Type::INTEGER)?,
            "textcommonprefix" | "textcommonsuffix" => {
                let (target, _) = self.binary(Type::TEXT, Type::TEXT)?;
                self.d(target, Type::INTEGER)?;
            }
            "textconcat" => {
                let (target, _) = self.binary(Type::TEXT, Type::TEXT)?;
                self.d(target, Type::TEXT)?;
            }
            "vector" => self.vector()?,
            "vinsert" => {
                self.input(0, Type::VECTOR)?;
                let value = self.r(1)?;
                let position = self.rv(2, REGISTER_OR_VOID)?;
                self.use_(value)?;
                if is_register(position) {
                    self.use_(position)?;
                    self.assert_type(position, Type::INTEGER)?;
                }
                self.erase(value)?;
            }
            "vpush" => {
                self.input(0, Type::VECTOR)?;
                let value = self.r(1)?;
                self.use_(value)?;
                self.erase(value)?;
            }
            "vpop" => {
                let target = self.rv(0, REGISTER_OR_VOID)?;
                self.input(1, Type::VECTOR)?;
                let position = self.rv(2, REGISTER_OR_VOID)?;
                if is_register(position) {
                    self.use_(position)?;
                    self.assert_type(position, Type::INTEGER)?;
                }
                if is_register(target) {
                    self.d(target, Type::UNKNOWN)?;
                }
            }
            "vat" => {
                let target = self.r_as(0, "invalid operand", REGISTER_OR_VOID)?;
                self.input(1, Type::VECTOR)?;
                let position = self.r_as(2, "invalid operand", REGISTER_OR_VOID)?;
                self.use_(position)?;
                self.assert_type(position, Type::INTEGER)?;
                self.d(target, Type::UNKNOWN.with_pointer())?;
            }
            "vlen" => {
                let target = self.r_as(0, "invalid operand", REGISTER_OR_VOID)?;
                self.input(1, Type::VECTOR)?;
                self.d(target, Type::INTEGER)?;
            }
            "not" => {
                let target = self.r(0)?;
                self.name(target)?;
                let source = self.r(1)?;
                self.use_(source)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "and" | "or" => {
                let target = self.r(0)?;
                self.name(target)?;
                let l = self.r_as(1, LHS, REGISTER)?;
                let h = self.r_as(2, RHS, REGISTER)?;
                self.use_(l)?;
                self.use_(h)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "bits_of_integer" => self.unary(Type::INTEGER, Type::BITS)?,
            "integer_of_bits" => self.unary(Type::BITS, Type::INTEGER)?,
            "bits" => {
                let target = self.r(0)?;
                self.name(target)?;
                let source = self.operand(1)?;
                if is_register(source) {
                    self.use_(source)?;
                    self.assert_type(source, Type::INTEGER)?;
                } else if source.class != Class::Bits {
                    return Err(self.invalid(
                        source,
                        "invalid operand",
                        "expected register index or bits literal",
                    ));
                }
                self.d(target, Type::BITS)?;
            }
            "bitand" | "bitor" | "bitxor" => {
                let (target, _) = self.binary(Type::BITS, Type::BITS)?;
                self.d(target, Type::BITS)?;
            }
            "bitnot" => self.unary(Type::BITS, Type::BITS)?,
            "bitat" => {
                let target = self.r(0)?;
                self.name(target)?;
                let a = self.r(1)?;
                let b = self.r(2)?;
                self.use_(a)?;
                self.use_(b)?;
                self.assert_type(a, Type::BITS)?;
                self.assert_type(b, Type::INTEGER)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "bitset" => self.bitset()?,
            "shl" | "shr" | "ashl" | "ashr" => {
                let target = self.rv(0, REGISTER_OR_VOID)?;
                self.input(1, Type::BITS)?;
                self.input(2, Type::INTEGER)?;
                if is_register(target) {
                    self.d(target, Type::BITS)?;
                }
            }
            "rol" | "ror" => {
                let a = self.r(0)?;
                let b = self.r(1)?;
                self.use_(a)?;
                self.use_(b)?;
                self.assert_type(a, Type::BITS)?;
                self.assert_type(b, Type::INTEGER)?;
            }
            "wrapincrement"
            | "wrapdecrement"
            | "checkedsincrement"
            | "checkedsdecrement"
            | "saturatingsincrement"
            | "saturatingsdecrement" => self.in_place(Type::BITS)?,
            "wrapadd" | "wrapsub" | "wrapmul" | "wrapdiv" | "checkedsadd" | "checkedssub"
            | "checkedsmul" | "checkedsdiv" | "saturatingsadd" | "saturatingssub"
            | "saturatingsmul" | "saturatingsdiv" => {
                let (target, ty) = self.binary(Type::BITS, Type::BITS)?;
                self.d(target, ty)?;
            }
            "copy" => self.copy()?,
            "move" => self.move_()?,
            "ptr" => {
                let target = self.r(0)?;
                self.name(target)?;
                let source = self.r_at(1, 0)?;
                self.use_as(source, "pointer from", false)?;
                let ty = self.type_of(source);
                self.d(target, ty.with_pointer())?;
            }
            "ptrlive" => {
                let target = self.r(0)?;
                self.name(target)?;
                let source = self.r_at(1, 0)?;
                self.use_as(source, "pointer from", false)?;
                // 0.13 asserts "pointer" with direct access, which fails for every known
                // pointer (DECISIONS.md lists it as a wrong check): only infer.
                self.d(target, Type::BOOLEAN)?;
            }
            "swap" => self.swap()?,
            "delete" => {
                let target = self.r(0)?;
                let reg = self.use_as(target, "delete of", false)?;
                if access_of(target) != Access::Direct {
                    return Err(self.access_mode(
                        target,
                        "can only delete using direct access mode",
                        false,
                    ));
                }
                let mnemonic = self.mnemonic();
                self.profile.erase(reg, mnemonic);
            }
            "isnull" => {
                let target = self.r(0)?;
                let source = self.r(1)?;
                if access_of(source) == Access::Pointer {
                    return Err(self.access_mode(
                        source,
                        "can only check using direct access mode",
                        false,
                    ));
                }
                let reg = self.name(source)?;
                if let Some(def) = self.profile.defined.get(&reg) {
                    return Err(Fault::new(error(
                        at(source),
                        "useless check, register will always be defined",
                    ))
                    .then(note(def.at, "register is defined here")));
                }
                self.d(target, Type::BOOLEAN)?;
            }
            "print" | "echo" => {
                let source = self.operand(0)?;
                if source.class == Class::Void {
                    return Err(Fault::new(error(
                        at(source),
                        "use of void as input register:",
                    )));
                }
                let source = self.r(0)?;
                let reg = self.use_(source)?;
                self.assert_type(source, Type::UNKNOWN)?;
                self.profile.mark_used(reg);
            }
            "function" | "closure" => {
                let target = self.r(0)?;
                let reg = self.name(target)?;
                let callee = self.operand(1)?;
                if !is_function_name(callee) {
                    return Err(self.invalid(
                        callee,
                        "invalid operand",
                        "expected function name literal",
                    ));
                }
                if mnemonic == "function" {
                    self.d(target, Type::FUNCTION)?;
                } else {
                    self.d(target, Type::CLOSURE)?;
                    closures.insert(
                        reg,
                        Created {
                            name: callee.token.text.clone(),
                            target: at(target),
                            captures: Vec::new(),
                        },
                    );
                }
            }
            "capture" | "capturecopy" | "capturemove" => {
                let closure = self.input(0, Type::CLOSURE)?;
                let closure_reg = self.name(closure)?;
                let index = self.r(1)?;
                let value = self.r(2)?;
                self.use_(value)?;
                let ty = self.assert_type(value, Type::UNKNOWN)?;
                let _ = ty;
                let ty = self.type_of(value);
                let slot = self.name(index).map_or(0, |r| r.index);
                // A capture into a closure this walk did not create is ignored (§4.13).
                if let Some(created) = closures.get_mut(&closure_reg) {
                    created.captures.push((slot, ty, at(index)));
                }
                if mnemonic == "capturemove" {
                    self.erase(value)?;
                }
            }
            "frame" | "halt" | "nop" | "import" | "try" | "catch" | "bool" => {}
            "process" => {
                let target = self.optional_target(REGISTER_OR_VOID)?;
                self.callee(1, "use of")?;
                self.consume_arguments();
                if let Some(t) = target {
                    self.d(t, Type::PID)?;
                }
            }
            "call" => {
                let target = self.optional_target(REGISTER_OR_VOID)?;
                self.callee(1, "call from")?;
                self.consume_arguments();
                if let Some(t) = target {
                    self.d(t, Type::UNKNOWN)?;
                }
            }
            "defer" => {
                self.callee(0, "use of")?;
                self.consume_arguments();
            }
            "watchdog" => {
                let callee = self.operand(0)?;
                if !(is_atom(callee) || is_function_name(callee)) {
                    return Err(self.invalid(
                        callee,
                        "invalid operand",
                        "expected function name or atom literal",
                    ));
                }
                self.consume_arguments();
            }
            "allocate_registers" => {
                let op = self.r(0)?;
                let reg = self.name(op)?;
                self.profile.limit = Some((reg.index, at(op)));
            }
            "self" => {
                if let Some(t) = self.optional_target(REGISTER_OR_VOID)? {
                    self.d(t, Type::PID)?;
                }
            }
            "pideq" => {
                let (target, _) = self.binary(Type::PID, Type::PID)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "join" => {
                let target = self.optional_target(REGISTER_OR_VOID)?;
                if let Some(t) = target {
                    if access_of(t) != Access::Direct {
                        return Err(self.access_mode(
                            t,
                            "can only join using direct access mode",
                            false,
                        ));
                    }
                }
                self.input(1, Type::PID)?;
                if let Some(t) = target {
                    self.d(t, Type::UNKNOWN)?;
                }
            }
            "send" => {
                let pid = self.r(0)?;
                self.use_as(pid, "send target from", false)?;
                self.assert_type(pid, Type::PID)?;
                let value = self.r(1)?;
                self.use_as(value, "send from", false)?;
                self.erase(value)?;
            }
            "receive" | "draw" => {
                if let Some(t) = self.optional_target(REGISTER_OR_VOID)? {
                    self.d(t, Type::UNKNOWN)?;
                }
            }
            "atom" => {
                let target = self.r(0)?;
                self.name(target)?;
                let literal = self.operand(1)?;
                if !is_atom(literal) {
                    let mut fault =
                        self.invalid(literal, "invalid operand", "expected atom literal");
                    if literal.class == (Class::Quoted { single: false }) {
                        let content = literal.token.text.trim_matches('"');
                        if let Some(first) = fault.diagnostic.entries.first_mut() {
                            first.aside = Some(viua_asm::diag::Aside {
                                text: format!("^ atom literals use single quotes: '{content}'"),
                                offset: literal.token.col.saturating_sub(1),
                            });
                        }
                    }
                    return Err(fault);
                }
                self.d(target, Type::ATOM)?;
            }
            "atomeq" => {
                let (target, _) = self.binary(Type::ATOM, Type::ATOM)?;
                self.d(target, Type::BOOLEAN)?;
            }
            "struct" => self.constant(Type::STRUCT)?,
            "structinsert" => {
                self.input(0, Type::STRUCT)?;
                self.input(1, Type::ATOM)?;
                let value = self.r(2)?;
                self.use_(value)?;
                self.erase(value)?;
            }
            "structremove" | "structat" => {
                let target = self.optional_target("expected register index or void literal")?;
                self.input(1, Type::STRUCT)?;
                self.input(2, Type::ATOM)?;
                if let Some(t) = target {
                    let ty = if mnemonic == "structat" {
                        Type::UNKNOWN.with_pointer()
                    } else {
                        Type::UNKNOWN
                    };
                    self.d(t, ty)?;
                }
            }
            "structkeys" => self.unary(Type::STRUCT, Type::VECTOR)?,
            "exception" => self.exception()?,
            "exception_tag" | "exception_value" => {
                let target = self.r(0)?;
                self.input(1, Type::EXCEPTION)?;
                let ty = if mnemonic == "exception_tag" {
                    Type::ATOM
                } else {
                    Type::UNKNOWN
                };
                self.define(target, ty, true)?;
            }
            "io_read" | "io_write" => {
                let target = self.r(0)?;
                self.name(target)?;
                self.input(1, Type::IO_PORT_LIKE)?;
                self.input(2, Type::UNKNOWN)?;
                self.d(target, Type::IO_REQUEST)?;
            }
            "io_close" => self.unary(Type::IO_PORT, Type::IO_REQUEST)?,
            "io_wait" => {
                let target = self.optional_target(REGISTER_OR_VOID)?;
                self.input(1, Type::IO_REQUEST)?;
                if let Some(t) = target {
                    self.d(t, Type::UNKNOWN)?;
                }
            }
            "io_cancel" => {
                self.input(0, Type::IO_REQUEST)?;
            }
            // 0.13 checks and defines nothing for these (so a later read is "empty"); they
            // work in viua-rs (DECISIONS.md), so they get the rules of their signed siblings.
            "checkeduincrement"
            | "checkedudecrement"
            | "saturatinguincrement"
            | "saturatingudecrement" => self.in_place(Type::BITS)?,
            "checkeduadd" | "checkedusub" | "checkedumul" | "checkedudiv" | "saturatinguadd"
            | "saturatingusub" | "saturatingumul" | "saturatingudiv" => {
                let (target, ty) = self.binary(Type::BITS, Type::BITS)?;
                self.d(target, ty)?;
            }
            "bitswidth" => self.unary(Type::BITS, Type::INTEGER)?,
            "bitseq" | "bitslt" | "bitslte" | "bitsgt" | "bitsgte" | "bitaeq" | "bitalt"
            | "bitalte" | "bitagt" | "bitagte" => {
                let (target, _) = self.binary(Type::BITS, Type::BITS)?;
                self.d(target, Type::BOOLEAN)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The callee operand of `call`/`process`/`defer`/`tailcall`.
    pub fn callee(&mut self, k: usize, core: &str) -> Checked {
        let callee = self.operand(k)?;
        if is_register(callee) {
            self.use_as(callee, core, false)?;
            self.assert_type(callee, Type::INVOCABLE)?;
        } else if !(is_atom(callee) || is_function_name(callee)) {
            return Err(self.invalid(
                callee,
                "invalid operand",
                "expected function name, atom literal, or register index",
            ));
        }
        Ok(())
    }

    /// `C` (§4.6.7): fresh argument registers are consumed by the call.
    pub fn consume_arguments(&mut self) {
        let mnemonic = self.mnemonic();
        let consumed: Vec<Reg> = self
            .profile
            .fresh
            .iter()
            .copied()
            .filter(|r| r.set == Set::Arguments)
            .collect();
        for reg in consumed {
            self.profile.erase(reg, mnemonic);
        }
    }
}
