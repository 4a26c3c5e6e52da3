//! The primitive operations instruction checkers are built from (ANALYSER.md §4.6): operand
//! extraction, the name check `N`, the use check `U`, the type assertion `T`, definition `D`,
//! erasure `E`.

use std::collections::BTreeMap;

use viua_asm::assembler::suggest::suggest;
use viua_asm::assembler::unit::{Class, Instruction, Operand, RegisterIndex};
use viua_asm::diag::Entry;
use viua_bytecode::Access;

use crate::fault::{error, note, Checked, Fault};
use crate::state::{At, Profile, Reg, Set};
use crate::types::Type;

/// A unit's register names (§4.2 step 2).
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Byte-wise ascending, the order suggestions are searched in.
    pub by_name: BTreeMap<String, u16>,
    pub by_index: BTreeMap<u16, String>,
}

impl Names {
    /// ` (named "NAME")` when index has a name.
    pub fn suffix(&self, index: u16) -> String {
        self.by_index
            .get(&index)
            .map(|n| format!(" (named \"{n}\")"))
            .unwrap_or_default()
    }
}

/// One instruction being checked against a profile.
pub struct Step<'i, 'a> {
    pub ins: &'i Instruction,
    pub profile: &'a mut Profile,
    pub names: &'a Names,
    pub source_lines: &'a [&'a str],
}

pub fn is_register(op: &Operand) -> bool {
    matches!(op.class, Class::Register { .. })
}

pub fn is_void(op: &Operand) -> bool {
    op.class == Class::Void
}

pub fn access_of(op: &Operand) -> Access {
    match op.class {
        Class::Register { access, .. } => access,
        _ => Access::Direct,
    }
}

pub fn at(op: &Operand) -> At {
    At::of(&op.token)
}

/// Underlines the operand's index and set tokens (the "operand tokens" of §2.3).
fn with_operand(entry: Entry, op: &Operand) -> Entry {
    let entry = entry.with_underline(op.token.span());
    match &op.set {
        Some(set) => entry.with_underline(set.span()),
        None => entry,
    }
}

