//! Handlers for scalar data: integers, floats, conversions, arithmetic and comparison with the
//! left-operand rule, strings, text, logic and atoms (ISA-DATA §4.1–§4.8, §4.14).

use super::Process;
use crate::exception::{Exception, Fault};
use crate::load::{Comparison, Conversion, Reg, TextBinary};
use crate::ops::bits_arith::ArithOp;
use crate::ops::number::{f2i, stof, stoi, ParseFault};
use crate::ops::text;
use crate::value::Value;

/// A number operand.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Process {
    fn read_number(&self, r: Reg) -> Result<Num, Fault> {
        if let Ok(Some(v)) = self.slot_ref(r) {
            match v {
                Value::Integer(i) if r.access != viua_bytecode::Access::Pointer => {
                    return Ok(Num::Int(*i))
                }
                Value::Float(f) if r.access != viua_bytecode::Access::Pointer => {
                    return Ok(Num::Float(*f))
                }
                _ => {}
            }
        }
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Integer(i) => Ok(Num::Int(*i)),
            Value::Float(f) => Ok(Num::Float(*f)),
            other => Err(Exception::type_error("Number", other)),
        }
    }

    /// Runs `f` on the bytes of a String (`want_text == false`) or Text operand.
    fn with_bytes<R>(
        &self,
        r: Reg,
        want_text: bool,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<R, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match (&*value, want_text) {
            (Value::Text(t), true) | (Value::String(t), false) => Ok(f(t)),
            (other, true) => Err(Exception::type_error("Text", other)),
            (other, false) => Err(Exception::type_error("String", other)),
        }
    }

    pub(super) fn step_integer(&mut self, r: Reg, delta: i64) -> Result<(), Fault> {
        self.modify(r, |v| match v {
            Value::Integer(i) => {
                *i = i.wrapping_add(delta);
                Ok(())
            }
            other => Err(Exception::type_error("Integer", other)),
        })
    }

    pub(super) fn op_float(&mut self, t: Reg, index: u32) -> Result<(), Fault> {
        let f = self
            .program
            .floats
            .get(index as usize)
            .copied()
            .unwrap_or(0.0);
        self.store(t, Value::Float(f))
    }

    pub(super) fn op_convert(&mut self, kind: Conversion, t: Reg, s: Reg) -> Result<(), Fault> {
        let result = match kind {
            Conversion::Itof => Value::Float(self.read_integer(s)? as f64),
            Conversion::Ftoi => {
                let source = self.read(s)?;
                let value = source.value();
                match &*value {
                    Value::Float(f) => Value::Integer(f2i(*f)),
                    other => return Err(Exception::type_error("Float", other)),
                }
            }
            Conversion::Stoi | Conversion::Stof => {
                let (name, parsed) = self.with_bytes(s, false, |bytes| {
                    let parsed = if kind == Conversion::Stoi {
                        stoi(bytes).map(Value::Integer)
                    } else {
                        stof(bytes).map(Value::Float)
                    };
                    (String::from_utf8_lossy(bytes).into_owned(), parsed)
                })?;
                let function = if kind == Conversion::Stoi {
                    "stoi"
                } else {
                    "stof"
                };
                match parsed {
                    Ok(v) => v,
                    Err(ParseFault::InvalidArgument) => {
                        return Err(Exception::error(format!(
                            "invalid argument for {function}: {name}"
                        )))
                    }
                    Err(ParseFault::OutOfRange) => {
                        return Err(Exception::error(format!(
                            "out of range for {function}: {name}"
                        )))
                    }
                }
            }
        };
        self.store(t, result)
    }

    pub(super) fn op_arith(&mut self, op: ArithOp, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let (x, y) = (self.read_number(a)?, self.read_number(b)?);
        let result = match x {
            Num::Int(x) => {
                let y = match y {
                    Num::Int(y) => y,
                    Num::Float(f) => f2i(f),
                };
                Value::Integer(match op {
                    ArithOp::Add => x.wrapping_add(y),
                    ArithOp::Sub => x.wrapping_sub(y),
                    ArithOp::Mul => x.wrapping_mul(y),
                    ArithOp::Div => {
                        if y == 0 {
                            return Err(Exception::zero_division());
                        }
                        x.wrapping_div(y)
                    }
                })
            }
            Num::Float(x) => {
                let y = match y {
                    Num::Int(y) => y as f64,
                    Num::Float(f) => f,
                };
                Value::Float(match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        // DECISIONS.md: only a zero divisor raises (0.13 truncates it first).
                        if y == 0.0 {
                            return Err(Exception::zero_division());
                        }
                        x / y
                    }
                })
            }
        };
        self.store(t, result)
    }

    pub(super) fn op_compare(
        &mut self,
        op: Comparison,
        t: Reg,
        a: Reg,
        b: Reg,
    ) -> Result<(), Fault> {
        let (x, y) = (self.read_number(a)?, self.read_number(b)?);
        let ordering = match x {
            Num::Int(x) => Some(x.cmp(&match y {
                Num::Int(y) => y,
                Num::Float(f) => f2i(f),
            })),
            Num::Float(x) => x.partial_cmp(&match y {
                Num::Int(y) => y as f64,
                Num::Float(f) => f,
            }),
        };
        let result = ordering.is_some_and(|o| comparison_holds(op, o));
        self.store(t, Value::Boolean(result))
    }

    pub(super) fn op_string(&mut self, t: Reg, index: u32) -> Result<(), Fault> {
        let bytes = self
            .program
            .strings
            .get(index as usize)
            .cloned()
            .unwrap_or_default();
        self.store(t, Value::string(bytes))
    }

    pub(super) fn op_streq(&mut self, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let x = self.with_bytes(a, false, <[u8]>::to_vec)?;
        let equal = self.with_bytes(b, false, |y| x == y)?;
        self.store(t, Value::Boolean(equal))
    }

    pub(super) fn op_text_literal(&mut self, t: Reg, index: u32) -> Result<(), Fault> {
        let bytes = match self.program.texts.get(index as usize) {
            Some(Some(bytes)) => bytes.clone(),
            _ => return Err(Exception::error("invalid UTF-8")),
        };
        self.store(t, Value::text(bytes))
    }

    pub(super) fn op_text_of(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let bytes = self.read(s)?.value().print_form();
        if !text::validate_utf8(&bytes) {
            return Err(Exception::error("invalid UTF-8"));
        }
        self.store(t, Value::text(bytes))
    }

    pub(super) fn op_text(&mut self, op: TextBinary, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let result = match op {
            TextBinary::At => {
                let (length, chars) = self.with_bytes(a, true, |x| {
                    (
                        text::length(x),
                        text::chars(x)
                            .into_iter()
                            .map(<[u8]>::to_vec)
                            .collect::<Vec<_>>(),
                    )
                })?;
                let index = text::convert_index(self.read_integer(b)?, length);
                match chars.get(index as usize) {
                    Some(c) if index < length as u64 => Value::text(c.clone()),
                    _ => {
                        return Err(Exception::new(
                            "Out_of_range",
                            format!(
                                "index {index} is out of range for string of {length} characters"
                            ),
                        ))
                    }
                }
            }
            _ => {
                let x = self.with_bytes(a, true, <[u8]>::to_vec)?;
                self.with_bytes(b, true, |y| match op {
                    TextBinary::Eq => Value::Boolean(x == y),
                    TextBinary::CommonPrefix => Value::Integer(text::common_prefix(&x, y) as i64),
                    TextBinary::CommonSuffix => Value::Integer(text::common_suffix(&x, y) as i64),
                    _ => {
                        let mut joined = x.clone();
                        joined.extend_from_slice(y);
                        Value::text(joined)
                    }
                })?
            }
        };
        self.store(t, result)
    }

    pub(super) fn op_textsub(&mut self, t: Reg, s: Reg, b: Reg, e: Reg) -> Result<(), Fault> {
        let source = self.with_bytes(s, true, <[u8]>::to_vec)?;
        let (begin, end) = (self.read_integer(b)?, self.read_integer(e)?);
        self.store(t, Value::text(text::sub(&source, begin, end)))
    }

    pub(super) fn op_textlength(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let length = self.with_bytes(s, true, text::length)?;
        self.store(t, Value::Integer(length as i64))
    }

    pub(super) fn op_bool(&mut self, r: Reg) -> Result<(), Fault> {
        let truth = self.read(r)?.value().truthy();
        self.store(r, Value::Boolean(truth))
    }

    pub(super) fn op_not(&mut self, t: Reg, s: Reg) -> Result<(), Fault> {
        let truth = self.read(s)?.value().truthy();
        self.store(t, Value::Boolean(!truth))
    }

    pub(super) fn op_logic(
        &mut self,
        t: Reg,
        a: Reg,
        b: Reg,
        conjunction: bool,
    ) -> Result<(), Fault> {
        let x = self.read(a)?.value().truthy();
        let y = self.read(b)?.value().truthy();
        self.store(t, Value::Boolean(if conjunction { x && y } else { x || y }))
    }

    pub(super) fn op_atom(&mut self, t: Reg, index: u32) -> Result<(), Fault> {
        let bytes = self
            .program
            .atoms
            .get(index as usize)
            .cloned()
            .unwrap_or_default();
        self.store(t, Value::atom(bytes))
    }

    /// The contents of an Atom operand.
    pub(super) fn read_atom(&self, r: Reg) -> Result<Vec<u8>, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Atom(a) => Ok(a.to_vec()),
            other => Err(Exception::type_error("Atom", other)),
        }
    }

    pub(super) fn op_atomeq(&mut self, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let equal = self.read_atom(a)? == self.read_atom(b)?;
        self.store(t, Value::Boolean(equal))
    }
}

pub(super) fn comparison_holds(op: Comparison, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Comparison::Lt => o == Less,
        Comparison::Lte => o != Greater,
        Comparison::Gt => o == Greater,
        Comparison::Gte => o != Less,
        Comparison::Eq => o == Equal,
    }
}
