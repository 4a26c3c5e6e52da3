//! Text as a sequence of UTF-8 characters (ISA-DATA §2.6, §4.6). Texts are byte vectors that
//! passed [`validate_utf8`], so every byte that is not `10xxxxxx` starts a character.

/// The reference decoder: bit patterns only (overlong forms, surrogates and F5–F7 accepted).
pub fn validate_utf8(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = if b & 0x80 == 0 {
            1
        } else if b & 0xe0 == 0xc0 {
            2
        } else if b & 0xf0 == 0xe0 {
            3
        } else if b & 0xf8 == 0xf0 {
            4
        } else {
            return false;
        };
        if i + len > bytes.len() || bytes[i + 1..i + len].iter().any(|c| c & 0xc0 != 0x80) {
            return false;
        }
        i += len;
    }
    true
}

fn is_start(b: u8) -> bool {
    b & 0xc0 != 0x80
}

/// Byte ranges of the characters of a validated text.
pub fn chars(text: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=text.len() {
        if i == text.len() || is_start(text[i]) {
            out.push(&text[start..i]);
            start = i;
        }
    }
    out
}

/// Number of characters.
pub fn length(text: &[u8]) -> usize {
    text.iter().filter(|&&b| is_start(b)).count()
}

/// A negative index counts from the end, with unsigned 64-bit wrap-around.
pub fn convert_index(index: i64, size: usize) -> u64 {
    if index < 0 {
        (size as u64).wrapping_add(index as u64)
    } else {
        index as u64
    }
}

/// `textsub`: characters `b <= i < e`, clamped; never fails.
pub fn sub(text: &[u8], begin: i64, end: i64) -> Vec<u8> {
    let cs = chars(text);
    let b = convert_index(begin, cs.len());
    let e = convert_index(end, cs.len()).min(cs.len() as u64);
    if b >= e {
        return Vec::new();
    }
    cs[b as usize..e as usize].concat()
}

/// `textcommonprefix`, stopping at the shorter text.
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    chars(a)
        .iter()
        .zip(chars(b).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

/// `textcommonsuffix` with 0.13's rule that the first character of either text never counts.
pub fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let (ca, cb) = (chars(a), chars(b));
    if ca.is_empty() || cb.is_empty() {
        return 0;
    }
    let (mut i, mut j, mut n) = (ca.len() - 1, cb.len() - 1, 0);
    while i > 0 && j > 0 && ca[i] == cb[j] {
        n += 1;
        i -= 1;
        j -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_rules() {
        assert!(validate_utf8("żółw".as_bytes()));
        assert!(validate_utf8(b"\xc0\x80")); // overlong, accepted
        assert!(validate_utf8(b"\xed\xa0\x80")); // surrogate, accepted
        assert!(!validate_utf8(b"\x80"));
        assert!(!validate_utf8(b"\xe2\x82"));
        assert!(!validate_utf8(b"\xf8\x80\x80\x80\x80"));
    }

    #[test]
    fn indexing_and_ranges() {
        let t = "Hello World!".as_bytes();
        assert_eq!(sub(t, 0, 5), b"Hello");
        assert_eq!(sub(t, -6, -1), b"World");
        assert_eq!(sub(t, 6, 100), b"World!");
        assert_eq!(sub(t, 8, 2), b"");
        assert_eq!(sub(t, -20, 3), b"");
        assert_eq!(convert_index(-13, 12), u64::MAX);
        assert_eq!(length("żółw".as_bytes()), 4);
    }

    #[test]
    fn common_affixes() {
        assert_eq!(common_suffix(b"abc", b"abc"), 2);
        assert_eq!(common_suffix(b"abc", b"xabc"), 2);
        assert_eq!(common_suffix(b"Hello World!", b"Hello Wombat!"), 1);
        assert_eq!(common_suffix(b"", b"a"), 0);
        assert_eq!(common_prefix(b"ab", b"abc"), 2);
        assert_eq!(common_prefix(b"", b"abc"), 0);
    }
}
