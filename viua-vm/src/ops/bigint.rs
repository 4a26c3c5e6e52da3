//! A small arbitrary-precision signed integer: enough for the exact ("true result") semantics
//! of fixed-width arithmetic on bit strings of any width. Bit strings are short in practice, so
//! this favours obviously-correct code (sign + magnitude, schoolbook algorithms) over speed.

use std::cmp::Ordering;

/// Sign and magnitude; the magnitude has no trailing (most significant) zero limbs, and zero
/// is never negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigInt {
    negative: bool,
    magnitude: Vec<u32>,
}

fn trim(m: &mut Vec<u32>) {
    while m.last() == Some(&0) {
        m.pop();
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u64;
    for i in 0..a.len().max(b.len()) {
        let s = u64::from(*a.get(i).unwrap_or(&0)) + u64::from(*b.get(i).unwrap_or(&0)) + carry;
        out.push(s as u32);
        carry = s >> 32;
    }
    out.push(carry as u32);
    trim(&mut out);
    out
}

/// a - b for |a| >= |b|.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, &x) in a.iter().enumerate() {
        let mut d = i64::from(x) - i64::from(*b.get(i).unwrap_or(&0)) - borrow;
        borrow = 0;
        if d < 0 {
            d += 1 << 32;
            borrow = 1;
        }
        out.push(d as u32);
    }
    trim(&mut out);
    out
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = vec![0u32; a.len() + b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = u64::from(out[i + j]) + u64::from(x) * u64::from(y) + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        let mut k = i + b.len();
        while carry != 0 {
            let t = u64::from(out[k]) + carry;
            out[k] = t as u32;
            carry = t >> 32;
            k += 1;
        }
    }
    trim(&mut out);
    out
}

fn bit_len(m: &[u32]) -> usize {
    match m.last() {
        None => 0,
        Some(&top) => (m.len() - 1) * 32 + (32 - top.leading_zeros() as usize),
    }
}

fn bit(m: &[u32], i: usize) -> bool {
    m.get(i / 32).is_some_and(|l| (l >> (i % 32)) & 1 == 1)
}

/// Quotient and remainder of magnitudes (b non-zero), by shift-and-subtract.
fn divmod_mag(a: &[u32], b: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut q = vec![0u32; a.len()];
    let mut r: Vec<u32> = Vec::new();
    for i in (0..bit_len(a)).rev() {
        // r = r * 2 + bit i
        let mut carry = u32::from(bit(a, i));
        for limb in r.iter_mut() {
            let next = *limb >> 31;
            *limb = (*limb << 1) | carry;
            carry = next;
        }
        if carry != 0 {
            r.push(carry);
        }
        if cmp_mag(&r, b) != Ordering::Less {
            r = sub_mag(&r, b);
            q[i / 32] |= 1 << (i % 32);
        }
    }
    trim(&mut q);
    (q, r)
}

impl BigInt {
    pub fn zero() -> BigInt {
        BigInt {
            negative: false,
            magnitude: Vec::new(),
        }
    }

    pub fn from_i128(v: i128) -> BigInt {
        let mut m = v.unsigned_abs();
        let mut magnitude = Vec::new();
        while m != 0 {
            magnitude.push(m as u32);
            m >>= 32;
        }
        BigInt {
            negative: v < 0,
            magnitude,
        }
    }

    fn from_parts(negative: bool, mut magnitude: Vec<u32>) -> BigInt {
        trim(&mut magnitude);
        let negative = negative && !magnitude.is_empty();
        BigInt {
            negative,
            magnitude,
        }
    }

    /// 2^n.
    pub fn pow2(n: usize) -> BigInt {
        let mut magnitude = vec![0u32; n / 32 + 1];
        magnitude[n / 32] = 1 << (n % 32);
        BigInt::from_parts(false, magnitude)
    }

    /// The unsigned value of bits given least significant first.
    pub fn from_bits_unsigned(bits: &[bool]) -> BigInt {
        let mut magnitude = vec![0u32; bits.len() / 32 + 1];
        for (i, &b) in bits.iter().enumerate() {
            if b {
                magnitude[i / 32] |= 1 << (i % 32);
            }
        }
        BigInt::from_parts(false, magnitude)
    }

