//! The main function: the textual return-value check and main selection (ASSEMBLY.md §3.10,
//! §7.5). The `__entry` body itself is in [`super::codegen::entry_body`].

use crate::diag::{Diagnostic, Entry, Severity};

use super::unit::{DefKind, Definition, Line};

pub(crate) const MAIN_NAMES: [&str; 3] = ["main/0", "main/1", "main/2"];

/// Checks every main candidate defined by the unit itself (not linked code): the
/// second-to-last body line must put a value into `%0 local`.
pub(crate) fn check_return_values<'a>(
    defs: impl Iterator<Item = &'a Definition>,
) -> Result<(), Diagnostic> {
    for def in defs {
        if def.kind == DefKind::Block
            || def.linked_from.is_some()
            || !MAIN_NAMES.contains(&def.name.text.as_str())
        {
            continue;
        }
        check_return_value(def)?;
    }
    Ok(())
}

fn check_return_value(def: &Definition) -> Result<(), Diagnostic> {
    let examined = match def.lines.len() {
        0 => return Ok(()),
        1 => &def.lines[0],
        n => &def.lines[n - 2],
    };
    let first = examined.first_token();
    let no_value = || {
        Err(Diagnostic::new(Entry::error_at(
            first.pos(),
            format!("main function does not return a value: {}", def.name.text),
        )))
    };
    let Line::Instruction(i) = examined else {
        return no_value();
    };
    if !matches!(
        i.mnemonic.text.as_str(),
        "izero" | "integer" | "copy" | "move" | "swap"
    ) {
        return no_value();
    }
    let Some(target) = i.operand(0).filter(|o| o.token.text == "%0") else {
        return no_value();
    };
    match &target.set {
        // A set synthesised by canonicalisation sits at the register token's position; the
        // reference only notices the omission for `izero`.
        Some(set) if set.pos() == target.token.pos() && i.mnemonic.text == "izero" => {
            Err(Diagnostic::new(Entry::error_at(
                first.pos(),
                "main function must explicitly return to local register set",
            )))
        }
        None if i.mnemonic.text == "izero" => Err(Diagnostic::new(Entry::error_at(
            first.pos(),
            "main function must explicitly return to local register set",
        ))),
        Some(set) if set.text != "local" => Err(Diagnostic::new(
            Entry::error_at(
                first.pos(),
                format!(
                    "main function uses invalid register set to return a value: {}",
                    set.text
                ),
            )
            .with_underline(set.span()),
        )),
        _ => Ok(()),
    }
}

/// Picks the main function among `(name, source)` candidates in layout order.
pub(crate) fn select_main<'a>(functions: &[(&'a str, &'a str)]) -> Result<&'a str, Diagnostic> {
    let candidates: Vec<&(&str, &str)> = functions
        .iter()
        .filter(|(n, _)| MAIN_NAMES.contains(n))
        .collect();
    match candidates.as_slice() {
        [] => Err(Diagnostic::new(Entry::unlocated(
            Severity::Error,
            "main function is not defined",
        ))),
        [(name, _)] => Ok(name),
        many => {
            let mut entries: Vec<Entry> = many
                .iter()
                .map(|(name, source)| {
                    Entry::unlocated(
                        Severity::Note,
                        format!("{name} function found in module {source}"),
                    )
                })
                .collect();
            entries.push(Entry::unlocated(
                Severity::Error,
                "more than one candidate for main function",
            ));
            Err(Diagnostic { entries })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_unit;
    use super::super::test_support::canonical;
    use super::*;

    fn check(body: &str) -> String {
        let source = format!(".function: main/0\n{body}\n    return\n.end");
        let lines: Vec<&str> = source.split('\n').collect();
        let unit = parse_unit(&canonical(&source), &lines).unwrap();
        check_return_values(unit.definitions.iter())
            .err()
            .map(|d| crate::diag::render_plain("f", &d))
            .unwrap_or_default()
    }

    #[test]
    fn return_values() {
        assert_eq!(check("    izero %0 local"), "");
        assert_eq!(
            check("    izero %0 static"),
            "f:2:5: error: main function uses invalid register set to return a value: static\n"
        );
        assert_eq!(
            check("    print %1 local"),
            "f:2:5: error: main function does not return a value: main/0\n"
        );
        assert_eq!(
            check("    izero %0"),
            "f:2:5: error: main function must explicitly return to local register set\n"
        );
        assert_eq!(check("    move %0 local %1 local"), "");
    }

    #[test]
    fn selection() {
        assert_eq!(
            select_main(&[("f/0", "x"), ("main/1", "x")]).unwrap(),
            "main/1"
        );
        let d = select_main(&[("main/0", "a.asm"), ("main/1", "m.module")]).unwrap_err();
        assert_eq!(
            crate::diag::render_plain("a.asm", &d),
            "a.asm: note: main/0 function found in module a.asm\na.asm: note: main/1 function found in module m.module\na.asm: error: more than one candidate for main function\n"
        );
    }
}
