//! The rewrite chain ("cooking", ASSEMBLY.md §1 steps 3–4): from source text to the cooked,
//! canonical token stream that gathering, parsing and code generation consume.
//!
//! Steps, in the reference's order (the order decides which error is reported first):
//! 1. [`glue`]: drop spaces, tabs and comments, collapse line feeds, glue compound tokens
//!    (directives, `::`, `[[`/`]]`, names, signed numbers, registers, floats);
//! 2. [`iota`]: `iota` and `.iota:`;
//! 3. [`default`]: the `default` keyword;
//! 4. [`wrap`]: `( … )`, `*( … )`, `[ … ]` and `^` unwrapped into separate lines;
//! 5. [`names`]: `.name:` substitution;
//! 6. [`blocks`]: nested `.block:` definitions moved out and mangled;
//! 7. line feeds collapsed again;
//! 8. [`canon`]: omitted register sets and operands filled in.
//!
//! The cooked stream: logical lines separated by exactly one `"\n"` token, no empty lines,
//! no leading line feed, the last line ended by `"\n"`. Every token carries a source position
//! (a synthesised token takes a neighbour's). Attributes (`[[`, …, `]]`), `.name:`,
//! `.mark:`, `.unused:` and `.end` lines stay in the stream.

pub mod blocks;
pub mod canon;
pub mod default;
pub mod glue;
pub mod iota;
pub mod keywords;
pub mod names;
pub mod wrap;

pub use keywords::{is_register_set, is_reserved, RESERVED_WORDS};

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

/// Turns source text into the cooked, canonical token stream code generation consumes.
pub fn cook(source: &str) -> Result<Vec<Token>, Diagnostic> {
    let raw = crate::lexer::tokenize_significant(source)?;
    let tokens = glue::collapse_newlines(glue::strip_trivia(raw));
    let tokens = glue::glue(tokens)?;
    let tokens = iota::substitute_iota(tokens)?;
    let tokens = default::substitute_default(tokens);
    let tokens = wrap::unwrap(tokens)?;
    let tokens = names::substitute_names(tokens)?;
    let tokens = blocks::extract_nested_blocks(tokens);
    let tokens = glue::collapse_newlines(tokens);
    canon::canonicalise(tokens)
}

/// The logical lines of a cooked stream, without their `"\n"` tokens.
pub fn split_lines(tokens: &[Token]) -> impl Iterator<Item = &[Token]> {
    tokens
        .split(Token::is_newline)
        .filter(|line| !line.is_empty())
}

/// Whether `token` was synthesised from `origin` by a rewrite: an omitted set filled in after
/// its register, a copied operand, `void` before a callee, … all take the position of the
/// token they derive from, which no two source tokens of a line share. The main
/// return-value check uses this to tell `izero %0` (set omitted) from `izero %0 local`.
pub fn is_synthesised_from(token: &Token, origin: &Token) -> bool {
    token.line == origin.line && token.col == origin.col
}

/// A single-entry error located at `token`.
pub(crate) fn error_at(token: &Token, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Entry::error_at(token.pos(), message))
}

