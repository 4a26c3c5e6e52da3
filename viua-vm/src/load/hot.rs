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
    /// A comparison whose result the next instruction, an `if`, branches on: (target, lhs,
    /// rhs, the `if`'s true and false targets). The `if` stays in the code as it is.
    LtIf(u16, u16, u16, u16, u16),
    LteIf(u16, u16, u16, u16, u16),
    GtIf(u16, u16, u16, u16, u16),
    GteIf(u16, u16, u16, u16, u16),
    EqIf(u16, u16, u16, u16, u16),
    If(u16, u32, u32),
    Jump(u32),
    /// `move`/`copy` between two local registers.
    MoveLocal(u16, u16),
    CopyLocal(u16, u16),
    /// `move`/`copy` of a local register into the pending frame's arguments: (argument,
    /// local).
    MoveToArgument(u16, u16),
    CopyToArgument(u16, u16),
    /// `move`/`copy` of a parameter into a local register: (local, parameter).
    MoveFromParameter(u16, u16),
    CopyFromParameter(u16, u16),
    /// Other `move`/`copy` between registers of the frame's sets, at least one not `local`.
    Move(FrameSet, u16, FrameSet, u16),
    Copy(FrameSet, u16, FrameSet, u16),
    Frame(u16),
    /// `frame N` and a copy or move into its arguments right after it: (N, argument, local).
    /// The transfer stays in the code as it is.
    FrameCopy(u16, u16, u16),
    FrameMove(u16, u16, u16),
    /// [`Hot::FrameCopy`]/[`Hot::FrameMove`] whose transfer is followed by a [`Hot::Call`]:
    /// all three run at one dispatch (the handler reads the call's operands from its own form,
    /// two places on). The transfer and the call stay in the code as they are.
    FrameCopyCall(u16, u16, u16),
    FrameMoveCall(u16, u16, u16),
    /// `integer T V` followed by an addition or subtraction with `T` as its right operand:
    /// (T, V, target, left operand). The arithmetic stays in the code as it is.
    IntegerAdd(u16, i32, u16, u16),
    IntegerSub(u16, i32, u16, u16),
    /// `call` of a function resolved at load time; the target is [`VOID`] or a local index.
    Call(u16, u32),
    AllocateRegisters(u16),
    /// `allocate_registers N` and a copy or move of a parameter right after it: (N, local,
    /// parameter). The transfer stays in the code as it is.
    AllocateCopy(u16, u16, u16),
    AllocateMove(u16, u16, u16),
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

/// The hot forms of a function's or block's code. Common pairs fuse into the first one's
/// form (a comparison and the `if` on its result; `frame` and the first argument;
/// `allocate_registers` and the first parameter taken): the hot loop then runs both at one
/// dispatch (each still counted against the budget).
pub fn hot_forms(code: &[Insn]) -> Box<[Hot]> {
    let mut hot: Vec<Hot> = code.iter().map(hot_form).collect();
    for i in 0..hot.len().saturating_sub(1) {
        if let Some(fused) = compare_and_branch(hot[i], hot[i + 1]).or_else(|| {
            Some(match (hot[i], hot[i + 1]) {
                (Hot::Frame(n), Hot::CopyToArgument(t, s)) => Hot::FrameCopy(n, t, s),
                (Hot::Frame(n), Hot::MoveToArgument(t, s)) => Hot::FrameMove(n, t, s),
                (Hot::AllocateRegisters(n), Hot::CopyFromParameter(t, s)) => {
                    Hot::AllocateCopy(n, t, s)
                }
                (Hot::AllocateRegisters(n), Hot::MoveFromParameter(t, s)) => {
                    Hot::AllocateMove(n, t, s)
                }
                (Hot::Integer(t, v), Hot::Add(d, a, b)) if b == t => Hot::IntegerAdd(t, v, d, a),
                (Hot::Integer(t, v), Hot::Sub(d, a, b)) if b == t => Hot::IntegerSub(t, v, d, a),
                _ => return None,
            })
        }) {
            hot[i] = fused;
        }
    }
    // Triples: a fused frame-and-argument followed by the call.
    for i in 0..hot.len().saturating_sub(2) {
        hot[i] = match (hot[i], hot[i + 2]) {
            (Hot::FrameCopy(n, t, s), Hot::Call(..)) => Hot::FrameCopyCall(n, t, s),
            (Hot::FrameMove(n, t, s), Hot::Call(..)) => Hot::FrameMoveCall(n, t, s),
            (other, _) => other,
        };
    }
    hot.into_boxed_slice()
}

