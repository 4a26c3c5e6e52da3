//! `std::random` (RUNTIME.md §9.3). The `device::` functions work (0.13 crashes in them).

use std::fs::File;
use std::io::Read;

use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::value::Value;

use crate::args::int_arg;
use crate::function;

pub fn functions() -> Vec<ForeignFunction> {
    vec![
        function("std::random::random/0", true, random),
        function("std::random::randint/2", true, randint),
        // The blocking device may block (on old kernels, until it has entropy).
        function("std::random::device::random/0", false, device_random),
        function("std::random::device::urandom/0", true, device_urandom),
    ]
}

fn read_device<const N: usize>(device: &str) -> Result<[u8; N], Fault> {
    let fail = || Exception::error(format!("failed to open random device: {device}"));
    let mut file = File::open(device).map_err(|_| fail())?;
    let mut bytes = [0u8; N];
    file.read_exact(&mut bytes).map_err(|_| fail())?;
    Ok(bytes)
}

/// A random u64 from the non-blocking device divided by 2⁶⁴−1: in [0, 1].
fn unit() -> Result<f64, Fault> {
    let n = u64::from_ne_bytes(read_device("/dev/urandom")?);
    Ok(n as f64 / u64::MAX as f64)
}

fn random(_call: &mut ForeignCall) -> ForeignResult {
    Ok(Some(Value::Float(unit()?)))
}

fn randint(call: &mut ForeignCall) -> ForeignResult {
    let lo = int_arg(call, 0, "lower bound (integer)")?;
    let hi = int_arg(call, 1, "upper bound (integer)")?;
    // 0.13: `lo + (hi - lo) * random()` in double, truncated toward zero.
    let span = hi.wrapping_sub(lo) as f64;
    let n = (lo as f64 + span * unit()?).trunc() as i64;
    Ok(Some(Value::Integer(n)))
}

fn device(device: &str) -> ForeignResult {
    let n = i32::from_ne_bytes(read_device(device)?);
    Ok(Some(Value::Integer(i64::from(n))))
}

fn device_random(_call: &mut ForeignCall) -> ForeignResult {
    device("/dev/random")
}

fn device_urandom(_call: &mut ForeignCall) -> ForeignResult {
    device("/dev/urandom")
}

#[cfg(test)]
mod tests {
    use crate::testing::{call, fault};
    use viua_vm::value::Value;

    #[test]
    fn random_is_a_float_in_the_unit_interval() {
        for _ in 0..200 {
            match call("std::random", "std::random::random/0", vec![]).0 {
                Ok(Some(Value::Float(f))) => assert!((0.0..=1.0).contains(&f), "{f}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn randint_stays_in_range_and_checks_types() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let args = vec![Some(Value::Integer(-3)), Some(Value::Integer(4))];
            match call("std::random", "std::random::randint/2", args).0 {
                Ok(Some(Value::Integer(n))) => {
                    assert!((-3..4).contains(&n), "{n}");
                    seen.insert(n);
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(seen.len() >= 5, "{seen:?}");
        let same = vec![Some(Value::Integer(7)), Some(Value::Integer(7))];
        assert!(matches!(
            call("std::random", "std::random::randint/2", same).0,
            Ok(Some(Value::Integer(7)))
        ));
        let bad = vec![Some(Value::Float(1.0)), Some(Value::Integer(2))];
        assert_eq!(
            fault(call("std::random", "std::random::randint/2", bad).0),
            "Exception: fetched invalid type: expected 'Integer' but got 'Float'"
        );
        assert_eq!(
            fault(call("std::random", "std::random::randint/2", vec![]).0),
            "Exception: expected lower bound (integer) as parameter 0"
        );
    }

    #[test]
    fn devices_return_32_bit_integers() {
        for name in [
            "std::random::device::random/0",
            "std::random::device::urandom/0",
        ] {
            let mut values = std::collections::BTreeSet::new();
            for _ in 0..8 {
                match call("std::random", name, vec![]).0 {
                    Ok(Some(Value::Integer(n))) => {
                        assert!(i64::from(i32::MIN) <= n && n <= i64::from(i32::MAX));
                        values.insert(n);
                    }
                    other => panic!("{name}: {other:?}"),
                }
            }
            assert!(values.len() > 1, "{name}: {values:?}");
        }
    }

    #[test]
    fn aliases_give_the_same_functions() {
        use viua_vm::foreign::NativeModules;
        let names = |m| -> Vec<String> {
            crate::Natives
                .builtin(m)
                .unwrap()
                .into_iter()
                .map(|f| f.name)
                .collect()
        };
        assert_eq!(names("std::random"), names("Std::Random"));
        assert_eq!(names("std::io"), names("Std::Io"));
        assert_eq!(names("std::os"), names("Std::Os"));
        assert!(crate::Natives.builtin("Std::Typesystem").is_none());
        assert!(crate::Natives.builtin("Std::Posix::Io").is_none());
    }
}
