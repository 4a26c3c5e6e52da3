//! Copy semantics (ISA-DATA §2.18).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::{Closure, Pointer, Value};
use crate::exception::{Exception, Fault};

impl Value {
    /// A copy as `copy` makes it: deep for containers and closures, a new pointer to the same
    /// target for pointers; exceptions are not copyable (except the two VM kinds).
    pub fn deep_copy(&self) -> Result<Value, Fault> {
        Ok(match self {
            Value::Integer(i) => Value::Integer(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Boolean(b) => Value::Boolean(*b),
            Value::String(s) => Value::String(s.clone()),
            Value::Text(t) => Value::Text(t.clone()),
            Value::Atom(a) => Value::Atom(a.clone()),
            Value::Bits(b) => Value::Bits(b.clone()),
            Value::Vector(v) => Value::Vector(Box::new(
                v.iter().map(Value::deep_copy).collect::<Result<_, _>>()?,
            )),
            Value::Struct(s) => {
                let mut out = std::collections::BTreeMap::new();
                for (k, v) in s.iter() {
                    out.insert(k.clone(), v.deep_copy()?);
                }
                Value::Struct(Box::new(out))
            }
            Value::Pointer(p) => Value::Pointer(Box::new(Pointer {
                target: p.target.clone(),
                origin: p.origin,
                nulled: AtomicBool::new(p.nulled.load(Ordering::Relaxed)),
            })),
            Value::Function(f) => Value::Function(Arc::clone(f)),
            Value::Process(p) => Value::Process(Arc::clone(p)),
            Value::Foreign(o) => Value::Foreign(Box::new(o.copy()?)),
            Value::Closure(c) => {
                let registers = c.registers.lock().unwrap_or_else(|e| e.into_inner());
                let mut copied = Vec::with_capacity(registers.len());
                for r in registers.iter() {
                    copied.push(match r {
                        // By-reference captures stay shared with everything they were shared with.
                        Some(Value::Reference(cell)) => Some(Value::Reference(Arc::clone(cell))),
                        Some(v) => Some(v.deep_copy()?),
                        None => None,
                    });
                }
                Value::Closure(Box::new(Closure {
                    function: Arc::clone(&c.function),
                    registers: Arc::new(Mutex::new(copied)),
                }))
            }
            Value::Exception(e) => {
                if !e.copyable {
                    return Err(Exception::new("Exception", "not copyable"));
                }
                let value = match &e.value {
                    Some(v) => Some(v.deep_copy()?),
                    None => None,
                };
                Value::Exception(Box::new(Exception {
                    value,
                    ..Exception::clone_header(e)
                }))
            }
            Value::Target(_) | Value::Reference(_) => match &*self.resolve() {
                Value::Target(_) | Value::Reference(_) => {
                    return Err(Exception::new("Exception", "not copyable"));
                }
                v => v.deep_copy()?,
            },
        })
    }
}

impl Value {
    /// The value as it travels in a message or as a new process's argument: every cell the
    /// sender's pointers or closures could reach is taken apart, so pointers to the sent
    /// value expire in the sender (ISA-CONTROL §2.29) and nothing mutable is shared between
    /// processes. A cell still shared with something else (a by-reference capture) gives a
    /// copy of its value; an uncopyable value is moved out of it.
    pub fn into_message(self) -> Value {
        match self {
            Value::Target(_) | Value::Reference(_) => match self.into_plain() {
                Ok(v) => v.into_message(),
                Err(Value::Target(cell) | Value::Reference(cell)) => {
                    let mut guard = cell.write().unwrap_or_else(|e| e.into_inner());
                    match guard.deep_copy() {
                        Ok(copy) => copy.into_message(),
                        Err(_) => {
                            std::mem::replace(&mut *guard, Value::Boolean(false)).into_message()
                        }
                    }
                }
                Err(v) => v,
            },
            Value::Vector(v) => {
                Value::Vector(Box::new(v.into_iter().map(Value::into_message).collect()))
            }
            Value::Struct(s) => Value::Struct(Box::new(
                s.into_iter().map(|(k, v)| (k, v.into_message())).collect(),
            )),
            Value::Exception(mut e) => {
                e.value = e.value.take().map(Value::into_message);
                Value::Exception(e)
            }
            v => v,
        }
    }
}
