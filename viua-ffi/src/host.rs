//! The host side of the C ABI (`include/viua_native.h`): the table of host functions the VM
//! passes to native functions, and [`invoke`], which runs one native function for a
//! [`ForeignCall`].
//!
//! A call handle (`viua_call *`) is a pointer to a [`CallState`] on [`invoke`]'s stack, live
//! for exactly the duration of the native call. Every host function catches panics
//! (`catch_unwind`), so nothing unwinds into the module; a panic becomes the call's
//! exception instead.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use viua_native::abi::{self, HostApi, NativeFn, RawCall, RawValue};
use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignResult};
use viua_vm::output::Stream;
use viua_vm::value::Value;

/// What one native call has done so far.
struct CallState<'c> {
    call: &'c mut ForeignCall,
    ret: Option<Value>,
    fault: Option<Fault>,
    /// Byte views handed to the module; boxed slices, so their heap data never moves.
    arena: Vec<Box<[u8]>>,
}

impl CallState<'_> {
    fn view(&mut self, bytes: Vec<u8>, data: *mut *const u8, len: *mut usize) -> i32 {
        if data.is_null() || len.is_null() {
            return abi::ERR_HOST;
        }
        let bytes = bytes.into_boxed_slice();
        // SAFETY: both out pointers are non-null and, by the ABI contract, point to
        // writable `const uint8_t *` / `size_t` objects of the caller.
        unsafe {
            *data = bytes.as_ptr();
            *len = bytes.len();
        }
        self.arena.push(bytes);
        abi::OK
    }
}

/// Runs `f` on the call state behind `call`, turning a null handle into `fallback` and a
/// panic into the call's exception (and `fallback`).
fn with_state<R>(call: *const RawCall, fallback: R, f: impl FnOnce(&mut CallState) -> R) -> R {
    if call.is_null() {
        return fallback;
    }
    // SAFETY: a non-null handle is one `invoke` created from a live `CallState` for the
    // native call now running (ABI contract: handles are only used during their call). The
    // state is only reached through this pointer while the module runs, and host functions
    // do not nest, so this is the only reference to it.
    let state = unsafe { &mut *(call as *mut CallState) };
    match catch_unwind(AssertUnwindSafe(|| f(state))) {
        Ok(r) => r,
        Err(_) => {
            // SAFETY: as above; the reference given to `f` is gone with the panic.
            let state = unsafe { &mut *(call as *mut CallState) };
            state.fault = Some(Exception::error("internal error in a host function"));
            fallback
        }
    }
}

fn kind_of(v: Option<&Value>) -> i32 {
    match v.map(|v| v.resolve()).as_deref() {
        None => abi::KIND_EMPTY,
        Some(Value::Integer(_)) => abi::KIND_INTEGER,
        Some(Value::Float(_)) => abi::KIND_FLOAT,
        Some(Value::Boolean(_)) => abi::KIND_BOOLEAN,
        Some(Value::String(_)) => abi::KIND_STRING,
        Some(Value::Text(_)) => abi::KIND_TEXT,
        Some(Value::Atom(_)) => abi::KIND_ATOM,
        Some(Value::Pointer(_)) => abi::KIND_POINTER,
        Some(_) => abi::KIND_OTHER,
    }
}

unsafe extern "C" fn arg_count(call: *const RawCall) -> usize {
    with_state(call, 0, |s| s.call.args.len())
}

unsafe extern "C" fn arg_kind(call: *const RawCall, i: usize) -> i32 {
    with_state(call, abi::KIND_EMPTY, |s| kind_of(s.call.arg(i)))
}

/// Reads a scalar argument into `out`.
fn scalar<T>(call: *const RawCall, i: usize, out: *mut T, get: fn(&Value) -> Option<T>) -> i32 {
    with_state(call, abi::ERR_HOST, |s| {
        let Some(v) = s.call.arg(i).and_then(|v| get(&v.resolve())) else {
            return abi::ERR_KIND;
        };
        if out.is_null() {
            return abi::ERR_HOST;
        }
        // SAFETY: non-null, and by the ABI contract a writable object of type T.
        unsafe { out.write(v) };
        abi::OK
    })
}

