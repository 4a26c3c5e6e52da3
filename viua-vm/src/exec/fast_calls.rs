//! Hot forms of the call path — `frame`, `call` of a function resolved at load time,
//! `allocate_registers` and `return` — for the common case: no closure, no deferred call, no
//! pending frame where none is expected, a plain `local` return target, the stack not at its
//! depth limit. Each does exactly what the general handler in `calls.rs` does in that case, and
//! declines (returning `false`/`None` before changing anything) otherwise, so the general
//! handler then runs the instruction with the full rules — every exception and its traceback.

use viua_bytecode::{Access, RegisterSet};

use super::fast::{is_scalar, put, Window};
use super::frame::{Frame, Stack};
use super::MAX_STACK_DEPTH;
use crate::load::{CodeRef, Reg, VOID};
use crate::value::{Register, Value};

/// Appends `n` empty registers.
#[inline(always)]
fn grow(values: &mut Vec<Register>, n: u16) {
    values.reserve(n as usize);
    for _ in 0..n {
        values.push(None);
    }
}

/// Destroys the registers from `len` on, as `truncate` does; the common Integer, Float and
/// Boolean values own nothing and are cleared in line, so that `truncate` meets empty
/// registers and makes no out-of-line drop call for them.
#[inline(always)]
fn shrink(values: &mut Vec<Register>, len: usize) {
    if let Some(tail) = values.get_mut(len..) {
        for r in tail {
            if is_scalar(r) {
                // Forgetting a scalar leaks nothing: it owns no memory and has no drop glue.
                std::mem::forget(r.take());
            }
        }
    }
    values.truncate(len);
}

/// `frame N` when no frame is pending.
#[inline(always)]
pub fn frame(values: &mut Vec<Register>, stack: &mut Stack, n: u16, w: &mut Window) -> bool {
    if stack.pending.is_some() {
        return false;
    }
    let base = values.len();
    stack.pending = Some((base as u32, u32::from(n)));
    grow(values, n);
    w.args = (base, n as usize);
    true
}

/// `allocate_registers N` in a frame without a closure set and with no pending frame.
#[inline(always)]
pub fn allocate(values: &mut Vec<Register>, stack: &mut Stack, n: u16, w: &mut Window) -> bool {
    if stack.pending.is_some() {
        return false;
    }
    let Some(frame) = stack.frames.last_mut() else {
        return false;
    };
    if frame.closure.is_some() {
        return false;
    }
    frame.locals_len = u32::from(n);
    frame.has_locals = true;
    shrink(values, frame.locals_base as usize);
    grow(values, n);
    w.locals.1 = n as usize;
    true
}

/// `call` of `function` into local `target` (or [`VOID`]), returning to `return_to`.
#[inline(always)]
pub fn call(
    values: &mut Vec<Register>,
    stack: &mut Stack,
    target: u16,
    function: u32,
    return_to: (CodeRef, u32),
    w: &mut Window,
) -> bool {
    let Some((base, len)) = stack.pending else {
        return false;
    };
    if stack.frames.len() > MAX_STACK_DEPTH {
        return false;
    }
    stack.pending = None;
    let return_target = (target != VOID).then_some(Reg {
        index: target,
        set: RegisterSet::Local,
        access: Access::Direct,
    });
    stack.frames.push(Frame {
        function,
        params_base: base,
        params_len: len,
        locals_base: base + len,
        locals_len: 0,
        has_locals: false,
        closure: None,
        return_to,
        return_target,
        deferred: Vec::new(),
    });
    shrink(values, (base + len) as usize);
    *w = Window {
        locals: ((base + len) as usize, 0),
        params: (base as usize, len as usize),
        args: (0, 0),
    };
    true
}

/// `return` from a frame that is not the first of its stack, has no deferred calls and no
/// closure set, into a plain `local` return target (or none); where execution continues.
#[inline(always)]
pub fn ret(
    values: &mut Vec<Register>,
    stack: &mut Stack,
    w: &mut Window,
) -> Option<(CodeRef, u32)> {
    let depth = stack.frames.len();
    if depth < 2 {
        return None;
    }
    let frame = &stack.frames[depth - 1];
    let caller = &stack.frames[depth - 2];
    if !frame.deferred.is_empty() || frame.closure.is_some() {
        return None;
    }
    let slot = match frame.return_target {
        None => None,
        Some(t) => {
            let target = caller_slot(t, caller)?;
            let source = frame.locals_base as usize;
            // The value must be there (else "did not set return register"), and the target
            // must survive the frame's registers and not be a reference cell (a store would
            // go through it).
            if frame.locals_len == 0
                || target >= frame.params_base as usize
                || !matches!(values.get(source), Some(Some(_)))
                || matches!(values.get(target), Some(Some(Value::Reference(_))) | None)
            {
                return None;
            }
            Some((source, target))
        }
    };
    let value = slot.and_then(|(source, _)| values[source].take());
    let frame = stack.frames.pop()?;
    let (params_base, return_to) = (frame.params_base, frame.return_to);
    if frame.deferred.capacity() == 0 {
        // Nothing to destroy: no closure (checked above) and a deferred list that never
        // allocated; forgetting the frame leaks nothing and saves the out-of-line drop.
        std::mem::forget(frame);
    }
    shrink(values, params_base as usize);
    if stack.pending.is_some_and(|(base, _)| base >= params_base) {
        stack.pending = None;
    }
    if !stack.try_frames.is_empty() {
        stack.try_frames.retain(|t| t.frame < depth - 1);
    }
    if let (Some((_, target)), Some(v)) = (slot, value) {
        put(&mut values[target], Some(v));
    }
    *w = Window::of(stack);
    Some(return_to)
}

/// The value-stack index of a direct `local` register of `caller`.
#[inline(always)]
fn caller_slot(t: Reg, caller: &Frame) -> Option<usize> {
    if t.set == RegisterSet::Local
        && t.access == Access::Direct
        && u32::from(t.index) < caller.locals_len
    {
        Some(caller.locals_base as usize + t.index as usize)
    } else {
        None
    }
}
