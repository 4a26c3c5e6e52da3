//! Unwrapping of sub-instructions (ASSEMBLY.md §6.5–§6.8).
//!
//! * `( t1 t2 … )`: the wrapped instruction (its own wraps first) is emitted on its own line
//!   before the containing line, after earlier extractions; its result token (the second
//!   token of the unwrapped instruction — the first operand of the innermost leading wrap)
//!   takes the wrap's place, without a register set.
//! * `*( … )`: the result becomes a pointer dereference (`%4` → `*4`).
//! * `[ … ]`: every wrap inside is extracted, no result tokens stay; the group becomes `%K`,
//!   K being the number of wraps (`[]` is `%0`, where the reference crashes).
//! * `^` before `(` or `[`: the extracted lines go after the containing line instead.
//!
//! A wrap may span line feeds (its `)` is searched up to the end of the file, as the
//! reference does); a group must close on its line, otherwise its `[` stays as written.

use crate::diag::Diagnostic;
use crate::token::Token;

use super::{error_at, matching_close};

/// How deeply wraps may nest. The reference has no limit; this one keeps the recursion off the
/// end of the stack on hostile input (no sensible program comes close).
const MAX_NESTING: usize = 128;

/// One line with the lines extracted from it.
#[derive(Debug, Default)]
struct Expansion {
    before: Vec<Vec<Token>>,
    line: Vec<Token>,
    after: Vec<Vec<Token>>,
}

impl Expansion {
    fn into_lines(self) -> Vec<Vec<Token>> {
        let mut lines = self.before;
        lines.push(self.line);
        lines.extend(self.after);
        lines
    }
}

pub fn unwrap(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let (expansion, end) = expand(&tokens, i, tokens.len(), true, 0)?;
        let newline = tokens.get(end).filter(|t| t.is_newline());
        let Expansion {
            before,
            line,
            after,
        } = expansion;
        for extracted in before {
            push_line(&mut out, extracted, None);
        }
        push_line(&mut out, line, newline);
        for extracted in after {
            push_line(&mut out, extracted, None);
        }
        i = end + 1;
    }
    Ok(out)
}

/// Appends a line and its line feed (the given one, or one synthesised just past the line's
/// last token, where a real one would be).
fn push_line(out: &mut Vec<Token>, line: Vec<Token>, newline: Option<&Token>) {
    let Some(last) = line.last() else { return };
    let newline = match newline {
        Some(token) => token.clone(),
        None => Token::new("\n", last.line, last.col + last.text.len() as u32),
    };
    out.extend(line);
    out.push(newline);
}

