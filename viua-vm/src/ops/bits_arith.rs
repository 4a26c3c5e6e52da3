//! Fixed-width arithmetic on bit strings (ISA-DATA §4.13 as overridden by DECISIONS.md).
//!
//! Wrapping arithmetic follows 0.13 bit for bit (including WDIV for unequal widths). Checked
//! and saturating arithmetic use the true result: signed flavours compute `S(A) op S(B)`,
//! unsigned flavours `U(A) op U(B)`, exactly, and overflow (or saturate) exactly when that
//! result lies outside the range of A's width. Division truncates toward zero.

use super::bigint::BigInt;
use super::bits::Bits;

/// The arithmetic operation of a binary instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// The family of a fixed-width instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Wrapping,
    CheckedSigned,
    CheckedUnsigned,
    SaturatingSigned,
    SaturatingUnsigned,
}

/// Why a fixed-width operation failed; [`ArithFault::message`] gives the exception message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithFault {
    /// Checked overflow; the operation name (`Addition`, `Increment`, ...) and signedness.
    Overflow {
        operation: &'static str,
        signed: bool,
    },
    DivisionByZero,
    ZeroWidth,
    NoTermination,
}

impl ArithFault {
    pub fn message(self) -> String {
        match self {
            ArithFault::Overflow { operation, signed } => format!(
                "CheckedArithmetic{operation}{}Overflow",
                if signed { "Signed" } else { "Unsigned" }
            ),
            ArithFault::DivisionByZero => "division by zero".into(),
            ArithFault::ZeroWidth => "zero-width bits".into(),
            ArithFault::NoTermination => "division does not terminate".into(),
        }
    }
}

fn op_name(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "Addition",
        ArithOp::Sub => "Subtraction",
        ArithOp::Mul => "Multiplication",
        ArithOp::Div => "Division",
    }
}

/// `T := A op B` in the given flavour; the result has A's width.
pub fn binary(flavour: Flavour, op: ArithOp, a: &Bits, b: &Bits) -> Result<Bits, ArithFault> {
    let width = a.width();
    if flavour == Flavour::Wrapping {
        return match op {
            ArithOp::Add => Ok(Bits::from_big(&a.unsigned().add(&b.unsigned()), width)),
            ArithOp::Sub => Ok(Bits::from_big(&a.signed().sub(&b.signed()), width)),
            ArithOp::Mul => Ok(Bits::from_big(&a.unsigned().mul(&b.unsigned()), width)),
            ArithOp::Div => wrapping_div(a, b),
        };
    }
    let signed = matches!(flavour, Flavour::CheckedSigned | Flavour::SaturatingSigned);
    if op == ArithOp::Div && !b.any() {
        return Err(ArithFault::DivisionByZero);
    }
    if signed && (width == 0 || b.width() == 0) {
        return Err(ArithFault::ZeroWidth);
    }
    let (x, y) = if signed {
        (a.signed(), b.signed())
    } else {
        (a.unsigned(), b.unsigned())
    };
    let exact = match op {
        ArithOp::Add => x.add(&y),
        ArithOp::Sub => x.sub(&y),
        ArithOp::Mul => x.mul(&y),
        ArithOp::Div => x.div_trunc(&y).ok_or(ArithFault::DivisionByZero)?,
    };
    settle(flavour, op_name(op), exact, width)
}

/// Increment (`up`) or decrement in place.
pub fn step(flavour: Flavour, up: bool, s: &mut Bits) -> Result<(), ArithFault> {
    let width = s.width();
    let one = BigInt::from_i128(1);
    let signed = matches!(flavour, Flavour::CheckedSigned | Flavour::SaturatingSigned);
    if signed && width == 0 {
        return Err(ArithFault::ZeroWidth);
    }
    let x = if signed { s.signed() } else { s.unsigned() };
    let exact = if up { x.add(&one) } else { x.sub(&one) };
    let name = if up { "Increment" } else { "Decrement" };
    *s = if flavour == Flavour::Wrapping {
        Bits::from_big(&exact, width)
    } else {
        settle(flavour, name, exact, width)?
    };
    Ok(())
}

