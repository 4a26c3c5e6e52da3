//! Reserved words (ASSEMBLY.md §2.9) and the word classes the rewrites test for.

use viua_bytecode::Opcode;

/// The reserved words of §2.9 other than the instruction mnemonics.
pub const RESERVED_WORDS: &[&str] = &[
    "infinity",
    "local",
    "static",
    "global",
    "auto",
    "default",
    "undefined",
    "null",
    "void",
    "iota",
    "const",
    "true",
    "false",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "string",
    "boolean",
    "coroutine",
    "yield",
    "channel",
    "publish",
    "subscribe",
];

/// The register-set names (§5.1). `arguments` and `parameters` are not reserved.
pub const REGISTER_SETS: &[&str] = &["local", "static", "global", "arguments", "parameters"];

/// Whether `word` is reserved (§2.9): a listed keyword or any instruction mnemonic. Reserved
/// words may not name registers, markers, blocks or functions.
pub fn is_reserved(word: &str) -> bool {
    RESERVED_WORDS.contains(&word) || Opcode::from_mnemonic(word).is_some()
}

/// Whether `word` names a register set, or is `current` (which the parser rejects as a set
/// with its own message, so it must stay in a set position).
pub fn is_register_set(word: &str) -> bool {
    REGISTER_SETS.contains(&word) || word == "current"
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The reference's looser identifier test, which accepts glued names:
/// `[A-Za-z_][A-Za-z0-9_:/]*` (§2.7).
pub fn is_glued_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '/')
}

/// A non-empty run of ASCII digits.
pub fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `+N` or `-N`.
pub fn is_signed_integer(text: &str) -> bool {
    text.strip_prefix(['+', '-']).is_some_and(is_digits)
}

/// A register operand token after gluing: a sigil followed by an index or a name (`%3`,
/// `@7`, `*1`, `%counter`, `%-1`).
pub fn is_register(text: &str) -> bool {
    text.len() > 1 && text.starts_with(['%', '@', '*'])
}

/// Operand keywords that never stand in a register-set position.
const NOT_SET_WORDS: &[&str] = &["void", "default", "infinity", "true", "false", "iota"];

/// Whether a word directly after a register token is read as that register's set. Real set
/// names are; so is any other bare identifier (a misspelt set such as `nonlocal`, which code
/// generation then reports), except the operand keywords.
pub fn is_set_position_word(text: &str) -> bool {
    is_register_set(text) || (is_identifier(text) && !NOT_SET_WORDS.contains(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_words_include_keywords_and_mnemonics() {
        for word in [
            "iota",
            "local",
            "void",
            "subscribe",
            "print",
            "text",
            "self",
            "import",
            "bits",
        ] {
            assert!(is_reserved(word), "{word}");
        }
        for word in ["arguments", "parameters", "counter", "main/0", "end"] {
            assert!(!is_reserved(word), "{word}");
        }
    }

    #[test]
    fn word_classes() {
        assert!(is_identifier("_a1") && !is_identifier("1a") && !is_identifier("a::b"));
        assert!(is_glued_identifier("a::b/1") && !is_glued_identifier("/a"));
        assert!(is_signed_integer("-3") && is_signed_integer("+12") && !is_signed_integer("-"));
        assert!(is_register("%3") && is_register("*x") && !is_register("%") && !is_register("3"));
        assert!(is_set_position_word("local") && is_set_position_word("nonlocal"));
        assert!(is_set_position_word("current") && !is_set_position_word("void"));
        assert!(!is_set_position_word("%1") && !is_set_position_word("f/0"));
    }
}
