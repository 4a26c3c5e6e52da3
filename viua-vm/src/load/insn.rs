//! The pre-decoded instruction form the interpreter runs: a `Copy` enum with register operands
//! pre-split, literals as indexes into the program's decoded tables, jumps as instruction
//! indexes and call targets as function indexes where the name resolved at load time.

use viua_bytecode::{Access, RegisterSet};

use crate::ops::bits::{Bitwise, Shift};
use crate::ops::bits_arith::{ArithOp, Flavour};

/// A register operand: set, access mode and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reg {
    pub index: u16,
    pub set: RegisterSet,
    pub access: Access,
}

/// The timeout operand meaning "wait forever".
pub const INFINITE: u32 = u32::MAX;

/// A callee operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A function of the program, resolved at load time.
    Function(u32),
    /// A name that is not defined in the program (index into `Program::names`).
    Unknown(u32),
    /// A register holding a Function or Closure.
    Register(Reg),
}

/// A block operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockRef {
    Block(u32),
    /// A declared but undefined block (index into `Program::labels`).
    Unknown(u32),
}

/// `itof`, `ftoi`, `stoi`, `stof`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    Itof,
    Ftoi,
    Stoi,
    Stof,
}

/// Numeric comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
}

/// Text instructions of shape `T A B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextBinary {
    Eq,
    At,
    CommonPrefix,
    CommonSuffix,
    Concat,
}

/// The third operand of `bitset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOperand {
    Literal(bool),
    Register(Reg),
}

/// `capture`, `capturecopy`, `capturemove`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureMode {
    Reference,
    Copy,
    Move,
}

/// One pre-decoded instruction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Insn {
    Nop,
    Izero(Reg),
    Integer(Reg, i32),
    Iinc(Reg),
    Idec(Reg),
    /// Index into `Program::floats`.
    Float(Reg, u32),
    Convert(Conversion, Reg, Reg),
    Arith(ArithOp, Reg, Reg, Reg),
    Compare(Comparison, Reg, Reg, Reg),
    /// Index into `Program::strings`.
    String(Reg, u32),
    Streq(Reg, Reg, Reg),
    /// Index into `Program::texts`.
    TextLiteral(Reg, u32),
    TextOf(Reg, Reg),
    Text(TextBinary, Reg, Reg, Reg),
    Textsub(Reg, Reg, Reg, Reg),
    Textlength(Reg, Reg),
    Vector(Reg, Reg, u16),
    Vinsert(Reg, Reg, Option<Reg>),
    Vpush(Reg, Reg),
    Vpop(Option<Reg>, Reg, Option<Reg>),
    Vat(Reg, Reg, Reg),
    Vlen(Reg, Reg),
    Bool(Reg),
    Not(Reg, Reg),
    And(Reg, Reg, Reg),
    Or(Reg, Reg, Reg),
    BitsOfInteger(Reg, Reg),
    IntegerOfBits(Reg, Reg),
    /// Index into `Program::bits`.
    BitsLiteral(Reg, u32),
    BitsOfWidth(Reg, Reg),
    Bitwise(Bitwise, Reg, Reg, Reg),
    Bitnot(Reg, Reg),
    Bitswidth(Reg, Reg),
    Bitat(Reg, Reg, Reg),
    Bitset(Reg, Reg, BoolOperand),
    Shift(Shift, Option<Reg>, Reg, Reg),
    Rotate {
        left: bool,
        target: Reg,
        count: Reg,
    },
    BitsCompare {
        op: Comparison,
        signed: bool,
        target: Reg,
        lhs: Reg,
        rhs: Reg,
    },
    FixedStep {
        flavour: Flavour,
        up: bool,
        target: Reg,
    },
    FixedArith(Flavour, ArithOp, Reg, Reg, Reg),
    Move(Option<Reg>, Reg),
    Copy(Reg, Reg),
    Ptr(Reg, Reg),
    Ptrlive(Reg, Reg),
    Swap(Reg, Reg),
    Delete(Reg),
    Isnull(Reg, Reg),
    Print(Reg),
    Echo(Reg),
    Capture(CaptureMode, Reg, u16, Reg),
    /// Index into `Program::names`.
    Closure(Reg, u32),
    Function(Reg, u32),
    Frame(u16),
    Call(Option<Reg>, Callee),
    Tailcall(Callee),
    Defer(Callee),
    AllocateRegisters(u16),
    Jump(u32),
    If(Reg, u32, u32),
    Throw(Reg),
    /// Tag index into `Program::labels`.
    Catch(u32, BlockRef),
    Draw(Option<Reg>),
    Try,
    Enter(BlockRef),
    Leave,
    /// Index into `Program::atoms`.
    Atom(Reg, u32),
    Atomeq(Reg, Reg, Reg),
    Struct(Reg),
    Structinsert(Reg, Reg, Reg),
    Structremove(Option<Reg>, Reg, Reg),
    Structat(Reg, Reg, Reg),
    Structkeys(Reg, Reg),
    Exception(Reg, Reg, Option<Reg>),
    ExceptionTag(Reg, Reg),
    ExceptionValue(Reg, Reg),
    Return,
    Halt,
    /// `process T|void FN`.
    Process(Option<Reg>, Callee),
    SelfPid(Reg),
    Pideq(Reg, Reg, Reg),
    Send(Reg, Reg),
    /// `receive T|void TIMEOUT` (timeout in ms, [`INFINITE`] for none).
    Receive(Option<Reg>, u32),
    /// `join T|void P TIMEOUT`.
    Join(Option<Reg>, Reg, u32),
    Watchdog(Callee),
    /// `import MODULE` (the name is `Program::labels[n]`).
    Import(u32),
    /// `io_read REQ PORT LIMIT`.
    IoRead(Reg, Reg, Reg),
    /// `io_write REQ PORT DATA`.
    IoWrite(Reg, Reg, Reg),
    /// `io_close REQ PORT`.
    IoClose(Reg, Reg),
    /// `io_wait T|void REQ TIMEOUT`.
    IoWait(Option<Reg>, Reg, u32),
    IoCancel(Reg),
    /// An instruction of a later issue (processes, I/O, `import`): raises when executed.
    NotYetSupported(viua_bytecode::Opcode),
}
