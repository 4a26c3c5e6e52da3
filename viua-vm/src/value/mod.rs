//! Run-time values (ISA-DATA §2): at most 16 bytes each, big payloads boxed.
//!
//! Identity and pointers: a value that has had a pointer taken (`ptr`, `vat`, `structat`)
//! lives in a shared cell ([`Value::Target`]); pointers hold a [`Weak`] to that cell, so the
//! pointer expires exactly when the last owner of the value object drops it (overwrite,
//! `delete`, frame exit, container death), and moving the value (which moves the `Arc`) keeps
//! its identity. `capture` uses the same kind of cell as a *reference register*
//! ([`Value::Reference`]): stores into such a register go into the cell. Cells are
//! `Arc<RwLock>`, not `Rc<RefCell>`, so a process stays `Send`.

mod copy;
mod foreign;
mod format;

pub use foreign::ForeignObject;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, Weak};

use crate::exception::Exception;
pub use crate::ops::bits::Bits;

/// A shared cell holding one value object.
pub type Cell = Arc<RwLock<Value>>;

/// A register: empty or holding a value.
pub type Register = Option<Value>;

/// `n` empty registers.
pub fn empty_registers(n: usize) -> Vec<Register> {
    let mut v = Vec::with_capacity(n);
    v.resize_with(n, || None);
    v
}

/// A function name as a value refers to it (`Function: main/0`), with the function index it
/// resolved to at load time, if any.
#[derive(Debug)]
pub struct FunctionName {
    pub name: String,
    pub function: Option<u32>,
}

/// A closure: the function and its own register set (ISA-CONTROL §1.8). The set is shared
/// with the frames that run the closure.
#[derive(Debug)]
pub struct Closure {
    pub function: Arc<FunctionName>,
    pub registers: Arc<Mutex<Vec<Register>>>,
}

/// A pointer (ISA-DATA §2.11).
#[derive(Debug)]
pub struct Pointer {
    pub target: Weak<RwLock<Value>>,
    /// PID of the process that created the pointer.
    pub origin: u64,
    pub nulled: AtomicBool,
}

impl Pointer {
    /// A liveness check: nulls the pointer permanently when its value has died.
    pub fn check(&self) -> Option<Cell> {
        if self.nulled.load(Ordering::Relaxed) {
            return None;
        }
        let cell = self.target.upgrade();
        if cell.is_none() {
            self.nulled.store(true, Ordering::Relaxed);
        }
        cell
    }

    pub fn is_nulled(&self) -> bool {
        self.nulled.load(Ordering::Relaxed)
    }
}

/// A run-time value.
#[derive(Debug)]
pub enum Value {
    Integer(i64),
    Float(f64),
    Boolean(bool),
    String(Box<Vec<u8>>),
    /// Bytes that passed [`crate::ops::text::validate_utf8`].
    Text(Box<Vec<u8>>),
    Atom(Box<Vec<u8>>),
    Bits(Box<Bits>),
    Vector(Box<Vec<Value>>),
    /// Keys are atom contents, ordered byte-wise.
    Struct(Box<BTreeMap<Vec<u8>, Value>>),
    Pointer(Box<Pointer>),
    Function(Arc<FunctionName>),
    Closure(Box<Closure>),
    Exception(Box<Exception>),
    /// A value object that pointers refer to.
    Target(Cell),
    /// A captured-variable cell shared between a register and a closure.
    Reference(Cell),
    /// A PID (ISA-CONTROL §2.26): a handle on the process's mailbox and join slot.
    Process(Arc<crate::kernel::ProcessHandle>),
    /// A host object (boxed twice so that `Value` stays 16 bytes).
    Foreign(Box<Box<dyn ForeignObject>>),
}

/// A borrowed view of a value that may sit inside a shared cell.
pub enum ValueRef<'a> {
    Plain(&'a Value),
    Locked(RwLockReadGuard<'a, Value>),
}

impl std::ops::Deref for ValueRef<'_> {
    type Target = Value;
    fn deref(&self) -> &Value {
        match self {
            ValueRef::Plain(v) => v,
            ValueRef::Locked(g) => g,
        }
    }
}

