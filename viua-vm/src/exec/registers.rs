//! Operand resolution (ISA-DATA §3): register sets, `@N` and `*N` access, reads through cells,
//! stores, moves and in-place modification. Handlers reach registers only through these.

use std::sync::{Arc, RwLock};

use viua_bytecode::{Access, RegisterSet};

use super::Process;
use crate::exception::{Exception, Fault};
use crate::load::Reg;
use crate::value::{Cell, Register, Value, ValueRef};

/// Size of the global register set.
pub const GLOBAL_REGISTERS: usize = 255;
/// Size of each static register set.
pub const STATIC_REGISTERS: usize = 16;

static EMPTY_REGISTER: Register = None;

#[cold]
pub fn out_of_bounds(index: usize) -> Fault {
    Exception::error(format!("register access out of bounds: read from {index}"))
}

#[cold]
pub fn null_register(index: u16) -> Fault {
    Exception::error(format!("read from null register: {index}"))
}

#[cold]
fn invalid_access() -> Fault {
    Exception::new("Invalid_access", "pointer dereference not allowed")
}

/// A source operand's value: borrowed from a register, or a pointer's target cell.
pub enum Source<'a> {
    Borrowed(&'a Value),
    Pointed(Cell),
}

impl Source<'_> {
    pub fn value(&self) -> ValueRef<'_> {
        match self {
            Source::Borrowed(v) => v.resolve(),
            Source::Pointed(c) => ValueRef::Locked(c.read().unwrap_or_else(|e| e.into_inner())),
        }
    }
}

/// Dereferences a pointer value (ISA-DATA §2.11).
pub fn dereference(pointer: &Value) -> Result<Cell, Fault> {
    match pointer {
        Value::Pointer(p) => p
            .check()
            .ok_or_else(|| Exception::new("Expired_pointer", "")),
        other => Err(Exception::new(
            "Not_a_pointer",
            format!("dereferenced value is not a pointer: {}", other.type_name()),
        )),
    }
}

impl Process {
    /// The registers of a set, read-only (a static set not yet created reads as empty).
    fn set_ref(&self, set: RegisterSet) -> Option<&[Register]> {
        let stack = self.stacks.last()?;
        Some(match set {
            // The global set is created on first write (a parked process stays small).
            RegisterSet::Global if self.globals.is_empty() => return None,
            RegisterSet::Global => &self.globals,
            RegisterSet::Static => {
                let f = stack.frames.last()?;
                self.statics.as_ref()?.get(&f.function)?
            }
            RegisterSet::Local => {
                let f = stack.frames.last()?;
                &self.values[f.locals_base as usize..(f.locals_base + f.locals_len) as usize]
            }
            RegisterSet::Parameters => {
                let f = stack.frames.last()?;
                &self.values[f.params_base as usize..(f.params_base + f.params_len) as usize]
            }
            RegisterSet::Arguments => {
                let (base, len) = stack.pending?;
                &self.values[base as usize..(base + len) as usize]
            }
        })
    }

    fn set_mut(&mut self, set: RegisterSet) -> &mut [Register] {
        let Some(stack) = self.stacks.last() else {
            return &mut [];
        };
        let range = match set {
            RegisterSet::Global => {
                if self.globals.is_empty() {
                    self.globals = crate::value::empty_registers(GLOBAL_REGISTERS).into();
                }
                return &mut self.globals;
            }
            RegisterSet::Static => {
                let Some(f) = stack.frames.last() else {
                    return &mut [];
                };
                return self
                    .statics
                    .get_or_insert_with(Box::default)
                    .entry(f.function)
                    .or_insert_with(|| crate::value::empty_registers(STATIC_REGISTERS).into());
            }
            RegisterSet::Local => match stack.frames.last() {
                Some(f) => (f.locals_base, f.locals_len),
                None => return &mut [],
            },
            RegisterSet::Parameters => match stack.frames.last() {
                Some(f) => (f.params_base, f.params_len),
                None => return &mut [],
            },
            RegisterSet::Arguments => match stack.pending {
                Some(p) => p,
                None => return &mut [],
            },
        };
        &mut self.values[range.0 as usize..(range.0 + range.1) as usize]
    }

    /// Resolves `@N` to the index it names, reading register N of `set`.
    fn indirect_index(registers: &[Register], r: Reg) -> Result<usize, Fault> {
        let slot = registers
            .get(r.index as usize)
            .ok_or_else(|| out_of_bounds(r.index as usize))?;
        let value = slot.as_ref().ok_or_else(|| null_register(r.index))?;
        match &*value.resolve() {
            Value::Integer(k) if *k < 0 => Err(Exception::new(
                "Invalid_register_index",
                "registers cannot be negative",
            )),
            Value::Integer(k) => Ok(*k as usize),
            other => Err(Exception::type_error("Integer", other)),
        }
    }

