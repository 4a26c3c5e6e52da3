//! The raw C ABI, field for field as `viua-ffi/include/viua_native.h` declares it. Change
//! both together, and bump [`ABI_VERSION`] on any incompatible change.

use std::ffi::c_char;

/// `VIUA_NATIVE_ABI_VERSION`.
pub const ABI_VERSION: u32 = 1;

/// The symbol a module exports (NUL-terminated, for `dlsym`).
pub const MODULE_SYMBOL: &[u8] = b"viua_native_module\0";

pub const OK: i32 = 0;
pub const RAISED: i32 = 1;
pub const ERR_KIND: i32 = 2;
pub const ERR_HOST: i32 = 3;

pub const KIND_EMPTY: i32 = 0;
pub const KIND_INTEGER: i32 = 1;
pub const KIND_FLOAT: i32 = 2;
pub const KIND_BOOLEAN: i32 = 3;
pub const KIND_STRING: i32 = 4;
pub const KIND_TEXT: i32 = 5;
pub const KIND_ATOM: i32 = 6;
pub const KIND_POINTER: i32 = 7;
pub const KIND_OTHER: i32 = 8;

pub const STDOUT: i32 = 1;
pub const STDERR: i32 = 2;

/// `VIUA_FUNCTION_NONBLOCKING`.
pub const FUNCTION_NONBLOCKING: u32 = 1;

/// `viua_call`: opaque.
#[repr(C)]
pub struct RawCall {
    _private: [u8; 0],
}

/// `viua_value`: opaque.
#[repr(C)]
pub struct RawValue {
    _private: [u8; 0],
}

/// `viua_host_api`.
#[repr(C)]
pub struct HostApi {
    pub abi_version: u32,
    pub size: u32,
    pub arg_count: unsafe extern "C" fn(*const RawCall) -> usize,
    pub arg_kind: unsafe extern "C" fn(*const RawCall, usize) -> i32,
    pub arg_int: unsafe extern "C" fn(*const RawCall, usize, *mut i64) -> i32,
    pub arg_float: unsafe extern "C" fn(*const RawCall, usize, *mut f64) -> i32,
    pub arg_bool: unsafe extern "C" fn(*const RawCall, usize, *mut i32) -> i32,
    pub arg_bytes: unsafe extern "C" fn(*mut RawCall, usize, *mut *const u8, *mut usize) -> i32,
    pub arg_str: unsafe extern "C" fn(*mut RawCall, usize, *mut *const u8, *mut usize) -> i32,
    pub arg_type_name: unsafe extern "C" fn(*mut RawCall, usize, *mut *const u8, *mut usize) -> i32,
    pub arg_take: unsafe extern "C" fn(*mut RawCall, usize) -> *mut RawValue,
    pub value_free: unsafe extern "C" fn(*mut RawValue),
    pub return_int: unsafe extern "C" fn(*mut RawCall, i64),
    pub return_float: unsafe extern "C" fn(*mut RawCall, f64),
    pub return_bool: unsafe extern "C" fn(*mut RawCall, i32),
    pub return_string: unsafe extern "C" fn(*mut RawCall, *const u8, usize),
    pub return_text: unsafe extern "C" fn(*mut RawCall, *const u8, usize) -> i32,
    pub return_value: unsafe extern "C" fn(*mut RawCall, *mut RawValue),
    pub raise: unsafe extern "C" fn(*mut RawCall, *const u8, usize, *const u8, usize),
    pub write: unsafe extern "C" fn(*mut RawCall, i32, *const u8, usize) -> i32,
}

/// `viua_native_fn`.
pub type NativeFn = unsafe extern "C" fn(*mut RawCall, *const HostApi) -> i32;

/// `viua_native_function`.
#[repr(C)]
pub struct Function {
    pub name: *const c_char,
    pub code: NativeFn,
    pub flags: u32,
}

/// `viua_module_descriptor` (what `viua_native_module()` returns).
#[repr(C)]
pub struct Module {
    pub abi_version: u32,
    pub function_count: u32,
    pub functions: *const Function,
}

// Descriptors are immutable data in statics: their pointers point to other statics
// (NUL-terminated names, the function table), so sharing them between threads is sound.
#[allow(unsafe_code)]
// SAFETY: `Function` is plain immutable data; `name` points to a `'static` string literal.
unsafe impl Sync for Function {}
#[allow(unsafe_code)]
// SAFETY: `Module` is plain immutable data; `functions` points to a `'static` array.
unsafe impl Sync for Module {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout viua_native.h declares (checked from C in viua-ffi's `c_module` test).
    #[test]
    fn layouts_match_the_header() {
        let ptr = std::mem::size_of::<usize>();
        assert_eq!(std::mem::size_of::<HostApi>(), 8 + 18 * ptr);
        assert_eq!(std::mem::size_of::<Function>(), 3 * ptr);
        assert_eq!(std::mem::offset_of!(Module, abi_version), 0);
        assert_eq!(std::mem::offset_of!(Module, functions), 8);
    }
}
