//! Handlers for vectors, structs and register manipulation (ISA-DATA §4.7, §4.15–§4.17).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use viua_bytecode::{Access, RegisterSet};

use super::registers::make_target;
use super::Process;
use crate::exception::{Exception, Fault};
use crate::load::Reg;
use crate::value::{Cell, Pointer, Value};

#[cold]
fn out_of_bounds(message: String) -> Fault {
    Exception::new("Out_of_bounds", message)
}

/// Position of an existing element (`vat`, `vpop`).
fn element_index(i: i64, n: usize) -> Result<usize, Fault> {
    if n == 0 {
        return Err(out_of_bounds(format!(
            "positive index {i} with empty vector"
        )));
    }
    if i >= 0 {
        if i as u64 >= n as u64 {
            return Err(out_of_bounds(format!("positive index {i} with size {n}")));
        }
        Ok(i as usize)
    } else {
        if i.unsigned_abs() > n as u64 {
            return Err(out_of_bounds(format!("negative index {i} with size {n}")));
        }
        Ok(n - i.unsigned_abs() as usize)
    }
}

/// Position to insert before (`vinsert`).
fn insertion_index(i: i64, n: usize) -> Result<usize, Fault> {
    if i >= 0 {
        if i as u64 > n as u64 {
            return Err(out_of_bounds(format!("positive index {i} with size {n}")));
        }
        Ok(i as usize)
    } else {
        if i.unsigned_abs() > n as u64 {
            return Err(out_of_bounds(format!("negative index {i} with size {n}")));
        }
        Ok(n - i.unsigned_abs() as usize)
    }
}

fn set_number(set: RegisterSet) -> u8 {
    match set {
        RegisterSet::Global => 0,
        RegisterSet::Local => 1,
        RegisterSet::Static => 2,
        RegisterSet::Arguments => 3,
        RegisterSet::Parameters => 4,
    }
}

fn as_vector(v: &mut Value) -> Result<&mut Vec<Value>, Fault> {
    match v {
        Value::Vector(items) => Ok(items),
        other => Err(Exception::type_error("Vector", other)),
    }
}

fn as_struct(v: &mut Value) -> Result<&mut std::collections::BTreeMap<Vec<u8>, Value>, Fault> {
    match v {
        Value::Struct(s) => Ok(s),
        other => Err(Exception::type_error("Struct", other)),
    }
}

impl Process {
    fn pointer_to(&self, cell: &Cell) -> Value {
        Value::Pointer(Box::new(Pointer {
            target: Arc::downgrade(cell),
            origin: self.pid,
            nulled: AtomicBool::new(false),
        }))
    }

    fn check_type(&self, r: Reg, expected: &str) -> Result<(), Fault> {
        let source = self.read(r)?;
        let value = source.value();
        let ok = matches!(
            (&*value, expected),
            (Value::Vector(_), "Vector") | (Value::Struct(_), "Struct")
        );
        if ok {
            Ok(())
        } else {
            Err(Exception::type_error(expected, &value))
        }
    }

    pub(super) fn op_vector(&mut self, t: Reg, s: Reg, count: u16) -> Result<(), Fault> {
        let (start, count) = (s.index as usize, count as usize);
        if count == 0 {
            return self.store(
                Reg {
                    access: Access::Direct,
                    ..t
                },
                Value::Vector(Box::default()),
            );
        }
        if start < t.index as usize && (t.index as usize) < start + count {
            return Err(Exception::error("vector would pack itself"));
        }
        let locals = self
            .stacks
            .last()
            .and_then(|s| s.frames.last())
            .map_or(0, |f| f.locals_len as usize);
        // DECISIONS.md: the range may end at the last local register (0.13 is off by one).
        if start + count > locals {
            return Err(Exception::error(
                "vector: packing outside of register set range",
            ));
        }
        let local = |index: usize| Reg {
            index: index as u16,
            set: RegisterSet::Local,
            access: Access::Direct,
        };
        for i in start..start + count {
            if self.slot_ref(local(i))?.is_none() {
                return Err(Exception::error("vector: cannot pack null register"));
            }
        }
        if s.set != RegisterSet::Local {
            return Err(Exception::error(format!(
                "packing vector from non-local register set is not allowed: {} {count}",
                set_number(s.set)
            )));
        }
        let mut items = Vec::with_capacity(count);
        for i in start..start + count {
            items.extend(self.take(local(i))?);
        }
        self.store(
            Reg {
                access: Access::Direct,
                ..t
            },
            Value::Vector(Box::new(items)),
        )
    }

    pub(super) fn op_vinsert(&mut self, v: Reg, x: Reg, i: Option<Reg>) -> Result<(), Fault> {
        self.check_type(v, "Vector")?;
        let item = self.take_or_copy(x)?;
        let index = match i {
            Some(r) => self.read_integer(r)?,
            None => 0,
        };
        self.modify(v, |value| {
            let items = as_vector(value)?;
            let at = insertion_index(index, items.len())?;
            items.insert(at, item);
            Ok(())
        })
    }

    pub(super) fn op_vpush(&mut self, v: Reg, x: Reg) -> Result<(), Fault> {
        self.check_type(v, "Vector")?;
        let item = self.take_or_copy(x)?;
        self.modify(v, |value| {
            as_vector(value)?.push(item);
            Ok(())
        })
    }

    pub(super) fn op_vpop(&mut self, t: Option<Reg>, v: Reg, i: Option<Reg>) -> Result<(), Fault> {
        self.check_type(v, "Vector")?;
        let index = match i {
            Some(r) => self.read_integer(r)?,
            None => -1,
        };
        let item = self.modify(v, |value| {
            let items = as_vector(value)?;
            let at = element_index(index, items.len())?;
            Ok(items.remove(at))
        })?;
        match t {
            Some(t) => self.store(t, item),
            None => Ok(()),
        }
    }

