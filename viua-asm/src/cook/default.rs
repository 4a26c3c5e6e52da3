//! The `default` keyword (ASSEMBLY.md §6.3), substituted before unwrapping so that it works
//! inside wraps. The plain meaning is implemented and the written set honoured (the
//! reference's quirks — dropping a non-`local` set, crashing on `float T default`, rejecting
//! `receive T default`, storing `efaul` for `text` — are not reproduced, as recommended).
//!
//! | written | becomes |
//! |---|---|
//! | `call default FN`, `process default FN` | `void` |
//! | `integer T [set] default` | `0` |
//! | `float T [set] default` | `0.0` |
//! | `string T [set] default`, `text T [set] default` | `""` |
//! | `join T [set] P [set] default` | `infinity` |
//! | `receive T [set] default` | `infinity` |
//!
//! `default` anywhere else stays, for a later stage to reject.

use crate::token::Token;

use super::keywords::is_set_position_word;
use super::split_operands;

pub fn substitute_default(mut tokens: Vec<Token>) -> Vec<Token> {
    for i in 0..tokens.len() {
        if tokens[i].text != "default" {
            continue;
        }
        let Some(mnemonic) = instruction_start(&tokens, i) else {
            continue;
        };
        if mnemonic >= i {
            continue;
        }
        let operands = split_operands(&tokens[mnemonic + 1..=i], |_, word| {
            is_set_position_word(word)
        });
        let Some(position) = operands.iter().position(|op| op.start == i - mnemonic - 1) else {
            continue;
        };
        let value = match (tokens[mnemonic].text.as_str(), position) {
            ("call" | "process", 0) => "void",
            ("integer", 1) => "0",
            ("float", 1) => "0.0",
            ("string" | "text", 1) => "\"\"",
            ("join", 2) | ("receive", 1) => "infinity",
            _ => continue,
        };
        tokens[i] = Token::synth(value, &tokens[i]);
    }
    tokens
}

/// Index of the mnemonic of the instruction containing `tokens[at]`: the token after the
/// innermost unclosed `(` or after the start of the line. `None` when the token sits directly
/// in a bracket group (no instruction of its own).
fn instruction_start(tokens: &[Token], at: usize) -> Option<usize> {
    let mut parens = 0usize;
    let mut brackets = 0usize;
    for j in (0..at).rev() {
        match tokens[j].text.as_str() {
            "\n" => return Some(j + 1),
            ")" => parens += 1,
            "]" => brackets += 1,
            "(" if parens == 0 && brackets == 0 => return Some(j + 1),
            "(" => parens = parens.saturating_sub(1),
            "[" if brackets == 0 => return None,
            "[" => brackets -= 1,
            _ => {}
        }
    }
    Some(0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;

    fn substituted(source: &str) -> String {
        cooked_text(&substitute_default(raw(source)))
    }

    #[test]
    fn plain_meanings() {
        assert_eq!(substituted("call default f/0"), "call void f/0\n");
        assert_eq!(substituted("process default f/0"), "process void f/0\n");
        assert_eq!(
            substituted("integer %1 local default"),
            "integer %1 local 0\n"
        );
        assert_eq!(substituted("integer %1 default"), "integer %1 0\n");
        assert_eq!(
            substituted("float %1 static default"),
            "float %1 static 0.0\n"
        );
        assert_eq!(substituted("float %1 default"), "float %1 0.0\n");
        assert_eq!(
            substituted("string %2 global default"),
            "string %2 global \"\"\n"
        );
        assert_eq!(substituted("text %2 local default"), "text %2 local \"\"\n");
        assert_eq!(
            substituted("join %3 local %1 local default"),
            "join %3 local %1 local infinity\n"
        );
        assert_eq!(
            substituted("join void %1 default"),
            "join void %1 infinity\n"
        );
        assert_eq!(
            substituted("receive %1 local default"),
            "receive %1 local infinity\n"
        );
        assert_eq!(
            substituted("receive void default"),
            "receive void infinity\n"
        );
    }

    #[test]
    fn works_inside_wraps_and_keeps_position() {
        assert_eq!(
            substituted("print (integer %1 local default) local (call default f/0)"),
            "print ( integer %1 local 0 ) local ( call void f/0 )\n"
        );
        assert_eq!(
            substituted("add %1 local (integer %2 local [[maybe_unused]] default) local"),
            "add %1 local ( integer %2 local [[ maybe_unused ]] 0 ) local\n"
        );
        let tokens = substitute_default(raw("  integer %1 default"));
        assert_eq!(tokens[2], Token::new("0", 1, 14));
    }

    #[test]
    fn other_uses_stay() {
        for source in [
            "print %1 default",
            "integer default",
            "move %1 local default",
            "frame [default]",
            "default",
            "io_wait %1 local %2 local default",
        ] {
            assert_eq!(
                substituted(source),
                format!("{}\n", cooked_text(&raw(source)).trim_end())
            );
        }
    }
}