/// Expands `tokens[start..limit]`, stopping at a line feed outside wraps when `line_mode`.
/// Returns the expansion and the index where it stopped.
fn expand(
    tokens: &[Token],
    start: usize,
    limit: usize,
    line_mode: bool,
    depth: usize,
) -> Result<(Expansion, usize), Diagnostic> {
    let mut expansion = Expansion::default();
    let mut i = start;
    while i < limit && !(line_mode && tokens[i].is_newline()) {
        let (inverted, deref, open) = prefixes(tokens, i, limit);
        match tokens.get(open).map(|t| t.text.as_str()) {
            Some("(") if open < limit => {
                let (lines, result, next) =
                    extract_wrap(tokens, open, limit, deref.then(|| &tokens[open - 1]), depth)?;
                if inverted {
                    expansion.after.extend(lines)
                } else {
                    expansion.before.extend(lines)
                }
                expansion.line.push(result);
                i = next;
            }
            Some("[") if open < limit && !deref => {
                let line_end = if line_mode {
                    (open..limit)
                        .find(|&k| tokens[k].is_newline())
                        .unwrap_or(limit)
                } else {
                    limit
                };
                match matching_close(tokens, open, line_end, "]") {
                    Some(close) => {
                        let (units, leftovers) =
                            extract_group(tokens, open + 1, close, inverted, depth)?;
                        let count = units.len();
                        for (goes_after, lines) in units {
                            if goes_after {
                                expansion.after.extend(lines)
                            } else {
                                expansion.before.extend(lines)
                            }
                        }
                        expansion
                            .line
                            .push(Token::synth(format!("%{count}"), &tokens[open]));
                        expansion.line.extend(leftovers);
                        i = close + 1;
                    }
                    None => {
                        expansion.line.extend(tokens[i..=open].iter().cloned());
                        i = open + 1;
                    }
                }
            }
            _ => {
                expansion.line.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    Ok((expansion, i))
}

/// Reads the `^` and lone `*` prefixes at `i`; returns (inverted, dereferenced, index of the
/// token after them). Prefixes count only when a `(` or `[` follows them.
fn prefixes(tokens: &[Token], i: usize, limit: usize) -> (bool, bool, usize) {
    let mut inverted = false;
    let mut deref = false;
    let mut k = i;
    while k < limit {
        match tokens[k].text.as_str() {
            "^" if !inverted => inverted = true,
            "*" if !deref => deref = true,
            "(" | "[" => return (inverted, deref, k),
            _ => break,
        }
        k += 1;
    }
    (false, false, i)
}

/// Extracts the wrap opened at `open`: its lines (in order), its result token, and the index
/// after its `)`.
fn extract_wrap(
    tokens: &[Token],
    open: usize,
    limit: usize,
    deref: Option<&Token>,
    depth: usize,
) -> Result<(Vec<Vec<Token>>, Token, usize), Diagnostic> {
    let Some(close) = matching_close(tokens, open, limit, ")") else {
        return Err(error_at(
            &tokens[open],
            "unbalanced parenthesis in wrapped instruction",
        ));
    };
    if close - open - 1 < 2 {
        return Err(error_at(
            &tokens[open],
            "at least two tokens are required in a wrapped instruction",
        ));
    }
    if depth >= MAX_NESTING {
        return Err(error_at(
            &tokens[open],
            "wrapped instructions nested too deeply",
        ));
    }
    let (inner, _) = expand(tokens, open + 1, close, false, depth + 1)?;
    // Normally the second token of the unwrapped instruction; the literal second token if the
    // inner line collapsed (e.g. `((a b))`).
    let mut result = inner
        .line
        .get(1)
        .cloned()
        .unwrap_or_else(|| tokens[open + 2].clone());
    if let Some(star) = deref {
        let index = result
            .text
            .strip_prefix(['%', '@', '*'])
            .unwrap_or(&result.text);
        result = Token::synth(format!("*{index}"), star);
    }
    Ok((inner.into_lines(), result, close + 1))
}

/// The lines extracted from one wrap of a group, and whether they go after the line.
type GroupUnit = (bool, Vec<Vec<Token>>);

/// Extracts the wraps of a group's body `tokens[start..close]`; other tokens are returned as
/// leftovers (they stay in the line after `%K`, for a later stage to reject).
fn extract_group(
    tokens: &[Token],
    start: usize,
    close: usize,
    inverted: bool,
    depth: usize,
) -> Result<(Vec<GroupUnit>, Vec<Token>), Diagnostic> {
    let mut units = Vec::new();
    let mut leftovers = Vec::new();
    let mut i = start;
    while i < close {
        let (wrap_inverted, deref, open) = prefixes(tokens, i, close);
        if tokens[open].text == "(" {
            let (lines, _, next) =
                extract_wrap(tokens, open, close, deref.then(|| &tokens[open - 1]), depth)?;
            units.push((inverted || wrap_inverted, lines));
            i = next;
        } else {
            leftovers.push(tokens[i].clone());
            i += 1;
        }
    }
    Ok((units, leftovers))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;
    use crate::diag::Pos;

    fn unwrapped(source: &str) -> String {
        cooked_text(&unwrap(raw(source)).unwrap())
    }

    fn unwrap_error(source: &str) -> (String, Pos) {
        let d = unwrap(raw(source)).unwrap_err();
        (d.message().to_string(), d.entries[0].pos.unwrap())
    }

    #[test]
    fn spec_example_of_nested_wraps() {
        assert_eq!(
            unwrapped("print (add %3 local (integer %1 local 2) local (integer %2 local 3) local) local"),
            "integer %1 local 2\ninteger %2 local 3\nadd %3 local %1 local %2 local\nprint %3 local\n"
        );
    }

    #[test]
    fn result_of_a_wrap_with_a_leading_wrap() {
        assert_eq!(
            unwrapped("print (add (integer %1 local 2) local %1 local) local"),
            "integer %1 local 2\nadd %1 local %1 local\nprint %1 local\n"
        );
    }

    #[test]
    fn dereferenced_wrap() {
        assert_eq!(
            unwrapped("print *(ptr %4 local %2 local) local"),
            "ptr %4 local %2 local\nprint *4 local\n"
        );
        let tokens = unwrap(raw("print *(ptr %4 local %2 local) local")).unwrap();
        assert_eq!(tokens[7], Token::new("*4", 1, 7));
    }

    #[test]
    fn inverted_group_builds_a_frame() {
        assert_eq!(
            unwrapped("frame ^[(copy %0 arguments %5 local) (move %1 arguments (text %6 local \"ok\") local)]\ncall void report/2"),
            "frame %2\ncopy %0 arguments %5 local\ntext %6 local \"ok\"\nmove %1 arguments %6 local\ncall void report/2\n"
        );
    }

    #[test]
    fn groups_without_inversion_and_empty_groups() {
        assert_eq!(unwrapped("frame [(a %1) (b %2)]"), "a %1\nb %2\nframe %2\n");
        assert_eq!(unwrapped("frame []"), "frame %0\n");
        assert_eq!(unwrapped("frame ^(a %1) [x]"), "frame %1 %0 x\na %1\n");
    }

    #[test]
    fn name_directive_inside_a_wrap() {
        assert_eq!(
            unwrapped(
                "vector (.name: %1 items) local\nvpush %items local (integer %2 local 5) local"
            ),
            ".name: %1 items\nvector %1 local\ninteger %2 local 5\nvpush %items local %2 local\n"
        );
    }

    #[test]
    fn extracted_tokens_keep_source_positions() {
        let tokens = unwrap(raw("  print (integer %1 local 7) local")).unwrap();
        assert_eq!(tokens[0], Token::new("integer", 1, 10));
        assert_eq!(tokens[4], Token::new("\n", 1, 28));
        assert_eq!(tokens[5], Token::new("print", 1, 3));
        assert_eq!(tokens[6], Token::new("%1", 1, 18));
    }

    #[test]
    fn wrap_errors() {
        assert_eq!(
            unwrap_error("nop\n    print (nop) local"),
            (
                "at least two tokens are required in a wrapped instruction".into(),
                Pos { line: 2, col: 11 }
            )
        );
        assert_eq!(
            unwrap_error("print (integer %1 local 2 local\nnop\n"),
            (
                "unbalanced parenthesis in wrapped instruction".into(),
                Pos { line: 1, col: 7 }
            )
        );
        assert_eq!(
            unwrap_error("x ()").0,
            "at least two tokens are required in a wrapped instruction"
        );
        // Left to right: the earlier wrap's error wins.
        assert_eq!(unwrap_error("x (a) (b c").1, Pos { line: 1, col: 3 });
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_crash() {
        let source = format!("x {}a b{}", "(a ".repeat(5000), ")".repeat(5000));
        assert_eq!(
            unwrap_error(&source).0,
            "wrapped instructions nested too deeply"
        );
        let source = format!("x {}a b{}", "(a ".repeat(100), ")".repeat(100));
        assert!(unwrap(raw(&source)).is_ok());
    }

    #[test]
    fn stray_brackets_pass_through() {
        assert_eq!(unwrapped("x ) ] [ y\n^ z"), "x ) ] [ y\n^ z\n");
    }
}
