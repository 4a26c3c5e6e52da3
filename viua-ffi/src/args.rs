//! Argument helpers shared by the built-in modules.

use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::ForeignCall;
use viua_vm::value::{Cell, Value};

use crate::opaque::{self, ForeignObject};

/// Argument `i`, or `Exception: expected WHAT as parameter I`.
pub fn required<'c>(call: &'c ForeignCall, i: usize, what: &str) -> Result<&'c Value, Fault> {
    call.arg(i)
        .ok_or_else(|| Exception::error(format!("expected {what} as parameter {i}")))
}

/// `str` of argument `i` (required).
pub fn str_arg(call: &ForeignCall, i: usize, what: &str) -> Result<Vec<u8>, Fault> {
    required(call, i, what).map(opaque::print_form)
}

/// An Integer argument.
pub fn int_arg(call: &ForeignCall, i: usize, what: &str) -> Result<i64, Fault> {
    let v = required(call, i, what)?;
    match &*v.resolve() {
        Value::Integer(n) => Ok(*n),
        other => Err(type_error("Integer", other)),
    }
}

/// Dereferences a pointer argument on behalf of the calling process (ISA-DATA §2.11).
pub fn dereference(call: &ForeignCall, pointer: &Value) -> Result<Option<Cell>, Fault> {
    match &*pointer.resolve() {
        Value::Pointer(p) => {
            if p.origin != call.pid {
                return Err(Exception::new(
                    "Invalid_dereference",
                    "outside of original process",
                ));
            }
            p.check()
                .map(Some)
                .ok_or_else(|| Exception::new("Expired_pointer", ""))
        }
        _ => Ok(None),
    }
}

/// Runs `f` on the host object of type `T` that argument `i` holds or points to. The
/// argument may be the object itself or a pointer to it (RUNTIME.md §9.7's advice).
pub fn with_object<T: ForeignObject, R>(
    call: &mut ForeignCall,
    i: usize,
    type_name: &str,
    f: impl FnOnce(&mut T) -> Result<R, Fault>,
) -> Result<R, Fault> {
    let arg = required(call, i, &format!("a pointer to {type_name}"))?;
    let run = |v: &mut Value| -> Result<R, Fault> {
        let outcome = opaque::with_object(v, |o| o.as_any_mut().downcast_mut::<T>().map(f));
        match outcome.flatten() {
            Some(r) => r,
            None => Err(type_error(type_name, v)),
        }
    };
    match dereference(call, arg)? {
        Some(cell) => {
            let mut target = cell.write().unwrap_or_else(|e| e.into_inner());
            run(&mut target)
        }
        None => {
            let mut v = call.take_arg(i).unwrap_or(Value::Boolean(false));
            let r = run(&mut v);
            call.args[i] = Some(v);
            r
        }
    }
}

/// `Exception: fetched invalid type: expected 'EXPECTED' but got 'T'`, foreign types named.
pub fn type_error(expected: &str, got: &Value) -> Fault {
    Exception::error(format!(
        "fetched invalid type: expected '{expected}' but got '{}'",
        opaque::type_name(got)
    ))
}
