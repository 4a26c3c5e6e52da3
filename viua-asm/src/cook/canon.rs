//! Canonicalisation (ASSEMBLY.md §6.2): omitted register sets and operands filled in, so code
//! generation sees the canonical shapes of §6.10. Only the mnemonics of the §6.2 table are
//! touched; every other line stays as written (generation reports what is missing).
//!
//! The rules are positional: a set word directly after a register token is its set; an
//! operand is omitted when the line ends before it. Synthesised set tokens take the position
//! of their register; other synthesised operands that of the token before them.
//! Also reported here: `missing '.' character before 'end'` (a line starting with `end`),
//! `branch without operands`, `branch without a target`, `missing second operand`.

use crate::diag::{Diagnostic, Entry, Pos};
use crate::token::Token;

use super::keywords::{is_digits, is_register, is_register_set, is_set_position_word};
use super::{error_at, split_operands};

pub fn canonicalise(tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut out = Vec::with_capacity(tokens.len() + tokens.len() / 4);
    let mut line_start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if !token.is_newline() {
            continue;
        }
        let line = &tokens[line_start..i];
        line_start = i + 1;
        if line.is_empty() {
            continue;
        }
        if line[0].text == "end" {
            return Err(error_at(&line[0], "missing '.' character before 'end'"));
        }
        out.extend(canonical_line(line)?);
        out.push(token.clone());
    }
    Ok(out)
}

/// One operand being canonicalised: its core tokens, its set, and trailing attributes.
#[derive(Debug, Clone)]
struct Operand {
    core: Vec<Token>,
    set: Option<Token>,
    attributes: Vec<Token>,
}

impl Operand {
    fn synth(text: &str, at: &Token) -> Operand {
        Operand {
            core: vec![Token::synth(text, at)],
            set: None,
            attributes: Vec::new(),
        }
    }

    fn head(&self) -> &Token {
        &self.core[0]
    }

    fn is_register(&self) -> bool {
        self.core.len() == 1 && is_register(&self.head().text)
    }

    fn is_void(&self) -> bool {
        self.core.len() == 1 && self.head().text == "void"
    }

    /// The set written for this operand, `local` if omitted.
    fn set_name(&self) -> String {
        self.set
            .as_ref()
            .map_or_else(|| "local".to_string(), |s| s.text.clone())
    }

    /// Gives a register without a set the set `set`.
    fn default_set(&mut self, set: &str) {
        if self.is_register() && self.set.is_none() {
            self.set = Some(Token::synth(set, self.head()));
        }
    }

    /// A copy of this register operand (same index and set), at its position.
    fn copy_register(&self) -> Operand {
        Operand {
            core: self.core.clone(),
            set: Some(Token::synth(self.set_name(), self.head())),
            attributes: Vec::new(),
        }
    }

    fn last(&self) -> &Token {
        self.attributes
            .last()
            .or(self.set.as_ref())
            .unwrap_or(&self.core[self.core.len() - 1])
    }
}

/// Mnemonics after whose register operands a bare identifier is a name or marker, not a
/// (misspelt) set: only real set names count there.
fn only_real_sets(mnemonic: &str) -> bool {
    matches!(
        mnemonic,
        "if" | "call"
            | "process"
            | "tailcall"
            | "defer"
            | "closure"
            | "function"
            | "join"
            | "receive"
    )
}

fn canonical_line(line: &[Token]) -> Result<Vec<Token>, Diagnostic> {
    let mnemonic = &line[0];
    let name = mnemonic.text.as_str();
    let is_capture = matches!(name, "capture" | "capturecopy" | "capturemove");
    let strict = only_real_sets(name);
    let rest = &line[1..];
    let spans = split_operands(rest, |index, word| {
        if is_capture && index == 1 {
            false
        } else if strict {
            is_register_set(word)
        } else {
            is_set_position_word(word)
        }
    });
    let mut ops: Vec<Operand> = spans
        .iter()
        .map(|span| {
            let core_end = span
                .set
                .unwrap_or_else(|| core_end(rest, span.start, span.end));
            let attributes_start = span.set.map_or(core_end, |s| s + 1);
            Operand {
                core: rest[span.start..core_end].to_vec(),
                set: span.set.map(|s| rest[s].clone()),
                attributes: rest[attributes_start..span.end].to_vec(),
            }
        })
        .collect();
    if !apply_rules(name, mnemonic, line, &mut ops)? {
        return Ok(line.to_vec());
    }
    let mut out = vec![mnemonic.clone()];
    for op in ops {
        out.extend(op.core);
        out.extend(op.set);
        out.extend(op.attributes);
    }
    Ok(out)
}