impl Value {
    pub fn text(bytes: Vec<u8>) -> Value {
        Value::Text(Box::new(bytes))
    }

    pub fn string(bytes: Vec<u8>) -> Value {
        Value::String(Box::new(bytes))
    }

    /// A value owning a host object.
    pub fn foreign(object: Box<dyn ForeignObject>) -> Value {
        Value::Foreign(Box::new(object))
    }

    pub fn atom(bytes: Vec<u8>) -> Value {
        Value::Atom(Box::new(bytes))
    }

    /// Sees through a cell (one level; cells never directly hold cells).
    pub fn resolve(&self) -> ValueRef<'_> {
        match self {
            Value::Target(c) | Value::Reference(c) => match c.try_read() {
                Ok(g) => ValueRef::Locked(g),
                // Only reachable while the same cell is being modified in place, which no
                // instruction does while also reading it; fall back to the cell itself.
                Err(_) => ValueRef::Plain(self),
            },
            v => ValueRef::Plain(v),
        }
    }

    /// The type name (ISA-DATA §2.1); an exception's is its tag.
    pub fn type_name(&self) -> String {
        match self {
            Value::Integer(_) => "Integer".into(),
            Value::Float(_) => "Float".into(),
            Value::Boolean(_) => "Boolean".into(),
            Value::String(_) => "String".into(),
            Value::Text(_) => "Text".into(),
            Value::Atom(_) => "Atom".into(),
            Value::Bits(_) => "Bits".into(),
            Value::Vector(_) => "Vector".into(),
            Value::Struct(_) => "Struct".into(),
            Value::Pointer(_) => "Pointer".into(),
            Value::Function(_) => "Function".into(),
            Value::Closure(_) => "Closure".into(),
            Value::Exception(e) => e.tag.clone(),
            Value::Process(_) => "Process".into(),
            Value::Foreign(o) => o.type_name(),
            Value::Target(_) | Value::Reference(_) => match &*self.resolve() {
                Value::Target(_) | Value::Reference(_) => "Cell".into(),
                v => v.type_name(),
            },
        }
    }

    /// Truthiness (ISA-DATA §2.1).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Integer(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Boolean(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Text(_) => false,
            Value::Atom(_) => true,
            Value::Bits(b) => b.any(),
            Value::Vector(v) => !v.is_empty(),
            Value::Struct(s) => !s.is_empty(),
            Value::Pointer(p) => !p.is_nulled(),
            Value::Function(_) | Value::Closure(_) | Value::Exception(_) => true,
            Value::Process(_) => false,
            Value::Foreign(o) => o.truthy(),
            Value::Target(_) | Value::Reference(_) => match &*self.resolve() {
                Value::Target(_) | Value::Reference(_) => true,
                v => v.truthy(),
            },
        }
    }

    /// Takes the value object out of a cell wrapper when this is its only owner; used when a
    /// value leaves the process or is unwrapped for good.
    pub fn into_plain(self) -> Result<Value, Value> {
        let (cell, is_target) = match self {
            Value::Target(c) => (c, true),
            Value::Reference(c) => (c, false),
            v => return Ok(v),
        };
        match Arc::try_unwrap(cell) {
            Ok(lock) => Ok(lock.into_inner().unwrap_or_else(|e| e.into_inner())),
            Err(c) if is_target => Err(Value::Target(c)),
            Err(c) => Err(Value::Reference(c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_small_and_send() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Register>(), 16);
        fn is_send<T: Send>() {}
        is_send::<Value>();
    }

    #[test]
    fn truthiness_table() {
        assert!(!Value::text(b"x".to_vec()).truthy());
        assert!(Value::Float(f64::NAN).truthy());
        assert!(!Value::Float(-0.0).truthy());
        assert!(!Value::string(Vec::new()).truthy());
        assert!(Value::atom(Vec::new()).truthy());
    }
}
