//! The lexical half of cooking (ASSEMBLY.md §1 step 3, §2.6): trivia removal, newline
//! collapsing, and gluing raw tokens into compound tokens. A glued token takes the position
//! of its first raw token. Unless noted, gluing requires the raw tokens to be adjacent in the
//! source (no space between them), which is why positions are compared.

use crate::diag::{Diagnostic, Entry};
use crate::lexer::is_trivia;
use crate::token::Token;

use super::keywords::{is_digits, is_glued_identifier, is_identifier, is_signed_integer};

/// The directive words whose missing colon is an error (§2.6), in the order the reference
/// glues them (one pass per word, so the first missing colon of the earliest word wins).
const DIRECTIVE_WORDS: &[&str] = &[
    "function",
    "closure",
    "block",
    "signature",
    "bsignature",
    "info",
    "name",
    "import",
    "mark",
    "iota",
];

/// Whether `second` starts right where `first` ends, on the same line.
pub(crate) fn adjacent(first: &Token, second: &Token) -> bool {
    first.line == second.line && first.col as usize + first.text.len() == second.col as usize
}

fn glued(first: &Token, rest: &[&Token]) -> Token {
    let mut text = first.text.clone();
    for token in rest {
        text.push_str(&token.text);
    }
    Token::synth(text, first)
}

/// Removes spaces, tabs and comments; guarantees the stream ends with a line feed (every
/// line counts as terminated, §1 step 1).
pub fn strip_trivia(raw: Vec<Token>) -> Vec<Token> {
    let mut tokens: Vec<Token> = raw.into_iter().filter(|t| !is_trivia(t)).collect();
    if let Some(last) = tokens.last() {
        if !last.is_newline() {
            let end = Token::new("\n", last.line, last.col + last.text.len() as u32);
            tokens.push(end);
        }
    }
    tokens
}

/// Drops leading line feeds and collapses runs of them into one.
pub fn collapse_newlines(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        let at_line_start = match out.last() {
            None => true,
            Some(last) => last.is_newline(),
        };
        if token.is_newline() && at_line_start {
            continue;
        }
        out.push(token);
    }
    out
}

/// Glues `.` WORD `:` into directive tokens and `.` `end` into `.end`; reports a missing
/// colon after one of the directive words (at WORD, with the `.` underlined).
pub fn glue_directives(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let tokens = glue_directive_words(tokens)?;
    let tokens = glue_end(tokens);
    Ok(glue_other_directives(tokens))
}

/// Whether `tokens[i..]` starts with `.` WORD (adjacent) for a word of [`DIRECTIVE_WORDS`];
/// returns the word's index in that list.
fn directive_word_at(tokens: &[Token], i: usize) -> Option<usize> {
    let (dot, word) = (tokens.get(i)?, tokens.get(i + 1)?);
    if dot.text != "." || !adjacent(dot, word) {
        return None;
    }
    DIRECTIVE_WORDS.iter().position(|w| *w == word.text)
}

/// Glues `.` WORD `:` for the words of [`DIRECTIVE_WORDS`] in one pass. The reference makes
/// one pass per word, in list order, so when several directives lack their colon the error
/// reported is the first occurrence of the earliest word in that list; this pass finds the
/// same one.
fn glue_directive_words(mut tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut missing: Option<(usize, usize)> = None; // (word index, token index)
    let mut i = 0;
    while i < tokens.len() {
        if let Some(w) = directive_word_at(&tokens, i) {
            let has_colon = tokens
                .get(i + 2)
                .is_some_and(|c| c.text == ":" && adjacent(&tokens[i + 1], c));
            if has_colon {
                i += 3;
                continue;
            }
            if missing.is_none_or(|(best, _)| w < best) {
                missing = Some((w, i));
            }
        }
        i += 1;
    }
    if let Some((w, at)) = missing {
        let (dot, next) = (&tokens[at], &tokens[at + 1]);
        let word = DIRECTIVE_WORDS[w];
        let entry = Entry::error_at(next.pos(), format!("missing ':' after `{word}'"))
            .with_underline(dot.span());
        return Err(Diagnostic::new(entry));
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if directive_word_at(&tokens, i).is_some() {
            out.push(glued(&tokens[i], &[&tokens[i + 1], &tokens[i + 2]]));
            i += 3;
        } else {
            // Moved, not cloned: this pass touches every token.
            out.push(std::mem::take(&mut tokens[i]));
            i += 1;
        }
    }
    Ok(out)
}

