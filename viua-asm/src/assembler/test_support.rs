//! Test helper: tokens of canonical-form source (no rewrites needed), split on spaces with the
//! columns the real lexer would give, one `"\n"` token per non-empty line.

use crate::token::Token;

pub(crate) fn canonical(source: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (n, line) in source.split('\n').enumerate() {
        let line_no = n as u32 + 1;
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut any = false;
        while i < bytes.len() {
            if bytes[i] == b' ' {
                i += 1;
                continue;
            }
            if bytes[i] == b';' {
                break;
            }
            let start = i;
            if bytes[i] == b'"' || bytes[i] == b'\'' {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
            } else if line[i..].starts_with("[[") || line[i..].starts_with("]]") {
                i += 2;
            } else if b"{},".contains(&bytes[i]) {
                i += 1;
            } else {
                while i < bytes.len()
                    && bytes[i] != b' '
                    && !b"{},".contains(&bytes[i])
                    && !line[i..].starts_with("]]")
                    && !line[i..].starts_with("[[")
                {
                    i += 1;
                }
            }
            tokens.push(Token::new(&line[start..i], line_no, start as u32 + 1));
            any = true;
        }
        if any {
            tokens.push(Token::new("\n", line_no, line.len() as u32 + 1));
        }
    }
    tokens
}
