//! Handlers for bit strings: construction, bitwise operations, shifts, rotates, comparisons
//! and fixed-width arithmetic (ISA-DATA §4.9–§4.13, DECISIONS.md).

use super::data::comparison_holds;
use super::Process;
use crate::exception::{Exception, Fault};
use crate::load::{BoolOperand, Comparison, Reg};
use crate::ops::bits::{self, Bits, Bitwise, Shift};
use crate::ops::bits_arith::{self, ArithOp, Flavour};
use crate::value::Value;

/// Bits values wider than this are refused rather than allocated (a guard against `bits T S`
/// with an absurd width exhausting memory).
const MAX_BITS_WIDTH: i64 = 1 << 24;

fn negative() -> Fault {
    Exception::error("number is negative")
}

fn as_bits(v: &mut Value) -> Result<&mut Bits, Fault> {
    match v {
        Value::Bits(b) => Ok(b),
        other => Err(Exception::type_error("Bits", other)),
    }
}

impl Process {
    /// A copy of a Bits operand.
    fn read_bits(&self, r: Reg) -> Result<Bits, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Bits(b) => Ok((**b).clone()),
            other => Err(Exception::type_error("Bits", other)),
        }
    }

    fn read_count(&self, r: Reg) -> Result<usize, Fault> {
        let n = self.read_integer(r)?;
        if n < 0 {
            return Err(negative());
        }
        Ok(n as usize)
    }

    fn store_bits(&mut self, t: Reg, b: Bits) -> Result<(), Fault> {
        self.store(t, Value::Bits(Box::new(b)))
    }

    pub(super) fn op_bits_of_integer(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let n = self.read_integer(s)?;
        if n < 0 {
            return Err(negative());
        }
        self.store_bits(t, Bits::of_integer(n))
    }

    pub(super) fn op_integer_of_bits(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let b = self.read_bits(s)?;
        self.store(t, Value::Integer(b.to_integer()))
    }

    pub(super) fn op_bits_literal(&mut self, t: Reg, index: u32) -> Result<(), Fault> {
        let b = self
            .program
            .bits
            .get(index as usize)
            .cloned()
            .unwrap_or_default();
        self.store_bits(t, b)
    }

    pub(super) fn op_bits_of_width(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let n = self.read_integer(s)?;
        if n < 0 {
            return Err(negative());
        }
        if n > MAX_BITS_WIDTH {
            return Err(Exception::error(format!("bits width too large: {n}")));
        }
        self.store_bits(t, Bits::zeros(n as usize))
    }

    pub(super) fn op_bitwise(&mut self, op: Bitwise, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let (x, y) = (self.read_bits(a)?, self.read_bits(b)?);
        self.store_bits(t, bits::bitwise(op, &x, &y))
    }

    pub(super) fn op_bitnot(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let x = self.read_bits(s)?;
        self.store_bits(t, bits::bitnot(&x))
    }

    pub(super) fn op_bitswidth(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let x = self.read_bits(s)?;
        self.store(t, Value::Integer(x.width() as i64))
    }

    fn bit_index(&self, r: Reg, width: usize) -> Result<usize, Fault> {
        let i = self.read_integer(r)?;
        if i < 0 {
            return Err(negative());
        }
        if i as u64 >= width as u64 {
            return Err(Exception::new(
                "Out_of_range",
                format!("bit index {i} out of range for width {width}"),
            ));
        }
        Ok(i as usize)
    }

    pub(super) fn op_bitat(&mut self, t: Reg, s: Reg, i: Reg) -> Result<(), Fault> {
        let x = self.read_bits(s)?;
        let index = self.bit_index(i, x.width())?;
        self.store(t, Value::Boolean(x.bits[index]))
    }

    pub(super) fn op_bitset(&mut self, s: Reg, i: Reg, v: BoolOperand) -> Result<(), Fault> {
        let width = self.read_bits(s)?.width();
        let index = self.bit_index(i, width)?;
        let bit = match v {
            BoolOperand::Literal(b) => b,
            BoolOperand::Register(r) => {
                let source = self.read(r)?;
                let value = source.value();
                match &*value {
                    Value::Boolean(b) => *b,
                    other => return Err(Exception::type_error("Boolean", other)),
                }
            }
        };
        self.modify(s, |value| {
            let b = as_bits(value)?;
            if index < b.width() {
                b.bits[index] = bit;
            }
            Ok(())
        })
    }

    pub(super) fn op_shift(
        &mut self,
        op: Shift,
        t: Option<Reg>,
        s: Reg,
        c: Reg,
    ) -> Result<(), Fault> {
        if let Some(t) = t {
            self.slot_mut(t)?;
        }
        self.read_bits(s)?;
        let n = self.read_count(c)?;
        let shifted = self.modify(s, |value| {
            bits::shift(op, as_bits(value)?, n).map_err(|_| Exception::error("zero-width bits"))
        })?;
        match t {
            Some(t) => self.store_bits(t, shifted),
            None => Ok(()),
        }
    }

    pub(super) fn op_rotate(&mut self, left: bool, s: Reg, c: Reg) -> Result<(), Fault> {
        self.read_bits(s)?;
        let n = self.read_count(c)?;
        self.modify(s, |value| {
            bits::rotate(as_bits(value)?, n, left);
            Ok(())
        })
    }

    pub(super) fn op_bits_compare(
        &mut self,
        op: Comparison,
        signed: bool,
        t: Reg,
        a: Reg,
        b: Reg,
    ) -> Result<(), Fault> {
        let (x, y) = (self.read_bits(a)?, self.read_bits(b)?);
        let holds = comparison_holds(op, bits::compare(&x, &y, signed));
        self.store(t, Value::Boolean(holds))
    }

    pub(super) fn op_fixed_step(
        &mut self,
        flavour: Flavour,
        up: bool,
        s: Reg,
    ) -> Result<(), Fault> {
        self.modify(s, |value| {
            let b = as_bits(value)?;
            let mut next = b.clone();
            bits_arith::step(flavour, up, &mut next).map_err(|e| Exception::error(e.message()))?;
            *b = next;
            Ok(())
        })
    }

    pub(super) fn op_fixed_arith(
        &mut self,
        flavour: Flavour,
        op: ArithOp,
        t: Reg,
        a: Reg,
        b: Reg,
    ) -> Result<(), Fault> {
        let (x, y) = (self.read_bits(a)?, self.read_bits(b)?);
        let result =
            bits_arith::binary(flavour, op, &x, &y).map_err(|e| Exception::error(e.message()))?;
        self.store_bits(t, result)
    }
}