fn glue_end(tokens: Vec<Token>) -> Vec<Token> {
    glue_pairs(tokens, |a, b| {
        a.text == "." && b.text == "end" && adjacent(a, b)
    })
}

/// Any other `.word:` (e.g. `.unused:`, or a misspelt directive).
fn glue_other_directives(mut tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let [dot, word, colon, ..] = &tokens[i..] {
            if dot.text == "."
                && is_identifier(&word.text)
                && colon.text == ":"
                && adjacent(dot, word)
                && adjacent(word, colon)
            {
                out.push(glued(dot, &[word, colon]));
                i += 3;
                continue;
            }
        }
        out.push(std::mem::take(&mut tokens[i]));
        i += 1;
    }
    out
}

/// Glues every pair of consecutive tokens accepted by `joins`, left to right.
fn glue_pairs(mut tokens: Vec<Token>, joins: impl Fn(&Token, &Token) -> bool) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(next) = tokens.get(i + 1) {
            if joins(&tokens[i], next) {
                out.push(glued(&tokens[i], &[next]));
                i += 2;
                continue;
            }
        }
        out.push(std::mem::take(&mut tokens[i]));
        i += 1;
    }
    out
}

/// `:` `:` → `::`.
pub fn glue_double_colons(tokens: Vec<Token>) -> Vec<Token> {
    glue_pairs(tokens, |a, b| {
        a.text == ":" && b.text == ":" && adjacent(a, b)
    })
}

/// `[` `[` → `[[` and `]` `]` → `]]`.
pub fn glue_attribute_brackets(tokens: Vec<Token>) -> Vec<Token> {
    let tokens = glue_pairs(tokens, |a, b| {
        a.text == "[" && b.text == "[" && adjacent(a, b)
    });
    glue_pairs(tokens, |a, b| {
        a.text == "]" && b.text == "]" && adjacent(a, b)
    })
}

/// Whether a raw token is a run of non-breaking characters (not a literal, not punctuation).
fn is_word(token: &Token) -> bool {
    token
        .text
        .chars()
        .next()
        .is_some_and(|c| !crate::lexer::is_breaking(c))
}

/// Function names and qualified names (§2.6, §2.8): identifier {`::` identifier}, optionally
/// followed by `/` and one more adjacent word (`main/0`, `log/`, `main/0__try`, `foo/x`).
pub fn glue_names(mut tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if !is_identifier(&tokens[i].text) {
            out.push(std::mem::take(&mut tokens[i]));
            i += 1;
            continue;
        }
        let first = &tokens[i];
        let mut parts: Vec<&Token> = Vec::new();
        let mut last = first;
        let mut j = i + 1;
        while let (Some(colons), Some(segment)) = (tokens.get(j), tokens.get(j + 1)) {
            if colons.text == "::"
                && adjacent(last, colons)
                && is_identifier(&segment.text)
                && adjacent(colons, segment)
            {
                parts.extend([colons, segment]);
                last = segment;
                j += 2;
            } else {
                break;
            }
        }
        if let Some(slash) = tokens.get(j).filter(|s| s.text == "/" && adjacent(last, s)) {
            parts.push(slash);
            j += 1;
            if let Some(arity) = tokens.get(j).filter(|a| is_word(a) && adjacent(slash, a)) {
                parts.push(arity);
                j += 1;
            }
        }
        out.push(glued(first, &parts));
        i = j;
    }
    out
}

/// `+`/`-` followed by an adjacent digit run: offsets and negative integers.
pub fn glue_signed_numbers(tokens: Vec<Token>) -> Vec<Token> {
    glue_pairs(tokens, |a, b| {
        (a.text == "+" || a.text == "-") && is_digits(&b.text) && adjacent(a, b)
    })
}

/// A sigil followed by a digit run, a signed integer or an identifier; adjacency is not
/// required (quirk 4: `% 3` is `%3`).
pub fn glue_registers(tokens: Vec<Token>) -> Vec<Token> {
    glue_pairs(tokens, |a, b| {
        matches!(a.text.as_str(), "%" | "@" | "*")
            && (is_digits(&b.text) || is_signed_integer(&b.text) || is_glued_identifier(&b.text))
    })
}

/// digits-or-signed-integer `.` digits, all adjacent.
pub fn glue_floats(mut tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let [whole, dot, fraction, ..] = &tokens[i..] {
            if (is_digits(&whole.text) || is_signed_integer(&whole.text))
                && dot.text == "."
                && is_digits(&fraction.text)
                && adjacent(whole, dot)
                && adjacent(dot, fraction)
            {
                out.push(glued(whole, &[dot, fraction]));
                i += 3;
                continue;
            }
        }
        out.push(std::mem::take(&mut tokens[i]));
        i += 1;
    }
    out
}

