//! Nested blocks (ASSEMBLY.md §3.4.1, §6.9).
//!
//! A `.block:` inside a top-level definition is cut out (from `.block:` to its `.end`),
//! renamed `ENCLOSING__nested__NAME` and emitted as a top-level block before the enclosing
//! definition (several in source order). The mangled name, at the position of the original
//! name token, replaces the cut-out text in the enclosing line. ENCLOSING is the enclosing
//! definition's name, its attributes skipped (the reference takes the `[[` there; §3.4.1
//! recommends the name). Only one level is extracted; deeper blocks travel inside the
//! extracted one for gathering to reject, and a nested block without its `.end` stays.

use crate::token::Token;

use super::matching_close;

fn opens_definition(token: &Token) -> bool {
    matches!(token.text.as_str(), ".function:" | ".closure:" | ".block:")
}

/// Index of the name after the directive at `directive`, attributes skipped.
fn name_index(tokens: &[Token], directive: usize) -> Option<usize> {
    let mut i = directive + 1;
    if tokens.get(i)?.text == "[[" {
        i = matching_close(tokens, i, tokens.len(), "]]")? + 1;
    }
    tokens.get(i).filter(|t| !t.is_newline()).map(|_| i)
}

/// Index of the `.end` closing the definition opened at `directive`.
fn closing_end(tokens: &[Token], directive: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(directive) {
        if opens_definition(token) {
            depth += 1;
        } else if token.text == ".end" {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

pub fn extract_nested_blocks(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut definition: Vec<Token> = Vec::new();
    let mut extracted: Vec<Token> = Vec::new();
    let mut enclosing = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if depth == 0 {
            if opens_definition(token) {
                depth = 1;
                enclosing =
                    name_index(&tokens, i).map_or_else(String::new, |n| tokens[n].text.clone());
                definition.push(token.clone());
            } else {
                out.push(token.clone());
            }
            i += 1;
            continue;
        }
        if depth == 1 && token.text == ".block:" {
            if let (Some(name), Some(end)) = (name_index(&tokens, i), closing_end(&tokens, i)) {
                if name < end {
                    let mangled = Token::synth(
                        format!("{enclosing}__nested__{}", tokens[name].text),
                        &tokens[name],
                    );
                    extracted.extend(tokens[i..name].iter().cloned());
                    extracted.push(mangled.clone());
                    extracted.extend(tokens[name + 1..=end].iter().cloned());
                    extracted.push(Token::synth("\n", &tokens[end]));
                    definition.push(mangled);
                    i = end + 1;
                    continue;
                }
            }
        }
        if opens_definition(token) {
            depth += 1;
        } else if token.text == ".end" {
            depth -= 1;
        }
        definition.push(token.clone());
        if depth == 0 {
            flush(&mut out, &mut extracted, &mut definition);
        }
        i += 1;
    }
    flush(&mut out, &mut extracted, &mut definition);
    out
}

/// Emits the extracted blocks, then the definition they came from.
fn flush(out: &mut Vec<Token>, extracted: &mut Vec<Token>, definition: &mut Vec<Token>) {
    if !extracted.is_empty() {
        if let Some(last) = out.last().filter(|t| !t.is_newline()) {
            let newline = Token::synth("\n", last);
            out.push(newline);
        }
        out.append(extracted);
    }
    out.append(definition);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;

    fn extracted(source: &str) -> String {
        cooked_text(&extract_nested_blocks(raw(source)))
    }

    #[test]
    fn spec_example() {
        let source = ".function: risky/0\n    allocate_registers %2 local\n    try\n    catch \"Integer\" .block: on_int\n        draw %1 local\n        leave\n    .end\n    enter .block: attempt\n        throw %1 local\n        leave\n    .end\n    return\n.end\n";
        assert_eq!(
            extracted(source),
            ".block: risky/0__nested__on_int\ndraw %1 local\nleave\n.end\n.block: risky/0__nested__attempt\nthrow %1 local\nleave\n.end\n.function: risky/0\nallocate_registers %2 local\ntry\ncatch \"Integer\" risky/0__nested__on_int\nenter risky/0__nested__attempt\nreturn\n.end\n"
        );
        let tokens = extract_nested_blocks(raw(source));
        assert_eq!(tokens[1], Token::new("risky/0__nested__on_int", 4, 29));
        let in_line = tokens
            .iter()
            .filter(|t| t.text == "risky/0__nested__attempt")
            .nth(1)
            .unwrap();
        assert_eq!((in_line.line, in_line.col), (8, 19));
    }

    #[test]
    fn attributes_use_the_definition_name() {
        assert_eq!(
            extracted(".function: [[no_sa]] f/0\nenter .block: [[no_sa]] b\nleave\n.end\nreturn\n.end\n.block: top\nenter .block: inner\nleave\n.end\nleave\n.end"),
            ".block: [[ no_sa ]] f/0__nested__b\nleave\n.end\n.function: [[ no_sa ]] f/0\nenter f/0__nested__b\nreturn\n.end\n.block: top__nested__inner\nleave\n.end\n.block: top\nenter top__nested__inner\nleave\n.end\n"
        );
    }

    #[test]
    fn malformed_input_passes_through() {
        for source in [
            ".function: f/0\nenter .block: b\nleave\n",
            ".function: f/0\nenter .block:\n.end",
            ".end\n.block:",
        ] {
            assert_eq!(extracted(source), cooked_text(&raw(source)));
        }
    }
}
