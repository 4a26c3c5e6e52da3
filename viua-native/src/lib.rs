//! Write viua-rs native modules in Rust.
//!
//! A module is a `cdylib` crate whose library is named like the module (`World` →
//! `libWorld.so`, installed as `World.so` in a `VIUA_LIBRARY_PATH` directory):
//!
//! ```no_run
//! use viua_native::{Call, Raise};
//!
//! fn print_hello(call: &mut Call) -> Result<(), Raise> {
//!     call.print(b"Hello World!\n");
//!     Ok(())
//! }
//!
//! fn sqrt(call: &mut Call) -> Result<(), Raise> {
//!     let x = call.float(0).ok_or_else(|| Raise::error("expected a Float"))?;
//!     call.return_float(x.sqrt());
//!     Ok(())
//! }
//!
//! viua_native::module! {
//!     "World::print_hello/0" => print_hello,
//!     "World::sqrt/1" [nonblocking] => sqrt,
//! }
//! ```
//!
//! [`module!`] exports the `viua_native_module` symbol of the C ABI (see
//! `viua-ffi/include/viua_native.h`, mirrored in [`abi`]). Each function receives a
//! [`Call`]: safe accessors for the arguments, return values and the VM's streams. Returning
//! `Err(Raise)` raises that exception in the calling process; a panic is caught at the
//! boundary and raised as `Exception: native function NAME panicked: MESSAGE`.
//! `[nonblocking]` marks a function that never blocks (the VM may run it on the calling
//! process's thread); without it the function runs on an FFI worker and may block.

pub mod abi;

use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};

use abi::{HostApi, RawCall, RawValue};

/// An exception to raise: tag and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raise {
    pub tag: String,
    pub message: String,
}

impl Raise {
    pub fn new(tag: impl Into<String>, message: impl Into<String>) -> Raise {
        Raise {
            tag: tag.into(),
            message: message.into(),
        }
    }

    /// An `Exception`-tagged exception.
    pub fn error(message: impl Into<String>) -> Raise {
        Raise::new("Exception", message)
    }
}

/// What a native function returns.
pub type NativeResult = Result<(), Raise>;

/// The kind of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Empty,
    Integer,
    Float,
    Boolean,
    String,
    Text,
    Atom,
    Pointer,
    Other,
}

impl Kind {
    fn from_raw(k: i32) -> Kind {
        match k {
            abi::KIND_EMPTY => Kind::Empty,
            abi::KIND_INTEGER => Kind::Integer,
            abi::KIND_FLOAT => Kind::Float,
            abi::KIND_BOOLEAN => Kind::Boolean,
            abi::KIND_STRING => Kind::String,
            abi::KIND_TEXT => Kind::Text,
            abi::KIND_ATOM => Kind::Atom,
            abi::KIND_POINTER => Kind::Pointer,
            _ => Kind::Other,
        }
    }
}

/// One call in progress. Exists only inside a native function; byte views it hands out
/// live as long as the call.
pub struct Call<'a> {
    raw: *mut RawCall,
    api: &'a HostApi,
    _call: PhantomData<&'a mut RawCall>,
}

/// A value moved out of an argument slot ([`Call::take`]). Dropping it frees it.
pub struct Value<'a> {
    raw: *mut RawValue,
    api: &'a HostApi,
}

impl Drop for Value<'_> {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: `raw` came from `arg_take` of this host table and is owned by this
        // wrapper (never freed or returned before: `Call::return_value` forgets it).
        unsafe { (self.api.value_free)(self.raw) }
    }
}