unsafe extern "C" fn arg_int(call: *const RawCall, i: usize, out: *mut i64) -> i32 {
    scalar(call, i, out, |v| match v {
        Value::Integer(n) => Some(*n),
        _ => None,
    })
}

unsafe extern "C" fn arg_float(call: *const RawCall, i: usize, out: *mut f64) -> i32 {
    scalar(call, i, out, |v| match v {
        Value::Float(f) => Some(*f),
        _ => None,
    })
}

unsafe extern "C" fn arg_bool(call: *const RawCall, i: usize, out: *mut i32) -> i32 {
    scalar(call, i, out, |v| match v {
        Value::Boolean(b) => Some(i32::from(*b)),
        _ => None,
    })
}

unsafe extern "C" fn arg_bytes(
    call: *mut RawCall,
    i: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> i32 {
    with_state(call, abi::ERR_HOST, |s| {
        let bytes = match s.call.arg(i).map(|v| v.resolve()).as_deref() {
            Some(Value::String(b) | Value::Text(b) | Value::Atom(b)) => b.to_vec(),
            _ => return abi::ERR_KIND,
        };
        s.view(bytes, data, len)
    })
}

unsafe extern "C" fn arg_str(
    call: *mut RawCall,
    i: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> i32 {
    with_state(call, abi::ERR_HOST, |s| match s.call.arg(i) {
        Some(v) => {
            let bytes = crate::opaque::print_form(v);
            s.view(bytes, data, len)
        }
        None => abi::ERR_KIND,
    })
}

unsafe extern "C" fn arg_type_name(
    call: *mut RawCall,
    i: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> i32 {
    with_state(call, abi::ERR_HOST, |s| match s.call.arg(i) {
        Some(v) => {
            let name = crate::opaque::type_name(v).into_bytes();
            s.view(name, data, len)
        }
        None => abi::ERR_KIND,
    })
}

unsafe extern "C" fn arg_take(call: *mut RawCall, i: usize) -> *mut RawValue {
    with_state(call, std::ptr::null_mut(), |s| match s.call.take_arg(i) {
        Some(v) => Box::into_raw(Box::new(v)).cast(),
        None => std::ptr::null_mut(),
    })
}

/// Reclaims a value handed out by `arg_take`.
///
/// # Safety
/// `value` is null or came from `arg_take` and has not been freed or returned since.
unsafe fn reclaim(value: *mut RawValue) -> Option<Value> {
    if value.is_null() {
        return None;
    }
    // SAFETY: by this function's contract, `value` is a `Box<Value>` leaked by `arg_take`
    // and owned by the caller, so it is reclaimed exactly once.
    Some(*unsafe { Box::from_raw(value.cast::<Value>()) })
}

unsafe extern "C" fn value_free(value: *mut RawValue) {
    // SAFETY: the ABI contract of `value_free` is `reclaim`'s.
    let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { reclaim(value) })));
}

fn set_return(call: *mut RawCall, v: Value) {
    with_state(call, (), |s| s.ret = Some(v));
}

unsafe extern "C" fn return_int(call: *mut RawCall, v: i64) {
    set_return(call, Value::Integer(v));
}

unsafe extern "C" fn return_float(call: *mut RawCall, v: f64) {
    set_return(call, Value::Float(v));
}

unsafe extern "C" fn return_bool(call: *mut RawCall, v: i32) {
    set_return(call, Value::Boolean(v != 0));
}

/// Copies `len` bytes at `data` (null with length 0 is an empty piece).
///
/// # Safety
/// `data` is null or points to `len` readable bytes.
unsafe fn bytes_at(data: *const u8, len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    if data.is_null() {
        return None;
    }
    // SAFETY: non-null and, by this function's contract, `len` readable bytes.
    Some(unsafe { std::slice::from_raw_parts(data, len) }.to_vec())
}

