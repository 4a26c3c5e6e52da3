//! `iota` substitution and the `.iota:` directive (ASSEMBLY.md §6.4, §4.4).
//!
//! Scopes: every `.function:`, `.closure:` and `.block:` opens one starting at 1 (local
//! register 0 holds the return value), every `[` one starting at 0; every `.end` and `]`
//! closes the innermost. `iota`, `%iota`, `@iota`, `*iota` become the innermost counter
//! (keeping the sigil), which then increments. `.iota: N` sets the counter and disappears
//! from the stream together with its argument, wherever it is written.

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

use super::keywords::is_digits;
use super::{error_at, escape_control};

pub fn substitute_iota(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut scopes: Vec<u64> = Vec::new();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token.text.as_str() {
            ".function:" | ".closure:" | ".block:" => scopes.push(1),
            "[" => scopes.push(0),
            ".end" | "]" => {
                scopes.pop();
            }
            ".iota:" => {
                let Some(counter) = scopes.last_mut() else {
                    return Err(error_at(
                        token,
                        "'.iota:' directive used outside of iota scope",
                    ));
                };
                let argument = tokens
                    .get(i + 1)
                    .cloned()
                    .unwrap_or_else(|| Token::synth("", token));
                match argument.text.parse::<u64>() {
                    Ok(value) if is_digits(&argument.text) => *counter = value,
                    _ => {
                        let message = format!(
                            "invalid argument to '.iota:' directive: {}",
                            escape_control(&argument.text)
                        );
                        return Err(Diagnostic::new(Entry::error_at(argument.pos(), message)));
                    }
                }
                i += 2;
                continue;
            }
            "iota" | "%iota" | "@iota" | "*iota" => {
                let Some(counter) = scopes.last_mut() else {
                    return Err(error_at(
                        token,
                        format!("{} used outside of iota scope", token.text),
                    ));
                };
                let sigil = token.text.strip_suffix("iota").unwrap_or_default();
                out.push(Token::synth(format!("{sigil}{counter}"), token));
                *counter = counter.saturating_add(1);
                i += 1;
                continue;
            }
            _ => {}
        }
        out.push(token.clone());
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;
    use crate::diag::Pos;

    fn substituted(source: &str) -> String {
        let tokens = substitute_iota(raw(source)).unwrap();
        cooked_text(&tokens)
    }

    #[test]
    fn definitions_count_from_one_and_groups_from_zero() {
        assert_eq!(
            substituted(".function: f/0\n.name: iota a\n.name: iota b\nprint %iota local\nframe [(copy %iota arguments @iota) (x *iota)]\nnop iota\n.end\n"),
            ".function: f/0\n.name: 1 a\n.name: 2 b\nprint %3 local\nframe [ ( copy %0 arguments @1 ) ( x *2 ) ]\nnop 4\n.end\n"
        );
    }

    #[test]
    fn nested_blocks_have_their_own_scope() {
        assert_eq!(
            substituted(".function: f/0\nx iota\nenter .block: b\ny iota\n.end\nz iota\n.end\n"),
            ".function: f/0\nx 1\nenter .block: b\ny 1\n.end\nz 2\n.end\n"
        );
    }

    #[test]
    fn iota_directive_sets_the_counter_and_disappears() {
        assert_eq!(
            substituted(
                ".function: f/0\n.iota: 5\nx iota\nmove %2 local .iota: 0 %iota parameters\n.end\n"
            ),
            ".function: f/0\n\nx 5\nmove %2 local %0 parameters\n.end\n"
        );
    }

    #[test]
    fn iota_errors() {
        let cases = [
            (
                "nop\n.iota: 3\n",
                "'.iota:' directive used outside of iota scope",
                (2, 1),
            ),
            (
                ".function: f/0\n    .iota: foo\n",
                "invalid argument to '.iota:' directive: foo",
                (2, 12),
            ),
            (
                ".function: f/0\n.iota: -1\n",
                "invalid argument to '.iota:' directive: -1",
                (2, 8),
            ),
            (
                ".function: f/0\n.iota:\n",
                "invalid argument to '.iota:' directive: \\n",
                (2, 7),
            ),
            ("x iota\n", "iota used outside of iota scope", (1, 3)),
            (
                ".function: f/0\n.end\nx  %iota\n",
                "%iota used outside of iota scope",
                (3, 4),
            ),
        ];
        for (source, message, (line, col)) in cases {
            let d = substitute_iota(raw(source)).unwrap_err();
            assert_eq!(d.message(), message, "{source:?}");
            assert_eq!(d.entries[0].pos, Some(Pos { line, col }), "{source:?}");
        }
    }
}