#[allow(unsafe_code)]
// SAFETY (for every block in this impl): `raw` is the live call handle the VM passed to the
// native function and `api` its host table, both valid until the function returns, which
// outlives `'a`; the host functions check indexes and kinds themselves, and the out
// pointers passed to them point to locals of the right types.
impl<'a> Call<'a> {
    /// Number of argument slots.
    pub fn arg_count(&self) -> usize {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.arg_count)(self.raw) }
    }

    /// Kind of argument `i` ([`Kind::Empty`] when missing or empty).
    pub fn kind(&self, i: usize) -> Kind {
        // SAFETY: live handle and table for this call (see the impl comment).
        Kind::from_raw(unsafe { (self.api.arg_kind)(self.raw, i) })
    }

    pub fn int(&self, i: usize) -> Option<i64> {
        let mut out = 0i64;
        // SAFETY: live handle and table for this call (see the impl comment).
        (unsafe { (self.api.arg_int)(self.raw, i, &mut out) } == abi::OK).then_some(out)
    }

    pub fn float(&self, i: usize) -> Option<f64> {
        let mut out = 0f64;
        // SAFETY: live handle and table for this call (see the impl comment).
        (unsafe { (self.api.arg_float)(self.raw, i, &mut out) } == abi::OK).then_some(out)
    }

    pub fn boolean(&self, i: usize) -> Option<bool> {
        let mut out = 0i32;
        // SAFETY: live handle and table for this call (see the impl comment).
        (unsafe { (self.api.arg_bool)(self.raw, i, &mut out) } == abi::OK).then_some(out != 0)
    }

    fn view(
        &self,
        f: unsafe extern "C" fn(*mut RawCall, usize, *mut *const u8, *mut usize) -> i32,
        i: usize,
    ) -> Option<&'a [u8]> {
        let mut data: *const u8 = std::ptr::null();
        let mut len = 0usize;
        // SAFETY: live handle and table for this call (see the impl comment).
        if unsafe { f(self.raw, i, &mut data, &mut len) } != abi::OK || data.is_null() {
            return None;
        }
        // SAFETY: non-null; the host keeps these `len` bytes alive until the call ends
        // (header contract), which outlives `'a`.
        Some(unsafe { std::slice::from_raw_parts(data, len) })
    }

    /// The bytes of a String, Text or Atom argument.
    pub fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        self.view(self.api.arg_bytes, i)
    }

    /// `str` of any non-empty argument.
    pub fn str(&self, i: usize) -> Option<&'a [u8]> {
        self.view(self.api.arg_str, i)
    }

    /// Type name of any non-empty argument.
    pub fn type_name(&self, i: usize) -> Option<&'a str> {
        self.view(self.api.arg_type_name, i)
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Moves argument `i` out of its slot.
    pub fn take(&mut self, i: usize) -> Option<Value<'a>> {
        // SAFETY: live handle and table for this call (see the impl comment).
        let raw = unsafe { (self.api.arg_take)(self.raw, i) };
        (!raw.is_null()).then_some(Value { raw, api: self.api })
    }

    pub fn return_int(&mut self, v: i64) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_int)(self.raw, v) }
    }

    pub fn return_float(&mut self, v: f64) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_float)(self.raw, v) }
    }

    pub fn return_bool(&mut self, v: bool) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_bool)(self.raw, i32::from(v)) }
    }

    pub fn return_string(&mut self, bytes: &[u8]) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_string)(self.raw, bytes.as_ptr(), bytes.len()) }
    }

    pub fn return_text(&mut self, text: &str) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_text)(self.raw, text.as_ptr(), text.len()) };
    }

    /// Returns a value taken with [`Call::take`].
    pub fn return_value(&mut self, value: Value<'a>) {
        let raw = value.raw;
        std::mem::forget(value);
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.return_value)(self.raw, raw) }
    }

    /// Writes one piece to the VM's standard output.
    pub fn print(&mut self, bytes: &[u8]) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.write)(self.raw, abi::STDOUT, bytes.as_ptr(), bytes.len()) };
    }

    /// Writes one piece to the VM's standard error.
    pub fn eprint(&mut self, bytes: &[u8]) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe { (self.api.write)(self.raw, abi::STDERR, bytes.as_ptr(), bytes.len()) };
    }

    fn raise(&mut self, e: &Raise) {
        // SAFETY: live handle and table for this call (see the impl comment).
        unsafe {
            (self.api.raise)(
                self.raw,
                e.tag.as_ptr(),
                e.tag.len(),
                e.message.as_ptr(),
                e.message.len(),
            )
        }
    }
}

/// The body of every function [`module!`] exports.
///
/// # Safety
/// `call` and `api` must be what the VM passed to the native function (a live call handle
/// and its host table).
#[doc(hidden)]
#[allow(unsafe_code)]
pub unsafe fn __dispatch(
    name: &str,
    call: *mut RawCall,
    api: *const HostApi,
    f: fn(&mut Call) -> NativeResult,
) -> i32 {
    if call.is_null() || api.is_null() {
        return abi::ERR_HOST;
    }
    // SAFETY: non-null and, by this function's contract, the VM's host table.
    let api = unsafe { &*api };
    if api.abi_version != abi::ABI_VERSION {
        // Another layout: nothing else in the table may be touched.
        return abi::ERR_HOST;
    }
    let mut c = Call {
        raw: call,
        api,
        _call: PhantomData,
    };
    match catch_unwind(AssertUnwindSafe(|| f(&mut c))) {
        Ok(Ok(())) => abi::OK,
        Ok(Err(e)) => {
            c.raise(&e);
            abi::RAISED
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            c.raise(&Raise::error(format!(
                "native function {name} panicked: {what}"
            )));
            abi::RAISED
        }
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __flags {
    () => {
        0u32
    };
    (nonblocking) => {
        $crate::abi::FUNCTION_NONBLOCKING
    };
}

/// Exports the module's function table: `"Full::name/N" [nonblocking]? => function, ...`.
/// Each function is a `fn(&mut viua_native::Call) -> viua_native::NativeResult`.
#[macro_export]
macro_rules! module {
    ($($name:literal $([$flag:ident])? => $f:path),* $(,)?) => {
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn viua_native_module() -> *const $crate::abi::Module {
            static FUNCTIONS: &[$crate::abi::Function] = &[$(
                $crate::abi::Function {
                    name: concat!($name, "\0").as_ptr().cast(),
                    code: {
                        #[allow(unsafe_code)]
                        unsafe extern "C" fn code(
                            call: *mut $crate::abi::RawCall,
                            api: *const $crate::abi::HostApi,
                        ) -> i32 {
                            // SAFETY: the VM calls table entries with a live call handle
                            // and its host table (viua_native.h), as `__dispatch` needs.
                            unsafe { $crate::__dispatch($name, call, api, $f) }
                        }
                        code
                    },
                    flags: $crate::__flags!($($flag)?),
                }
            ),*];
            static MODULE: $crate::abi::Module = $crate::abi::Module {
                abi_version: $crate::abi::ABI_VERSION,
                function_count: FUNCTIONS.len() as u32,
                functions: FUNCTIONS.as_ptr(),
            };
            &MODULE
        }
    };
}
