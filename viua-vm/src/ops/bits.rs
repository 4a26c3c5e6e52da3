//! Bit strings (ISA-DATA §2.8, §4.9–§4.12): construction, bitwise operations with 0.13's width
//! rules, shifts and rotates, and the comparisons viua-rs adds (DECISIONS.md).

use std::cmp::Ordering;

use super::bigint::BigInt;

/// A bit string; `bits[0]` is the least significant bit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bits {
    pub bits: Vec<bool>,
}

impl Bits {
    pub fn zeros(width: usize) -> Bits {
        Bits {
            bits: vec![false; width],
        }
    }

    /// From bytes given most significant byte first (the bytecode constant form).
    pub fn from_bytes(bytes: &[u8]) -> Bits {
        let mut bits = Vec::with_capacity(bytes.len() * 8);
        for byte in bytes.iter().rev() {
            for i in 0..8 {
                bits.push((byte >> i) & 1 == 1);
            }
        }
        Bits { bits }
    }

    pub fn width(&self) -> usize {
        self.bits.len()
    }

    pub fn any(&self) -> bool {
        self.bits.iter().any(|&b| b)
    }

    /// The sign (most significant) bit; `false` for a zero-width value.
    pub fn sign(&self) -> bool {
        self.bits.last().copied().unwrap_or(false)
    }

    /// The print form: most significant bit first.
    pub fn render(&self) -> String {
        self.bits
            .iter()
            .rev()
            .map(|&b| if b { '1' } else { '0' })
            .collect()
    }

    /// `bits_of_integer` for a non-negative integer: its 64-bit pattern.
    pub fn of_integer(n: i64) -> Bits {
        Bits {
            bits: (0..64).map(|i| (n >> i) & 1 == 1).collect(),
        }
    }

    /// `integer_of_bits`: set bits fold onto bit `i mod 64`; no sign extension.
    pub fn to_integer(&self) -> i64 {
        let mut v: u64 = 0;
        for (i, &b) in self.bits.iter().enumerate() {
            if b {
                v |= 1 << (i % 64);
            }
        }
        v as i64
    }

    pub fn unsigned(&self) -> BigInt {
        BigInt::from_bits_unsigned(&self.bits)
    }

    pub fn signed(&self) -> BigInt {
        BigInt::from_bits_signed(&self.bits)
    }

    pub fn from_big(value: &BigInt, width: usize) -> Bits {
        Bits {
            bits: value.to_bits(width),
        }
    }
}

/// Which bitwise operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bitwise {
    And,
    Or,
    Xor,
}

/// Width of A; positions at or beyond the shorter operand are 0 (0.13's rule).
pub fn bitwise(op: Bitwise, a: &Bits, b: &Bits) -> Bits {
    let common = a.width().min(b.width());
    let bits = (0..a.width())
        .map(|i| {
            i < common
                && match op {
                    Bitwise::And => a.bits[i] & b.bits[i],
                    Bitwise::Or => a.bits[i] | b.bits[i],
                    Bitwise::Xor => a.bits[i] ^ b.bits[i],
                }
        })
        .collect();
    Bits { bits }
}

pub fn bitnot(a: &Bits) -> Bits {
    Bits {
        bits: a.bits.iter().map(|b| !b).collect(),
    }
}

/// Which shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    Shl,
    Shr,
    Ashl,
    Ashr,
}

/// Why a shift cannot be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftFault {
    ZeroWidth,
}

