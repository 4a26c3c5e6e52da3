//! The hot loop: runs the hot forms ([`Hot`]) of the current code on the current frame's
//! `local`, `parameters` and `arguments` registers, and returns to [`Process::step`] at the
//! first instruction it cannot run itself. Each hot form checks its preconditions (in-bounds
//! direct operands, Integer or Boolean values, no reference cells, the call-path cases in
//! `fast_calls.rs`) before changing anything, and otherwise leaves the instruction to the
//! general handler — so the hot loop never changes behaviour, only speed.
//!
//! [`Process::step`]: super::Process::step

use super::fast_calls::{allocate, call, frame, ret};
use super::frame::Stack;
use crate::load::{CodeRef, Comparison, FrameSet, Hot, Program};
use crate::ops::bits_arith::ArithOp;
use crate::value::{Register, Value};

/// Where the running frame's register sets sit on the value stack: (base, length) of the
/// locals, parameters and pending arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub locals: (usize, usize),
    pub params: (usize, usize),
    pub args: (usize, usize),
}

impl Window {
    /// The window of the top frame of `stack` (all sets empty when it has none).
    #[inline]
    pub fn of(stack: &Stack) -> Window {
        let Some(f) = stack.frames.last() else {
            return Window::default();
        };
        Window {
            locals: (f.locals_base as usize, f.locals_len as usize),
            params: (f.params_base as usize, f.params_len as usize),
            args: stack
                .pending
                .map_or((0, 0), |(b, l)| (b as usize, l as usize)),
        }
    }

    /// The value-stack index of register `i` of `set`, if in bounds.
    #[inline(always)]
    fn slot(&self, set: FrameSet, i: u16) -> Option<usize> {
        let (base, len) = match set {
            FrameSet::Local => self.locals,
            FrameSet::Parameters => self.params,
            FrameSet::Arguments => self.args,
        };
        ((i as usize) < len).then(|| base + i as usize)
    }

    #[inline(always)]
    fn local(&self, i: u16) -> Option<usize> {
        ((i as usize) < self.locals.1).then(|| self.locals.0 + i as usize)
    }
}

/// Runs hot forms from `stack.ip` of `stack.code` while the budget lasts; returns `true` when
/// it ran out, `false` when the instruction now at `stack.ip` needs the general handler (which
/// also counts it against the budget). `stack.code` and `stack.ip` are up to date on return.
///
/// Not inlined into `step`: on its own the loop keeps its state in machine registers.
#[inline(never)]
pub fn run(
    values: &mut Vec<Register>,
    stack: &mut Stack,
    program: &Program,
    budget: &mut u32,
) -> bool {
    let mut at = stack.code;
    let mut ip = stack.ip;
    let mut w = Window::of(stack);
    let mut hot: &[Hot] = &program.code(at).hot;
    let mut left = *budget;
    let exhausted = loop {
        if left == 0 {
            break true;
        }
        let Some(&h) = hot.get(ip as usize) else {
            break false;
        };
        match h {
            Hot::General => break false,
            Hot::Integer(t, v) => {
                if !store_int(values, w.local(t), i64::from(v)) {
                    break false;
                }
                ip += 1;
            }
            Hot::Iinc(r) | Hot::Idec(r) => {
                let delta = if matches!(h, Hot::Iinc(_)) { 1 } else { -1 };
                match w.local(r).and_then(|i| values.get_mut(i)) {
                    Some(Some(Value::Integer(i))) => *i = i.wrapping_add(delta),
                    _ => break false,
                }
                ip += 1;
            }
            Hot::Arith(op, t, a, b) => {
                let (Some(x), Some(y)) = (int(values, w.local(a)), int(values, w.local(b))) else {
                    break false;
                };
                let v = match op {
                    ArithOp::Add => x.wrapping_add(y),
                    ArithOp::Sub => x.wrapping_sub(y),
                    ArithOp::Mul => x.wrapping_mul(y),
                    ArithOp::Div if y != 0 => x.wrapping_div(y),
                    ArithOp::Div => break false,
                };
                if !store_int(values, w.local(t), v) {
                    break false;
                }
                ip += 1;
            }
            Hot::Compare(op, t, a, b) => {
                let (Some(x), Some(y)) = (int(values, w.local(a)), int(values, w.local(b))) else {
                    break false;
                };
                let v = match op {
                    Comparison::Lt => x < y,
                    Comparison::Lte => x <= y,
                    Comparison::Gt => x > y,
                    Comparison::Gte => x >= y,
                    Comparison::Eq => x == y,
                };
                if !store_bool(values, w.local(t), v) {
                    break false;
                }
                ip += 1;
                // A compare-and-branch: an `if` on the result right after it branches at once
                // (what that `if` would do: its condition is the Boolean just stored).
                if let Some(&Hot::If(c, on_true, on_false)) = hot.get(ip as usize) {
                    let next = if v { on_true } else { on_false };
                    if c == t && next != ip {
                        ip = next;
                    }
                }
            }
            Hot::If(c, on_true, on_false) => {
                let truth = match w.local(c).and_then(|i| values.get(i)) {
                    Some(Some(Value::Boolean(b))) => *b,
                    Some(Some(Value::Integer(i))) => *i != 0,
                    _ => break false,
                };
                let next = if truth { on_true } else { on_false };
                if next == ip {
                    break false;
                }
                ip = next;
            }
            Hot::Jump(t) => {
                if t == ip {
                    break false;
                }
                ip = t;
            }
            Hot::Move(ts, ti, ss, si) => {
                if !transfer(values, w.slot(ts, ti), w.slot(ss, si), true) {
                    break false;
                }
                ip += 1;
            }
            Hot::Copy(ts, ti, ss, si) => {
                if !transfer(values, w.slot(ts, ti), w.slot(ss, si), false) {
                    break false;
                }
                ip += 1;
            }
            Hot::Frame(n) => {
                if !frame(values, stack, n, &mut w) {
                    break false;
                }
                ip += 1;
            }
            Hot::AllocateRegisters(n) => {
                if !allocate(values, stack, n, &mut w) {
                    break false;
                }
                ip += 1;
            }
            Hot::Call(t, f) => {
                if !call(values, stack, t, f, (at, ip + 1), &mut w) {
                    break false;
                }
                at = CodeRef::Function(f);
                hot = &program.code(at).hot;
                ip = 0;
            }
            Hot::Return => {
                let Some((to, next)) = ret(values, stack, &mut w) else {
                    break false;
                };
                at = to;
                hot = &program.code(at).hot;
                ip = next;
            }
        }
        left -= 1;
    };
    stack.code = at;
    stack.ip = ip;
    *budget = left;
    exhausted
}

