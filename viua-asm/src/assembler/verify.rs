//! The verify phase (ASSEMBLY.md §7.4 "Verification"): seven structural checks, each run over
//! all functions and closures (source order), then all blocks, before the next check starts.
//! Definitions with `[[no_sa]]` (and statically linked code) are skipped.

use std::collections::{HashMap, HashSet};

use viua_bytecode::{Access, Opcode};

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

use super::syntax::{function_arity, hex_offset, is_identifier};
use super::unit::{Class, Definition, Instruction, Line, RegisterIndex, Unit};

type Check = fn(&Definition, &HashSet<&str>) -> Result<(), Diagnostic>;

pub(crate) fn verify(unit: &Unit) -> Result<(), Diagnostic> {
    let mut blocks: HashSet<&str> = unit
        .block_signatures
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    blocks.extend(
        unit.definitions
            .iter()
            .filter(|d| d.kind.is_block())
            .map(|d| d.name.text.as_str()),
    );
    let checks: [Check; 7] = [
        enters,
        catches,
        |d, _| ending(d),
        |d, _| frame_balance(d),
        |d, _| call_arities(d),
        |d, _| argument_slots(d),
        |d, _| jumps(d),
    ];
    for check in checks {
        for def in unit.verify_order().filter(|d| !d.no_sa) {
            check(def, &blocks).map_err(|e| def.trace(e))?;
        }
    }
    Ok(())
}

fn error(at: &Token, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Entry::error_at(at.pos(), message))
}

fn enters(def: &Definition, blocks: &HashSet<&str>) -> Result<(), Diagnostic> {
    for i in def.instructions().filter(|i| i.opcode == Opcode::Enter) {
        if let Some(name) = i.operand(0) {
            if !blocks.contains(name.token.text.as_str()) {
                return Err(error(
                    &name.token,
                    format!("cannot enter undefined block: {}", name.token.text),
                ));
            }
        }
    }
    Ok(())
}

fn catches(def: &Definition, blocks: &HashSet<&str>) -> Result<(), Diagnostic> {
    for i in def.instructions().filter(|i| i.opcode == Opcode::Catch) {
        if let Some(name) = i.operand(1) {
            if !blocks.contains(name.token.text.as_str()) {
                return Err(Diagnostic::new(
                    Entry::error_at(
                        name.token.pos(),
                        format!("cannot catch using undefined block: {}", name.token.text),
                    )
                    .with_underline(i.mnemonic.span()),
                ));
            }
        }
    }
    Ok(())
}

fn ending(def: &Definition) -> Result<(), Diagnostic> {
    match def.lines.last() {
        Some(Line::Directive(d)) => Err(error(&d.token, "invalid end of block: expected mnemonic")),
        Some(Line::Instruction(i))
            if !matches!(i.opcode, Opcode::Leave | Opcode::Return | Opcode::Tailcall) =>
        {
            Err(Diagnostic::new(
                Entry::error_at(i.mnemonic.pos(), "invalid last mnemonic")
                    .with_note("expected one of: leave, return, or tailcall"),
            ))
        }
        _ => Ok(()),
    }
}

fn consumes_frame(op: Opcode) -> bool {
    matches!(
        op,
        Opcode::Call | Opcode::Tailcall | Opcode::Defer | Opcode::Process | Opcode::Watchdog
    )
}