/// Control characters written as escapes (`\n`, `\t`, …), as the reference prints them in
/// messages quoting tokens.
pub(crate) fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Index of the token closing the bracket opened at `open_index` (nesting counted), or `None`
/// if it is not closed before `limit`.
pub(crate) fn matching_close(
    tokens: &[Token],
    open_index: usize,
    limit: usize,
    close: &str,
) -> Option<usize> {
    let open = tokens[open_index].text.as_str();
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().take(limit).skip(open_index) {
        if token.text == open {
            depth += 1;
        } else if token.text == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// One operand of an instruction line: `tokens[start..end]`, its core first, then the set
/// token (if `set` is given) and any attribute tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperandSpan {
    pub start: usize,
    /// Index of the register-set token, if the core is a register followed by one.
    pub set: Option<usize>,
    /// One past the last token (attributes included).
    pub end: usize,
}

/// Splits the operand tokens of one instruction. A balanced wrap or group (with its `^`/`*`
/// prefixes) is one operand; `[[ … ]]` attaches to the operand before it; a register token
/// takes the next token as its set when `takes_set(operand_index, text)` says so.
pub(crate) fn split_operands(
    tokens: &[Token],
    takes_set: impl Fn(usize, &str) -> bool,
) -> Vec<OperandSpan> {
    let mut operands: Vec<OperandSpan> = Vec::new();
    let len = tokens.len();
    let mut i = 0;
    while i < len {
        if tokens[i].text == "[[" {
            let end = matching_close(tokens, i, len, "]]").map_or(len, |close| close + 1);
            if let Some(last) = operands.last_mut() {
                last.end = end;
            }
            i = end;
            continue;
        }
        let start = i;
        let mut core = i;
        while core + 1 < len
            && matches!(tokens[core].text.as_str(), "^" | "*")
            && matches!(tokens[core + 1].text.as_str(), "(" | "[" | "^" | "*")
        {
            core += 1;
        }
        let core_end = match tokens[core].text.as_str() {
            "(" => matching_close(tokens, core, len, ")").unwrap_or(len - 1),
            "[" => matching_close(tokens, core, len, "]").unwrap_or(len - 1),
            _ => core,
        };
        let mut end = core_end + 1;
        let mut set = None;
        if core_end == start
            && keywords::is_register(&tokens[start].text)
            && end < len
            && takes_set(operands.len(), &tokens[end].text)
        {
            set = Some(end);
            end += 1;
        }
        operands.push(OperandSpan { start, set, end });
        i = end;
    }
    operands
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diag::Pos;

    /// Source → trivia removed, newlines collapsed, compound tokens glued.
    pub(crate) fn raw(source: &str) -> Vec<Token> {
        let tokens =
            glue::collapse_newlines(glue::strip_trivia(crate::lexer::tokenize(source).unwrap()));
        glue::glue(tokens).unwrap()
    }

    /// Tokens written back as text: one space between tokens, lines ended by `\n`.
    pub(crate) fn cooked_text(tokens: &[Token]) -> String {
        let mut out = String::new();
        for token in tokens {
            if !token.is_newline() && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(&token.text);
        }
        out
    }

    pub(crate) fn cooked(source: &str) -> String {
        cooked_text(&cook(source).unwrap_or_else(|d| panic!("{source:?}: {d:?}")))
    }

    pub(crate) fn cook_error(source: &str) -> (String, Pos) {
        let d = cook(source).expect_err(source);
        (d.message().to_string(), d.entries[0].pos.unwrap())
    }

    #[test]
    fn operands_are_split_with_sets_wraps_and_attributes() {
        let tokens = raw("%1 local [[maybe_unused]] ^[(a b) (c d)] *(x y) %2 7 %3\n");
        let tokens = &tokens[..tokens.len() - 1];
        let spans = split_operands(tokens, |_, w| keywords::is_register_set(w));
        assert_eq!(
            spans,
            [
                OperandSpan {
                    start: 0,
                    set: Some(1),
                    end: 5
                },
                OperandSpan {
                    start: 5,
                    set: None,
                    end: 16
                },
                OperandSpan {
                    start: 16,
                    set: None,
                    end: 21
                },
                OperandSpan {
                    start: 21,
                    set: None,
                    end: 22
                },
                OperandSpan {
                    start: 22,
                    set: None,
                    end: 23
                },
                OperandSpan {
                    start: 23,
                    set: None,
                    end: 24
                },
            ]
        );
    }

    #[test]
    fn stream_shape() {
        let tokens =
            cook("\n\n.function: main/0 ; c\n\n    izero %0 local\n    return\n.end").unwrap();
        assert_eq!(
            cooked_text(&tokens),
            ".function: main/0\nizero %0 local\nreturn\n.end\n"
        );
        assert!(!tokens[0].is_newline());
        assert!(tokens
            .windows(2)
            .all(|w| !(w[0].is_newline() && w[1].is_newline())));
        assert_eq!(split_lines(&tokens).count(), 4);
        assert!(cook("").unwrap().is_empty());
        assert!(cook(" ; only a comment\n\n").unwrap().is_empty());
    }

    #[test]
    fn omitted_sets_are_recognisable() {
        let tokens = cook("izero %0\nizero %0 local\n").unwrap();
        assert!(is_synthesised_from(&tokens[2], &tokens[1]));
        assert!(!is_synthesised_from(&tokens[6], &tokens[5]));
    }

    #[test]
    fn escaping_control_characters() {
        assert_eq!(escape_control("a\nb\tc\x01"), "a\\nb\\tc\\x01");
    }
}

#[cfg(test)]
mod chain_tests;
