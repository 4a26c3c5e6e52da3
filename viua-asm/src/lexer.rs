//! Raw tokeniser (ASSEMBLY.md §2.3). Stub.
use crate::diag::Diagnostic;
use crate::token::Token;

/// Splits source text into raw tokens (spaces, comments and newlines included).
pub fn tokenize(_source: &str) -> Result<Vec<Token>, Diagnostic> {
    Ok(Vec::new())
}
