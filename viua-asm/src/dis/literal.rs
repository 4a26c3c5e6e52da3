//! Spelling of literals and names so that they re-lex to exactly what the module stores
//! (ASSEMBLY.md §2.3, §2.10, §3.9; the round trip of §8.4).
//!
//! 0.13's disassembler loses information for some literals (conformance README, "Disassembler
//! round trip"); every function here picks a spelling the assembler maps back to the same
//! bytes, or reports why none exists.

/// The two characters that can delimit a quoted literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quote {
    Double,
    Single,
}

impl Quote {
    fn char(self) -> u8 {
        match self {
            Quote::Double => b'"',
            Quote::Single => b'\'',
        }
    }
}

/// Whether `body`, written verbatim between two `quote`s, lexes back as exactly `body`.
///
/// A literal ends at the first delimiter preceded by an even number of backslashes (§2.3), so
/// every delimiter inside the body must be preceded by an odd number of them, and the body must
/// not end in an odd run of backslashes (that run would escape the closing quote).
fn delimits(body: &[u8], quote: Quote) -> bool {
    // Whether the run of backslashes just before the current byte has odd length.
    let mut escaped = false;
    for &byte in body {
        if byte == quote.char() && !escaped {
            return false;
        }
        escaped = byte == b'\\' && !escaped;
    }
    !escaped
}

/// Writes a stored (undecoded) literal body between quotes, verbatim: never adding
/// backslashes, because the body is stored undecoded and an added backslash would be stored
/// too. `preferred` is tried first, then `fallback` if given.
pub(super) fn quoted_body(
    body: &[u8],
    preferred: Quote,
    fallback: Option<Quote>,
) -> Result<String, String> {
    let text = std::str::from_utf8(body).map_err(|_| {
        format!("literal {body:?} is not valid UTF-8 and cannot be written as source")
    })?;
    let quote = [Some(preferred), fallback]
        .into_iter()
        .flatten()
        .find(|&q| delimits(body, q))
        .ok_or_else(|| {
            format!("literal body {text:?} cannot be delimited so that it re-lexes unchanged")
        })?;
    let q = quote.char() as char;
    Ok(format!("{q}{text}{q}"))
}

/// Escapes an `.info:` value the way `asm --meta` does (§8.1), so that decoding it with the
/// atom rules of §2.10.6 on reassembly gives the original string back.
pub fn escape_meta(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '"' => out.push_str("\\\""),
            other => out.push(other),
        }
    }
    out
}

/// A float in the assembler's grammar `[-]digits.digits` (§2.10.2) that parses back to the
/// identical `f64`.
///
/// Rust's `Display` for `f64` prints the shortest digit string that round-trips and never uses
/// an exponent; only the `.0` of integral values has to be added. Infinities and NaN cannot be
/// written in source at all, so they are an error rather than a listing that reassembles to
/// something else.
pub(super) fn float(value: f64) -> Result<String, String> {
    if !value.is_finite() {
        return Err(format!(
            "float {value} has no source spelling (only finite floats can be assembled)"
        ));
    }
    let mut text = value.to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    Ok(text)
}

/// A bits literal whose width rules (§2.10.3) give back exactly `bytes`.
///
/// 0.13's spelling: `0b` with every bit for at most two bytes, otherwise `0x` with two digits a
/// byte. `0x` drops leading zero bits before padding, so a string whose most significant byte is
/// zero would come back narrower; `0b` keeps every digit, so it is used there instead. An empty
/// string (0.13 prints `0b0`, which is one byte wide) cannot be written at all.
pub(super) fn bits(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err(
            "an empty bit string has no source spelling (the narrowest literal is 8 bits)".into(),
        );
    }
    let binary = bytes.len() <= 2 || bytes[0] == 0;
    let mut text = String::from(if binary { "0b" } else { "0x" });
    for byte in bytes {
        if binary {
            text.push_str(&format!("{byte:08b}"));
        } else {
            text.push_str(&format!("{byte:02x}"));
        }
    }
    Ok(text)
}

/// Checks that a stored name (function, block, module, meta key) is one token when printed.
///
/// Names come from single source tokens, so anything empty or containing whitespace, control
/// characters, quotes or comment starters cannot have been assembled and would not re-lex.
pub(super) fn name<'a>(what: &str, text: &'a str) -> Result<&'a str, String> {
    let bad = text.is_empty()
        || text.contains("--")
        || text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | '"' | '\''));
    if bad {
        return Err(format!(
            "{what} {text:?} cannot be written as a single source token"
        ));
    }
    Ok(text)
}
