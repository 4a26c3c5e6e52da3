//! Foreign functions: the contract between the VM and native modules (RUNTIME.md §8).
//!
//! The VM knows nothing about shared libraries or the standard native modules: those live in
//! `viua-ffi`, which gives the VM [`ForeignFunction`]s through a [`NativeModules`] provider
//! installed by the embedder (the CLI), just as the assembler gets its analyser.
//!
//! A call moves the pending frame's arguments into a [`ForeignCall`]; the function may take
//! values out of them. It returns `Ok(Some(v))` to set local register 0, `Ok(None)` to set
//! nothing, or `Err(exception)` to fail (the VM adds the named throw point).
//!
//! Two kinds of code ([`ForeignCode`]):
//!
//! - *synchronous* code runs to completion in one call. Code that may block
//!   (`inline == false`) runs on the FFI pool (tokio's blocking threads, at most
//!   `VIUA_FFI_SCHEDULERS` at once) while the caller is parked;
//! - *asynchronous* code (the network functions) is called on the process's thread to take
//!   its arguments — without blocking — and returns a future that does the waiting; the
//!   caller's task awaits it on the runtime, so a pending `read` occupies no thread and no
//!   FFI permit.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
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

/// The waiting part of an asynchronous foreign function.
pub type ForeignFuture = Pin<Box<dyn Future<Output = ForeignResult> + Send>>;

/// Synchronous code: runs to completion (and may block, unless the function is `inline`).
pub type SyncCode = dyn Fn(&mut ForeignCall) -> ForeignResult + Send + Sync;

/// Asynchronous code: takes what it needs from the call without blocking (it runs on the
/// process's thread, inside the runtime) and returns the future that waits and completes.
pub type AsyncCode = dyn Fn(&mut ForeignCall) -> ForeignFuture + Send + Sync;

/// The code of a foreign function.
#[derive(Clone)]
pub enum ForeignCode {
    Sync(Arc<SyncCode>),
    Async(Arc<AsyncCode>),
}

/// A function exported by a native module.
#[derive(Clone)]
pub struct ForeignFunction {
    pub name: String,
    pub code: ForeignCode,
    /// Synchronous code known never to block: may run inline on the calling process's
    /// thread. (Asynchronous code never blocks a thread; the flag does not apply.)
    pub inline: bool,
}

impl ForeignFunction {
    /// A function with synchronous code.
    pub fn sync(
        name: impl Into<String>,
        inline: bool,
        code: impl Fn(&mut ForeignCall) -> ForeignResult + Send + Sync + 'static,
    ) -> ForeignFunction {
        ForeignFunction {
            name: name.into(),
            code: ForeignCode::Sync(Arc::new(code)),
            inline,
        }
    }

    /// A function with asynchronous code.
    pub fn asynchronous(
        name: impl Into<String>,
        code: impl Fn(&mut ForeignCall) -> ForeignFuture + Send + Sync + 'static,
    ) -> ForeignFunction {
        ForeignFunction {
            name: name.into(),
            code: ForeignCode::Async(Arc::new(code)),
            inline: false,
        }
    }

    pub fn is_async(&self) -> bool {
        matches!(self.code, ForeignCode::Async(_))
    }

    /// Calls the function here and now, outside a VM (tests, tools, processes run without a
    /// kernel): asynchronous code runs on a private current-thread runtime, so this must not
    /// be called from inside a tokio runtime.
    pub fn call_blocking(&self, call: &mut ForeignCall) -> ForeignResult {
        match &self.code {
            ForeignCode::Sync(code) => code(call),
            ForeignCode::Async(code) => block_on(|| code(call)),
        }
    }
}

/// Runs the future `start` makes to completion on the runtime kept for calls outside a VM
/// (one worker thread, I/O and timers; made on first use and never shut down, so a socket's
/// reactor registration made by one such call stays valid for the next). `start` runs
/// inside that runtime, as asynchronous code expects.
pub(crate) fn block_on(start: impl FnOnce() -> ForeignFuture) -> ForeignResult {
    static RUNTIME: std::sync::OnceLock<Option<tokio::runtime::Runtime>> =
        std::sync::OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ffi.outside")
            .enable_all()
            .build()
            .ok()
    });
    let Some(runtime) = runtime else {
        return Err(crate::exception::Exception::error(
            "no runtime for asynchronous foreign code",
        ));
    };
    let future = {
        let _inside = runtime.enter();
        start()
    };
    runtime.block_on(future)
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
