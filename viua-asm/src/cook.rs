//! The rewrite chain (ASSEMBLY.md §2.6, §4, §6). Stub.
use crate::diag::Diagnostic;
use crate::token::Token;

/// Turns source text into the cooked, canonical token stream code generation consumes.
pub fn cook(source: &str) -> Result<Vec<Token>, Diagnostic> {
    crate::lexer::tokenize(source)
}
