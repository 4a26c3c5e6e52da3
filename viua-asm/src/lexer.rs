//! Raw tokeniser (ASSEMBLY.md §2.3, §2.4), built on nom.
//!
//! The raw stream is lossless: concatenating the texts of all tokens gives the source back.
//! It therefore contains every space and tab (one token per character, as the breaking
//! characters of §2.3 are one-character tokens), every comment (one token from `;` or `--` up
//! to, not including, the line feed), and every line feed (a `"\n"` token). [`crate::cook`]
//! removes the trivia; [`is_trivia`] tells which tokens those are.
//!
//! Positions are 1-based lines and byte columns of a token's first byte (§2.11). Lines are
//! counted correctly inside multi-line literals (the reference does not; §2.3 recommends it).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while1};
use nom::character::complete::satisfy;
use nom::combinator::recognize;
use nom::sequence::pair;
use nom::IResult;

use crate::diag::{Diagnostic, Entry, Pos};
use crate::token::Token;

/// The breaking characters of §2.3: each always forms a one-character token.
const BREAKING: &str = "\n-\t ~`!@#$%^&*()+={}[]|:;,.<>/?'\"";

/// Whether `c` is a breaking character (§2.3).
pub fn is_breaking(c: char) -> bool {
    c.is_ascii() && BREAKING_TABLE[c as usize]
}

/// [`BREAKING`] as a lookup table: the lexer asks for every byte of the source.
const BREAKING_TABLE: [bool; 128] = {
    let mut table = [false; 128];
    let bytes = BREAKING.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether a raw token is whitespace or a comment (removed by cooking). Tabs count as
/// whitespace (DECISIONS.md).
pub fn is_trivia(token: &Token) -> bool {
    is_trivia_text(&token.text)
}

fn is_trivia_text(text: &str) -> bool {
    text == " " || text == "\t" || is_comment(text)
}

/// Whether a raw token's text is a comment (`; …` or `-- …`).
pub fn is_comment(text: &str) -> bool {
    text.starts_with(';') || text.starts_with("--")
}

/// Why scanning stopped early: a quoted literal without its closing quote.
#[derive(Debug)]
struct Unterminated {
    /// Byte offset of the opening quote in the source.
    offset: usize,
    quote: char,
}

type LexResult<'a> = IResult<&'a str, &'a str, LexFailure<'a>>;

/// nom error type: either an ordinary "no alternative matched" or an unterminated literal.
#[derive(Debug)]
enum LexFailure<'a> {
    Nom(#[allow(dead_code)] &'a str),
    Unterminated { rest: &'a str, quote: char },
}

impl<'a> nom::error::ParseError<&'a str> for LexFailure<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        LexFailure::Nom(input)
    }

    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

/// `; …` or `-- …` up to (not including) the line feed (§2.4).
fn comment(input: &str) -> LexResult<'_> {
    recognize(pair(alt((tag(";"), tag("--"))), take_till(|c| c == '\n')))(input)
}

/// A quoted literal: up to and including the next same quote preceded by an even number of
/// backslashes (§2.3). Raw line feeds are part of the body.
fn quoted(input: &str) -> LexResult<'_> {
    let (_, quote) = satisfy(|c| c == '"' || c == '\'')(input)?;
    let body = &input[1..];
    let mut backslashes = 0usize;
    for (i, c) in body.char_indices() {
        if c == quote && backslashes & 1 == 0 {
            let end = 1 + i + c.len_utf8();
            return Ok((&input[end..], &input[..end]));
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    Err(nom::Err::Failure(LexFailure::Unterminated {
        rest: input,
        quote,
    }))
}

/// One breaking character.
fn breaking(input: &str) -> LexResult<'_> {
    recognize(satisfy(is_breaking))(input)
}

/// A maximal run of non-breaking characters.
fn word(input: &str) -> LexResult<'_> {
    take_while1(|c| !is_breaking(c))(input)
}

fn raw_token(input: &str) -> LexResult<'_> {
    alt((comment, quoted, breaking, word))(input)
}

/// Tracks the line and column of the next unread byte.
struct Cursor {
    line: u32,
    col: u32,
}

impl Cursor {
    fn advance(&mut self, text: &str) {
        match text.rfind('\n') {
            Some(last) => {
                self.line += text.matches('\n').count() as u32;
                self.col = (text.len() - last) as u32;
            }
            None => self.col += text.len() as u32,
        }
    }
}

fn scan(source: &str, keep_trivia: bool) -> Result<Vec<Token>, Unterminated> {
    let mut tokens = Vec::new();
    let mut cursor = Cursor { line: 1, col: 1 };
    let mut rest = source;
    while !rest.is_empty() {
        match raw_token(rest) {
            Ok((next, text)) => {
                if keep_trivia || !is_trivia_text(text) {
                    tokens.push(Token::new(text, cursor.line, cursor.col));
                }
                cursor.advance(text);
                rest = next;
            }
            Err(nom::Err::Failure(LexFailure::Unterminated { rest: at, quote })) => {
                return Err(Unterminated {
                    offset: source.len() - at.len(),
                    quote,
                });
            }
            // Every character is either breaking or part of a word, so no other failure can
            // occur; stop rather than loop if it ever did.
            Err(_) => break,
        }
    }
    Ok(tokens)
}

/// Position of a byte offset of `source`.
fn position_of(source: &str, offset: usize) -> Pos {
    let before = &source[..offset];
    let line = 1 + before.matches('\n').count() as u32;
    let col = 1 + (before.len() - before.rfind('\n').map_or(0, |i| i + 1)) as u32;
    Pos { line, col }
}