/// Range check (checked) or clamp (saturating) of an exact result to `width` bits.
fn settle(
    flavour: Flavour,
    operation: &'static str,
    exact: BigInt,
    width: usize,
) -> Result<Bits, ArithFault> {
    let signed = matches!(flavour, Flavour::CheckedSigned | Flavour::SaturatingSigned);
    let (min, max) = if signed {
        let half = BigInt::pow2(width - 1);
        (half.neg(), half.sub(&BigInt::from_i128(1)))
    } else {
        (
            BigInt::zero(),
            BigInt::pow2(width).sub(&BigInt::from_i128(1)),
        )
    };
    let checked = matches!(flavour, Flavour::CheckedSigned | Flavour::CheckedUnsigned);
    let value = if exact < min {
        if checked {
            return Err(ArithFault::Overflow { operation, signed });
        }
        min
    } else if exact > max {
        if checked {
            return Err(ArithFault::Overflow { operation, signed });
        }
        max
    } else {
        exact
    };
    Ok(Bits::from_big(&value, width))
}

/// U(sext(v, w)).
fn unsigned_sext(v: &Bits, w: usize) -> BigInt {
    let u = v.unsigned();
    if v.sign() {
        u.add(&BigInt::pow2(w)).sub(&BigInt::pow2(v.width()))
    } else {
        u
    }
}

/// Single steps allowed in WDIV's slow phase before it is declared non-terminating.
const WDIV_STEP_LIMIT: usize = 1 << 20;