impl<'i> Step<'i, '_> {
    pub fn mnemonic(&self) -> At {
        At::of(&self.ins.mnemonic)
    }

    /// Operand k, or `not enough operands`.
    pub fn operand(&self, k: usize) -> Checked<&'i Operand> {
        let ins: &Instruction = self.ins;
        ins.operand(k).ok_or_else(|| {
            Fault::new(
                error(self.mnemonic(), "not enough operands")
                    .with_note(format!("when extracting operand {k}")),
            )
        })
    }

    /// `invalid operand` (or another message) with a note, at an operand's tokens.
    pub fn invalid(&self, op: &Operand, message: &str, note_text: &str) -> Fault {
        Fault::new(with_operand(error(at(op), message), op).with_note(note_text))
    }

    /// `R(k)`: operand k must be a register.
    pub fn r(&self, k: usize) -> Checked<&'i Operand> {
        self.r_as(k, "invalid operand", "expected register index")
    }

    /// `R(k)` with another message or note (`L`, `H`, `R(k)+v`).
    pub fn r_as(&self, k: usize, message: &str, note_text: &str) -> Checked<&'i Operand> {
        let op = self.operand(k)?;
        if is_register(op) {
            Ok(op)
        } else {
            Err(self.invalid(op, message, note_text))
        }
    }

    /// `R(k)@j`: operand k must be a register, reported at operand j.
    pub fn r_at(&self, k: usize, j: usize) -> Checked<&'i Operand> {
        let op = self.operand(k)?;
        if is_register(op) {
            return Ok(op);
        }
        let shown = self.ins.operand(j).unwrap_or(op);
        Err(self.invalid(shown, "invalid operand", "expected register index"))
    }

    /// `RV(k)`: a register or `void`.
    pub fn rv(&self, k: usize, note_text: &str) -> Checked<&'i Operand> {
        let op = self.operand(k)?;
        if is_register(op) || is_void(op) {
            Ok(op)
        } else {
            Err(self.invalid(op, "invalid operand", note_text))
        }
    }

    /// `N(op)`: the register an operand designates, or `unresolved name`.
    pub fn name(&self, op: &Operand) -> Checked<Reg> {
        let set = Set::parse(op.set_name());
        match &op.class {
            Class::Register {
                index: RegisterIndex::Number(n),
                ..
            } => Ok(Reg { set, index: *n }),
            Class::Register {
                index: RegisterIndex::Unresolved(word),
                ..
            } => {
                let mut entry = error(at(op), "unresolved name");
                let candidates = self.names.by_name.keys().map(String::as_str);
                if let Some(best) = suggest(word, candidates) {
                    let index = self.names.by_name.get(best).copied().unwrap_or(0);
                    entry = entry.with_aside(
                        format!("^ did you mean '{best}' (name of {index})?"),
                        op.token.col.saturating_sub(1),
                    );
                }
                Err(Fault::new(entry))
            }
            _ => Err(self.invalid(op, "invalid operand", "expected register index")),
        }
    }

    fn bounds(&self, op: &Operand, reg: Reg, attach_set: bool) -> Checked {
        if let Some((limit, limit_at)) = self.profile.limit {
            if reg.index >= limit {
                let mut entry = error(
                    at(op),
                    format!(
                        "access to register {} with only {limit} register(s) allocated",
                        reg.index
                    ),
                );
                if attach_set {
                    entry = with_operand(entry, op);
                }
                let fix = note(
                    limit_at,
                    format!(
                        "increase this value to {} to fix this issue",
                        u32::from(reg.index) + 1
                    ),
                );
                return Err(Fault::new(entry).then(fix));
            }
        }
        Ok(())
    }

    /// `U(op, CORE, params_ok)` (§4.6.2).
    pub fn use_as(&mut self, op: &Operand, core: &str, params_ok: bool) -> Checked<Reg> {
        let reg = self.name(op)?;
        match reg.set {
            Set::Global | Set::Static => return Ok(reg),
            Set::Arguments => {
                return Err(Fault::new(
                    with_operand(error(at(op), "invalid use of arguments register set"), op)
                        .with_note("arguments register set may only be used in target register of `copy` and `move` instructions when a frame is allocated"),
                ))
            }
            Set::Parameters if !params_ok => {
                return Err(Fault::new(
                    with_operand(error(at(op), "invalid use of parameters register set"), op)
                        .with_note("parameters register set may only be used in source register of `copy` and `move` instructions"),
                ))
            }
            Set::Local => self.bounds(op, reg, true)?,
            Set::Parameters => {}
        }
        if !self.profile.defined.contains_key(&reg) {
            return Err(self.not_defined(op, reg, core));
        }
        self.profile.mark_used(reg);
        Ok(reg)
    }

    pub fn use_(&mut self, op: &Operand) -> Checked<Reg> {
        self.use_as(op, "use of", false)
    }

    /// `CORE empty|erased SET register "I"` with its hints (§4.6.2 step 6).
    fn not_defined(&self, op: &Operand, reg: Reg, core: &str) -> Fault {
        let erased = self.profile.erased.get(&reg).copied();
        let state = if erased.is_some() { "erased" } else { "empty" };
        let mut first = error(
            at(op),
            format!(
                "{core} {state} {} register \"{}\"{}",
                reg.set.word(),
                reg.index,
                self.names.suffix(reg.index)
            ),
        );
        let mut hint = None;
        for other in [Set::Local, Set::Static] {
            if reg.set == other {
                continue;
            }
            let candidate = Reg {
                set: other,
                index: reg.index,
            };
            if let Some(d) = self.profile.defined.get(&candidate) {
                let word = other.word();
                first = first.with_aside(
                    format!("^ did you mean {word} register {}?", reg.index),
                    op.token.col.saturating_sub(1),
                );
                hint = Some(note(
                    d.at,
                    format!("{word} register {} was defined here", reg.index),
                ));
                break;
            }
        }
        let mut fault = Fault::new(first);
        if let Some(h) = hint {
            fault = fault.then(h);
        }
        if let Some(e) = erased {
            fault = fault.then(note(e, "erased here:"));
        }
        fault
    }

    /// `T(op, E)` (§4.5.2): the operand's type, inferring an unknown one.
    pub fn assert_type(&mut self, op: &Operand, expected: Type) -> Checked<Type> {
        let reg = self.name(op)?;
        if reg.set.is_unchecked() {
            return Ok(expected);
        }
        let deref = access_of(op) == Access::Pointer;
        let Some(def) = self.profile.defined.get(&reg).copied() else {
            return Ok(expected);
        };
        let original = def.ty;
        let mut actual = original;
        if deref && !actual.is_unknown() {
            if !actual.is_pointer() {
                return Err(Fault::new(
                    error(
                        at(op),
                        "invalid type of value contained in register for this access type",
                    )
                    .with_note(format!("need pointer to {expected}, got {actual}")),
                )
                .then(note(def.at, "register defined here")));
            }
            actual = actual.without_pointer();
        }
        if actual.is_unknown() {
            let inferred = if deref {
                expected.with_pointer()
            } else {
                expected
            };
            if let Some(d) = self.profile.defined.get_mut(&reg) {
                d.ty = inferred;
                d.inferred_at = Some(at(op));
            }
            return Ok(if deref {
                inferred.without_pointer()
            } else {
                inferred
            });
        }
        if expected.is_unknown() {
            return Ok(actual);
        }
        if !actual.intersects(expected) || deref != original.is_pointer() {
            let mut fault = Fault::new(
                error(at(op), "invalid type of value contained in register")
                    .with_note(format!("expected {expected}, got {actual}")),
            )
            .then(note(def.at, "register defined here"));
            if let Some(inferred_at) = def.inferred_at {
                fault = fault.then(note(inferred_at, "type inferred here").with_aside(
                    format!("^ deduced type is '{original}'"),
                    inferred_at.col.saturating_sub(1),
                ));
            }
            return Err(fault);
        }
        Ok(actual)
    }

    /// `D(op, TYPE)` / `D2` (§4.6.4).
    pub fn define(&mut self, op: &Operand, ty: Type, attach_set: bool) -> Checked<Reg> {
        let reg = self.name(op)?;
        if matches!(reg.set, Set::Local | Set::Arguments) {
            self.bounds(op, reg, attach_set)?;
        }
        if let Some(previous) = self.profile.defined.get(&reg) {
            if self.profile.fresh.contains(&reg) {
                return Err(Fault::new(error(at(op), "overwrite of unused value:"))
                    .then(note(previous.at, "unused value defined here:")));
            }
        }
        self.profile.define(reg, at(op), ty);
        Ok(reg)
    }

    pub fn d(&mut self, op: &Operand, ty: Type) -> Checked<Reg> {
        self.define(op, ty, false)
    }

    /// `E(op)`: erases only on direct access.
    pub fn erase(&mut self, op: &Operand) -> Checked {
        if access_of(op) == Access::Direct {
            let reg = self.name(op)?;
            let mnemonic = self.mnemonic();
            self.profile.erase(reg, mnemonic);
        }
        Ok(())
    }

    /// The recorded type of an operand's register (unknown for undefined globals, §4.13).
    pub fn type_of(&self, op: &Operand) -> Type {
        self.name(op)
            .map_or(Type::UNKNOWN, |reg| self.profile.type_of(reg))
    }

    /// `invalid access mode` with an aside `did you mean '%N'?`; `anchored` puts the aside
    /// under the operand, otherwise it goes past the end of the line (§2.2).
    pub fn access_mode(&self, op: &Operand, note_text: &str, anchored: bool) -> Fault {
        let index = self.name(op).map_or(0, |r| r.index);
        let offset = if anchored {
            op.token.col.saturating_sub(1)
        } else {
            let line = self
                .source_lines
                .get(op.token.line.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("");
            line.trim_end_matches('\r').len() as u32
        };
        Fault::new(
            with_operand(error(at(op), "invalid access mode"), op)
                .with_note(note_text)
                .with_aside(format!("^ did you mean '%{index}'?"), offset),
        )
    }
}
