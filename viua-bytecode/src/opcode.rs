//! The one opcode table of Viua VM 0.13 (mnemonic, opcode number, canonical operand shape).
//!
//! Every other list of opcodes (assembler mnemonics, disassembler, verifier, VM dispatch) is
//! generated from [`for_each_opcode!`]; there is no second list to keep in order. Rows are in
//! opcode order, which is also the order the assembler's "did you mean" suggestions iterate over
//! (ASSEMBLY.md §6.10, §7.3).

/// Calls `$m! { (Variant, "mnemonic", number, [OperandKind, ...]), ... }` with every opcode.
#[macro_export]
macro_rules! for_each_opcode {
    ($m:ident) => {
        $m! {
            (Nop, "nop", 0, []),
            (Izero, "izero", 1, [Reg]),
            (Integer, "integer", 2, [Reg, Int]),
            (Iinc, "iinc", 3, [Reg]),
            (Idec, "idec", 4, [Reg]),
            (Float, "float", 5, [Reg, Float]),
            (Itof, "itof", 6, [Reg, Reg]),
            (Ftoi, "ftoi", 7, [Reg, Reg]),
            (Stoi, "stoi", 8, [Reg, Reg]),
            (Stof, "stof", 9, [Reg, Reg]),
            (Add, "add", 10, [Reg, Reg, Reg]),
            (Sub, "sub", 11, [Reg, Reg, Reg]),
            (Mul, "mul", 12, [Reg, Reg, Reg]),
            (Div, "div", 13, [Reg, Reg, Reg]),
            (Lt, "lt", 14, [Reg, Reg, Reg]),
            (Lte, "lte", 15, [Reg, Reg, Reg]),
            (Gt, "gt", 16, [Reg, Reg, Reg]),
            (Gte, "gte", 17, [Reg, Reg, Reg]),
            (Eq, "eq", 18, [Reg, Reg, Reg]),
            (String, "string", 19, [Reg, Text]),
            (Streq, "streq", 20, [Reg, Reg, Reg]),
            (Text, "text", 21, [Reg, TextOrReg]),
            (Texteq, "texteq", 22, [Reg, Reg, Reg]),
            (Textat, "textat", 23, [Reg, Reg, Reg]),
            (Textsub, "textsub", 24, [Reg, Reg, Reg, Reg]),
            (Textlength, "textlength", 25, [Reg, Reg]),
            (Textcommonprefix, "textcommonprefix", 26, [Reg, Reg, Reg]),
            (Textcommonsuffix, "textcommonsuffix", 27, [Reg, Reg, Reg]),
            (Textconcat, "textconcat", 28, [Reg, Reg, Reg]),
            (Vector, "vector", 29, [Reg, Reg, Count]),
            (Vinsert, "vinsert", 30, [Reg, Reg, RegOrVoid]),
            (Vpush, "vpush", 31, [Reg, Reg]),
            (Vpop, "vpop", 32, [RegOrVoid, Reg, RegOrVoid]),
            (Vat, "vat", 33, [Reg, Reg, Reg]),
            (Vlen, "vlen", 34, [Reg, Reg]),
            (Bool, "bool", 35, [Reg]),
            (Not, "not", 36, [Reg, Reg]),
            (And, "and", 37, [Reg, Reg, Reg]),
            (Or, "or", 38, [Reg, Reg, Reg]),
            (BitsOfInteger, "bits_of_integer", 39, [Reg, Reg]),
            (IntegerOfBits, "integer_of_bits", 40, [Reg, Reg]),
            (Bits, "bits", 41, [Reg, BitsOrReg]),
            (Bitand, "bitand", 42, [Reg, Reg, Reg]),
            (Bitor, "bitor", 43, [Reg, Reg, Reg]),
            (Bitnot, "bitnot", 44, [Reg, Reg]),
            (Bitxor, "bitxor", 45, [Reg, Reg, Reg]),
            (Bitswidth, "bitswidth", 46, [Reg, Reg]),
            (Bitat, "bitat", 47, [Reg, Reg, Reg]),
            (Bitset, "bitset", 48, [Reg, Reg, BoolOrReg]),
            (Shl, "shl", 49, [RegOrVoid, Reg, Reg]),
            (Shr, "shr", 50, [RegOrVoid, Reg, Reg]),
            (Ashl, "ashl", 51, [RegOrVoid, Reg, Reg]),
            (Ashr, "ashr", 52, [RegOrVoid, Reg, Reg]),
            (Rol, "rol", 53, [Reg, Reg]),
            (Ror, "ror", 54, [Reg, Reg]),
            (Bitseq, "bitseq", 55, [Reg, Reg, Reg]),
            (Bitslt, "bitslt", 56, [Reg, Reg, Reg]),
            (Bitslte, "bitslte", 57, [Reg, Reg, Reg]),
            (Bitsgt, "bitsgt", 58, [Reg, Reg, Reg]),
            (Bitsgte, "bitsgte", 59, [Reg, Reg, Reg]),
            (Bitaeq, "bitaeq", 60, [Reg, Reg, Reg]),
            (Bitalt, "bitalt", 61, [Reg, Reg, Reg]),
            (Bitalte, "bitalte", 62, [Reg, Reg, Reg]),
            (Bitagt, "bitagt", 63, [Reg, Reg, Reg]),
            (Bitagte, "bitagte", 64, [Reg, Reg, Reg]),
            (Wrapincrement, "wrapincrement", 65, [Reg]),
            (Wrapdecrement, "wrapdecrement", 66, [Reg]),
            (Wrapadd, "wrapadd", 67, [Reg, Reg, Reg]),
            (Wrapsub, "wrapsub", 68, [Reg, Reg, Reg]),
            (Wrapmul, "wrapmul", 69, [Reg, Reg, Reg]),
            (Wrapdiv, "wrapdiv", 70, [Reg, Reg, Reg]),
            (Checkedsincrement, "checkedsincrement", 71, [Reg]),
            (Checkedsdecrement, "checkedsdecrement", 72, [Reg]),
            (Checkedsadd, "checkedsadd", 73, [Reg, Reg, Reg]),
            (Checkedssub, "checkedssub", 74, [Reg, Reg, Reg]),
            (Checkedsmul, "checkedsmul", 75, [Reg, Reg, Reg]),
            (Checkedsdiv, "checkedsdiv", 76, [Reg, Reg, Reg]),
            (Checkeduincrement, "checkeduincrement", 77, [Reg]),
            (Checkedudecrement, "checkedudecrement", 78, [Reg]),
            (Checkeduadd, "checkeduadd", 79, [Reg, Reg, Reg]),
            (Checkedusub, "checkedusub", 80, [Reg, Reg, Reg]),
            (Checkedumul, "checkedumul", 81, [Reg, Reg, Reg]),
            (Checkedudiv, "checkedudiv", 82, [Reg, Reg, Reg]),
            (Saturatingsincrement, "saturatingsincrement", 83, [Reg]),
            (Saturatingsdecrement, "saturatingsdecrement", 84, [Reg]),
            (Saturatingsadd, "saturatingsadd", 85, [Reg, Reg, Reg]),
            (Saturatingssub, "saturatingssub", 86, [Reg, Reg, Reg]),
            (Saturatingsmul, "saturatingsmul", 87, [Reg, Reg, Reg]),
            (Saturatingsdiv, "saturatingsdiv", 88, [Reg, Reg, Reg]),
            (Saturatinguincrement, "saturatinguincrement", 89, [Reg]),
            (Saturatingudecrement, "saturatingudecrement", 90, [Reg]),
            (Saturatinguadd, "saturatinguadd", 91, [Reg, Reg, Reg]),
            (Saturatingusub, "saturatingusub", 92, [Reg, Reg, Reg]),
            (Saturatingumul, "saturatingumul", 93, [Reg, Reg, Reg]),
            (Saturatingudiv, "saturatingudiv", 94, [Reg, Reg, Reg]),
            (Move, "move", 95, [RegOrVoid, Reg]),
            (Copy, "copy", 96, [Reg, Reg]),
            (Ptr, "ptr", 97, [Reg, Reg]),
            (Ptrlive, "ptrlive", 98, [Reg, Reg]),
            (Swap, "swap", 99, [Reg, Reg]),
            (Delete, "delete", 100, [Reg]),
            (Isnull, "isnull", 101, [Reg, Reg]),
            (Print, "print", 102, [Reg]),
            (Echo, "echo", 103, [Reg]),
            (Capture, "capture", 104, [Reg, ClosureSlot, Reg]),
            (Capturecopy, "capturecopy", 105, [Reg, ClosureSlot, Reg]),
            (Capturemove, "capturemove", 106, [Reg, ClosureSlot, Reg]),
            (Closure, "closure", 107, [Reg, Function]),
            (Function, "function", 108, [Reg, Function]),
            (Frame, "frame", 109, [Count]),
            (Call, "call", 110, [RegOrVoid, Callee]),
            (Tailcall, "tailcall", 111, [Callee]),
            (Defer, "defer", 112, [Callee]),
            (AllocateRegisters, "allocate_registers", 113, [Count]),
            (Process, "process", 114, [RegOrVoid, Function]),
            (SelfPid, "self", 115, [Reg]),
            (Pideq, "pideq", 116, [Reg, Reg, Reg]),
            (Join, "join", 117, [RegOrVoid, Reg, Timeout]),
            (Send, "send", 118, [Reg, Reg]),
            (Receive, "receive", 119, [RegOrVoid, Timeout]),
            (Watchdog, "watchdog", 120, [Function]),
            (Jump, "jump", 121, [Jump]),
            (If, "if", 122, [Reg, Jump, Jump]),
            (Throw, "throw", 123, [Reg]),
            (Catch, "catch", 124, [TypeName, Block]),
            (Draw, "draw", 125, [RegOrVoid]),
            (Try, "try", 126, []),
            (Enter, "enter", 127, [Block]),
            (Leave, "leave", 128, []),
            (Import, "import", 129, [Module]),
            (Atom, "atom", 130, [Reg, Atom]),
            (Atomeq, "atomeq", 131, [Reg, Reg, Reg]),
            (Struct, "struct", 132, [Reg]),
            (Structinsert, "structinsert", 133, [Reg, Reg, Reg]),
            (Structremove, "structremove", 134, [RegOrVoid, Reg, Reg]),
            (Structat, "structat", 135, [Reg, Reg, Reg]),
            (Structkeys, "structkeys", 136, [Reg, Reg]),
            (Exception, "exception", 137, [Reg, Reg, RegOrVoid]),
            (ExceptionTag, "exception_tag", 138, [Reg, Reg]),
            (ExceptionValue, "exception_value", 139, [Reg, Reg]),
            (IoRead, "io_read", 140, [Reg, Reg, Reg]),
            (IoWrite, "io_write", 141, [Reg, Reg, Reg]),
            (IoClose, "io_close", 142, [Reg, Reg]),
            (IoWait, "io_wait", 143, [RegOrVoid, Reg, Timeout]),
            (IoCancel, "io_cancel", 144, [Reg]),
            (Return, "return", 145, []),
            (Halt, "halt", 146, []),
        }
    };
}