    /// The two's-complement value of bits given least significant first.
    pub fn from_bits_signed(bits: &[bool]) -> BigInt {
        let u = BigInt::from_bits_unsigned(bits);
        match bits.last() {
            Some(true) => u.sub(&BigInt::pow2(bits.len())),
            _ => u,
        }
    }

    /// The `width` low bits of the two's-complement representation (x mod 2^width).
    pub fn to_bits(&self, width: usize) -> Vec<bool> {
        let modulus = BigInt::pow2(width);
        let mut r = self.rem_euclid(&modulus);
        if width == 0 {
            r = BigInt::zero();
        }
        (0..width).map(|i| bit(&r.magnitude, i)).collect()
    }

    pub fn is_zero(&self) -> bool {
        self.magnitude.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    pub fn neg(&self) -> BigInt {
        BigInt::from_parts(!self.negative, self.magnitude.clone())
    }

    pub fn add(&self, other: &BigInt) -> BigInt {
        if self.negative == other.negative {
            return BigInt::from_parts(self.negative, add_mag(&self.magnitude, &other.magnitude));
        }
        match cmp_mag(&self.magnitude, &other.magnitude) {
            Ordering::Less => {
                BigInt::from_parts(other.negative, sub_mag(&other.magnitude, &self.magnitude))
            }
            _ => BigInt::from_parts(self.negative, sub_mag(&self.magnitude, &other.magnitude)),
        }
    }

    pub fn sub(&self, other: &BigInt) -> BigInt {
        self.add(&other.neg())
    }

    pub fn mul(&self, other: &BigInt) -> BigInt {
        BigInt::from_parts(
            self.negative != other.negative,
            mul_mag(&self.magnitude, &other.magnitude),
        )
    }

    /// Division truncating toward zero; `None` for a zero divisor.
    pub fn div_trunc(&self, other: &BigInt) -> Option<BigInt> {
        if other.is_zero() {
            return None;
        }
        let (q, _) = divmod_mag(&self.magnitude, &other.magnitude);
        Some(BigInt::from_parts(self.negative != other.negative, q))
    }

    /// Remainder in `[0, |m|)`.
    pub fn rem_euclid(&self, m: &BigInt) -> BigInt {
        let (_, r) = divmod_mag(&self.magnitude, &m.magnitude);
        let r = BigInt::from_parts(false, r);
        if self.negative && !r.is_zero() {
            BigInt::from_parts(false, m.magnitude.clone()).sub(&r)
        } else {
            r
        }
    }
}

impl PartialOrd for BigInt {
    fn partial_cmp(&self, other: &BigInt) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BigInt {
    fn cmp(&self, other: &BigInt) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(&self.magnitude, &other.magnitude),
            (true, true) => cmp_mag(&other.magnitude, &self.magnitude),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_i128(a in -(1i128 << 100)..(1i128 << 100), b in -(1i128 << 20)..(1i128 << 20)) {
            let (x, y) = (BigInt::from_i128(a), BigInt::from_i128(b));
            prop_assert_eq!(x.add(&y), BigInt::from_i128(a + b));
            prop_assert_eq!(x.sub(&y), BigInt::from_i128(a - b));
            prop_assert_eq!(x.mul(&y), BigInt::from_i128(a * b));
            if b != 0 {
                prop_assert_eq!(x.div_trunc(&y).unwrap(), BigInt::from_i128(a / b));
                prop_assert_eq!(x.rem_euclid(&y), BigInt::from_i128(a.rem_euclid(b)));
            }
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        }
    }

    #[test]
    fn bits_round_trip() {
        let v = BigInt::from_i128(-3);
        let bits = v.to_bits(8);
        assert_eq!(BigInt::from_bits_signed(&bits), v);
        assert_eq!(BigInt::from_bits_unsigned(&bits), BigInt::from_i128(253));
    }
}
