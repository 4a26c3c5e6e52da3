//! Tokens of the assembly language.
//!
//! The assembler works as Viua VM 0.13's does: a chain of rewrites over a token stream
//! (ASSEMBLY.md §1), so the order of diagnostics matches the reference. A line break is a
//! token whose text is `"\n"`.

/// A token with the 1-based line and byte column of its first byte (ASSEMBLY.md §2.11).
/// `Default` (empty text at 0:0) only serves `std::mem::take` in the rewrite passes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Token {
    pub text: String,
    pub line: u32,
    pub col: u32,
}

impl Token {
    pub fn new(text: impl Into<String>, line: u32, col: u32) -> Token {
        Token {
            text: text.into(),
            line,
            col,
        }
    }

    /// A token synthesised by a rewrite, placed at `at`'s position.
    pub fn synth(text: impl Into<String>, at: &Token) -> Token {
        Token {
            text: text.into(),
            line: at.line,
            col: at.col,
        }
    }

    pub fn is_newline(&self) -> bool {
        self.text == "\n"
    }

    pub fn pos(&self) -> crate::diag::Pos {
        crate::diag::Pos {
            line: self.line,
            col: self.col,
        }
    }

    /// The source span this token covers (its text length, at least one byte).
    pub fn span(&self) -> crate::diag::Span {
        crate::diag::Span {
            line: self.line,
            col: self.col,
            len: self.text.len().max(1) as u32,
        }
    }
}

impl PartialEq<&str> for Token {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}
