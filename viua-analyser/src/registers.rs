//! Rules with several steps per operand (ANALYSER.md §4.12.4–§4.12.9): `vector` packing,
//! `bitset`, `copy`, `move`, `swap` and `exception`.

use viua_asm::assembler::unit::{Class, Operand};
use viua_bytecode::Access;

use crate::fault::{error, Checked, Fault};
use crate::ops::{access_of, at, is_register, Step};
use crate::state::{Reg, Set};
use crate::types::Type;

impl<'i> Step<'i, '_> {
    /// `vector T S %C` packs registers S … S+C−1 of S's set.
    pub fn vector(&mut self) -> Checked {
        let target = self.r(0)?;
        let start = self.r_at(1, 0)?;
        let count = self.r_at(2, 0)?;
        self.name(target)?;
        let first = self.name(start)?;
        let count = self.name(count)?.index;
        let mnemonic = self.mnemonic();
        for index in first.index..first.index.saturating_add(count) {
            let reg = Reg {
                set: first.set,
                index,
            };
            if !self.profile.defined.contains_key(&reg) {
                return Err(Fault::new(error(
                    at(start),
                    format!("pack of empty {} register {index}", reg.set.word()),
                )));
            }
            self.profile.erase(reg, mnemonic);
            self.profile.mark_used(reg);
        }
        self.d(target, Type::VECTOR)?;
        Ok(())
    }

    pub fn bitset(&mut self) -> Checked {
        let target = self.r(0)?;
        self.use_(target)?;
        self.assert_type(target, Type::BITS)?;
        let position = self.operand(1)?;
        if is_register(position) {
            self.use_(position)?;
            self.assert_type(position, Type::INTEGER)?;
        } else if position.class != Class::Bits {
            return Err(self.invalid(
                position,
                "invalid operand",
                "expected register index or bits literal",
            ));
        }
        let value = self.operand(2)?;
        if is_register(value) {
            self.use_(value)?;
            self.assert_type(value, Type::BOOLEAN)?;
        } else if !matches!(value.class, Class::Bool(_)) {
            return Err(self.invalid(
                target,
                "invalid operand",
                "expected register index or boolean literal",
            ));
        }
        Ok(())
    }

    /// `copy`/`move` through `@N`: the index register must hold an integer.
    fn indirect_target(&mut self, target: &Operand) -> Checked {
        if access_of(target) == Access::Reference {
            let mut direct = target.clone();
            direct.set = None;
            if let Class::Register { access, .. } = &mut direct.class {
                *access = Access::Direct;
            }
            self.use_(&direct)?;
            self.assert_type(&direct, Type::INTEGER)?;
        }
        Ok(())
    }

    pub fn copy(&mut self) -> Checked {
        let target = self.r(0)?;
        self.indirect_target(target)?;
        let source = self.r(1)?;
        self.use_as(source, "copy from", true)?;
        let ty = self.assert_type(source, Type::UNKNOWN)?;
        let ty = if access_of(source) == Access::Pointer {
            ty.without_pointer()
        } else {
            ty
        };
        self.d(target, ty)?;
        Ok(())
    }

    pub fn move_(&mut self) -> Checked {
        let target = self.operand(0)?;
        let source = self.ins.operand(1);
        let from_parameters =
            source.is_some_and(|s| is_register(s) && Set::parse(s.set_name()) == Set::Parameters);
        // DECISIONS.md: 0.13 wrongly rejects `move void SRC` from non-parameter registers.
        if !(is_register(target) || from_parameters || target.class == Class::Void) {
            return Err(self.invalid(target, "invalid operand", "expected register index"));
        }
        if is_register(target) {
            self.indirect_target(target)?;
        }
        let source = self.r(1)?;
        self.use_as(source, "move from", true)?;
        self.assert_type(source, Type::UNKNOWN)?;
        let ty = self.type_of(source);
        if is_register(target) {
            let set = Set::parse(target.set_name());
            // Moves into other sets record nothing (§4.4): their reads are not checked.
            if set == Set::Local {
                self.d(target, ty)?;
            }
        }
        if Set::parse(source.set_name()) == Set::Local {
            self.erase(source)?;
        }
        Ok(())
    }

    pub fn swap(&mut self) -> Checked {
        let a = self.r(0)?;
        self.use_as(a, "swap with", false)?;
        if access_of(a) == Access::Pointer {
            return Err(self.access_mode(a, "can only swap using direct access mode", true));
        }
        let b = self.r(1)?;
        self.use_as(b, "swap with", false)?;
        if access_of(b) == Access::Pointer {
            return Err(self.access_mode(b, "can only swap using direct access mode", true));
        }
        let (ta, tb) = (self.type_of(a), self.type_of(b));
        // Both are defined and were just used, so neither definition is an overwrite.
        let (ra, rb) = (self.name(a)?, self.name(b)?);
        self.profile.define(ra, at(a), tb);
        self.profile.define(rb, at(b), ta);
        Ok(())
    }

    pub fn exception(&mut self) -> Checked {
        let target = self.r(0)?;
        let tag = self.r(1)?;
        self.use_(tag)?;
        self.assert_type(tag, Type::ATOM)?;
        let value = self.rv(2, "expected register index or void")?;
        if is_register(value) {
            self.use_(value)?;
            if access_of(value) != Access::Direct {
                return Err(Fault::new(
                    error(at(value), "invalid access mode")
                        .with_note("only direct access is legal when setting exception value"),
                ));
            }
            self.erase(value)?;
        }
        self.name(target)?;
        self.define(target, Type::EXCEPTION, true)?;
        Ok(())
    }
}