/// Shifts `s` in place by `n` and returns the bits shifted out (width `n`). A shift by 0 leaves
/// `s` unchanged (DECISIONS.md; 0.13 clears it).
pub fn shift(op: Shift, s: &mut Bits, n: usize) -> Result<Bits, ShiftFault> {
    let w = s.width();
    if matches!(op, Shift::Ashl | Shift::Ashr) && w == 0 {
        return Err(ShiftFault::ZeroWidth);
    }
    if n == 0 {
        return Ok(Bits::default());
    }
    let sign = s.sign();
    let old = std::mem::take(&mut s.bits);
    let left = matches!(op, Shift::Shl | Shift::Ashl);
    let out = if n >= w {
        let mut out = vec![false; n];
        if left {
            out[n - w..].copy_from_slice(&old);
        } else {
            out[..w].copy_from_slice(&old);
        }
        s.bits = vec![false; w];
        out
    } else if left {
        s.bits = (0..w).map(|i| i >= n && old[i - n]).collect();
        old[w - n..].to_vec()
    } else {
        let fill = op == Shift::Ashr && sign;
        s.bits = (0..w)
            .map(|i| if i + n < w { old[i + n] } else { fill })
            .collect();
        old[..n].to_vec()
    };
    if op == Shift::Ashl {
        if let Some(top) = s.bits.last_mut() {
            *top = sign;
        }
    }
    Ok(Bits { bits: out })
}

/// Rotates in place by `n mod width` (left when `left`); by 0 leaves the value unchanged.
pub fn rotate(s: &mut Bits, n: usize, left: bool) {
    let w = s.width();
    if n.checked_rem(w).unwrap_or(0) == 0 {
        return;
    }
    let k = n % w;
    if left {
        s.bits.rotate_right(k); // index 0 is the least significant bit
    } else {
        s.bits.rotate_left(k);
    }
}

/// Compares two bit strings as unsigned (`signed == false`) or two's-complement values.
pub fn compare(a: &Bits, b: &Bits, signed: bool) -> Ordering {
    if signed {
        a.signed().cmp(&b.signed())
    } else {
        a.unsigned().cmp(&b.unsigned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bits {
        Bits {
            bits: s.chars().rev().map(|c| c == '1').collect(),
        }
    }

    #[test]
    fn width_rules() {
        let a = b("1101000100100111");
        let x = b("00001101");
        assert_eq!(bitwise(Bitwise::And, &a, &x).render(), "0000000000000101");
        assert_eq!(bitwise(Bitwise::Or, &a, &x).render(), "0000000000101111");
        assert_eq!(bitwise(Bitwise::Or, &x, &a).render(), "00101111");
        assert_eq!(Bits::from_bytes(&[1, 0]).render(), "0000000100000000");
    }

    #[test]
    fn shifts() {
        let mut s = b("10100000");
        assert_eq!(shift(Shift::Shl, &mut s, 2).unwrap().render(), "10");
        assert_eq!(s.render(), "10000000");
        let mut s = b("10000001");
        assert_eq!(shift(Shift::Shr, &mut s, 2).unwrap().render(), "01");
        assert_eq!(s.render(), "00100000");
        let mut s = b("10010111");
        assert_eq!(
            shift(Shift::Shl, &mut s, 16).unwrap().render(),
            "1001011100000000"
        );
        let mut s = b("10010111");
        assert_eq!(
            shift(Shift::Shr, &mut s, 16).unwrap().render(),
            "0000000010010111"
        );
        let mut s = b("10000000000000000000000001100000");
        assert_eq!(shift(Shift::Ashl, &mut s, 4).unwrap().render(), "1000");
        assert_eq!(s.render(), "10000000000000000000011000000000");
        let mut s = b("10000000000000000000000001100001");
        assert_eq!(shift(Shift::Ashr, &mut s, 4).unwrap().render(), "0001");
        assert_eq!(s.render(), "11111000000000000000000000000110");
        let mut s = b("10010111");
        assert_eq!(shift(Shift::Shl, &mut s, 0).unwrap().width(), 0);
        assert_eq!(s.render(), "10010111");
    }

    #[test]
    fn rotates() {
        let mut s = b("10011101");
        rotate(&mut s, 2, true);
        assert_eq!(s.render(), "01110110");
        let mut s = b("10011101");
        rotate(&mut s, 2, false);
        assert_eq!(s.render(), "01100111");
        let mut s = b("10011101");
        rotate(&mut s, 10, true);
        assert_eq!(s.render(), "01110110");
    }

    #[test]
    fn integers() {
        assert_eq!(b("11111111").to_integer(), 255);
        let mut wide = Bits::zeros(72);
        wide.bits[64] = true;
        wide.bits[1] = true;
        assert_eq!(wide.to_integer(), 3);
    }
}
