//! Loading third-party native modules: `dlopen` through libloading, then the export table of
//! the C ABI (`include/viua_native.h`).
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::path::Path;
use std::sync::Arc;

use libloading::Library;
use viua_native::abi::{self, Module};
use viua_vm::foreign::{ForeignFunction, NativeLoadError};

type Entry = unsafe extern "C" fn() -> *const Module;

/// Loads the module `name` from the shared library at `path`.
pub fn load(name: &str, path: &Path) -> Result<Vec<ForeignFunction>, NativeLoadError> {
    // SAFETY: opening a library runs its initialisers. The module search found this file on
    // VIUA_LIBRARY_PATH and the program asked to import it: running its code is what an
    // import is for, with the same trust 0.13 gives to `dlopen`.
    let library =
        unsafe { Library::new(path) }.map_err(|e| NativeLoadError::Open(e.to_string()))?;
    let library = Arc::new(library);
    // SAFETY: the symbol is declared by viua_native.h with exactly the type `Entry`; the
    // function pointer is only used while `library` (kept in every returned function) is
    // loaded.
    let entry: Entry = *unsafe { library.get::<Entry>(abi::MODULE_SYMBOL) }.map_err(|e| {
        NativeLoadError::Interface(format!("{name}: no `viua_native_module` export ({e})"))
    })?;
    // SAFETY: `entry` is the module's `viua_native_module`, which takes no arguments and
    // returns a pointer to a static descriptor (or null).
    let module = unsafe { entry() };
    if module.is_null() {
        return Err(NativeLoadError::Interface(format!(
            "{name}: `viua_native_module` returned no descriptor"
        )));
    }
    // SAFETY: non-null; `abi_version` is the first field of the descriptor in every ABI
    // version, so reading it is valid whatever version the module was built for.
    let version = unsafe { module.cast::<u32>().read() };
    if version != abi::ABI_VERSION {
        return Err(NativeLoadError::Interface(format!(
            "{name}: module built for native ABI version {version}, this VM supports version {}",
            abi::ABI_VERSION
        )));
    }
    // SAFETY: the version matches, so the descriptor has this layout; it is static data of
    // the library, which stays loaded while `library` lives (the whole of this function).
    let module = unsafe { &*module };
    let count = module.function_count as usize;
    let table: &[abi::Function] = match count {
        0 => &[],
        _ if module.functions.is_null() => {
            return Err(NativeLoadError::Interface(format!(
                "{name}: function table is missing"
            )))
        }
        // SAFETY: non-null and, per the header, an array of `function_count` entries.
        _ => unsafe { std::slice::from_raw_parts(module.functions, count) },
    };
    let mut functions = Vec::with_capacity(count);
    for (i, f) in table.iter().enumerate() {
        if f.name.is_null() {
            return Err(NativeLoadError::Interface(format!(
                "{name}: function {i} has no name"
            )));
        }
        // SAFETY: non-null and, per the header, a NUL-terminated string in static data.
        let fname = unsafe { CStr::from_ptr(f.name) }.to_str().map_err(|_| {
            NativeLoadError::Interface(format!("{name}: function {i} has a non-UTF-8 name"))
        })?;
        let fname: Arc<str> = Arc::from(fname);
        let code = f.code;
        let library = Arc::clone(&library);
        let called = Arc::clone(&fname);
        functions.push(ForeignFunction::sync(
            fname.to_string(),
            f.flags & abi::FUNCTION_NONBLOCKING != 0,
            move |call| {
                let _loaded = &library;
                // SAFETY: `code` comes from a table that passed the version check, and the
                // closure keeps `library` loaded.
                unsafe { crate::host::invoke(&called, code, call) }
            },
        ));
    }
    Ok(functions)
}
