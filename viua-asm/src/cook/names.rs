//! Register names (ASSEMBLY.md §4.2).
//!
//! From a `.name: INDEX NAME` line to the end of the outermost enclosing definition, every
//! token that is exactly NAME, `%NAME`, `@NAME` or `*NAME` becomes INDEX (sigil stripped),
//! `%INDEX`, `@INDEX`, `*INDEX`. The replacement is purely textual, so it also hits marker
//! names, jump labels, block names and the set names `arguments`/`parameters` (the pitfall
//! the spec requires). The `.name:` lines stay in the stream, unsubstituted, for the
//! analyser and the main return-value check.

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::token::Token;

use super::keywords::{is_digits, is_reserved};
use super::{error_at, escape_control};

pub fn substitute_names(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut names: HashMap<String, String> = HashMap::new();
    let mut depth = 0usize;
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token.text.as_str() {
            ".function:" | ".closure:" | ".block:" => {
                if depth == 0 {
                    names.clear();
                }
                depth += 1;
            }
            ".end" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    names.clear();
                }
            }
            ".name:" => {
                if let (Some(index), Some(name)) = (tokens.get(i + 1), tokens.get(i + 2)) {
                    if !index.is_newline() && !name.is_newline() {
                        names.insert(name.text.clone(), register_index(index, name)?.to_string());
                        out.extend([token, index, name].into_iter().cloned());
                        i += 3;
                        continue;
                    }
                }
            }
            _ => {
                if let Some(replaced) = substituted(token, &names) {
                    out.push(replaced);
                    i += 1;
                    continue;
                }
            }
        }
        out.push(token.clone());
        i += 1;
    }
    Ok(out)
}

/// Checks a `.name:` directive and returns its index digits.
fn register_index<'a>(index: &'a Token, name: &Token) -> Result<&'a str, Diagnostic> {
    if is_reserved(&name.text) {
        return Err(error_at(
            name,
            format!(
                "invalid register name: '{}' is a registered keyword",
                name.text
            ),
        ));
    }
    let digits = index
        .text
        .strip_prefix(['%', '@', '*'])
        .unwrap_or(&index.text);
    if !is_digits(digits) {
        let message = format!(
            "invalid register index: {} := \"{}\"",
            escape_control(&name.text),
            escape_control(&index.text)
        );
        return Err(error_at(index, message));
    }
    Ok(digits)
}

/// The token with a registered name replaced, keeping its position.
fn substituted(token: &Token, names: &HashMap<String, String>) -> Option<Token> {
    if names.is_empty() {
        return None;
    }
    let (sigil, word) = match token.text.strip_prefix(['%', '@', '*']) {
        Some(word) => (&token.text[..1], word),
        None => ("", token.text.as_str()),
    };
    if is_digits(word) {
        return None;
    }
    names
        .get(word)
        .map(|index| Token::synth(format!("{sigil}{index}"), token))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;
    use crate::diag::Pos;

    fn substituted_text(source: &str) -> String {
        cooked_text(&substitute_names(raw(source)).unwrap())
    }

    #[test]
    fn spec_example() {
        assert_eq!(
            substituted_text(".function: f/0\n.name: 1 total\n.name: %2 step\ninteger %total local 0\ninteger %step local 5\nadd %total local %total local %step local\n.end"),
            ".function: f/0\n.name: 1 total\n.name: %2 step\ninteger %1 local 0\ninteger %2 local 5\nadd %1 local %1 local %2 local\n.end\n"
        );
    }

    #[test]
    fn pitfall_bare_words_are_replaced_too() {
        assert_eq!(
            substituted_text(".function: f/0\n.name: 3 loop\n.mark: loop\njump loop\n.name: 4 arguments\ncopy %0 arguments @loop local\n.end"),
            ".function: f/0\n.name: 3 loop\n.mark: 3\njump 3\n.name: 4 arguments\ncopy %0 4 @3 local\n.end\n"
        );
    }

    #[test]
    fn scope_is_the_outermost_definition() {
        assert_eq!(
            substituted_text(".function: f/0\nx %a\n.name: 1 a\nenter .block: b\n.name: 2 c\ny %a %c\n.end\nz %a %c\n.end\n.function: g/0\nw %a\n.end"),
            ".function: f/0\nx %a\n.name: 1 a\nenter .block: b\n.name: 2 c\ny %1 %2\n.end\nz %1 %2\n.end\n.function: g/0\nw %a\n.end\n"
        );
    }

    #[test]
    fn later_name_changes_the_mapping_and_names_lines_stay_unsubstituted() {
        assert_eq!(
            substituted_text(".function: f/0\n.name: 1 a\nx %a\n.name: 2 a\nx %a 1\n.end"),
            ".function: f/0\n.name: 1 a\nx %1\n.name: 2 a\nx %2 1\n.end\n"
        );
        let tokens = substitute_names(raw(".function: f/0\n.name: 1 a\n  x %a\n.end")).unwrap();
        assert_eq!(tokens[8], Token::new("%1", 3, 5));
    }

    #[test]
    fn name_errors() {
        let d = substitute_names(raw(".function: f/0\n    .name: 1 print\n.end")).unwrap_err();
        assert_eq!(
            d.message(),
            "invalid register name: 'print' is a registered keyword"
        );
        assert_eq!(d.entries[0].pos, Some(Pos { line: 2, col: 14 }));
        let d = substitute_names(raw(".function: f/0\n    .name: x1 counter\n.end")).unwrap_err();
        assert_eq!(d.message(), "invalid register index: counter := \"x1\"");
        assert_eq!(d.entries[0].pos, Some(Pos { line: 2, col: 12 }));
        let d = substitute_names(raw(".function: f/0\n.name: \"a\nb\" counter\n.end")).unwrap_err();
        assert_eq!(
            d.message(),
            "invalid register index: counter := \"\"a\\nb\"\""
        );
    }
}
