//! What kind of word a token is (ASSEMBLY.md §2.7–§2.10): identifiers, function and module
//! names, literals, reserved words. Pure functions over token text.

use viua_bytecode::RegisterSet;

/// `[A-Za-z_][A-Za-z0-9_]*` (§2.7).
pub(crate) fn is_identifier(word: &str) -> bool {
    let mut bytes = word.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The reference's looser identifier test, `[A-Za-z_][A-Za-z0-9_:/]*`: block names, labels
/// and glued qualified names.
pub(crate) fn is_extended_identifier(word: &str) -> bool {
    let mut bytes = word.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'/')
}

/// `segment {'::' segment}` (§3.8).
pub(crate) fn is_module_name(word: &str) -> bool {
    word.split("::").all(is_identifier)
}

/// Splits a function name (§2.8) into its base and its arity digits (possibly empty).
pub(crate) fn split_function_name(word: &str) -> Option<(&str, &str)> {
    let (base, arity) = word.split_once('/')?;
    (is_module_name(base) && arity.bytes().all(|b| b.is_ascii_digit())).then_some((base, arity))
}

pub(crate) fn is_function_name(word: &str) -> bool {
    split_function_name(word).is_some()
}

/// The arity of a function name: `Some(None)` for `name/`, `None` if it is not a function
/// name or the arity does not fit 16 bits.
pub(crate) fn function_arity(word: &str) -> Option<Option<u16>> {
    let (_, arity) = split_function_name(word)?;
    if arity.is_empty() {
        return Some(None);
    }
    arity.parse().ok().map(Some)
}

pub(crate) fn is_digits(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// `[-]digits` (§2.10.1).
pub(crate) fn is_integer(word: &str) -> bool {
    is_digits(word.strip_prefix('-').unwrap_or(word))
}

/// `[-]digits.digits` (§2.10.2).
pub(crate) fn is_float(word: &str) -> bool {
    let unsigned = word.strip_prefix('-').unwrap_or(word);
    matches!(unsigned.split_once('.'), Some((a, b)) if is_digits(a) && is_digits(b))
}

/// `+digits` (a forward jump offset).
pub(crate) fn is_forward_offset(word: &str) -> bool {
    word.strip_prefix('+').is_some_and(is_digits)
}

/// `0b…`, `0o…` or `0x…` with lowercase hex digits (§2.10.3).
pub(crate) fn is_bits_literal(word: &str) -> bool {
    let Some(digits) = word.get(2..) else {
        return false;
    };
    !digits.is_empty()
        && match word.get(..2) {
            Some("0b") => digits.bytes().all(|b| b == b'0' || b == b'1'),
            Some("0o") => digits.bytes().all(|b| (b'0'..=b'7').contains(&b)),
            Some("0x") => digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            _ => false,
        }
}

/// The hexadecimal digits of a `0x…` byte-offset jump target.
pub(crate) fn hex_offset(word: &str) -> Option<&str> {
    word.strip_prefix("0x").filter(|_| is_bits_literal(word))
}

/// The bit string of a bits literal, most significant byte first, with the width rules of
/// §2.10.3.
pub(crate) fn bits_value(word: &str) -> Option<Vec<u8>> {
    if !is_bits_literal(word) {
        return None;
    }
    let digits = &word[2..];
    let mut bits: Vec<bool> = Vec::new();
    let per_digit = match &word[..2] {
        "0b" => 1,
        "0o" => 3,
        _ => 4,
    };
    for c in digits.chars() {
        let value = c.to_digit(16)?;
        for shift in (0..per_digit).rev() {
            bits.push(value >> shift & 1 == 1);
        }
    }
    if per_digit != 1 {
        // Octal and hexadecimal literals lose their leading zero bits (keeping one).
        let first_one = bits.iter().position(|&b| b).unwrap_or(bits.len() - 1);
        bits.drain(..first_one);
    }
    let padding = (8 - bits.len() % 8) % 8;
    let mut padded = vec![false; padding];
    padded.extend(bits);
    Some(
        padded
            .chunks(8)
            .map(|byte| byte.iter().fold(0u8, |acc, &b| acc << 1 | u8::from(b)))
            .collect(),
    )
}

/// A duration literal in milliseconds (`250ms`, `3s`); `None` if malformed or too long for
/// 0.13's 32-bit encoding (ms + 1 must fit).
pub(crate) fn duration_millis(word: &str) -> Option<u32> {
    let (digits, scale) = if let Some(d) = word.strip_suffix("ms") {
        (d, 1u64)
    } else {
        (word.strip_suffix('s')?, 1000u64)
    };
    if !is_digits(digits) {
        return None;
    }
    let value = digits.parse::<u64>().ok()?.checked_mul(scale)?;
    u32::try_from(value)
        .ok()
        .filter(|&v| v <= viua_bytecode::limits::MAX_TIMEOUT_MS)
}

/// Whether a word has the shape of a duration literal (whatever its value).
pub(crate) fn is_duration(word: &str) -> bool {
    word.strip_suffix("ms")
        .or_else(|| word.strip_suffix('s'))
        .is_some_and(is_digits)
}

pub(crate) fn is_register_set(word: &str) -> bool {
    RegisterSet::from_name(word).is_some()
}

/// Quoted literal (either quote character) with at least its two quotes.
pub(crate) fn is_quoted(word: &str) -> bool {
    word.len() >= 2
        && (word.starts_with('"') && word.ends_with('"')
            || word.starts_with('\'') && word.ends_with('\''))
}

/// The bytes between the first and the last character (the reference strips them whatever
/// they are, §5.5).
pub(crate) fn literal_body(word: &str) -> &[u8] {
    let bytes = word.as_bytes();
    if bytes.len() < 2 {
        return &[];
    }
    &bytes[1..bytes.len() - 1]
}

/// Reserved words (§2.9): the keywords plus every mnemonic; the list lives with the rewrite
/// chain, which checks `.name:` names against it first.
pub(crate) use crate::cook::is_reserved;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names() {
        assert!(is_function_name("main/0"));
        assert!(is_function_name("geo::area::circle/1"));
        assert!(is_function_name("log/"));
        assert!(!is_function_name("foo/x"));
        assert!(!is_function_name("helper"));
        assert!(!is_function_name("::a/1"));
        assert_eq!(function_arity("log/"), Some(None));
        assert_eq!(function_arity("f/70000"), None);
        assert_eq!(function_arity("f/2"), Some(Some(2)));
    }

    #[test]
    fn bits_widths() {
        assert_eq!(bits_value("0b101"), Some(vec![0b101]));
        assert_eq!(bits_value("0b000000001"), Some(vec![0, 1]));
        assert_eq!(bits_value("0o17"), Some(vec![0x0f]));
        assert_eq!(bits_value("0x000f"), Some(vec![0x0f]));
        assert_eq!(bits_value("0x0100"), Some(vec![1, 0]));
        assert_eq!(bits_value("0xdeadbeef"), Some(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(bits_value("0x0"), Some(vec![0]));
        assert_eq!(bits_value("0xFF"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_millis("250ms"), Some(250));
        assert_eq!(duration_millis("3s"), Some(3000));
        assert_eq!(duration_millis("4294967294ms"), Some(4294967294));
        assert_eq!(duration_millis("4294967295ms"), None);
        assert!(is_duration("4294967295ms"));
        assert!(!is_duration("10minutes"));
    }
}
