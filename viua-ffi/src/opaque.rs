//! Opaque host objects in values (`Fstream`, later `IO_fd`): they live in
//! [`Value::Foreign`] (see [`viua_vm::value::ForeignObject`]) and are dropped with their
//! value, which closes an `Fstream`. These helpers keep the built-in modules independent of
//! the exact representation.

pub use viua_vm::value::ForeignObject;
use viua_vm::value::Value;

/// A value owning `object`.
pub fn wrap(object: Box<dyn ForeignObject>) -> Value {
    Value::foreign(object)
}

/// Whether `v` (not a pointer to it) is a foreign object.
pub fn is_object(v: &Value) -> bool {
    matches!(&*v.resolve(), Value::Foreign(_))
}

/// Runs `f` on the object `v` holds (directly or through a reference cell), if it holds one.
pub fn with_object<R>(v: &mut Value, f: impl FnOnce(&mut dyn ForeignObject) -> R) -> Option<R> {
    match v {
        Value::Foreign(object) => Some(f(&mut ***object)),
        Value::Target(cell) | Value::Reference(cell) => {
            let mut inner = cell.write().unwrap_or_else(|e| e.into_inner());
            with_object(&mut inner, f)
        }
        _ => None,
    }
}

/// `type_name()` of a value, foreign objects included.
pub fn type_name(v: &Value) -> String {
    v.type_name()
}

/// `print_form()` of a value, foreign objects included.
pub fn print_form(v: &Value) -> Vec<u8> {
    v.print_form()
}

/// `truthy()` of a value, foreign objects included.
pub fn truthy(v: &Value) -> bool {
    v.truthy()
}
