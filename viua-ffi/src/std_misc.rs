//! `std::typesystem` (RUNTIME.md §9.4) and `std::kitchensink` (§9.5).

use std::time::Duration;

use viua_vm::exception::Exception;
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::value::Value;

use crate::args::{dereference, type_error};
use crate::{function, opaque};

pub fn typesystem() -> Vec<ForeignFunction> {
    vec![function("std::typesystem::typeof/1", true, type_of)]
}

pub fn kitchensink() -> Vec<ForeignFunction> {
    vec![function("std::kitchensink::sleep/1", false, sleep)]
}

fn type_of(call: &mut ForeignCall) -> ForeignResult {
    let arg = call
        .arg(0)
        .ok_or_else(|| Exception::error("requires 1 parameter"))?;
    let cell = dereference(call, arg)?
        .ok_or_else(|| Exception::error("expected a pointer as parameter 0"))?;
    let target = cell.read().unwrap_or_else(|e| e.into_inner());
    Ok(Some(Value::string(opaque::type_name(&target).into_bytes())))
}

/// Blocks for n seconds (a Float is truncated; negative is no time).
fn sleep(call: &mut ForeignCall) -> ForeignResult {
    let arg = call
        .arg(0)
        .ok_or_else(|| Exception::error("expected number of seconds as parameter 0"))?;
    let seconds = match &*arg.resolve() {
        Value::Integer(n) => *n,
        Value::Float(f) => *f as i64,
        other => return Err(type_error("Number", other)),
    };
    std::thread::sleep(Duration::from_secs(seconds.max(0) as u64));
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, RwLock};
    use std::time::{Duration, Instant};

    use viua_vm::value::{Pointer, Value};

    use crate::testing::{call, call_full, fault, string};

    fn pointer_to(v: Value) -> (Arc<RwLock<Value>>, Value) {
        let cell = Arc::new(RwLock::new(v));
        let p = Value::Pointer(Box::new(Pointer {
            target: Arc::downgrade(&cell),
            origin: 1,
            nulled: AtomicBool::new(false),
        }));
        (cell, p)
    }

    #[test]
    fn typeof_names_the_pointed_type() {
        for (v, name) in [
            (Value::Integer(3), "Integer"),
            (Value::Float(1.5), "Float"),
            (Value::text(b"t".to_vec()), "Text"),
            (Value::Vector(Box::default()), "Vector"),
        ] {
            let (_cell, p) = pointer_to(v);
            let r = call(
                "std::typesystem",
                "std::typesystem::typeof/1",
                vec![Some(p)],
            )
            .0;
            assert_eq!(string(r), name.as_bytes());
        }
    }

    #[test]
    fn typeof_errors() {
        let t = |args| fault(call("std::typesystem", "std::typesystem::typeof/1", args).0);
        assert_eq!(t(vec![]), "Exception: requires 1 parameter");
        assert_eq!(t(vec![None]), "Exception: requires 1 parameter");
        assert_eq!(
            t(vec![Some(Value::Integer(3))]),
            "Exception: expected a pointer as parameter 0"
        );
        let (cell, p) = pointer_to(Value::Integer(1));
        drop(cell);
        assert_eq!(t(vec![Some(p)]), "Expired_pointer: ");
        let (_cell, p) = pointer_to(Value::Integer(1));
        let r = call_full(
            "std::typesystem",
            "std::typesystem::typeof/1",
            vec![Some(p)],
            2,
        );
        assert_eq!(
            fault(r.0),
            "Invalid_dereference: outside of original process"
        );
    }

    #[test]
    fn sleep_blocks_for_whole_seconds() {
        let start = Instant::now();
        let r = call(
            "std::kitchensink",
            "std::kitchensink::sleep/1",
            vec![Some(Value::Float(0.9))],
        );
        assert!(matches!(r.0, Ok(None)));
        assert!(start.elapsed() < Duration::from_millis(500));
        let start = Instant::now();
        let r = call(
            "std::kitchensink",
            "std::kitchensink::sleep/1",
            vec![Some(Value::Integer(1))],
        );
        assert!(matches!(r.0, Ok(None)));
        assert!(start.elapsed() >= Duration::from_secs(1));
        assert_eq!(
            fault(
                call(
                    "std::kitchensink",
                    "std::kitchensink::sleep/1",
                    vec![Some(Value::string(b"x".to_vec()))]
                )
                .0
            ),
            "Exception: fetched invalid type: expected 'Number' but got 'String'"
        );
        assert!(!crate::testing::find("std::kitchensink", "std::kitchensink::sleep/1").inline);
    }
}
