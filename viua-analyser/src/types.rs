//! The analyser's value types (ANALYSER.md §4.5.1): a bit set over type atoms, where the empty
//! set is "unknown" and several bits mean "one of".

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Type(u32);

impl Type {
    pub const UNKNOWN: Type = Type(0);
    pub const VOID: Type = Type(1);
    pub const INTEGER: Type = Type(1 << 1);
    pub const FLOAT: Type = Type(1 << 2);
    pub const NUMBER: Type = Type(Self::INTEGER.0 | Self::FLOAT.0);
    pub const BOOLEAN: Type = Type(1 << 3);
    pub const TEXT: Type = Type(1 << 4);
    pub const STRING: Type = Type(1 << 5);
    pub const VECTOR: Type = Type(1 << 6);
    pub const BITS: Type = Type(1 << 7);
    pub const FUNCTION: Type = Type(1 << 8);
    pub const CLOSURE: Type = Type(1 << 9);
    pub const INVOCABLE: Type = Type(Self::FUNCTION.0 | Self::CLOSURE.0);
    pub const ATOM: Type = Type(1 << 10);
    pub const PID: Type = Type(1 << 11);
    pub const STRUCT: Type = Type(1 << 12);
    pub const IO_REQUEST: Type = Type(1 << 13);
    pub const IO_PORT: Type = Type(1 << 14);
    pub const IO_PORT_LIKE: Type = Type(Self::IO_PORT.0 | Self::INTEGER.0);
    pub const EXCEPTION: Type = Type(1 << 15);
    /// The flag, not an atom: "pointer to …".
    pub const POINTER: Type = Type(1 << 31);

    pub fn is_unknown(self) -> bool {
        self.0 == 0
    }

    pub fn is_pointer(self) -> bool {
        self.0 & Self::POINTER.0 != 0
    }

    pub fn with_pointer(self) -> Type {
        Type(self.0 | Self::POINTER.0)
    }

    pub fn without_pointer(self) -> Type {
        Type(self.0 & !Self::POINTER.0)
    }

    pub fn intersects(self, other: Type) -> bool {
        self.0 & other.0 != 0
    }

    fn name(self) -> &'static str {
        match self {
            Type::UNKNOWN => "value",
            Type::VOID => "void",
            Type::INTEGER => "integer",
            Type::FLOAT => "float",
            Type::NUMBER => "number",
            Type::BOOLEAN => "boolean",
            Type::TEXT => "text",
            Type::STRING => "string",
            Type::VECTOR => "vector",
            Type::BITS => "bits",
            Type::FUNCTION => "function",
            Type::CLOSURE => "closure",
            Type::INVOCABLE => "invocable",
            Type::ATOM => "atom",
            Type::PID => "pid",
            Type::STRUCT => "struct",
            Type::IO_REQUEST => "I/O request",
            Type::IO_PORT => "I/O port",
            Type::IO_PORT_LIKE => "I/O port-like",
            // 0.13 aborts when it has to print this type; ANALYSER.md §4.5.1 recommends a name.
            Type::EXCEPTION => "exception",
            _ => "value",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_pointer() {
            write!(f, "pointer to {}", self.without_pointer().name())
        } else {
            f.write_str(self.name())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Type::UNKNOWN.with_pointer().to_string(), "pointer to value");
        assert_eq!(
            Type::INTEGER.with_pointer().to_string(),
            "pointer to integer"
        );
        assert_eq!(Type::IO_PORT_LIKE.to_string(), "I/O port-like");
        assert!(Type::INTEGER.intersects(Type::NUMBER));
    }
}
