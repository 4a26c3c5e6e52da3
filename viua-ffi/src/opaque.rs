//! Opaque host objects in values (`Fstream`, later `IO_fd`): the [`ForeignObject`] trait and
//! a **stand-in** representation until the VM has a value variant for them.
//!
//! The VM side should add `Value::Foreign(Box<Box<dyn ForeignObject>>)` (a thin box, so
//! `Value` stays 16 bytes) with `type_name`/`print_form`/`truthy` delegating to the trait,
//! `deep_copy` to [`ForeignObject::copy`], and the object dropped with the value (which
//! closes an `Fstream`). Until then, [`wrap`] registers the object in a process-wide table
//! and returns an Atom holding a marker and the object's number; objects live until
//! [`release`]. Only this file knows the representation: switching to the real variant
//! changes [`wrap`], [`with_object`] and the three forms below, nothing else.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use viua_vm::exception::{Exception, Fault};
use viua_vm::value::Value;

/// A host object owned by a value.
pub trait ForeignObject: Any + Send + Sync + std::fmt::Debug {
    /// The type name (`typeof`, error messages), e.g. `Fstream`.
    fn type_name(&self) -> String;
    /// The print form; by default the type name.
    fn str_form(&self) -> Vec<u8> {
        self.type_name().into_bytes()
    }
    fn truthy(&self) -> bool;
    /// What `copy` does; by default `Exception: T is not copyable`.
    fn copy(&self) -> Result<Box<dyn ForeignObject>, Fault> {
        Err(Exception::error(format!(
            "{} is not copyable",
            self.type_name()
        )))
    }
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

type Shared = Arc<Mutex<Box<dyn ForeignObject>>>;

const MARKER: &[u8] = b"\0viua-foreign-object#";

static OBJECTS: LazyLock<Mutex<HashMap<u64, Shared>>> = LazyLock::new(Default::default);
static NEXT: AtomicU64 = AtomicU64::new(1);

fn table() -> std::sync::MutexGuard<'static, HashMap<u64, Shared>> {
    OBJECTS.lock().unwrap_or_else(|e| e.into_inner())
}

fn id_of(v: &Value) -> Option<u64> {
    match &*v.resolve() {
        Value::Atom(a) => std::str::from_utf8(a.strip_prefix(MARKER)?)
            .ok()?
            .parse()
            .ok(),
        _ => None,
    }
}

fn lookup(v: &Value) -> Option<Shared> {
    let id = id_of(v)?;
    table().get(&id).cloned()
}

/// A value owning `object`.
pub fn wrap(object: Box<dyn ForeignObject>) -> Value {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    table().insert(id, Arc::new(Mutex::new(object)));
    let mut atom = MARKER.to_vec();
    atom.extend_from_slice(id.to_string().as_bytes());
    Value::atom(atom)
}

/// Whether `v` (not a pointer to it) is a foreign object.
pub fn is_object(v: &Value) -> bool {
    lookup(v).is_some()
}

/// Runs `f` on the object `v` holds, if it holds one.
pub fn with_object<R>(v: &mut Value, f: impl FnOnce(&mut dyn ForeignObject) -> R) -> Option<R> {
    let shared = lookup(v)?;
    let mut object = shared.lock().unwrap_or_else(|e| e.into_inner());
    Some(f(&mut **object))
}

/// Destroys the object `v` holds (what dropping the value will do with the real variant).
pub fn release(v: &Value) {
    if let Some(id) = id_of(v) {
        table().remove(&id);
    }
}

/// Number of live objects (for tests).
pub fn live_objects() -> usize {
    table().len()
}

fn with_shared<R>(v: &Value, f: impl FnOnce(&dyn ForeignObject) -> R) -> Option<R> {
    let shared = lookup(v)?;
    let object = shared.lock().unwrap_or_else(|e| e.into_inner());
    Some(f(&**object))
}

/// `type_name()` of a value, foreign objects included.
pub fn type_name(v: &Value) -> String {
    with_shared(v, |o| o.type_name()).unwrap_or_else(|| v.type_name())
}

/// `print_form()` of a value, foreign objects included.
pub fn print_form(v: &Value) -> Vec<u8> {
    with_shared(v, |o| o.str_form()).unwrap_or_else(|| v.print_form())
}

/// `truthy()` of a value, foreign objects included.
pub fn truthy(v: &Value) -> bool {
    with_shared(v, |o| o.truthy()).unwrap_or_else(|| v.truthy())
}
