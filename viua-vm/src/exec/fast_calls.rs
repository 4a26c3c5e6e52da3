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

/// The value stack in the hot loop: `values[..top]` are the live registers; above `top` the
/// registers are dead and hold only nothing or scalars (Integer, Float, Boolean: they own
/// nothing), so they can be reused or dropped without destroying anything. Returning and
/// allocating then destroy in line, and growing reuses the vector's slots; [`Top::sync`]
/// truncates the vector to `top` when the hot loop ends, so outside it `values.len()` is the
/// top as ever.
///
/// `clean` (≤ `top`) is a watermark: the live registers from `clean` on hold only scalars
/// too, so lowering the top to at least `clean` destroys nothing and skips the scan. It starts
/// at the top (the hot loop knows nothing of what lies below), new registers are empty, the
/// hot forms store scalars, and the two places that put another value into a register (a
/// `move` of one, the value a `return` hands back) lower it to that register.
pub struct Top {
    pub top: usize,
    pub clean: usize,
}

impl Top {
    /// The top of a value stack the hot loop starts on.
    #[inline(always)]
    pub fn new(values: &[Register]) -> Top {
        Top {
            top: values.len(),
            clean: values.len(),
        }
    }

    /// Records that register `at` (a live one) may now hold a value that owns something.
    #[inline(always)]
    pub fn dirty(&mut self, at: usize) {
        self.clean = self.clean.min(at);
    }

    /// Destroys the live registers from `from` on and lowers the top to `from`.
    #[inline(always)]
    fn lower(&mut self, values: &mut [Register], from: usize) {
        if from > self.top {
            return;
        }
        if from < self.clean {
            self.lower_scan(values, from);
        }
        self.top = from;
    }

    /// [`Top::lower`] below the watermark: destroys what the registers from `from` up to it
    /// own.
    #[cold]
    #[inline(never)]
    fn lower_scan(&mut self, values: &mut [Register], from: usize) {
        if let Some(dead) = values.get_mut(from..self.clean) {
            for r in dead {
                if !is_scalar(r) {
                    *r = None;
                }
            }
        }
        self.clean = from;
    }

    /// Makes `n` empty registers on top.
    #[inline(always)]
    fn raise(&mut self, values: &mut Vec<Register>, n: u16) {
        let end = self.top + n as usize;
        let reuse = end.min(values.len());
        if let Some(reused) = values.get_mut(self.top..reuse) {
            for r in reused {
                // Dead registers hold nothing or scalars, which own nothing: forgetting the
                // old content leaks nothing (and saves checking what it is).
                std::mem::forget(r.take());
            }
        }
        if values.len() < end {
            values.resize_with(end, || None);
        }
        self.top = end;
    }

    /// Ends the hot loop's use of the value stack: `values.len()` becomes the top again.
    #[inline(always)]
    pub fn sync(&self, values: &mut Vec<Register>) {
        if values.len() > self.top {
            values.truncate(self.top);
        }
    }
}

/// `frame N` when no frame is pending.
#[inline(always)]
pub fn frame(
    values: &mut Vec<Register>,
    top: &mut Top,
    stack: &mut Stack,
    n: u16,
    w: &mut Window,
) -> bool {
    if stack.pending.is_some() {
        return false;
    }
    let base = top.top;
    stack.pending = Some((base as u32, u32::from(n)));
    top.raise(values, n);
    w.args = (base, n as usize);
    true
}

/// `allocate_registers N` in a frame without a closure set and with no pending frame.
#[inline(always)]
pub fn allocate(
    values: &mut Vec<Register>,
    top: &mut Top,
    stack: &mut Stack,
    n: u16,
    w: &mut Window,
) -> bool {
    if stack.pending.is_some() {
        return false;
    }
    let Some(frame) = stack.frames.last_mut() else {
        return false;
    };
    if frame.extras.is_some() {
        return false;
    }
    frame.locals_len = u32::from(n);
    frame.has_locals = true;
    top.lower(values, frame.locals_base as usize);
    top.raise(values, n);
    w.locals.1 = n as usize;
    true
}

/// `call` of `function` into local `target` (or [`VOID`]), returning to `return_to`.
#[inline(always)]
pub fn call(
    values: &mut [Register],
    top: &mut Top,
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
    // Room first (rarely needed), so the push itself inlines to a few stores.
    if stack.frames.len() == stack.frames.capacity() {
        stack.frames.reserve(1);
    }
    let mut f = Frame::new(function, base, len, return_to);
    if target != VOID {
        f.return_target = Some(Reg {
            index: target,
            set: RegisterSet::Local,
            access: Access::Direct,
        });
    }
    stack.frames.push(f);
    top.lower(values, (base + len) as usize);
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
    values: &mut [Register],
    top: &mut Top,
    stack: &mut Stack,
    w: &mut Window,
) -> Option<(CodeRef, u32)> {
    let depth = stack.frames.len();
    if depth < 2 {
        return None;
    }
    let frame = &stack.frames[depth - 1];
    let caller = &stack.frames[depth - 2];
    if frame.extras.is_some() {
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
    // An Integer is read field by field (it was likely just written so: a 16-byte read would
    // stall on store forwarding); its register is left to die above the top like the rest.
    let value = slot.and_then(|(source, _)| match values[source] {
        Some(Value::Integer(i)) => Some(Value::Integer(i)),
        _ => values[source].take(),
    });
    let (params_base, return_to) = (frame.params_base, frame.return_to);
    // Nothing to destroy (no extras, checked above): forgetting the frame leaks nothing and
    // saves the out-of-line drop.
    std::mem::forget(stack.frames.pop());
    top.lower(values, params_base as usize);
    if stack.pending.is_some_and(|(base, _)| base >= params_base) {
        stack.pending = None;
    }
    if !stack.try_frames.is_empty() {
        stack.try_frames.retain(|t| t.frame < depth - 1);
    }
    if let (Some((_, target)), Some(v)) = (slot, value) {
        let v = Some(v);
        if !is_scalar(&v) {
            top.dirty(target);
        }
        put(&mut values[target], v);
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