unsafe extern "C" fn return_string(call: *mut RawCall, data: *const u8, len: usize) {
    // SAFETY: the ABI contract: `data` points to `len` bytes.
    if let Some(bytes) = unsafe { bytes_at(data, len) } {
        set_return(call, Value::string(bytes));
    }
}

unsafe extern "C" fn return_text(call: *mut RawCall, data: *const u8, len: usize) -> i32 {
    // SAFETY: the ABI contract: `data` points to `len` bytes.
    match unsafe { bytes_at(data, len) } {
        Some(bytes) if viua_vm::ops::text::validate_utf8(&bytes) => {
            set_return(call, Value::text(bytes));
            abi::OK
        }
        Some(_) => abi::ERR_KIND,
        None => abi::ERR_HOST,
    }
}

unsafe extern "C" fn return_value(call: *mut RawCall, value: *mut RawValue) {
    // SAFETY: the ABI contract: `value` came from `arg_take` and is given up here.
    if let Some(v) = unsafe { reclaim(value) } {
        set_return(call, v);
    }
}

unsafe extern "C" fn raise(
    call: *mut RawCall,
    tag: *const u8,
    tag_len: usize,
    msg: *const u8,
    msg_len: usize,
) {
    // SAFETY: the ABI contract: both point to their lengths of bytes.
    let (tag, msg) = unsafe { (bytes_at(tag, tag_len), bytes_at(msg, msg_len)) };
    with_state(call, (), |s| {
        let tag = match tag.as_deref() {
            Some(t) if !t.is_empty() => String::from_utf8_lossy(t).into_owned(),
            _ => "Exception".to_string(),
        };
        let msg = String::from_utf8_lossy(msg.as_deref().unwrap_or_default()).into_owned();
        s.fault = Some(Exception::new(&tag, msg));
    });
}

unsafe extern "C" fn write(call: *mut RawCall, stream: i32, data: *const u8, len: usize) -> i32 {
    let stream = match stream {
        abi::STDOUT => Stream::Stdout,
        abi::STDERR => Stream::Stderr,
        _ => return abi::ERR_KIND,
    };
    // SAFETY: the ABI contract: `data` points to `len` bytes.
    let Some(bytes) = (unsafe { bytes_at(data, len) }) else {
        return abi::ERR_HOST;
    };
    with_state(call, abi::ERR_HOST, |s| {
        s.call.output.write(stream, &bytes);
        abi::OK
    })
}

/// The table every native function receives.
static HOST_API: HostApi = HostApi {
    abi_version: abi::ABI_VERSION,
    size: std::mem::size_of::<HostApi>() as u32,
    arg_count,
    arg_kind,
    arg_int,
    arg_float,
    arg_bool,
    arg_bytes,
    arg_str,
    arg_type_name,
    arg_take,
    value_free,
    return_int,
    return_float,
    return_bool,
    return_string,
    return_text,
    return_value,
    raise,
    write,
};

/// Runs native function `code` (called `name`) for `call`.
///
/// # Safety
/// `code` is a function of a loaded module that passed the ABI version check, and the
/// library it lives in stays loaded during the call.
pub(crate) unsafe fn invoke(name: &str, code: NativeFn, call: &mut ForeignCall) -> ForeignResult {
    let mut state = CallState {
        call,
        ret: None,
        fault: None,
        arena: Vec::new(),
    };
    let raw = (&mut state as *mut CallState).cast::<RawCall>();
    // SAFETY: by this function's contract `code` follows viua_native.h; `raw` points to
    // `state`, which outlives the call and is not touched otherwise until it returns, and
    // `HOST_API` is a static.
    let status = unsafe { code(raw, &HOST_API) };
    if let Some(fault) = state.fault {
        return Err(fault);
    }
    if status != abi::OK {
        return Err(Exception::error(format!("native function {name} failed")));
    }
    Ok(state.ret)
}
