//! Inline fast forms of the hottest instructions on plain `local` registers (direct access,
//! in-bounds, Integer or Boolean values, no reference cells). Each returns `false` when its
//! preconditions do not hold, and the general handler then runs the instruction with the full
//! rules — so the fast forms never change behaviour, only speed.

use viua_bytecode::{Access, RegisterSet};

use crate::load::{Comparison, Insn, Reg};
use crate::ops::bits_arith::ArithOp;
use crate::value::{Register, Value};

/// Value-stack ranges of the current frame's locals, parameters and pending arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ranges {
    pub params: (usize, usize),
    pub args: (usize, usize),
}

#[inline(always)]
fn local(r: Reg, base: usize, len: usize) -> Option<usize> {
    if r.set == RegisterSet::Local && r.access == Access::Direct && (r.index as usize) < len {
        Some(base + r.index as usize)
    } else {
        None
    }
}

/// A direct operand in the local, parameters or arguments set.
#[inline(always)]
fn frame_slot(r: Reg, base: usize, len: usize, ranges: &Ranges) -> Option<usize> {
    if r.access != Access::Direct {
        return None;
    }
    let (b, l) = match r.set {
        RegisterSet::Local => (base, len),
        RegisterSet::Parameters => ranges.params,
        RegisterSet::Arguments => ranges.args,
        _ => return None,
    };
    if (r.index as usize) < l {
        Some(b + r.index as usize)
    } else {
        None
    }
}

/// `move` and `copy` (of Integers) between frame registers without reference cells.
#[inline(always)]
pub fn run_transfer(
    values: &mut [Register],
    base: usize,
    len: usize,
    ranges: &Ranges,
    insn: Insn,
    ip: &mut u32,
) -> bool {
    let (t, s, is_move) = match insn {
        Insn::Move(Some(t), s) => (t, s, true),
        Insn::Copy(t, s) => (t, s, false),
        _ => return false,
    };
    let (Some(ti), Some(si)) = (
        frame_slot(t, base, len, ranges),
        frame_slot(s, base, len, ranges),
    ) else {
        return false;
    };
    if matches!(values.get(ti), Some(Some(Value::Reference(_))) | None) {
        return false;
    }
    if is_move {
        // Swapping moves whole 16-byte registers (no value is rebuilt on the stack); the old
        // target value, now in the source register, is destroyed by the store of `None`.
        if ti != si {
            if si >= values.len() {
                return false;
            }
            values.swap(ti, si);
            values[si] = None;
        }
    } else {
        let Some(Some(Value::Integer(i))) = values.get(si) else {
            return false;
        };
        let i = *i;
        match &mut values[ti] {
            Some(Value::Integer(t)) => *t = i,
            slot => *slot = Some(Value::Integer(i)),
        }
    }
    *ip += 1;
    true
}

#[inline(always)]
fn int(values: &[Register], r: Reg, base: usize, len: usize) -> Option<i64> {
    match values.get(local(r, base, len)?) {
        Some(Some(Value::Integer(i))) => Some(*i),
        _ => None,
    }
}

/// A target slot that a plain store may overwrite (not a reference cell).
#[inline(always)]
fn target(values: &mut [Register], r: Reg, base: usize, len: usize) -> Option<&mut Register> {
    let slot = values.get_mut(local(r, base, len)?)?;
    if matches!(slot, Some(Value::Reference(_))) {
        return None;
    }
    Some(slot)
}

/// Runs `insn` if it has a fast form that applies; advances `ip` and returns `true` then.
#[inline(always)]
pub fn run(values: &mut [Register], base: usize, len: usize, insn: Insn, ip: &mut u32) -> bool {
    match insn {
        Insn::Jump(t) if t != *ip => {
            *ip = t;
            true
        }
        Insn::If(c, on_true, on_false) => {
            let truth = match values.get(local(c, base, len).unwrap_or(usize::MAX)) {
                Some(Some(Value::Boolean(b))) => *b,
                Some(Some(Value::Integer(i))) => *i != 0,
                _ => return false,
            };
            let next = if truth { on_true } else { on_false };
            if next == *ip {
                return false;
            }
            *ip = next;
            true
        }
        Insn::Iinc(r) | Insn::Idec(r) => {
            let delta = if matches!(insn, Insn::Iinc(_)) { 1 } else { -1 };
            match local(r, base, len).and_then(|i| values.get_mut(i)) {
                Some(Some(Value::Integer(i))) => {
                    *i = i.wrapping_add(delta);
                    *ip += 1;
                    true
                }
                _ => false,
            }
        }
        Insn::Integer(t, v) => store_int(values, t, base, len, i64::from(v), ip),
        Insn::Izero(t) => store_int(values, t, base, len, 0, ip),
        Insn::Arith(op, t, a, b) => {
            let (Some(x), Some(y)) = (int(values, a, base, len), int(values, b, base, len)) else {
                return false;
            };
            let v = match op {
                ArithOp::Add => x.wrapping_add(y),
                ArithOp::Sub => x.wrapping_sub(y),
                ArithOp::Mul => x.wrapping_mul(y),
                ArithOp::Div if y != 0 => x.wrapping_div(y),
                ArithOp::Div => return false,
            };
            store_int(values, t, base, len, v, ip)
        }
        Insn::Compare(op, t, a, b) => {
            let (Some(x), Some(y)) = (int(values, a, base, len), int(values, b, base, len)) else {
                return false;
            };
            let v = match op {
                Comparison::Lt => x < y,
                Comparison::Lte => x <= y,
                Comparison::Gt => x > y,
                Comparison::Gte => x >= y,
                Comparison::Eq => x == y,
            };
            store_bool(values, t, base, len, v, ip)
        }
        _ => false,
    }
}

/// Stores an Integer, overwriting an Integer in place: building a whole `Value` on the stack
/// and copying it costs a store-forwarding stall, and dropping the old one an out-of-line call.
#[inline(always)]
fn store_int(
    values: &mut [Register],
    t: Reg,
    base: usize,
    len: usize,
    v: i64,
    ip: &mut u32,
) -> bool {
    match target(values, t, base, len) {
        Some(Some(Value::Integer(i))) => *i = v,
        Some(slot) => *slot = Some(Value::Integer(v)),
        None => return false,
    }
    *ip += 1;
    true
}

/// Stores a Boolean, in place when the target already holds one (see [`store_int`]).
#[inline(always)]
fn store_bool(
    values: &mut [Register],
    t: Reg,
    base: usize,
    len: usize,
    v: bool,
    ip: &mut u32,
) -> bool {
    match target(values, t, base, len) {
        Some(Some(Value::Boolean(b))) => *b = v,
        Some(slot) => *slot = Some(Value::Boolean(v)),
        None => return false,
    }
    *ip += 1;
    true
}