/// Whether destroying the register's content is a no-op: it is empty or a scalar (Integer,
/// Float, Boolean), which owns nothing.
#[inline(always)]
pub(super) fn is_scalar(r: &Register) -> bool {
    matches!(
        r,
        None | Some(Value::Integer(_) | Value::Float(_) | Value::Boolean(_))
    )
}

/// Overwrites a register; an old scalar is overwritten in line (forgetting it leaks nothing,
/// see [`is_scalar`]), only other values take the out-of-line drop.
#[inline(always)]
pub(super) fn put(slot: &mut Register, v: Register) {
    if is_scalar(slot) {
        std::mem::forget(std::mem::replace(slot, v));
    } else {
        *slot = v;
    }
}

#[inline(always)]
fn int(values: &[Register], slot: Option<usize>) -> Option<i64> {
    match values.get(slot?) {
        Some(Some(Value::Integer(i))) => Some(*i),
        _ => None,
    }
}

/// A target register that a plain store may overwrite (not a reference cell).
#[inline(always)]
fn target(values: &mut [Register], slot: Option<usize>) -> Option<&mut Register> {
    let slot = values.get_mut(slot?)?;
    if matches!(slot, Some(Value::Reference(_))) {
        return None;
    }
    Some(slot)
}

/// Stores an Integer, overwriting an Integer in place: building a whole `Value` on the stack
/// and copying it costs a store-forwarding stall, and dropping the old one an out-of-line call.
#[inline(always)]
fn store_int(values: &mut [Register], slot: Option<usize>, v: i64) -> bool {
    match target(values, slot) {
        Some(Some(Value::Integer(i))) => *i = v,
        Some(slot) => put(slot, Some(Value::Integer(v))),
        None => return false,
    }
    true
}

/// Stores a Boolean, in place when the target already holds one (see [`store_int`]).
#[inline(always)]
fn store_bool(values: &mut [Register], slot: Option<usize>, v: bool) -> bool {
    match target(values, slot) {
        Some(Some(Value::Boolean(b))) => *b = v,
        Some(slot) => put(slot, Some(Value::Boolean(v))),
        None => return false,
    }
    true
}

/// `move` (any value) or `copy` (of an Integer) between frame registers, the target not a
/// reference cell.
#[inline(always)]
fn transfer(values: &mut [Register], t: Option<usize>, s: Option<usize>, is_move: bool) -> bool {
    let (Some(ti), Some(si)) = (t, s) else {
        return false;
    };
    if si >= values.len() || matches!(values.get(ti), Some(Some(Value::Reference(_))) | None) {
        return false;
    }
    if is_move {
        // Swapping moves whole 16-byte registers (no value is rebuilt on the stack); the old
        // target value, now in the source register, is destroyed by the store of `None`.
        if ti != si {
            values.swap(ti, si);
            put(&mut values[si], None);
        }
    } else {
        let Some(Value::Integer(i)) = values[si] else {
            return false;
        };
        match &mut values[ti] {
            Some(Value::Integer(t)) => *t = i,
            slot => put(slot, Some(Value::Integer(i))),
        }
    }
    true
}