/// A comparison fused with the `if` after it on its result (both targets must fit 16 bits).
fn compare_and_branch(compare: Hot, next: Hot) -> Option<Hot> {
    let Hot::If(c, on_true, on_false) = next else {
        return None;
    };
    let (y, n) = (u16::try_from(on_true).ok()?, u16::try_from(on_false).ok()?);
    match compare {
        Hot::Lt(t, a, b) if t == c => Some(Hot::LtIf(t, a, b, y, n)),
        Hot::Lte(t, a, b) if t == c => Some(Hot::LteIf(t, a, b, y, n)),
        Hot::Gt(t, a, b) if t == c => Some(Hot::GtIf(t, a, b, y, n)),
        Hot::Gte(t, a, b) if t == c => Some(Hot::GteIf(t, a, b, y, n)),
        Hot::Eq(t, a, b) if t == c => Some(Hot::EqIf(t, a, b, y, n)),
        _ => None,
    }
}

/// The hot form of `insn`.
fn hot_form(insn: &Insn) -> Hot {
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
                ((FrameSet::Arguments, t), (FrameSet::Local, s)) => Hot::MoveToArgument(t, s),
                ((FrameSet::Local, t), (FrameSet::Parameters, s)) => Hot::MoveFromParameter(t, s),
                ((ts, ti), (ss, si)) => Hot::Move(ts, ti, ss, si),
            },
            Insn::Copy(t, s) => match (frame(t)?, frame(s)?) {
                ((FrameSet::Local, t), (FrameSet::Local, s)) => Hot::CopyLocal(t, s),
                ((FrameSet::Arguments, t), (FrameSet::Local, s)) => Hot::CopyToArgument(t, s),
                ((FrameSet::Local, t), (FrameSet::Parameters, s)) => Hot::CopyFromParameter(t, s),
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

    fn local(index: u16) -> Reg {
        Reg {
            index,
            set: RegisterSet::Local,
            access: Access::Direct,
        }
    }

    #[test]
    fn a_comparison_fuses_with_an_if_on_its_result_only() {
        let lt = Insn::Compare(Comparison::Lt, local(3), local(1), local(2));
        let on = |c| Insn::If(local(c), 0, 3);
        let fused = hot_forms(&[lt, on(3), Insn::Return]);
        assert_eq!(fused[0], Hot::LtIf(3, 1, 2, 0, 3));
        assert_eq!(fused[1], Hot::If(3, 0, 3), "the if stays for jumps to it");
        assert_eq!(hot_forms(&[lt, on(4), Insn::Return])[0], Hot::Lt(3, 1, 2));
        let far = Insn::If(local(3), 0, 70_000);
        assert_eq!(hot_forms(&[lt, far])[0], Hot::Lt(3, 1, 2));
        let pointer = Reg {
            access: Access::Pointer,
            ..local(1)
        };
        let general = Insn::Compare(Comparison::Lt, local(3), pointer, local(2));
        assert_eq!(hot_forms(&[general, on(3)])[0], Hot::General);
    }

    #[test]
    fn frame_argument_and_call_fuse_and_integer_fuses_with_arithmetic_on_it() {
        let arg = |index| Reg {
            index,
            set: RegisterSet::Arguments,
            access: Access::Direct,
        };
        let code = [
            Insn::Integer(local(4), 1),
            Insn::Arith(ArithOp::Sub, local(2), local(1), local(4)),
            Insn::Frame(1),
            Insn::Copy(arg(0), local(2)),
            Insn::Call(Some(local(3)), Callee::Function(7)),
            Insn::Integer(local(4), 1),
            Insn::Arith(ArithOp::Sub, local(2), local(4), local(1)),
            Insn::Return,
        ];
        let hot = hot_forms(&code);
        assert_eq!(hot[0], Hot::IntegerSub(4, 1, 2, 1));
        assert_eq!(hot[1], Hot::Sub(2, 1, 4));
        assert_eq!(hot[2], Hot::FrameCopyCall(1, 0, 2));
        assert_eq!(hot[3], Hot::CopyToArgument(0, 2));
        assert_eq!(hot[4], Hot::Call(3, 7));
        assert_eq!(
            hot[5],
            Hot::Integer(4, 1),
            "the integer is the left operand"
        );
    }

    #[test]
    fn hot_forms_are_compact() {
        assert!(
            std::mem::size_of::<Hot>() <= 12,
            "{}",
            std::mem::size_of::<Hot>()
        );
    }
}
