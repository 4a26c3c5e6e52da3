//! The hot loop: runs the hot forms ([`Hot`]) of the current code on the current frame's
//! `local`, `parameters` and `arguments` registers, and returns to [`Process::step`] at the
//! first instruction it cannot run itself. Each hot form checks its preconditions (in-bounds
//! direct operands, Integer or Boolean values, no reference cells, the call-path cases in
//! `fast_calls.rs`) before changing anything, and otherwise leaves the instruction to the
//! general handler — so the hot loop never changes behaviour, only speed.
//!
//! [`Process::step`]: super::Process::step

use super::fast_calls::{allocate, call, frame, ret, Top};
use super::frame::Stack;
use crate::load::{CodeRef, FrameSet, Hot, Program};
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
        at_in(
            match set {
                FrameSet::Local => self.locals,
                FrameSet::Parameters => self.params,
                FrameSet::Arguments => self.args,
            },
            i,
        )
    }
}

/// The value-stack index of register `i` of the set at (base, length), if in bounds.
#[inline(always)]
fn at_in((base, len): (usize, usize), i: u16) -> Option<usize> {
    ((i as usize) < len).then(|| base + i as usize)
}

/// Runs hot forms from `stack.ip` of `stack.code` while the budget lasts; returns `true` when
/// it ran out, `false` when the instruction now at `stack.ip` needs the general handler (which
/// also counts it against the budget). `stack.code` and `stack.ip` are up to date on return.
///
/// The forms that touch only `local` registers work on the locals as one slice (one bounds
/// check per operand); the forms that reach other sets or change the frame work on the whole
/// value stack and then take the slice again. Not inlined into `step`: on its own the loop
/// keeps more of its state in machine registers.
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
    let mut top = Top::new(values);
    let Some(mut regs) = values.get_mut(w.locals.0..w.locals.0 + w.locals.1) else {
        return false;
    };
    let exhausted = 'run: loop {
        // The locals as one slice, taken again after every form that changes the value stack
        // or reaches other sets (so only `regs`, not `values`, is borrowed in between).
        macro_rules! locals {
            () => {
                match values.get_mut(w.locals.0..w.locals.0 + w.locals.1) {
                    Some(regs) => regs,
                    None => break 'run false,
                }
            };
        }
        // An Integer operand, or the general handler.
        macro_rules! int {
            ($r:expr) => {
                match regs.get($r as usize) {
                    Some(Some(Value::Integer(i))) => *i,
                    _ => break 'run false,
                }
            };
        }
        macro_rules! store {
            ($t:expr, $variant:ident, $v:expr) => {
                match regs.get_mut($t as usize) {
                    Some(Some(Value::$variant(x))) => *x = $v,
                    Some(slot) if !matches!(slot, Some(Value::Reference(_))) => {
                        put(slot, Some(Value::$variant($v)))
                    }
                    _ => break 'run false,
                }
            };
        }
        macro_rules! arith {
            ($t:expr, $a:expr, $b:expr, $f:expr) => {{
                let v = $f(int!($a), int!($b));
                store!($t, Integer, v);
                ip += 1;
            }};
        }
        macro_rules! compare {
            ($t:expr, $a:expr, $b:expr, $f:expr) => {{
                let v = $f(&int!($a), &int!($b));
                store!($t, Boolean, v);
                v
            }};
        }
        // A comparison and the `if` after it on its result, each counted against the budget:
        // the branch is what that `if` would do (its condition is the Boolean just stored),
        // unless it is one that jumps to itself, which the `if` itself runs (and raises; it is
        // counted once more then, which only ends the budget a little early).
        macro_rules! compare_if {
            ($t:expr, $a:expr, $b:expr, $f:expr, $on_true:expr, $on_false:expr) => {{
                let v = compare!($t, $a, $b, $f);
                second_half!();
                let next = u32::from(if v { $on_true } else { $on_false });
                if next != ip {
                    ip = next;
                }
            }};
        }
        // The first instruction of a fused pair is done: count it, and stop if that was the
        // last of the budget (the second one, at `ip` now, runs next time).
        macro_rules! second_half {
            () => {
                ip += 1;
                left -= 1;
                if left == 0 {
                    break 'run true;
                }
            };
        }
        // The forms on `local` registers only: a tight loop of their own.
        let h = loop {
            if left == 0 {
                break 'run true;
            }
            let Some(&h) = hot.get(ip as usize) else {
                break 'run false;
            };
            match h {
                Hot::Integer(t, v) => {
                    store!(t, Integer, i64::from(v));
                    ip += 1;
                }
                Hot::Iinc(r) => {
                    match regs.get_mut(r as usize) {
                        Some(Some(Value::Integer(i))) => *i = i.wrapping_add(1),
                        _ => break 'run false,
                    }
                    ip += 1;
                }
                Hot::Idec(r) => {
                    match regs.get_mut(r as usize) {
                        Some(Some(Value::Integer(i))) => *i = i.wrapping_sub(1),
                        _ => break 'run false,
                    }
                    ip += 1;
                }
                Hot::IntegerAdd(t, v, d, a) | Hot::IntegerSub(t, v, d, a) => {
                    store!(t, Integer, i64::from(v));
                    second_half!();
                    if matches!(h, Hot::IntegerAdd(..)) {
                        arith!(d, a, t, i64::wrapping_add)
                    } else {
                        arith!(d, a, t, i64::wrapping_sub)
                    }
                }
                Hot::Add(t, a, b) => arith!(t, a, b, i64::wrapping_add),
                Hot::Sub(t, a, b) => arith!(t, a, b, i64::wrapping_sub),
                Hot::Mul(t, a, b) => arith!(t, a, b, i64::wrapping_mul),
                Hot::Div(t, a, b) => {
                    let (x, y) = (int!(a), int!(b));
                    if y == 0 {
                        break 'run false;
                    }
                    store!(t, Integer, x.wrapping_div(y));
                    ip += 1;
                }
                Hot::Lt(t, a, b) => {
                    compare!(t, a, b, i64::lt);
                    ip += 1;
                }
                Hot::LtIf(t, a, b, y, n) => compare_if!(t, a, b, i64::lt, y, n),
                Hot::Lte(t, a, b) => {
                    compare!(t, a, b, i64::le);
                    ip += 1;
                }
                Hot::LteIf(t, a, b, y, n) => compare_if!(t, a, b, i64::le, y, n),
                Hot::Gt(t, a, b) => {
                    compare!(t, a, b, i64::gt);
                    ip += 1;
                }
                Hot::GtIf(t, a, b, y, n) => compare_if!(t, a, b, i64::gt, y, n),
                Hot::Gte(t, a, b) => {
                    compare!(t, a, b, i64::ge);
                    ip += 1;
                }
                Hot::GteIf(t, a, b, y, n) => compare_if!(t, a, b, i64::ge, y, n),
                Hot::Eq(t, a, b) => {
                    compare!(t, a, b, i64::eq);
                    ip += 1;
                }
                Hot::EqIf(t, a, b, y, n) => compare_if!(t, a, b, i64::eq, y, n),
                Hot::If(c, on_true, on_false) => {
                    let truth = match regs.get(c as usize) {
                        Some(Some(Value::Boolean(b))) => *b,
                        Some(Some(Value::Integer(i))) => *i != 0,
                        _ => break 'run false,
                    };
                    let next = if truth { on_true } else { on_false };
                    if next == ip {
                        break 'run false;
                    }
                    ip = next;
                }
                Hot::Jump(t) => {
                    if t == ip {
                        break 'run false;
                    }
                    ip = t;
                }
                Hot::MoveLocal(t, s) => {
                    if !transfer(regs, t as usize, s as usize, true, &mut top, w.locals.0) {
                        break 'run false;
                    }
                    ip += 1;
                }
                Hot::CopyLocal(t, s) => {
                    if !transfer(regs, t as usize, s as usize, false, &mut top, w.locals.0) {
                        break 'run false;
                    }
                    ip += 1;
                }
                _ => break h,
            }
            left -= 1;
        };
        // The forms that reach other sets or change the frame.
        match h {
            Hot::MoveToArgument(t, s) | Hot::CopyToArgument(t, s) => {
                let (Some(t), Some(s)) = (at_in(w.args, t), at_in(w.locals, s)) else {
                    break 'run false;
                };
                if !transfer(
                    values,
                    t,
                    s,
                    matches!(h, Hot::MoveToArgument(..)),
                    &mut top,
                    0,
                ) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::MoveFromParameter(t, s) | Hot::CopyFromParameter(t, s) => {
                let (Some(t), Some(s)) = (at_in(w.locals, t), at_in(w.params, s)) else {
                    break 'run false;
                };
                if !transfer(
                    values,
                    t,
                    s,
                    matches!(h, Hot::MoveFromParameter(..)),
                    &mut top,
                    0,
                ) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::Move(ts, ti, ss, si) | Hot::Copy(ts, ti, ss, si) => {
                let (Some(t), Some(s)) = (w.slot(ts, ti), w.slot(ss, si)) else {
                    break 'run false;
                };
                if !transfer(values, t, s, matches!(h, Hot::Move(..)), &mut top, 0) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::Frame(n) => {
                if !frame(values, &mut top, stack, n, &mut w) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::FrameCopy(n, t, s) | Hot::FrameMove(n, t, s) => {
                if !frame(values, &mut top, stack, n, &mut w) {
                    break 'run false;
                }
                // The transfer is the next instruction: the general handler runs it if its
                // hot form does not apply.
                second_half!();
                let (Some(t), Some(s)) = (at_in(w.args, t), at_in(w.locals, s)) else {
                    break 'run false;
                };
                if !transfer(values, t, s, matches!(h, Hot::FrameMove(..)), &mut top, 0) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::FrameCopyCall(n, t, s) | Hot::FrameMoveCall(n, t, s) => {
                if !frame(values, &mut top, stack, n, &mut w) {
                    break 'run false;
                }
                second_half!();
                let (Some(t), Some(s)) = (at_in(w.args, t), at_in(w.locals, s)) else {
                    break 'run false;
                };
                if !transfer(
                    values,
                    t,
                    s,
                    matches!(h, Hot::FrameMoveCall(..)),
                    &mut top,
                    0,
                ) {
                    break 'run false;
                }
                second_half!();
                // The call the form was fused with (the general handler runs it otherwise).
                let Some(&Hot::Call(t, f)) = hot.get(ip as usize) else {
                    break 'run false;
                };
                if !call(values, &mut top, stack, t, f, (at, ip + 1), &mut w) {
                    break 'run false;
                }
                at = CodeRef::Function(f);
                hot = &program.code(at).hot;
                ip = 0;
                regs = locals!();
            }
            Hot::AllocateRegisters(n) => {
                if !allocate(values, &mut top, stack, n, &mut w) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::AllocateCopy(n, t, s) | Hot::AllocateMove(n, t, s) => {
                if !allocate(values, &mut top, stack, n, &mut w) {
                    break 'run false;
                }
                second_half!();
                let (Some(t), Some(s)) = (at_in(w.locals, t), at_in(w.params, s)) else {
                    break 'run false;
                };
                if !transfer(
                    values,
                    t,
                    s,
                    matches!(h, Hot::AllocateMove(..)),
                    &mut top,
                    0,
                ) {
                    break 'run false;
                }
                ip += 1;
                regs = locals!();
            }
            Hot::Call(t, f) => {
                if !call(values, &mut top, stack, t, f, (at, ip + 1), &mut w) {
                    break 'run false;
                }
                at = CodeRef::Function(f);
                hot = &program.code(at).hot;
                ip = 0;
                regs = locals!();
            }
            Hot::Return => {
                let Some((to, next)) = ret(values, &mut top, stack, &mut w) else {
                    break 'run false;
                };
                at = to;
                hot = &program.code(at).hot;
                ip = next;
                regs = locals!();
            }
            Hot::General => break 'run false,
            // The inner loop ran the others.
            _ => break 'run false,
        }
        left -= 1;
    };
    top.sync(values);
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

/// `move` (any value) or `copy` (of an Integer) between registers `t` and `s` of `regs`, the
/// target not a reference cell. `false` declines; after a `move` of another value into `ti`
/// the register is recorded with [`Top::dirty`] (`base` is the value-stack index of
/// `regs[0]`).
#[inline(always)]
fn transfer(
    regs: &mut [Register],
    ti: usize,
    si: usize,
    is_move: bool,
    top: &mut Top,
    base: usize,
) -> bool {
    if si >= regs.len() || matches!(regs.get(ti), Some(Some(Value::Reference(_))) | None) {
        return false;
    }
    if ti == si {
        // `move` onto itself leaves the value where it is; `copy` onto itself of an Integer
        // is the same Integer.
        return is_move || matches!(regs[si], Some(Value::Integer(_)));
    }
    // Integers move and copy field by field: the register was likely just written that way,
    // and reading it back as one 16-byte unit would stall on store forwarding.
    if let Some(Value::Integer(i)) = regs[si] {
        match &mut regs[ti] {
            Some(Value::Integer(t)) => *t = i,
            slot => put(slot, Some(Value::Integer(i))),
        }
        if is_move {
            put(&mut regs[si], None);
        }
        return true;
    }
    if !is_move {
        return false;
    }
    // Swapping moves whole registers (no value is rebuilt on the stack); the old target
    // value, now in the source register, is destroyed by the store of `None`.
    regs.swap(ti, si);
    put(&mut regs[si], None);
    top.dirty(base + ti);
    true
}
