//! The syntax of names stored in bytecode (ASSEMBLY.md §2.7, §2.8, §3.4, §3.8), shared by the
//! verifier and available to the assembler and the linker.

use crate::limits::MAX_NAME_LEN;

/// The name of the function the assembler generates for executables (ASSEMBLY.md §3.10). It is
/// not a function name in source (no `/`), so only the entry point may carry it.
pub const ENTRY_FUNCTION: &str = "__entry";

/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `segment { '::' segment }`, each segment an identifier.
fn is_qualified(s: &str) -> bool {
    s.split("::").all(is_identifier)
}

/// Parses `segment{::segment}/[arity]`: `Some(arity)` for a well-formed name (`Some(None)` for
/// `name/`), `None` otherwise. An arity that does not fit 16 bits is not well-formed: no frame
/// can hold that many parameters.
pub fn parse_function_name(name: &str) -> Option<Option<u16>> {
    if name.len() > MAX_NAME_LEN {
        return None;
    }
    let (base, arity) = name.rsplit_once('/')?;
    if !is_qualified(base) {
        return None;
    }
    if arity.is_empty() {
        return Some(None);
    }
    if !arity.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    arity.parse::<u16>().ok().map(Some)
}

/// Whether `name` is a well-formed function name (`segment{::segment}/[arity]`).
pub fn is_function_name(name: &str) -> bool {
    parse_function_name(name).is_some()
}

/// Whether `name` can be a block name. Block names are not checked against a pattern in source
/// (`cleanup`, `main/0__handler`, `net::retry`); they are a single token, so what is required
/// here is that they are non-empty and contain no whitespace or control characters.
pub fn is_block_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `name` is a well-formed module name (`segment{::segment}`).
pub fn is_module_name(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN && is_qualified(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names() {
        assert_eq!(parse_function_name("main/0"), Some(Some(0)));
        assert_eq!(parse_function_name("log/"), Some(None));
        assert_eq!(parse_function_name("geo::area::circle/1"), Some(Some(1)));
        assert_eq!(parse_function_name("_x9/010"), Some(Some(10)));
        assert_eq!(parse_function_name("f/65535"), Some(Some(65535)));
        for bad in [
            "", "main", "/0", "9a/0", "a:b/0", "a::/0", "::a/0", "a:::b/0", "foo/x", "f/0/1",
            "f/65536", "f/-1", "f/+1", "a b/0", "__entry", "ä/0",
        ] {
            assert_eq!(parse_function_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn block_and_module_names() {
        for good in [
            "cleanup",
            "main/0__handler",
            "net::retry",
            "risky/0__nested__on_int",
        ] {
            assert!(is_block_name(good), "{good}");
        }
        for bad in ["", "a b", "a\tb", "a\n", "\u{0}"] {
            assert!(!is_block_name(bad), "{bad:?}");
        }
        for good in ["std::vector", "World", "std::posix::network", "_a::_b"] {
            assert!(is_module_name(good), "{good}");
        }
        for bad in ["", "std/vector", "std::", "\"std\"", "a::1"] {
            assert!(!is_module_name(bad), "{bad:?}");
        }
        assert!(!is_module_name(&"a".repeat(MAX_NAME_LEN + 1)));
    }
}