/// 0.13's WDIV (ISA-DATA §4.13.2), with the documented acceleration.
fn wrapping_div(a: &Bits, b: &Bits) -> Result<Bits, ArithFault> {
    if !b.any() {
        return Err(ArithFault::DivisionByZero);
    }
    let (wa, wb) = (a.width(), b.width());
    if wa == 0 {
        return Err(ArithFault::ZeroWidth);
    }
    let w = wa.max(wb);
    if unsigned_sext(a, w) == unsigned_sext(b, w) {
        return Ok(Bits::from_big(&BigInt::from_i128(1), wa));
    }
    let d = if b.sign() {
        Bits::from_big(&b.signed().neg(), wb)
    } else {
        b.clone()
    };
    let mut r = if a.sign() {
        Bits::from_big(&a.signed().neg(), wa)
    } else {
        a.clone()
    };
    let mut q = BigInt::zero();
    let limit_a = BigInt::pow2(wa);
    let big_d = unsigned_sext(&d, w);
    let mut steps = 0;
    loop {
        let big_r = unsigned_sext(&r, w);
        if big_d > big_r {
            break;
        }
        if big_r < limit_a {
            let quotient = big_r.div_trunc(&big_d).ok_or(ArithFault::DivisionByZero)?;
            q = q.add(&quotient).rem_euclid(&limit_a);
            r = Bits::from_big(&big_r.rem_euclid(&big_d), wa);
            continue;
        }
        if big_d.rem_euclid(&limit_a).is_zero() || steps >= WDIV_STEP_LIMIT {
            return Err(ArithFault::NoTermination);
        }
        steps += 1;
        r = Bits::from_big(&big_r.sub(&big_d), wa);
        q = q.add(&BigInt::from_i128(1)).rem_euclid(&limit_a);
    }
    if a.sign() != b.sign() {
        q = q.neg();
    }
    Ok(Bits::from_big(&q, wa))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byte(v: i64) -> Bits {
        Bits::from_big(&BigInt::from_i128(i128::from(v)), 8)
    }

    fn value(b: &Bits, signed: bool) -> i64 {
        let mut v = b.to_integer();
        if signed && v >= 128 {
            v -= 256;
        }
        v
    }

    fn exact(op: ArithOp, x: i64, y: i64) -> i64 {
        match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div => x / y,
        }
    }

    /// Every 8-bit operand pair, every operation and flavour, against plain integers.
    #[test]
    fn all_byte_pairs_agree_with_integers() {
        let ops = [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div];
        for x in 0..256 {
            for y in 0..256 {
                let (a, b) = (byte(x), byte(y));
                for op in ops {
                    for (flavour, signed) in [
                        (Flavour::CheckedSigned, true),
                        (Flavour::SaturatingSigned, true),
                        (Flavour::CheckedUnsigned, false),
                        (Flavour::SaturatingUnsigned, false),
                        (Flavour::Wrapping, true),
                    ] {
                        let (sx, sy) = (value(&a, signed), value(&b, signed));
                        let got = binary(flavour, op, &a, &b);
                        if op == ArithOp::Div && sy == 0 {
                            assert_eq!(got, Err(ArithFault::DivisionByZero));
                            continue;
                        }
                        let e = exact(op, sx, sy);
                        let (lo, hi) = if signed { (-128, 127) } else { (0, 255) };
                        match flavour {
                            Flavour::Wrapping => {
                                assert_eq!(
                                    got.unwrap().to_integer(),
                                    e.rem_euclid(256),
                                    "{x} {op:?} {y}"
                                )
                            }
                            Flavour::CheckedSigned | Flavour::CheckedUnsigned => {
                                if (lo..=hi).contains(&e) {
                                    assert_eq!(value(&got.unwrap(), signed), e);
                                } else {
                                    assert!(matches!(got, Err(ArithFault::Overflow { .. })));
                                }
                            }
                            _ => assert_eq!(value(&got.unwrap(), signed), e.clamp(lo, hi)),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn spec_examples() {
        let div = |x, y| {
            binary(Flavour::Wrapping, ArithOp::Div, &byte(x), &byte(y))
                .unwrap()
                .render()
        };
        assert_eq!(div(-128, -1), "10000000");
        assert_eq!(div(-128, 127), "11111111");
        assert_eq!(div(127, -128), "00000000");
        assert_eq!(div(-7, 2), "11111101");
        let wide = Bits::from_big(&BigInt::from_i128(1000), 16);
        let min8 = byte(-128);
        let q = binary(Flavour::Wrapping, ArithOp::Div, &wide, &min8).unwrap();
        assert_eq!(q.render(), "0000000000000000");
        let two_hundred = Bits::from_big(&BigInt::from_i128(200), 16);
        assert_eq!(
            binary(Flavour::Wrapping, ArithOp::Div, &min8, &two_hundred)
                .unwrap()
                .render(),
            "11111101"
        );
        let big = Bits::from_big(&BigInt::from_i128(256), 16);
        assert_eq!(
            binary(Flavour::Wrapping, ArithOp::Div, &min8, &big),
            Err(ArithFault::NoTermination)
        );
        let mut s = byte(127);
        assert!(step(Flavour::CheckedSigned, true, &mut s).is_err());
        step(Flavour::Wrapping, true, &mut s).unwrap();
        assert_eq!(s.render(), "10000000");
    }

    proptest::proptest! {
        #[test]
        fn wide_wrapping_matches_i128(x in proptest::num::i64::ANY, y in proptest::num::i64::ANY) {
            let a = Bits::from_big(&BigInt::from_i128(i128::from(x)), 64);
            let b = Bits::from_big(&BigInt::from_i128(i128::from(y)), 64);
            let add = binary(Flavour::Wrapping, ArithOp::Add, &a, &b).unwrap();
            proptest::prop_assert_eq!(add.to_integer(), x.wrapping_add(y));
            let mul = binary(Flavour::Wrapping, ArithOp::Mul, &a, &b).unwrap();
            proptest::prop_assert_eq!(mul.to_integer(), x.wrapping_mul(y));
            let sub = binary(Flavour::CheckedSigned, ArithOp::Sub, &a, &b);
            match x.checked_sub(y) {
                Some(v) => proptest::prop_assert_eq!(sub.unwrap().to_integer(), v),
                None => proptest::prop_assert!(sub.is_err()),
            }
            if y != 0 {
                let div = binary(Flavour::Wrapping, ArithOp::Div, &a, &b).unwrap();
                proptest::prop_assert_eq!(div.to_integer(), x.wrapping_div(y));
            }
        }
    }
}
