//! The parsed compilation unit: top-level items, definitions, lines and operands, as the
//! parser produces them and the later phases consume them.

use viua_bytecode::{Access, Opcode};

use crate::diag::Diagnostic;
use crate::token::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    Function,
    Closure,
    Block,
}

impl DefKind {
    pub fn is_block(self) -> bool {
        self == DefKind::Block
    }

    /// The word used in messages (`function`, `closure`, `block`).
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Function => "function",
            DefKind::Closure => "closure",
            DefKind::Block => "block",
        }
    }
}

/// One attribute `key` or `key{value}` (ASSEMBLY.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: Token,
    pub value: Option<Token>,
}

pub fn has_attribute(attributes: &[Attribute], key: &str) -> bool {
    attributes.iter().any(|a| a.key.text == key)
}

/// A `.function:`, `.closure:` or `.block:` definition.
#[derive(Debug, Clone)]
pub struct Definition {
    pub kind: DefKind,
    pub name: Token,
    /// `[[no_sa]]`, or code that was statically linked (verified where it was assembled).
    pub no_sa: bool,
    /// `[[linked_from{"PATH"}]]`: code of a statically linked module (round trip of a
    /// disassembled executable).
    pub linked_from: Option<String>,
    pub lines: Vec<Line>,
}

impl Definition {
    /// Marker name → index of the instruction it names (may be one past the end). The first
    /// definition of a name wins; the verify phase rejects duplicates. The verify phase, the
    /// code generator and the analyser all resolve markers through this.
    pub fn markers(&self) -> std::collections::HashMap<&str, usize> {
        let mut out = std::collections::HashMap::new();
        let mut index = 0;
        for line in &self.lines {
            match line {
                Line::Instruction(_) => index += 1,
                Line::Directive(d) => {
                    if let DirectiveKind::Mark(name) = &d.kind {
                        out.entry(name.text.as_str()).or_insert(index);
                    }
                }
            }
        }
        out
    }

    /// Appends the `in function NAME` / `in block NAME` trace entry.
    pub fn trace(&self, d: Diagnostic) -> Diagnostic {
        d.in_definition(self.kind.is_block(), &self.name.text, self.name.pos())
    }

    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.lines.iter().filter_map(|l| match l {
            Line::Instruction(i) => Some(i),
            Line::Directive(_) => None,
        })
    }
}

/// One logical line of a body.
#[derive(Debug, Clone)]
pub enum Line {
    Instruction(Instruction),
    Directive(Directive),
}

impl Line {
    pub fn first_token(&self) -> &Token {
        match self {
            Line::Instruction(i) => &i.mnemonic,
            Line::Directive(d) => &d.token,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub token: Token,
    pub kind: DirectiveKind,
}

#[derive(Debug, Clone)]
pub enum DirectiveKind {
    Mark(Token),
    Name {
        index: Token,
        name: Token,
    },
    /// `.unused: REGISTER [SET]` (the register token and the optional set word).
    Unused {
        register: Option<Token>,
        set: Option<Token>,
    },
}

#[derive(Debug, Clone)]
pub struct Instruction {
    pub mnemonic: Token,
    pub opcode: Opcode,
    pub operands: Vec<Operand>,
    /// The line's terminating newline (where a missing operand is reported).
    pub end: Token,
}

impl Instruction {
    pub fn operand(&self, i: usize) -> Option<&Operand> {
        self.operands.get(i)
    }
}

/// A register index as written: a number or a name `.name:` did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterIndex {
    Number(u16),
    Unresolved(String),
}

/// What an operand token is (the parser's classification, §5).
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    Register {
        access: Access,
        index: RegisterIndex,
    },
    Void,
    /// `"…"` or `'…'`; the flag says whether it was single-quoted.
    Quoted {
        single: bool,
    },
    Bool(bool),
    Bits,
    Integer,
    Float,
    Duration,
    Infinity,
    /// `+N`.
    Offset,
    FunctionName,
    /// Any other (extended) identifier: block names, markers, module names.
    Word,
}

#[derive(Debug, Clone)]
pub struct Operand {
    pub token: Token,
    pub class: Class,
    /// The register-set word after a register token.
    pub set: Option<Token>,
    /// `[[maybe_unused]]` (a hint for the static analyser).
    pub maybe_unused: bool,
}

impl Operand {
    /// The register index if it is a register with a numeric index.
    pub fn register_number(&self) -> Option<(Access, u16)> {
        match &self.class {
            Class::Register {
                access,
                index: RegisterIndex::Number(n),
            } => Some((*access, *n)),
            _ => None,
        }
    }

    pub fn set_name(&self) -> Option<&str> {
        self.set.as_ref().map(|t| t.text.as_str())
    }
}

/// `.import: [[…]] NAME`.
#[derive(Debug, Clone)]
pub struct Import {
    pub attributes: Vec<Attribute>,
    pub name: Token,
}

/// `.info: KEY VALUE` (checked at generation, §3.9).
#[derive(Debug, Clone)]
pub struct Info {
    pub directive: Token,
    pub key: Option<Token>,
    pub value: Option<Token>,
}

/// A whole parsed source file.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// Definitions in token-stream order.
    pub definitions: Vec<Definition>,
    pub signatures: Vec<Token>,
    pub block_signatures: Vec<Token>,
    pub imports: Vec<Import>,
    pub infos: Vec<Info>,
}

impl Unit {
    /// Functions and closures in source order, then blocks in token-stream order (the
    /// order of the verify phase, §7.4).
    pub fn verify_order(&self) -> impl Iterator<Item = &Definition> {
        let callables = self.definitions.iter().filter(|d| !d.kind.is_block());
        callables.chain(self.definitions.iter().filter(|d| d.kind.is_block()))
    }
}
