//! Pure operations on plain data: number conversions and formatting, string parsing, UTF-8 text, bit strings and fixed-width arithmetic. Nothing here knows about
//! registers or processes, so every rule of ISA-DATA can be unit-tested without a VM.

pub mod bigint;
pub mod bits;
pub mod bits_arith;
pub mod number;
pub mod text;
