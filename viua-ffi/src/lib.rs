//! Native modules for viua-rs (RUNTIME.md §7.5, §8, §9).
//!
//! [`Natives`] implements the VM's [`NativeModules`]: the standard native modules
//! (`std::io`, `std::os`, `std::random`, `std::typesystem`, `std::kitchensink`, and the
//! `Std::Io`, `Std::Os`, `Std::Random` aliases) are built in; third-party modules are shared
//! libraries using the C ABI of `include/viua_native.h` (write them in Rust with the
//! `viua-native` crate). [`fixtures`] builds and installs the test-fixture modules.
//!
//! `unsafe` is confined to [`loader`]'s `dlopen` and the C ABI glue in `host`.

mod args;
pub mod fixtures;
mod host;
pub mod loader;
pub mod opaque;
mod paths;
mod std_io;
mod std_misc;
mod std_os;
mod std_posix_io;
mod std_posix_network;
mod std_random;

use std::path::Path;

use viua_vm::foreign::{
    ForeignCall, ForeignFunction, ForeignResult, NativeLoadError, NativeModules,
};

pub use viua_native::abi::ABI_VERSION;

/// The provider the CLI installs into the VM.
#[derive(Debug, Default, Clone, Copy)]
pub struct Natives;

impl Natives {
    pub fn new() -> Natives {
        Natives
    }
}

/// The names of the built-in modules.
pub const BUILTIN_MODULES: &[&str] = &[
    "std::io",
    "std::os",
    "std::random",
    "std::typesystem",
    "std::kitchensink",
    "std::posix::io",
    "std::posix::network",
    "Std::Io",
    "Std::Os",
    "Std::Random",
];

impl NativeModules for Natives {
    fn builtin(&self, name: &str) -> Option<Vec<ForeignFunction>> {
        Some(match name {
            "std::io" | "Std::Io" => std_io::functions(),
            "std::os" | "Std::Os" => std_os::functions(),
            "std::random" | "Std::Random" => std_random::functions(),
            "std::typesystem" => std_misc::typesystem(),
            "std::kitchensink" => std_misc::kitchensink(),
            "std::posix::io" => std_posix_io::functions(),
            "std::posix::network" => std_posix_network::functions(),
            _ => return None,
        })
    }

    /// A file found for a built-in module's name (e.g. 0.13's own `std/io.so`, bound to
    /// 0.13's C++ ABI) is not opened: the internal implementation is used (RUNTIME.md §7.5).
    fn load(&self, name: &str, path: &Path) -> Result<Vec<ForeignFunction>, NativeLoadError> {
        match self.builtin(name) {
            Some(functions) => Ok(functions),
            None => loader::load(name, path),
        }
    }
}

/// A built-in function.
pub(crate) fn function(
    name: &str,
    inline: bool,
    code: fn(&mut ForeignCall) -> ForeignResult,
) -> ForeignFunction {
    ForeignFunction::sync(name, inline, code)
}

/// A built-in function with asynchronous code.
pub(crate) fn async_function(
    name: &str,
    code: fn(&mut ForeignCall) -> viua_vm::foreign::ForeignFuture,
) -> ForeignFunction {
    ForeignFunction::asynchronous(name, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(module: &str) -> Vec<String> {
        let mut names: Vec<String> = Natives
            .builtin(module)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_function_of_the_standard_modules_is_there() {
        assert_eq!(
            names("std::io"),
            [
                "std::io::fstream::getline/1",
                "std::io::fstream::getline/2",
                "std::io::fstream::open/1",
                "std::io::fstream::peek/1",
                "std::io::fstream::read/1",
                "std::io::fstream::read/2",
                "std::io::fstream::write/2",
                "std::io::stderr::write/1",
                "std::io::stdin::getline/0",
                "std::io::stdout::write/1",
            ]
        );
        assert_eq!(
            names("std::os"),
            [
                "std::os::exec_pipe_stdout/1",
                "std::os::fs::path::lexically_normal/1",
                "std::os::fs::path::lexically_relative/2",
                "std::os::lsdir/1",
                "std::os::system/1",
            ]
        );
        assert_eq!(
            names("std::random"),
            [
                "std::random::device::random/0",
                "std::random::device::urandom/0",
                "std::random::randint/2",
                "std::random::random/0",
            ]
        );
        assert_eq!(names("std::typesystem"), ["std::typesystem::typeof/1"]);
        assert_eq!(names("std::kitchensink"), ["std::kitchensink::sleep/1"]);
        for module in BUILTIN_MODULES {
            assert!(Natives.builtin(module).is_some(), "{module}");
        }
        assert!(Natives.builtin("World").is_none());
    }

    #[test]
    fn a_file_found_for_a_builtin_name_is_not_opened() {
        let loaded = Natives
            .load("Std::Io", Path::new("/nonexistent/Std/Io.so"))
            .unwrap();
        assert_eq!(loaded.len(), 10);
        assert!(matches!(
            Natives.load("World", Path::new("/nonexistent/World.so")),
            Err(NativeLoadError::Open(_))
        ));
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use std::sync::Arc;

    use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
    use viua_vm::output::Output;
    use viua_vm::value::Value;

    /// Calls `name` of `module` with `args` as process 1; returns the result and stdout.
    pub fn call(module: &str, name: &str, args: Vec<Option<Value>>) -> (ForeignResult, Vec<u8>) {
        let (r, out, _) = call_full(module, name, args, 1);
        (r, out)
    }

    pub fn call_full(
        module: &str,
        name: &str,
        args: Vec<Option<Value>>,
        pid: u64,
    ) -> (ForeignResult, Vec<u8>, Vec<u8>) {
        let f = find(module, name);
        let output = Arc::new(Output::new());
        let mut c = ForeignCall {
            name: Arc::from(name),
            args,
            pid,
            output: Arc::clone(&output),
        };
        let r = f.call_blocking(&mut c);
        let (out, err) = output.take();
        (r, out, err)
    }

    /// The names of the functions of a built-in module.
    pub fn functions(module: &str) -> Vec<String> {
        use viua_vm::foreign::NativeModules;
        crate::Natives
            .builtin(module)
            .expect("built-in module")
            .into_iter()
            .map(|f| f.name)
            .collect()
    }

    pub fn find(module: &str, name: &str) -> ForeignFunction {
        use viua_vm::foreign::NativeModules;
        crate::Natives
            .builtin(module)
            .expect("built-in module")
            .into_iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} not in {module}"))
    }

    /// `TAG: MESSAGE` of a failed call.
    pub fn fault(r: ForeignResult) -> String {
        match r {
            Err(e) => format!("{}: {}", e.tag, e.message),
            Ok(v) => panic!("expected an exception, got {v:?}"),
        }
    }

    pub fn s(text: &str) -> Option<Value> {
        Some(Value::string(text.as_bytes().to_vec()))
    }

    /// The bytes of a returned String.
    pub fn string(r: ForeignResult) -> Vec<u8> {
        match r {
            Ok(Some(Value::String(b))) => *b,
            other => panic!("expected a String, got {other:?}"),
        }
    }
}
