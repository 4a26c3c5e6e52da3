//! Foreign functions: the contract between the VM and native modules (RUNTIME.md §8).
//!
//! The VM knows nothing about shared libraries or the standard native modules: those live in
//! `viua-ffi`, which gives the VM [`ForeignFunction`]s through a [`NativeModules`] provider
//! installed by the embedder (the CLI), just as the assembler gets its analyser.
//!
//! A call moves the pending frame's arguments into a [`ForeignCall`]; the function may take
//! values out of them. It returns `Ok(Some(v))` to set local register 0, `Ok(None)` to set
//! nothing, or `Err(exception)` to fail (the VM adds the named throw point). Functions that
//! may block (`inline == false`) run off the process threads while the caller is parked.

use std::path::Path;
use std::sync::Arc;

use crate::exception::Fault;
use crate::output::{Output, Stream};
use crate::value::{Register, Value};

/// One foreign call in progress.
pub struct ForeignCall {
    /// The full callable name, e.g. `std::io::stdout::write/1`.
    pub name: Arc<str>,
    /// The arguments set of the call frame (index 0, 1, …), as the caller filled it.
    pub args: Vec<Register>,
    /// PID of the calling process (pointers passed as arguments belong to it).
    pub pid: u64,
    /// The VM's standard streams.
    pub output: Arc<Output>,
}

impl ForeignCall {
    /// Writes one piece to standard output, in order with `print` of every process.
    pub fn print(&self, bytes: &[u8]) {
        self.output.write(Stream::Stdout, bytes);
    }

    /// Argument `i`, if present and non-empty.
    pub fn arg(&self, i: usize) -> Option<&Value> {
        self.args.get(i).and_then(Option::as_ref)
    }

    /// Moves argument `i` out.
    pub fn take_arg(&mut self, i: usize) -> Option<Value> {
        self.args.get_mut(i).and_then(Option::take)
    }
}

/// What a foreign function returns: the value for local register 0 (if any) or an exception.
pub type ForeignResult = Result<Option<Value>, Fault>;

/// The code of a foreign function.
pub type ForeignCode = dyn Fn(&mut ForeignCall) -> ForeignResult + Send + Sync;

/// A function exported by a native module.
#[derive(Clone)]
pub struct ForeignFunction {
    pub name: String,
    pub code: Arc<ForeignCode>,
    /// Known never to block: may run inline on the calling process's thread.
    pub inline: bool,
}

impl std::fmt::Debug for ForeignFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignFunction")
            .field("name", &self.name)
            .field("inline", &self.inline)
            .finish()
    }
}

/// Why a native module could not be loaded (the VM turns these into the `import` exceptions
/// of ISA-CONTROL §2.32).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NativeLoadError {
    /// `LinkException: failed to open handle: NAME: DETAILS`.
    Open(String),
    /// `Exception: failed to extract interface from module: NAME` (no export table, or an
    /// export table of another ABI version — DETAILS say which).
    Interface(String),
}

/// Provides native modules to the VM: the built-in standard ones by name, third-party ones
/// from `.so` files that the module search (RUNTIME.md §7.2) found.
pub trait NativeModules: Send + Sync {
    /// A module the provider implements internally (e.g. `std::io`), whether or not a file
    /// was found for it.
    fn builtin(&self, name: &str) -> Option<Vec<ForeignFunction>>;
    /// Loads a shared library found by the module search.
    fn load(&self, name: &str, path: &Path) -> Result<Vec<ForeignFunction>, NativeLoadError>;
}
