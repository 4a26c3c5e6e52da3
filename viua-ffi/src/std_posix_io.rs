//! `std::posix::io` (RUNTIME.md §9.6): `open/1` gives an owning `IO_fd` for the I/O
//! instructions (ISA-CONTROL §2.33).

use std::os::fd::OwnedFd;

use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::kernel::io::IoFd;
use viua_vm::value::Value;

use crate::args::{self, str_arg};
use crate::function;

pub fn functions() -> Vec<ForeignFunction> {
    vec![function("std::posix::io::open/1", false, open)]
}

/// A descriptor in an `IO_fd` value.
pub(crate) fn io_fd(fd: OwnedFd) -> Value {
    Value::foreign(Box::new(IoFd::new(fd)))
}

/// Runs `f` on the `IO_fd` argument `i` holds or points to (either is accepted everywhere,
/// RUNTIME.md §9.7's advice).
pub(crate) fn with_io_fd<R>(
    call: &ForeignCall,
    i: usize,
    f: impl FnOnce(&IoFd) -> Result<R, Fault>,
) -> Result<R, Fault> {
    let arg = args::required(call, i, "an IO_fd")?;
    let on = |v: &Value| -> Result<R, Fault> {
        match v {
            Value::Foreign(o) => match o.as_any().downcast_ref::<IoFd>() {
                Some(fd) => f(fd),
                None => Err(Exception::type_error("IO_fd", v)),
            },
            other => Err(Exception::type_error("IO_fd", other)),
        }
    };
    match args::dereference(call, arg)? {
        Some(cell) => {
            let target = cell.read().unwrap_or_else(|e| e.into_inner());
            on(&target)
        }
        None => on(&arg.resolve()),
    }
}

fn open(call: &mut ForeignCall) -> ForeignResult {
    use std::os::unix::ffi::OsStrExt;
    let path = str_arg(call, 0, "a path")?;
    match std::fs::File::open(std::ffi::OsStr::from_bytes(&path)) {
        Ok(file) => Ok(Some(io_fd(OwnedFd::from(file)))),
        Err(e) => Err(Exception::new(
            "IO_error",
            format!("unknown errno: {}", e.raw_os_error().unwrap_or(0)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{call, fault, s};

    #[test]
    fn open_gives_an_owning_io_fd_or_the_errno() {
        let (r, _) = call(
            "std::posix::io",
            "std::posix::io::open/1",
            vec![s("/dev/null")],
        );
        let v = r.unwrap().unwrap();
        assert_eq!(v.type_name(), "IO_fd");
        assert!(String::from_utf8(v.print_form())
            .unwrap()
            .starts_with("IO_fd: "));
        assert!(v.truthy());
        let r = call(
            "std::posix::io",
            "std::posix::io::open/1",
            vec![s("/nonexistent/file")],
        );
        assert_eq!(fault(r.0), "IO_error: unknown errno: 2");
        assert_eq!(
            fault(call("std::posix::io", "std::posix::io::open/1", vec![]).0),
            "Exception: expected a path as parameter 0"
        );
    }
}
