//! Gathering (ASSEMBLY.md §1 step 5): definition nesting, reserved names and duplicate names,
//! checked over the cooked token stream before it is parsed.

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

use super::syntax::is_reserved;

/// The five ways of introducing a name, in the order of the duplicate scans (§3.13).
const NAME_DIRECTIVES: [&str; 5] = [
    ".function:",
    ".closure:",
    ".signature:",
    ".block:",
    ".bsignature:",
];

/// Runs every gathering check; the first failure is the error.
pub(crate) fn gather(tokens: &[Token]) -> Result<(), Diagnostic> {
    for (directive, word) in [
        (".function:", "function"),
        (".closure:", "closure"),
        (".block:", "block"),
    ] {
        check_nesting(tokens, directive, word)?;
    }
    let names = introduced_names(tokens);
    for Introduced {
        directive, name, ..
    } in &names
    {
        if is_reserved(&name.text) {
            let what = if matches!(*directive, ".block:" | ".bsignature:") {
                "block"
            } else {
                "function"
            };
            return Err(Diagnostic::new(Entry::error_at(
                name.pos(),
                format!(
                    "invalid {what} name: '{}' is a registered keyword",
                    name.text
                ),
            )));
        }
    }
    check_duplicates(&names)
}

/// The token after a directive, skipping an attribute list; the flag says whether the list
/// holds `linked_from`.
fn name_after(tokens: &[Token], directive_at: usize) -> Option<(&Token, bool)> {
    let mut i = directive_at + 1;
    let mut linked = false;
    if tokens.get(i).is_some_and(|t| t.text == "[[") {
        while tokens
            .get(i)
            .is_some_and(|t| t.text != "]]" && !t.is_newline())
        {
            linked |= tokens[i].text == "linked_from";
            i += 1;
        }
        i += 1;
    }
    tokens
        .get(i)
        .filter(|t| !t.is_newline())
        .map(|t| (t, linked))
}

/// A name-introducing item: its directive, name, and whether it is statically linked code.
struct Introduced<'a> {
    directive: &'static str,
    name: &'a Token,
    linked: bool,
}

impl Introduced<'_> {
    fn is_declaration(&self) -> bool {
        matches!(self.directive, ".signature:" | ".bsignature:")
    }
}

/// `.function:` inside an open `.function:` (and likewise for closures and blocks).
fn check_nesting(tokens: &[Token], directive: &str, word: &str) -> Result<(), Diagnostic> {
    let mut open: Option<&str> = None;
    for (i, token) in tokens.iter().enumerate() {
        if token.text == ".end" {
            open = None;
        } else if token.text == directive {
            if let Some(name) = open {
                return Err(Diagnostic::new(Entry::error_at(
                    token.pos(),
                    format!(
                        "another {word} opened before assembler reached .end after '{name}' {word}"
                    ),
                )));
            }
            open = Some(name_after(tokens, i).map_or("", |(t, _)| t.text.as_str()));
        }
    }
    Ok(())
}

fn introduced_names(tokens: &[Token]) -> Vec<Introduced<'_>> {
    let mut names = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if let Some(directive) = NAME_DIRECTIVES.iter().find(|d| **d == token.text) {
            if let Some((name, linked)) = name_after(tokens, i) {
                names.push(Introduced {
                    directive,
                    name,
                    linked,
                });
            }
        }
    }
    names
}

/// One scan per kind: names of that kind are recorded in source order, and the first later
/// occurrence of a recorded name, of any kind, is the duplicate.
///
/// A declaration may name statically linked code (`[[linked_from]]`): an executable that
/// declared a function its linked module defines disassembles to exactly that.
fn check_duplicates(names: &[Introduced<'_>]) -> Result<(), Diagnostic> {
    for kind in NAME_DIRECTIVES {
        let mut recorded: std::collections::HashMap<&str, &Introduced> = Default::default();
        for item in names {
            if let Some(earlier) = recorded.get(item.name.text.as_str()) {
                let declared_linked = (earlier.linked && item.is_declaration())
                    || (item.linked && earlier.is_declaration());
                if !declared_linked {
                    return Err(Diagnostic::new(Entry::error_at(
                        item.name.pos(),
                        format!("duplicated name: {}", item.name.text),
                    ))
                    .then(Entry::error_at(earlier.name.pos(), "already defined here:")));
                }
            }
            if item.directive == kind {
                recorded.insert(&item.name.text, item);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::canonical;
    use super::*;

    fn first_error(source: &str) -> String {
        gather(&canonical(source))
            .err()
            .map(|d| {
                format!(
                    "{:?}",
                    d.entries
                        .iter()
                        .map(|e| (e.pos.map(|p| (p.line, p.col)), e.lines[0].message.clone()))
                        .collect::<Vec<_>>()
                )
            })
            .unwrap_or_default()
    }

    #[test]
    fn signature_then_definition() {
        let e = first_error(".signature: later/0\n.function: later/0\nreturn\n.end\n");
        assert_eq!(
            e,
            r#"[(Some((2, 12)), "duplicated name: later/0"), (Some((1, 13)), "already defined here:")]"#
        );
    }

    #[test]
    fn nesting_and_reserved() {
        let e = first_error(".function: a/0\nreturn\n.function: b/0\nreturn\n.end\n");
        assert!(
            e.contains(
                "another function opened before assembler reached .end after 'a/0' function"
            ),
            "{e}"
        );
        let e = first_error(".block: [[no_sa]] local\nleave\n.end\n");
        assert!(
            e.contains("invalid block name: 'local' is a registered keyword"),
            "{e}"
        );
        assert_eq!(first_error(".function: a/0\nreturn\n.end\n"), "");
    }
}
