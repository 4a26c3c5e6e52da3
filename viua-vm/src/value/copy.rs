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
