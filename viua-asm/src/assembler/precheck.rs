//! A stand-in for the two static-analyser checks the assembler needs before the real analyser
//! exists (ANALYSER.md §4.6.1, §4.12; DECISIONS.md): `unresolved name` for a `%word` no
//! `.name:` declared (analyser on only), and `void` where an instruction reads or writes a
//! plain register (analyser on or off). The analyser replaces this module.

use std::collections::BTreeMap;

use viua_bytecode::{Opcode, OperandKind};

use crate::diag::{Diagnostic, Entry};

use super::suggest::suggest;
use super::syntax::is_digits;
use super::unit::{Class, DirectiveKind, Line, RegisterIndex, Unit};

/// Instructions whose operands 1 and 2 are the analyser's left- and right-hand sides (`L`/`H`).
fn is_binary(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        Add | Sub
            | Mul
            | Div
            | Lt
            | Lte
            | Gt
            | Gte
            | Eq
            | Streq
            | Texteq
            | Textcommonprefix
            | Textcommonsuffix
            | Textconcat
            | And
            | Or
            | Bitand
            | Bitor
            | Bitxor
            | Wrapadd
            | Wrapsub
            | Wrapmul
            | Wrapdiv
            | Checkedsadd
            | Checkedssub
            | Checkedsmul
            | Checkedsdiv
            | Saturatingsadd
            | Saturatingssub
            | Saturatingsmul
            | Saturatingsdiv
            | Pideq
            | Atomeq
    )
}

pub(crate) fn precheck(unit: &Unit, analyser_enabled: bool) -> Result<(), Diagnostic> {
    // The unit's register names (name → index), for the `unresolved name` suggestion.
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    for def in &unit.definitions {
        for line in &def.lines {
            if let Line::Directive(d) = line {
                if let DirectiveKind::Name { index, name } = &d.kind {
                    let digits = index.text.trim_start_matches(['%', '@', '*']);
                    if is_digits(digits) {
                        names
                            .entry(name.text.as_str())
                            .or_insert_with(|| digits.to_owned());
                    }
                }
            }
        }
    }
    for def in &unit.definitions {
        if def.linked_from.is_some() {
            continue;
        }
        let check_names = analyser_enabled && !def.no_sa;
        for i in def.instructions() {
            let shape = i.opcode.shape();
            for (position, operand) in i.operands.iter().enumerate() {
                if let (
                    true,
                    Class::Register {
                        index: RegisterIndex::Unresolved(word),
                        ..
                    },
                ) = (check_names, &operand.class)
                {
                    let mut entry = Entry::error_at(operand.token.pos(), "unresolved name");
                    if let Some(best) = suggest(word, names.keys().copied()) {
                        entry = entry.with_aside(
                            format!("^ did you mean '{best}' (name of {})?", names[best]),
                            operand.token.col.saturating_sub(1),
                        );
                    }
                    return Err(def.trace(Diagnostic::new(entry)));
                }
                if operand.class == Class::Void && shape.get(position) == Some(&OperandKind::Reg) {
                    let entry = match (i.opcode, position) {
                        (Opcode::Print | Opcode::Echo, 0) => {
                            Entry::error_at(operand.token.pos(), "use of void as input register:")
                        }
                        (op, 1) if is_binary(op) => {
                            Entry::error_at(operand.token.pos(), "invalid left-hand side operand")
                                .with_note("expected register index")
                        }
                        (op, 2) if is_binary(op) => {
                            Entry::error_at(operand.token.pos(), "invalid right-hand side operand")
                                .with_note("expected register index")
                        }
                        _ => Entry::error_at(operand.token.pos(), "invalid operand")
                            .with_note("expected register index"),
                    };
                    return Err(def.trace(Diagnostic::new(entry)));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_unit;
    use super::super::test_support::canonical;
    use super::*;

    fn check(source: &str, sa: bool) -> String {
        let lines: Vec<&str> = source.split('\n').collect();
        let unit = parse_unit(&canonical(source), &lines).unwrap();
        precheck(&unit, sa)
            .err()
            .map(|d| crate::diag::render_plain("f", &d))
            .unwrap_or_default()
    }

    #[test]
    fn unresolved_names() {
        let src = ".function: main/0\n    .name: 1 fox\n    .name: 2 zzzz\n    print %foo local\n    return\n.end";
        assert_eq!(
            check(src, true),
            "f:4:11: error: unresolved name\n                 ^ did you mean 'zzzz' (name of 2)?\n\nf:1:12: error: in function main/0\n"
        );
        assert_eq!(check(src, false), "");
    }

    #[test]
    fn void_inputs() {
        let src = ".function: main/0\n    add %2 local %1 local void\n    return\n.end";
        assert!(check(src, false).starts_with("f:2:27: error: invalid right-hand side operand\nf:2:27: note: expected register index\n"));
        assert_eq!(
            check(
                ".function: main/0\n    move void %1 parameters\n    return\n.end",
                true
            ),
            ""
        );
    }
}