fn frame_balance(def: &Definition) -> Result<(), Diagnostic> {
    let mut pending: Vec<&Token> = Vec::new();
    for i in def.instructions() {
        match i.opcode {
            Opcode::Frame => {
                if let Some(earlier) = pending.last() {
                    return Err(error(&i.mnemonic, "excess frame spawned")
                        .then(Entry::note_at(earlier.pos(), "unused frame:")));
                }
                pending.push(&i.mnemonic);
            }
            // The guard pops the pending frame; only a call without one matches.
            op if consumes_frame(op) && pending.pop().is_none() => {
                return Err(error(
                    &i.mnemonic,
                    format!("call with '{}' without a frame", i.mnemonic.text),
                ));
            }
            Opcode::Return | Opcode::Leave | Opcode::Throw => {
                if let Some(frame) = pending.last() {
                    return Err(error(&i.mnemonic, "lost frame at:")
                        .then(Entry::note_at(frame.pos(), "spawned here:")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The slot count of a `frame` instruction (`-1` when not written as a register).
fn frame_count(frame: &Instruction) -> i64 {
    match frame.operand(0).and_then(|o| o.register_number()) {
        Some((_, n)) => i64::from(n),
        None => -1,
    }
}

fn callee(i: &Instruction) -> Option<&super::unit::Operand> {
    match i.opcode {
        Opcode::Call | Opcode::Process => i.operand(1),
        Opcode::Tailcall | Opcode::Defer => i.operand(0),
        _ => None,
    }
}

fn call_arities(def: &Definition) -> Result<(), Diagnostic> {
    let mut frame: Option<&Instruction> = None;
    for i in def.instructions() {
        if i.opcode == Opcode::Frame {
            frame = Some(i);
            continue;
        }
        let Some(target) = callee(i) else { continue };
        match &target.class {
            Class::Register { .. } | Class::Quoted { single: true } => {}
            Class::FunctionName => {
                let (Some(Some(expected)), Some(frame)) =
                    (function_arity(&target.token.text), frame)
                else {
                    continue;
                };
                let got = frame_count(frame);
                if i64::from(expected) != got {
                    return Err(Diagnostic::new(
                        Entry::error_at(
                            i.mnemonic.pos(),
                            format!(
                                "invalid number of parameters in call to function {}: expected {expected}, got {got}",
                                target.token.text
                            ),
                        )
                        .with_underline(target.token.span()),
                    )
                    .then(Entry::error_at(frame.mnemonic.pos(), "from frame spawned here")));
                }
            }
            Class::Word => {
                return Err(Diagnostic::new(
                    Entry::error_at(target.token.pos(), "not a valid function name")
                        .with_underline(i.mnemonic.span()),
                ))
            }
            _ => {
                return Err(error(
                    &target.token,
                    "invalid operand: expected function name, atom, or register index",
                ))
            }
        }
    }
    Ok(())
}

struct PendingFrame<'a> {
    frame: &'a Token,
    slots: Option<u16>,
    passes: HashMap<u16, &'a Token>,
    gap_check: bool,
}

fn argument_slots(def: &Definition) -> Result<(), Diagnostic> {
    let mut pending: Option<PendingFrame> = None;
    for i in def.instructions() {
        match i.opcode {
            Opcode::Frame => {
                let slots = i
                    .operand(0)
                    .and_then(|o| o.register_number())
                    .map(|(_, n)| n);
                pending = Some(PendingFrame {
                    frame: &i.mnemonic,
                    slots,
                    passes: HashMap::new(),
                    gap_check: true,
                });
            }
            Opcode::Copy | Opcode::Move => {
                let (Some(state), Some(target)) = (pending.as_mut(), i.operand(0)) else {
                    continue;
                };
                if target.set_name() != Some("arguments") {
                    continue;
                }
                match &target.class {
                    Class::Register {
                        access: Access::Direct,
                        index: RegisterIndex::Number(slot),
                    } => {
                        if let Some(n) = state.slots {
                            if *slot >= n {
                                return Err(error(
                                    &i.mnemonic,
                                    format!("pass to parameter slot {slot} in frame with only {n} slots available"),
                                ));
                            }
                        }
                        if let Some(first) = state.passes.get(slot) {
                            return Err(Diagnostic::new(
                                Entry::error_at(
                                    i.mnemonic.pos(),
                                    format!("double pass to parameter slot {slot}"),
                                )
                                .with_underline(target.token.span()),
                            )
                            .then(Entry::note_at(first.pos(), "first pass at"))
                            .then(Entry::note_at(state.frame.pos(), "in frame spawned at")));
                        }
                        state.passes.insert(*slot, &i.mnemonic);
                    }
                    Class::Register {
                        access: Access::Reference,
                        ..
                    } => state.gap_check = false,
                    _ => {}
                }
            }
            Opcode::Call | Opcode::Process | Opcode::Defer => {
                if let Some(state) = pending.take() {
                    if let (true, Some(n)) = (state.gap_check, state.slots) {
                        if let Some(slot) = (0..n).find(|s| !state.passes.contains_key(s)) {
                            return Err(error(state.frame, "gap in frame").then(Entry::error_at(
                                i.mnemonic.pos(),
                                format!("slot {slot} left empty at"),
                            )));
                        }
                    }
                }
            }
            Opcode::Tailcall | Opcode::Watchdog => pending = None,
            _ => {}
        }
    }
    Ok(())
}

/// Resolves a non-hex jump target for the verify phase; `Ok(None)` for `0x…` targets.
fn check_target(
    target: &super::unit::Operand,
    current: usize,
    count: usize,
    markers: &HashMap<&str, usize>,
) -> Result<Option<usize>, Diagnostic> {
    let text = target.token.text.as_str();
    let at = &target.token;
    let invalid = || {
        Diagnostic::new(
            Entry::error_at(at.pos(), "invalid operand for jump instruction")
                .with_note("expected a label or an offset"),
        )
    };
    let index = match target.class {
        Class::Bits if hex_offset(text).is_some() => return Ok(None),
        Class::Integer | Class::Offset => {
            let (sign, digits) = match text.as_bytes()[0] {
                b'-' => (-1, &text[1..]),
                b'+' => (1, &text[1..]),
                _ => (0, text),
            };
            let n: u64 = digits.parse().unwrap_or(u64::MAX);
            let index = match sign {
                0 => n,
                _ if n == 0 => return Err(error(at, "zero-distance jump")),
                -1 => match (current as u64).checked_sub(n) {
                    Some(i) => i,
                    None => return Err(error(at, "backward out-of-range jump")),
                },
                _ => (current as u64).saturating_add(n),
            };
            if index == current as u64 {
                return Err(error(at, "zero-distance jump"));
            }
            if index >= count as u64 {
                return Err(error(at, "forward out-of-range jump"));
            }
            index as usize
        }
        Class::Word if is_identifier(text) => {
            let Some(&index) = markers.get(text) else {
                return Err(error(at, format!("jump to unrecognised marker: {text}")));
            };
            if index >= count {
                return Err(error(at, "marker out-of-range jump"));
            }
            if index == current {
                return Err(error(at, "zero-distance jump"));
            }
            index
        }
        _ => return Err(invalid()),
    };
    Ok(Some(index))
}

fn jumps(def: &Definition) -> Result<(), Diagnostic> {
    let markers = def.markers();
    let count = def.instructions().count();
    for (current, i) in def.instructions().enumerate() {
        let targets: &[usize] = match i.opcode {
            Opcode::Jump => &[0],
            Opcode::If => &[1, 2],
            _ => continue,
        };
        let mut resolved = Vec::new();
        for &n in targets {
            let Some(target) = i.operand(n) else {
                return Err(Diagnostic::new(
                    Entry::error_at(i.end.pos(), "invalid operand for jump instruction")
                        .with_note("expected a label or an offset"),
                ));
            };
            resolved.push((
                target.token.text.as_str(),
                check_target(target, current, count, &markers)?,
            ));
        }
        if let [(text_a, a), (text_b, b)] = resolved[..] {
            if text_a == text_b || (a.is_some() && a == b) {
                return Err(error(
                    &i.mnemonic,
                    "useless branch: both targets point to the same instruction",
                ));
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

    fn check(source: &str) -> String {
        let lines: Vec<&str> = source.split('\n').collect();
        let unit = parse_unit(&canonical(source), &lines).unwrap();
        verify(&unit)
            .err()
            .map(|d| crate::diag::render_plain("f", &d))
            .unwrap_or_default()
    }

    #[test]
    fn frames() {
        assert_eq!(
            check(".function: main/0\n    frame %0\n    nop\n    return\n.end"),
            "f:4:5: error: lost frame at:\n\nf:2:5: note: spawned here:\n\nf:1:12: error: in function main/0\n"
        );
        assert!(
            check(".function: main/0\n    call void f/0\n    return\n.end")
                .contains("call with 'call' without a frame")
        );
        assert!(
            check(".function: main/0\n    frame %1\n    frame %1\n    return\n.end")
                .starts_with("f:3:5: error: excess frame spawned\n\nf:2:5: note: unused frame:\n")
        );
        assert!(check(".function: main/0\n    frame %2 local\n    copy %1 arguments %1 local\n    call void f/2\n    return\n.end")
            .starts_with("f:2:5: error: gap in frame\n\nf:4:5: error: slot 0 left empty at\n"));
        assert!(check(".function: main/0\n    frame %1 local\n    copy %0 arguments %1 local\n    call void f/2\n    return\n.end")
            .starts_with("f:4:5: error: invalid number of parameters in call to function f/2: expected 2, got 1\n\nf:2:5: error: from frame spawned here\n"));
    }

    #[test]
    fn jump_targets() {
        let body = |jump: &str| {
            format!(".function: main/0\n    nop\n    {jump}\n    .mark: end\n    return\n.end")
        };
        assert!(check(&body("jump +0")).starts_with("f:3:10: error: zero-distance jump"));
        assert!(check(&body("jump -2")).starts_with("f:3:10: error: backward out-of-range jump"));
        assert!(check(&body("jump +2")).starts_with("f:3:10: error: forward out-of-range jump"));
        assert!(check(&body("jump nowhere"))
            .starts_with("f:3:10: error: jump to unrecognised marker: nowhere"));
        assert!(check(&body("jump %1 local")).starts_with("f:3:10: error: invalid operand for jump instruction\nf:3:10: note: expected a label or an offset"));
        assert_eq!(check(&body("jump end")), "");
        assert_eq!(check(&body("jump 0x1d")), "");
        assert!(check(&body("if %1 local end 2")).starts_with("f:3:5: error: useless branch"));
    }

    #[test]
    fn endings_and_blocks() {
        assert!(check(".block: b\n    nop\n.end").starts_with("f:2:5: error: invalid last mnemonic\nf:2:5: note: expected one of: leave, return, or tailcall\n\nf:1:9: error: in block b"));
        assert!(check(".function: [[no_sa]] f/0\n    nop\n.end").is_empty());
        assert!(check(".function: f/0\n    enter b\n    return\n.end")
            .starts_with("f:2:11: error: cannot enter undefined block: b"));
    }
}