/// What one operand position of an instruction holds (ASSEMBLY.md §6.10 shape notation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperandKind {
    /// `r`: a register with an explicit set and access mode.
    Reg,
    /// `r|void`.
    RegOrVoid,
    /// `n`: a count written as `%N` (frame slots, local registers, vector pack count).
    Count,
    /// `ci`: a closure-local register index.
    ClosureSlot,
    /// A 32-bit integer literal.
    Int,
    /// A float literal.
    Float,
    /// A text literal (stored undecoded).
    Text,
    /// A text literal or a source register (`text T S`).
    TextOrReg,
    /// An atom literal.
    Atom,
    /// A bits literal or a source register (`bits T S`).
    BitsOrReg,
    /// `true`/`false` or a source register (`bitset`).
    BoolOrReg,
    /// A timeout.
    Timeout,
    /// A function name.
    Function,
    /// A function name or a register holding a function or closure.
    Callee,
    /// A block name.
    Block,
    /// An exception type name (`catch`).
    TypeName,
    /// A module name (`import`).
    Module,
    /// A jump target.
    Jump,
}

macro_rules! define_opcodes {
    ($(($variant:ident, $mnemonic:literal, $number:literal, [$($kind:ident),*]),)*) => {
        /// A Viua VM 0.13 instruction opcode.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Opcode {
            $(
                #[doc = concat!("`", $mnemonic, "`")]
                $variant = $number,
            )*
        }

        impl Opcode {
            /// Every opcode, in opcode order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$variant),*];

            /// The assembly mnemonic.
            pub fn mnemonic(self) -> &'static str {
                match self { $(Opcode::$variant => $mnemonic,)* }
            }

            /// The canonical operand shape.
            pub fn shape(self) -> &'static [OperandKind] {
                match self { $(Opcode::$variant => &[$(OperandKind::$kind),*],)* }
            }

            /// Looks an opcode up by mnemonic.
            pub fn from_mnemonic(word: &str) -> Option<Opcode> {
                match word { $($mnemonic => Some(Opcode::$variant),)* _ => None }
            }

            /// Looks an opcode up by number.
            pub fn from_u8(byte: u8) -> Option<Opcode> {
                match byte { $($number => Some(Opcode::$variant),)* _ => None }
            }
        }
    };
}

for_each_opcode!(define_opcodes);

impl std::fmt::Display for Opcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mnemonic())
    }
}

impl serde::Serialize for Opcode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

impl<'de> serde::Deserialize<'de> for Opcode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let byte = u8::deserialize(d)?;
        Opcode::from_u8(byte)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown opcode {byte}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_dense_and_round_trip() {
        for (i, op) in Opcode::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(Opcode::from_u8(i as u8), Some(*op));
            assert_eq!(Opcode::from_mnemonic(op.mnemonic()), Some(*op));
        }
        assert_eq!(Opcode::from_mnemonic("atom").map(|o| o as u8), Some(130));
        assert_eq!(Opcode::from_mnemonic("echo").map(|o| o as u8), Some(103));
        assert_eq!(Opcode::from_u8(Opcode::ALL.len() as u8), None);
    }
}