/// All gluing steps, in the reference's order.
pub fn glue(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let tokens = glue_directives(tokens)?;
    let tokens = glue_double_colons(tokens);
    let tokens = glue_attribute_brackets(tokens);
    let tokens = glue_names(tokens);
    let tokens = glue_signed_numbers(tokens);
    let tokens = glue_registers(tokens);
    Ok(glue_floats(tokens))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    fn lexed(source: &str) -> Vec<Token> {
        collapse_newlines(strip_trivia(crate::lexer::tokenize(source).unwrap()))
    }

    fn glued_texts(source: &str) -> Vec<String> {
        glue(lexed(source))
            .unwrap()
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn trivia_and_blank_lines_go_away() {
        let texts: Vec<String> = lexed("\n\n  nop ; c\n\t\n-- x\n  halt")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(texts, ["nop", "\n", "halt", "\n"]);
    }

    #[test]
    fn final_newline_is_synthesised_after_the_last_token() {
        let tokens = lexed("nop\nhalt");
        assert_eq!(tokens.last().unwrap(), &Token::new("\n", 2, 5));
    }

    #[test]
    fn directives_are_glued() {
        assert_eq!(
            glued_texts(".function: [[no_sa]] main/0\n.end\n.unused: %1\n.bogus: x"),
            [
                ".function:",
                "[[",
                "no_sa",
                "]]",
                "main/0",
                "\n",
                ".end",
                "\n",
                ".unused:",
                "%1",
                "\n",
                ".bogus:",
                "x",
                "\n"
            ]
        );
    }

    #[test]
    fn missing_directive_colon_is_reported_at_the_word() {
        let d = glue(lexed("nop\n  .name 1 x\n")).unwrap_err();
        assert_eq!(d.message(), "missing ':' after `name'");
        assert_eq!(d.entries[0].pos, Some(Pos { line: 2, col: 4 }));
        assert_eq!(
            d.entries[0].underline,
            [crate::diag::Span {
                line: 2,
                col: 3,
                len: 1
            }]
        );
        // One pass per directive word: a later `.function` is found before an earlier `.mark`.
        let d = glue(lexed(".mark x\n.function f/0\n")).unwrap_err();
        assert_eq!(d.message(), "missing ':' after `function'");
        // A spaced `. end` is not a directive and not an error here.
        assert_eq!(glued_texts(". end"), [".", "end", "\n"]);
    }

    #[test]
    fn names_and_qualified_names() {
        assert_eq!(
            glued_texts("call void geo::area::circle/1"),
            ["call", "void", "geo::area::circle/1", "\n"]
        );
        assert_eq!(
            glued_texts("enter main/0__try"),
            ["enter", "main/0__try", "\n"]
        );
        assert_eq!(
            glued_texts("foo/x log/ a/ 1"),
            ["foo/x", "log/", "a/", "1", "\n"]
        );
        assert_eq!(glued_texts("import std::io"), ["import", "std::io", "\n"]);
        assert_eq!(glued_texts("a :: b"), ["a", "::", "b", "\n"]);
    }

    #[test]
    fn numbers_registers_and_floats() {
        assert_eq!(glued_texts("jump -3 +2"), ["jump", "-3", "+2", "\n"]);
        assert_eq!(
            glued_texts("x %3 @7 *1 %counter % 3 %-1 *(x"),
            ["x", "%3", "@7", "*1", "%counter", "%3", "%-1", "*", "(", "x", "\n"]
        );
        assert_eq!(
            glued_texts("float %1 local -0.25 1.5 2e10 1 .5"),
            ["float", "%1", "local", "-0.25", "1.5", "2e10", "1", ".", "5", "\n"]
        );
        assert_eq!(glued_texts("- 3 1. 5"), ["-", "3", "1", ".", "5", "\n"]);
        assert_eq!(
            glued_texts("[[a]] [ [ ] ]"),
            ["[[", "a", "]]", "[", "[", "]", "]", "\n"]
        );
    }

    #[test]
    fn glued_tokens_take_the_first_position() {
        let tokens = glue(lexed("  .name: % 3 x::y/1 -0.5")).unwrap();
        let positions: Vec<(u32, u32)> = tokens.iter().map(|t| (t.line, t.col)).collect();
        assert_eq!(positions, [(1, 3), (1, 10), (1, 14), (1, 21), (1, 25)]);
    }
}
