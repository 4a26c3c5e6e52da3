//! The hot forms: a second, compact view of each instruction for the interpreter's inner loop
//! (`exec/fast.rs`). Operands that the hot loop handles are pre-resolved to plain indexes into
//! the current frame's `local`, `parameters` or `arguments` set (direct access only); every
//! other instruction is [`Hot::General`] and runs through the general handler. A hot form
//! never changes behaviour: when its value preconditions do not hold at run time, the general
//! handler runs the instruction (`Code::code` at the same index) instead.

use viua_bytecode::{Access, RegisterSet};

use super::insn::{Callee, Comparison, Insn, Reg};
use crate::ops::bits_arith::ArithOp;

/// A frame register set the hot loop reaches directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameSet {
    Local,
    Parameters,
    Arguments,
}

/// `Hot::Call`'s target index meaning `void`.
pub const VOID: u16 = u16::MAX;

/// A hot form; register operands are indexes into the `local` set unless a [`FrameSet`] says
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hot {
    General,
    Integer(u16, i32),
    Iinc(u16),
    Idec(u16),
    // One variant per operation (not an operation operand): one dispatch, not two.
    Add(u16, u16, u16),
    Sub(u16, u16, u16),
    Mul(u16, u16, u16),
    Div(u16, u16, u16),
    Lt(u16, u16, u16),
    Lte(u16, u16, u16),
    Gt(u16, u16, u16),
    Gte(u16, u16, u16),
    Eq(u16, u16, u16),
    If(u16, u32, u32),
    Jump(u32),
    /// `move`/`copy` between two local registers.
    MoveLocal(u16, u16),
    CopyLocal(u16, u16),
    /// `move`/`copy` between registers of the frame's sets, at least one not `local`.
    Move(FrameSet, u16, FrameSet, u16),
    Copy(FrameSet, u16, FrameSet, u16),
    Frame(u16),
    /// `call` of a function resolved at load time; the target is [`VOID`] or a local index.
    Call(u16, u32),
    AllocateRegisters(u16),
    Return,
}

fn local(r: Reg) -> Option<u16> {
    (r.set == RegisterSet::Local && r.access == Access::Direct && r.index != VOID)
        .then_some(r.index)
}

fn frame(r: Reg) -> Option<(FrameSet, u16)> {
    if r.access != Access::Direct {
        return None;
    }
    let set = match r.set {
        RegisterSet::Local => FrameSet::Local,
        RegisterSet::Parameters => FrameSet::Parameters,
        RegisterSet::Arguments => FrameSet::Arguments,
        _ => return None,
    };
    Some((set, r.index))
}

/// The hot form of `insn`.
pub fn hot_form(insn: &Insn) -> Hot {
    let form = || -> Option<Hot> {
        Some(match *insn {
            Insn::Integer(t, v) => Hot::Integer(local(t)?, v),
            Insn::Iinc(r) => Hot::Iinc(local(r)?),
            Insn::Idec(r) => Hot::Idec(local(r)?),
            Insn::Arith(op, t, a, b) => {
                let (t, a, b) = (local(t)?, local(a)?, local(b)?);
                match op {
                    ArithOp::Add => Hot::Add(t, a, b),
                    ArithOp::Sub => Hot::Sub(t, a, b),
                    ArithOp::Mul => Hot::Mul(t, a, b),
                    ArithOp::Div => Hot::Div(t, a, b),
                }
            }
            Insn::Compare(op, t, a, b) => {
                let (t, a, b) = (local(t)?, local(a)?, local(b)?);
                match op {
                    Comparison::Lt => Hot::Lt(t, a, b),
                    Comparison::Lte => Hot::Lte(t, a, b),
                    Comparison::Gt => Hot::Gt(t, a, b),
                    Comparison::Gte => Hot::Gte(t, a, b),
                    Comparison::Eq => Hot::Eq(t, a, b),
                }
            }
            Insn::If(c, on_true, on_false) => Hot::If(local(c)?, on_true, on_false),
            Insn::Jump(t) => Hot::Jump(t),
            Insn::Move(Some(t), s) => match (frame(t)?, frame(s)?) {
                ((FrameSet::Local, t), (FrameSet::Local, s)) => Hot::MoveLocal(t, s),
                ((ts, ti), (ss, si)) => Hot::Move(ts, ti, ss, si),
            },
            Insn::Copy(t, s) => match (frame(t)?, frame(s)?) {
                ((FrameSet::Local, t), (FrameSet::Local, s)) => Hot::CopyLocal(t, s),
                ((ts, ti), (ss, si)) => Hot::Copy(ts, ti, ss, si),
            },
            Insn::Frame(n) => Hot::Frame(n),
            Insn::Call(None, Callee::Function(f)) => Hot::Call(VOID, f),
            Insn::Call(Some(t), Callee::Function(f)) => Hot::Call(local(t)?, f),
            Insn::AllocateRegisters(n) => Hot::AllocateRegisters(n),
            Insn::Return => Hot::Return,
            _ => return None,
        })
    };
    form().unwrap_or(Hot::General)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_forms_are_compact() {
        assert!(
            std::mem::size_of::<Hot>() <= 12,
            "{}",
            std::mem::size_of::<Hot>()
        );
    }
}
