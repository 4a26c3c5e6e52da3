//! Decoding of literal bodies (ASSEMBLY.md §2.10.6): text/string escapes with the `\xhh`
//! quirk, and the simpler atom escapes. Bytecode stores literal bodies undecoded, so these
//! rules are part of what a body means: the VM decodes `text`/`string`/`atom` bodies with
//! them, and the assembler decodes `.info:` values with the atom rules.

fn simple_escape(c: u8) -> Option<u8> {
    Some(match c {
        b'a' => 0x07,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        _ => return None,
    })
}

fn is_octal(b: u8) -> bool {
    (b'0'..=b'7').contains(&b)
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn hex_value(b: u8) -> u32 {
    (b as char).to_digit(16).unwrap_or(0)
}

/// Decodes a `text` or `string` literal body.
pub fn decode_text_escapes(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let Some(&c) = body.get(i + 1) else {
            break; // a lone trailing backslash is dropped
        };
        if let Some(e) = simple_escape(c) {
            out.push(e);
            i += 2;
        } else if body.len() >= i + 4 && body[i + 1..i + 4].iter().all(|&d| is_octal(d)) {
            let v = body[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, &d| acc * 8 + u32::from(d - b'0'));
            out.push((v % 256) as u8);
            i += 4;
        } else if c == b'x'
            && body.len() >= i + 4
            && is_lower_hex(body[i + 2])
            && is_lower_hex(body[i + 3])
        {
            // The reference converts "0xhhc" with strtol, c being the following character.
            let mut v = hex_value(body[i + 2]) * 16 + hex_value(body[i + 3]);
            if let Some(&next) = body.get(i + 4) {
                if next.is_ascii_hexdigit() {
                    v = v * 16 + hex_value(next);
                }
            }
            out.push((v % 256) as u8);
            i += 4;
        } else {
            out.push(c);
            i += 2;
        }
    }
    out
}

/// Decodes an `atom` literal body.
pub fn decode_atom_escapes(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        match body.get(i + 1) {
            None => {
                out.push(b'\\');
                i += 1;
            }
            Some(&c) => {
                out.push(simple_escape(c).unwrap_or(c));
                i += 2;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes() {
        assert_eq!(decode_text_escapes(br#"a\nb"#), b"a\nb");
        assert_eq!(decode_text_escapes(br#"\x41B"#), b"\x1bB");
        assert_eq!(decode_text_escapes(br#"\x41z"#), b"Az");
        assert_eq!(decode_text_escapes(br#"\x4F"#), b"x4F");
        assert_eq!(decode_text_escapes(br#"\101"#), b"A");
        assert_eq!(decode_text_escapes(br#"\"q\""#), b"\"q\"");
        assert_eq!(decode_text_escapes(b"ab\\"), b"ab");
    }

    #[test]
    fn atom_escapes() {
        assert_eq!(decode_atom_escapes(br#"it\'s"#), b"it's");
        assert_eq!(decode_atom_escapes(br#"\101"#), b"101");
        assert_eq!(decode_atom_escapes(b"a\\"), b"a\\");
        assert_eq!(
            decode_atom_escapes(br"two\nlines\q\"),
            b"two\nlinesq\\".to_vec()
        );
    }
}