    pub(super) fn op_vat(&mut self, t: Reg, v: Reg, i: Reg) -> Result<(), Fault> {
        self.check_type(v, "Vector")?;
        let index = self.read_integer(i)?;
        let cell = self.modify(v, |value| {
            let items = as_vector(value)?;
            let at = element_index(index, items.len())?;
            Ok(make_target(&mut items[at]))
        })?;
        let pointer = self.pointer_to(&cell);
        self.store(t, pointer)
    }

    pub(super) fn op_vlen(&mut self, t: Reg, v: Reg) -> Result<(), Fault> {
        let length = {
            let source = self.read(v)?;
            let value = source.value();
            match &*value {
                Value::Vector(items) => items.len(),
                other => return Err(Exception::type_error("Vector", other)),
            }
        };
        self.store(t, Value::Integer(length as i64))
    }

    pub(super) fn op_structinsert(&mut self, s: Reg, k: Reg, v: Reg) -> Result<(), Fault> {
        self.check_type(s, "Struct")?;
        let key = self.read_atom(k)?;
        let item = self.take_or_copy(v)?;
        self.modify(s, |value| {
            as_struct(value)?.insert(key, item);
            Ok(())
        })
    }

    pub(super) fn op_structremove(&mut self, t: Option<Reg>, s: Reg, k: Reg) -> Result<(), Fault> {
        self.check_type(s, "Struct")?;
        let key = self.read_atom(k)?;
        let item = self.modify(s, |value| {
            as_struct(value)?
                .remove(&key)
                .ok_or_else(|| Exception::invalid_field_access(&key))
        })?;
        match t {
            Some(t) => self.store(t, item),
            None => Ok(()),
        }
    }

    pub(super) fn op_structat(&mut self, t: Reg, s: Reg, k: Reg) -> Result<(), Fault> {
        self.check_type(s, "Struct")?;
        let key = self.read_atom(k)?;
        let cell = self.modify(s, |value| {
            let entry = as_struct(value)?
                .get_mut(&key)
                .ok_or_else(|| Exception::invalid_field_access(&key))?;
            Ok(make_target(entry))
        })?;
        let pointer = self.pointer_to(&cell);
        self.store(t, pointer)
    }

    pub(super) fn op_structkeys(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let keys = {
            let source = self.read(s)?;
            let value = source.value();
            match &*value {
                Value::Struct(entries) => entries.keys().map(|k| Value::atom(k.clone())).collect(),
                other => return Err(Exception::type_error("Struct", other)),
            }
        };
        self.store(t, Value::Vector(Box::new(keys)))
    }

    pub(super) fn op_move(&mut self, t: Option<Reg>, s: Reg) -> Result<(), Fault> {
        if let Some(t) = t {
            // Both operands must be registers; resolve the target first (written order).
            self.slot_mut(t)?;
        }
        let value = self.take(s)?;
        match (t, value) {
            (None, _) => Ok(()),
            (Some(t), Some(v)) => self.store_moved(t, v),
            // 0.13: moving from an empty register empties the target without raising.
            (Some(t), None) => {
                *self.slot_mut(t)? = None;
                Ok(())
            }
        }
    }

    /// Stores a moved value; a moved reference handle replaces a plain register's content.
    fn store_moved(&mut self, t: Reg, v: Value) -> Result<(), Fault> {
        let slot = self.slot_mut(t)?;
        match (slot.as_ref(), &v) {
            (Some(Value::Reference(_)), Value::Reference(_))
            | (Some(Value::Reference(_)), Value::Target(_)) => {
                *slot = Some(v);
                Ok(())
            }
            _ => self.store(t, v),
        }
    }

    pub(super) fn op_copy(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let copy = self.read(s)?.value().deep_copy()?;
        self.store(t, copy)
    }

    pub(super) fn op_ptr(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let cell = self.target_cell(s)?;
        let pointer = self.pointer_to(&cell);
        self.store(t, pointer)
    }

    pub(super) fn op_ptrlive(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let live = {
            let source = self.read(s)?;
            let value = source.value();
            match &*value {
                Value::Pointer(p) => p.check().is_some(),
                other => return Err(Exception::type_error("Pointer", other)),
            }
        };
        self.store(t, Value::Boolean(live))
    }

    pub(super) fn op_swap(&mut self, a: Reg, b: Reg) -> Result<(), Fault> {
        let x = self.take(a)?;
        let y = match self.take(b) {
            Ok(y) => y,
            Err(e) => {
                *self.slot_mut(a)? = x;
                return Err(e);
            }
        };
        *self.slot_mut(a)? = y;
        *self.slot_mut(b)? = x;
        Ok(())
    }

    pub(super) fn op_delete(&mut self, r: Reg) -> Result<(), Fault> {
        match self.take(r)? {
            Some(_) => Ok(()),
            None => Err(Exception::error("delete of null register")),
        }
    }

    pub(super) fn op_isnull(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let empty = self.slot_ref(s)?.is_none();
        self.store(t, Value::Boolean(empty))
    }

    pub(super) fn op_print(&mut self, r: Reg, newline: bool) -> Result<(), Fault> {
        let source = self.read(r)?;
        let value = source.value();
        if newline {
            if let Value::Pointer(p) = &*value {
                p.check();
            }
        }
        let mut bytes = value.print_form();
        drop(value);
        drop(source);
        if newline {
            bytes.push(b'\n');
        }
        self.emit(&bytes);
        Ok(())
    }
}