    /// The register an operand names (`%N` or `@N`), read-only.
    pub fn slot_ref(&self, r: Reg) -> Result<&Register, Fault> {
        let registers = match self.set_ref(r.set) {
            Some(regs) => regs,
            None if matches!(r.set, RegisterSet::Static | RegisterSet::Global) => {
                let size = if r.set == RegisterSet::Static {
                    STATIC_REGISTERS
                } else {
                    GLOBAL_REGISTERS
                };
                if r.access == Access::Reference || r.index as usize >= size {
                    return Err(out_of_bounds(r.index as usize));
                }
                return Ok(&EMPTY_REGISTER);
            }
            None => &[],
        };
        let index = match r.access {
            Access::Direct => r.index as usize,
            Access::Reference => Self::indirect_index(registers, r)?,
            Access::Pointer => return Err(invalid_access()),
        };
        registers.get(index).ok_or_else(|| out_of_bounds(index))
    }

    /// The register an operand names (`%N` or `@N`), for writing.
    pub fn slot_mut(&mut self, r: Reg) -> Result<&mut Register, Fault> {
        let registers = self.set_mut(r.set);
        let index = match r.access {
            Access::Direct => r.index as usize,
            Access::Reference => Self::indirect_index(registers, r)?,
            Access::Pointer => return Err(invalid_access()),
        };
        registers.get_mut(index).ok_or_else(|| out_of_bounds(index))
    }

    /// Reads a source operand (ISA-DATA §3.2).
    pub fn read(&self, r: Reg) -> Result<Source<'_>, Fault> {
        let direct = Reg {
            access: if r.access == Access::Pointer {
                Access::Direct
            } else {
                r.access
            },
            ..r
        };
        let value = self
            .slot_ref(direct)?
            .as_ref()
            .ok_or_else(|| null_register(r.index))?;
        if r.access != Access::Pointer {
            return Ok(Source::Borrowed(value));
        }
        let cell = dereference(&value.resolve())?;
        Ok(Source::Pointed(cell))
    }

    /// Reads an Integer source.
    pub fn read_integer(&self, r: Reg) -> Result<i64, Fault> {
        if r.access == Access::Direct {
            if let Ok(Some(Value::Integer(i))) = self.slot_ref(r) {
                return Ok(*i);
            }
        }
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Integer(i) => Ok(*i),
            other => Err(Exception::type_error("Integer", other)),
        }
    }

    /// Stores a new value into a target operand (through a reference cell if it holds one).
    pub fn store(&mut self, r: Reg, value: Value) -> Result<(), Fault> {
        let slot = self.slot_mut(r)?;
        match slot {
            Some(Value::Reference(cell)) => store_in_cell(cell, value),
            _ => *slot = Some(value),
        }
        Ok(())
    }

    /// Moves a register's content out (`%N`/`@N` only).
    pub fn take(&mut self, r: Reg) -> Result<Register, Fault> {
        Ok(self.slot_mut(r)?.take())
    }

    /// The value operand of `vpush`/`vinsert`/`structinsert`: moved for `%`/`@`, copied for `*`.
    pub fn take_or_copy(&mut self, r: Reg) -> Result<Value, Fault> {
        if r.access == Access::Pointer {
            let source = self.read(r)?;
            let copy = source.value().deep_copy();
            return copy;
        }
        self.take(r)?.ok_or_else(|| null_register(r.index))
    }

    /// Runs `f` on a value operand in place (`*N` modifies the pointed-to value).
    pub fn modify<R>(
        &mut self,
        r: Reg,
        f: impl FnOnce(&mut Value) -> Result<R, Fault>,
    ) -> Result<R, Fault> {
        if r.access == Access::Pointer {
            let cell = match self.read(r)? {
                Source::Pointed(c) => c,
                Source::Borrowed(_) => unreachable_cell()?,
            };
            let mut guard = cell.write().unwrap_or_else(|e| e.into_inner());
            return f(&mut guard);
        }
        let slot = self.slot_mut(r)?;
        match slot {
            None => Err(null_register(r.index)),
            Some(Value::Target(cell)) | Some(Value::Reference(cell)) => {
                let cell = Arc::clone(cell);
                let mut guard = cell.write().unwrap_or_else(|e| e.into_inner());
                f(&mut guard)
            }
            Some(v) => f(v),
        }
    }

    /// Makes the value in a register a pointer target and returns its cell.
    pub fn target_cell(&mut self, r: Reg) -> Result<Cell, Fault> {
        if r.access == Access::Pointer {
            return match self.read(r)? {
                Source::Pointed(c) => Ok(c),
                Source::Borrowed(_) => unreachable_cell(),
            };
        }
        let slot = self.slot_mut(r)?;
        Ok(make_target(
            slot.as_mut().ok_or_else(|| null_register(r.index))?,
        ))
    }
}

#[cold]
fn unreachable_cell<T>() -> Result<T, Fault> {
    Err(Exception::error(
        "internal error: pointer operand without a target",
    ))
}

/// Replaces the value inside a cell, unwrapping a cell value so cells never nest.
pub fn store_in_cell(cell: &Cell, value: Value) {
    let value = match value.into_plain() {
        Ok(v) => v,
        Err(shared) => shared,
    };
    *cell.write().unwrap_or_else(|e| e.into_inner()) = value;
}

/// Turns a value in place into a pointer target (if it is not one already) and returns the cell.
pub fn make_target(value: &mut Value) -> Cell {
    match value {
        Value::Target(c) | Value::Reference(c) => Arc::clone(c),
        v => {
            let plain = std::mem::replace(v, Value::Boolean(false));
            let cell = Arc::new(RwLock::new(plain));
            *v = Value::Target(Arc::clone(&cell));
            cell
        }
    }
}