/// Splits source text into raw tokens (spaces, tabs, comments and newlines included; see the
/// module documentation). An unterminated quoted literal is an error at its opening quote.
pub fn tokenize(source: &str) -> Result<Vec<Token>, Diagnostic> {
    tokenize_with(source, true)
}

/// [`tokenize`] without the trivia (spaces, tabs, comments): what cooking starts from, made
/// without allocating a token per space.
pub fn tokenize_significant(source: &str) -> Result<Vec<Token>, Diagnostic> {
    tokenize_with(source, false)
}

fn tokenize_with(source: &str, keep_trivia: bool) -> Result<Vec<Token>, Diagnostic> {
    scan(source, keep_trivia).map_err(|failure| {
        let what = if failure.quote == '"' { "text" } else { "atom" };
        Diagnostic::new(Entry::error_at(
            position_of(source, failure.offset),
            format!("unterminated {what} literal"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<String> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn positioned(source: &str) -> Vec<(String, u32, u32)> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| (t.text, t.line, t.col))
            .collect()
    }

    #[test]
    fn breaking_characters_are_single_tokens() {
        assert_eq!(
            texts(".function: main/0\n"),
            [".", "function", ":", " ", "main", "/", "0", "\n"]
        );
        assert_eq!(texts("%3 @x *1"), ["%", "3", " ", "@", "x", " ", "*", "1"]);
        assert_eq!(texts("[[a]]"), ["[", "[", "a", "]", "]"]);
        assert_eq!(texts("a::b"), ["a", ":", ":", "b"]);
        assert_eq!(texts("-12.5"), ["-", "12", ".", "5"]);
        assert_eq!(texts("x\ty"), ["x", "\t", "y"]);
    }

    #[test]
    fn words_keep_non_breaking_bytes() {
        assert_eq!(
            texts("a\\b é_1 0x0f 250ms"),
            ["a\\b", " ", "é_1", " ", "0x0f", " ", "250ms"]
        );
        assert_eq!(texts("x\ry"), ["x\ry"]);
    }

    #[test]
    fn positions_are_lines_and_byte_columns() {
        assert_eq!(
            positioned("  izero %0\n\tprint"),
            [
                (" ".into(), 1, 1),
                (" ".into(), 1, 2),
                ("izero".into(), 1, 3),
                (" ".into(), 1, 8),
                ("%".into(), 1, 9),
                ("0".into(), 1, 10),
                ("\n".into(), 1, 11),
                ("\t".into(), 2, 1),
                ("print".into(), 2, 2),
            ]
        );
        // Multi-byte characters count as several columns.
        assert_eq!(positioned("é x")[2], ("x".into(), 1, 4));
    }

    #[test]
    fn comments_run_to_end_of_line_and_keep_the_newline() {
        assert_eq!(texts("nop ; a \"b\n"), ["nop", " ", "; a \"b", "\n"]);
        assert_eq!(texts("nop -- it's\nx"), ["nop", " ", "-- it's", "\n", "x"]);
        assert_eq!(texts("a--b"), ["a", "--b"]);
        assert_eq!(texts("- -1"), ["-", " ", "-", "1"]);
        assert_eq!(texts(";"), [";"]);
    }

    #[test]
    fn quoted_literals_follow_the_even_backslash_rule() {
        assert_eq!(
            texts(r#"text "a\"b" x"#),
            ["text", " ", r#""a\"b""#, " ", "x"]
        );
        assert_eq!(texts(r#""a\\" x"#), [r#""a\\""#, " ", "x"]);
        assert_eq!(texts(r#""a\\\"" x"#), [r#""a\\\"""#, " ", "x"]);
        assert_eq!(
            texts(r#""it's" 'say "hi"'"#),
            [r#""it's""#, " ", r#"'say "hi"'"#]
        );
        assert_eq!(
            texts(r#""; not -- a comment""#),
            [r#""; not -- a comment""#]
        );
        assert_eq!(texts("\"\""), ["\"\""]);
    }

    #[test]
    fn lines_are_counted_inside_multi_line_literals() {
        let tokens = positioned("text %1 \"a\nbc\" x\ny");
        assert_eq!(tokens[5], ("\"a\nbc\"".into(), 1, 9));
        assert_eq!(tokens[7], ("x".into(), 2, 5));
        assert_eq!(tokens[9], ("y".into(), 3, 1));
    }

    #[test]
    fn unterminated_literal_is_an_error_at_the_opening_quote() {
        let d = tokenize("nop\n  text %1 \"abc\\\"\n").unwrap_err();
        assert_eq!(d.message(), "unterminated text literal");
        assert_eq!(d.entries[0].pos, Some(Pos { line: 2, col: 11 }));
        let d = tokenize("atom %1 'x").unwrap_err();
        assert_eq!(d.message(), "unterminated atom literal");
        assert_eq!(d.entries[0].pos, Some(Pos { line: 1, col: 9 }));
    }

    #[test]
    fn trivia_classification() {
        for (text, trivia) in [
            (" ", true),
            ("\t", true),
            ("; c", true),
            ("-- c", true),
            ("-", false),
            ("\n", false),
        ] {
            assert_eq!(is_trivia(&Token::new(text, 1, 1)), trivia, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenising_is_lossless(source in "[ -~\t\n\\\\é]{0,200}") {
            if let Ok(tokens) = tokenize(&source) {
                let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
                proptest::prop_assert_eq!(joined, source);
            }
        }
    }
}