/// End of an operand's core within `start..end` (attributes excluded).
fn core_end(tokens: &[Token], start: usize, end: usize) -> usize {
    (start + 1..end)
        .find(|&i| tokens[i].text == "[[")
        .unwrap_or(end)
}

/// The column just after the line's last token, where a missing operand would be.
fn end_of_line(line: &[Token]) -> Pos {
    let last = &line[line.len() - 1];
    Pos {
        line: last.line,
        col: last.col + last.text.len() as u32,
    }
}

/// Applies the §6.2 rule for `name`; `Ok(false)` when the mnemonic has none.
fn apply_rules(
    name: &str,
    mnemonic: &Token,
    line: &[Token],
    ops: &mut Vec<Operand>,
) -> Result<bool, Diagnostic> {
    let anchor = |ops: &Vec<Operand>| {
        ops.last()
            .map_or_else(|| mnemonic.clone(), |op| op.last().clone())
    };
    match name {
        "izero" | "print" | "echo" | "delete" | "draw" | "throw" | "iinc" | "idec" | "self"
        | "struct" => {
            if ops.len() == 1 {
                ops[0].default_set("local");
            }
        }
        "move" | "copy" | "swap" | "ptr" | "isnull" | "send" | "textlength" | "structkeys"
        | "bits" | "bitset" | "bitat" => {
            if ops.is_empty() {
                return Ok(true);
            }
            if ops.len() == 1 {
                let entry = Entry::error_at(end_of_line(line), "missing second operand")
                    .with_underline(mnemonic.span());
                return Err(Diagnostic::new(entry));
            }
            ops[0].default_set("local");
            let source_set = if ops[0].is_void() {
                "local".to_string()
            } else {
                ops[0].set_name()
            };
            ops[1].default_set(&source_set);
        }
        "itof" | "ftoi" | "stoi" | "stof" | "not" => {
            if let Some(target) = ops.first_mut() {
                target.default_set("local");
                let set = target.set_name();
                if ops.len() == 1 {
                    let copy = ops[0].copy_register();
                    ops.push(copy);
                } else {
                    ops[1].default_set(&set);
                }
            }
        }
        "add" | "sub" | "mul" | "div" | "lt" | "lte" | "gt" | "gte" | "eq" => {
            if let Some(target) = ops.first_mut() {
                target.default_set("local");
                let set = target.set_name();
                if ops.len() == 2 {
                    let copy = ops[0].copy_register();
                    ops.insert(1, copy);
                }
                for op in ops.iter_mut().skip(1).take(2) {
                    op.default_set(&set);
                }
            }
        }
        "and" | "or" | "texteq" | "atomeq" | "structinsert" | "structremove" | "structat"
        | "vpush" => {
            for op in ops.iter_mut().take(3) {
                op.default_set("local");
            }
        }
        "vector" => {
            if let Some(target) = ops.first_mut() {
                target.default_set("local");
                let set = target.set_name();
                if ops.len() == 1 {
                    let at = anchor(ops);
                    let mut source = Operand::synth("%0", &at);
                    source.set = Some(Token::synth(set.clone(), &at));
                    ops.push(source);
                }
                ops[1].default_set(&set);
                if ops.len() == 2 {
                    let at = anchor(ops);
                    ops.push(Operand::synth("%0", &at));
                }
            }
        }
        "vpop" => {
            for op in ops.iter_mut().take(2) {
                op.default_set("local");
            }
            if ops.len() == 2 {
                let at = anchor(ops);
                ops.push(Operand::synth("void", &at));
            } else if ops.len() > 2 {
                let set = if ops[0].is_void() {
                    "local".to_string()
                } else {
                    ops[0].set_name()
                };
                ops[2].default_set(&set);
            }
        }
        "vat" | "vlen" => {
            for op in ops.iter_mut().take(if name == "vat" { 2 } else { 1 }) {
                op.default_set("local");
            }
            if let Some(target) = ops.first() {
                let set = target.set_name();
                let index = if name == "vat" { 2 } else { 1 };
                if let Some(op) = ops.get_mut(index) {
                    op.default_set(&set);
                }
            }
        }
        "vinsert" => {
            for op in ops.iter_mut().take(2) {
                op.default_set("local");
            }
            if ops.len() == 2 {
                let at = anchor(ops);
                ops.push(Operand::synth("void", &at));
            }
        }
        "capture" | "capturecopy" | "capturemove" => {
            if let Some(closure) = ops.first_mut() {
                closure.default_set("local");
            }
            if ops.len() == 2 {
                let slot = ops[1].head().clone();
                let digits = slot
                    .text
                    .strip_prefix(['%', '@', '*'])
                    .filter(|d| is_digits(d))
                    .map(str::to_string);
                if let Some(digits) = digits {
                    let mut source = Operand::synth(&format!("%{digits}"), &slot);
                    source.set = Some(Token::synth("local", &slot));
                    ops.push(source);
                }
            } else if ops.len() > 2 {
                ops[2].default_set("local");
            }
        }
        "closure" | "function" | "atom" | "tailcall" | "defer" => {
            if let Some(first) = ops.first_mut() {
                first.default_set("local");
            }
        }
        "integer" | "float" | "string" | "text" => {
            if let Some(target) = ops.first_mut() {
                target.default_set("local");
                if ops.len() == 1 {
                    let value = match name {
                        "integer" => "0",
                        "float" => "0.0",
                        _ => "\"\"",
                    };
                    let at = anchor(ops);
                    ops.push(Operand::synth(value, &at));
                } else if name == "text" {
                    ops[1].default_set("local");
                }
            }
        }
        "if" => {
            if ops.is_empty() {
                return Err(error_at(mnemonic, "branch without operands"));
            }
            ops[0].default_set("local");
            if ops.len() == 1 {
                return Err(error_at(mnemonic, "branch without a target"));
            }
            if ops.len() == 2 {
                let at = anchor(ops);
                ops.push(Operand::synth("+1", &at));
            }
        }
        "frame" => {
            if ops.is_empty() {
                ops.push(Operand::synth("%0", mnemonic));
            }
        }
        "call" | "process" => {
            if let Some(first) = ops.first() {
                if !first.is_register() && !first.is_void() {
                    let at = first.head().clone();
                    ops.insert(0, Operand::synth("void", &at));
                }
            }
            if let Some(result) = ops.first_mut() {
                result.default_set("local");
            }
            if name == "call" {
                if let Some(callee) = ops.get_mut(1) {
                    callee.default_set("local");
                }
            }
        }
        "join" | "receive" => {
            let registers = if name == "join" { 2 } else { 1 };
            for op in ops.iter_mut().take(registers) {
                op.default_set("local");
            }
            if ops.len() == registers {
                let at = anchor(ops);
                ops.push(Operand::synth("infinity", &at));
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cooked_text, raw};
    use super::*;

    fn canonical(source: &str) -> String {
        cooked_text(&canonicalise(raw(source)).unwrap_or_else(|d| panic!("{source:?}: {d:?}")))
    }

    fn canonical_error(source: &str) -> (String, Pos) {
        let d = canonicalise(raw(source)).unwrap_err();
        (d.message().to_string(), d.entries[0].pos.unwrap())
    }

    #[test]
    fn table_rows() {
        let cases = [
            ("print %1", "print %1 local"),
            ("print %1 nonlocal", "print %1 nonlocal"),
            ("izero %0 static", "izero %0 static"),
            ("move %1 %2", "move %1 local %2 local"),
            ("move %1 static %2", "move %1 static %2 static"),
            ("move void %2", "move void %2 local"),
            ("copy %1 global %2 local", "copy %1 global %2 local"),
            ("bits %1 0x0f", "bits %1 local 0x0f"),
            ("bitset %1 %2 true", "bitset %1 local %2 local true"),
            ("not %4", "not %4 local %4 local"),
            ("itof %1 static %2", "itof %1 static %2 static"),
            ("add %2 static %3", "add %2 static %2 static %3 static"),
            ("add %3 %1 %2", "add %3 local %1 local %2 local"),
            (
                "lt %3 global %1 local %2",
                "lt %3 global %1 local %2 global",
            ),
            ("and %1 static %2 %3", "and %1 static %2 local %3 local"),
            (
                "structremove void %2 %3",
                "structremove void %2 local %3 local",
            ),
            ("vector %7", "vector %7 local %0 local %0"),
            ("vector %7 static %1", "vector %7 static %1 static %0"),
            ("vector %7 %1 local %2", "vector %7 local %1 local %2"),
            ("vpop %1 %2", "vpop %1 local %2 local void"),
            ("vpop void %2 static %3", "vpop void %2 static %3 local"),
            ("vpop %1 static %2 %3", "vpop %1 static %2 local %3 static"),
            ("vat %1 static %2 %3", "vat %1 static %2 local %3 static"),
            ("vlen %1 static %2", "vlen %1 static %2 static"),
            ("vinsert %1 %2", "vinsert %1 local %2 local void"),
            (
                "vinsert %1 %2 %3 local",
                "vinsert %1 local %2 local %3 local",
            ),
            ("vpush %1 %2", "vpush %1 local %2 local"),
            ("capture %1 %2", "capture %1 local %2 %2 local"),
            (
                "capturecopy %1 static @2 %5",
                "capturecopy %1 static @2 %5 local",
            ),
            ("closure %1 f/0", "closure %1 local f/0"),
            ("function %1 static f/0", "function %1 static f/0"),
            ("atom %1 'a'", "atom %1 local 'a'"),
            ("integer %1", "integer %1 local 0"),
            ("integer %1 static 5", "integer %1 static 5"),
            ("float %1", "float %1 local 0.0"),
            ("float %1 static", "float %1 static 0.0"),
            ("string %1", "string %1 local \"\""),
            ("text %1", "text %1 local \"\""),
            ("text %2 %1", "text %2 local %1 local"),
            ("text %2 static %1", "text %2 static %1 local"),
            ("if %1 done", "if %1 local done +1"),
            ("if %1 static +2 -1", "if %1 static +2 -1"),
            ("frame", "frame %0"),
            ("frame %2", "frame %2"),
            ("call f/0", "call void f/0"),
            ("call %1 f/0", "call %1 local f/0"),
            ("call %1 %2", "call %1 local %2 local"),
            ("call void %2 static", "call void %2 static"),
            ("process f/0", "process void f/0"),
            ("tailcall %3", "tailcall %3 local"),
            ("defer f/0", "defer f/0"),
            ("join %1 %2", "join %1 local %2 local infinity"),
            ("join void %2 local 10ms", "join void %2 local 10ms"),
            ("receive %1", "receive %1 local infinity"),
            ("receive void 1s", "receive void 1s"),
            ("streq %1 %2 %3", "streq %1 %2 %3"),
            ("wrapadd %1 %2 %3", "wrapadd %1 %2 %3"),
            (
                "integer %4 [[maybe_unused]] 100",
                "integer %4 local [[ maybe_unused ]] 100",
            ),
            (
                "print %1 local [[maybe_unused]]",
                "print %1 local [[ maybe_unused ]]",
            ),
        ];
        for (source, expected) in cases {
            assert_eq!(canonical(source), format!("{expected}\n"), "{source}");
        }
    }

    #[test]
    fn directives_and_other_lines_stay() {
        let source = ".function: [[no_sa]] f/0\n.name: 1 x\n.mark: here\n.unused: %1\n.end\n";
        assert_eq!(
            canonical(source),
            ".function: [[ no_sa ]] f/0\n.name: 1 x\n.mark: here\n.unused: %1\n.end\n"
        );
    }

    #[test]
    fn synthesised_tokens_take_neighbouring_positions() {
        let tokens = canonicalise(raw("  not %4\n")).unwrap();
        let positions: Vec<(&str, u32, u32)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.line, t.col))
            .collect();
        assert_eq!(
            positions,
            [
                ("not", 1, 3),
                ("%4", 1, 7),
                ("local", 1, 7),
                ("%4", 1, 7),
                ("local", 1, 7),
                ("\n", 1, 9)
            ]
        );
        let tokens = canonicalise(raw("call foo/0\n")).unwrap();
        assert_eq!(tokens[1], Token::new("void", 1, 6));
    }

    #[test]
    fn canonicalisation_errors() {
        assert_eq!(
            canonical_error("nop\nend\n"),
            (
                "missing '.' character before 'end'".into(),
                Pos { line: 2, col: 1 }
            )
        );
        assert_eq!(
            canonical_error("    if\n"),
            ("branch without operands".into(), Pos { line: 1, col: 5 })
        );
        assert_eq!(
            canonical_error("    if %1 local\n"),
            ("branch without a target".into(), Pos { line: 1, col: 5 })
        );
        assert_eq!(
            canonical_error("    if %1\n"),
            ("branch without a target".into(), Pos { line: 1, col: 5 })
        );
        assert_eq!(
            canonical_error("    move %1 local\n"),
            ("missing second operand".into(), Pos { line: 1, col: 18 })
        );
        assert_eq!(
            canonical_error("bits %1\n"),
            ("missing second operand".into(), Pos { line: 1, col: 8 })
        );
        let d = canonicalise(raw("  copy %1\n")).unwrap_err();
        assert_eq!(
            d.entries[0].underline,
            [crate::diag::Span {
                line: 1,
                col: 3,
                len: 4
            }]
        );
        // The first error in stream order wins.
        assert_eq!(canonical_error("if\nend\n").0, "branch without operands");
    }
}
