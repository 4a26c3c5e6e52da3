//! Parsing of body lines: directives, instructions and their operands (ASSEMBLY.md §4, §5,
//! diagnostics of §7.4 "Parsing, inside bodies"). Errors come back untraced; the caller adds
//! the `in function NAME` entry.

use viua_bytecode::{Access, Opcode};

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

use super::parse::{parse_attributes, Cursor};
use super::suggest::{suggest, suggest_mnemonic, DIRECTIVES};
use super::syntax::{
    is_bits_literal, is_digits, is_duration, is_extended_identifier, is_float, is_forward_offset,
    is_function_name, is_identifier, is_integer, is_quoted, is_register_set,
};
use super::unit::{
    has_attribute, Class, Directive, DirectiveKind, Instruction, Line, Operand, RegisterIndex,
};

/// What a line parser needs to know about its surroundings.
pub(crate) struct LineContext<'a> {
    /// Raw source lines, for the offset of the `unknown directive` aside.
    pub source_lines: &'a [&'a str],
    /// Markers defined earlier in the same definition.
    pub markers: &'a [Token],
}

fn error(at: &Token, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Entry::error_at(at.pos(), message))
}

/// Parses one logical line (`tokens` without its newline, non-empty; `end` is the newline).
pub(crate) fn parse_line(
    tokens: &[Token],
    end: Token,
    cx: &LineContext<'_>,
) -> Result<Line, Diagnostic> {
    let Some(first) = tokens.first() else {
        return Err(error(&end, "unknown instruction"));
    };
    let word = first.text.as_str();
    let directive = |kind| {
        Ok(Line::Directive(Directive {
            token: first.clone(),
            kind,
        }))
    };
    match word {
        ".function:" | ".closure:" | ".block:" => {
            Err(error(first, "no '.end' between definitions"))
        }
        ".mark:" => {
            let name = tokens.get(1).unwrap_or(&end);
            if !is_identifier(&name.text) {
                return Err(error(name, "invalid marker"));
            }
            extra_parameters(tokens, 2, first)?;
            if let Some(earlier) = cx.markers.iter().find(|m| m.text == name.text) {
                return Err(error(name, format!("duplicated marker: {}", name.text))
                    .then(Entry::error_at(earlier.pos(), "already defined here:")));
            }
            directive(DirectiveKind::Mark(name.clone()))
        }
        ".name:" => {
            let index = tokens.get(1).unwrap_or(&end).clone();
            let name = tokens.get(2).unwrap_or(&end).clone();
            extra_parameters(tokens, 3, first)?;
            directive(DirectiveKind::Name { index, name })
        }
        ".unused:" => {
            let mut taken = 2;
            if tokens.get(2).is_some_and(|t| is_register_set(&t.text)) {
                taken = 3;
            }
            extra_parameters(tokens, taken, first)?;
            directive(DirectiveKind::Unused {
                register: tokens.get(1).filter(|t| !t.is_newline()).cloned(),
                set: (taken == 3).then(|| tokens[2].clone()),
            })
        }
        ".info:" | ".signature:" | ".bsignature:" | ".import:" => {
            let at = tokens.get(1).unwrap_or(&end);
            Err(Diagnostic::new(
                Entry::error_at(at.pos(), "extra parameters to a directive")
                    .with_underline(first.span()),
            ))
        }
        _ if word.starts_with('.') && word.ends_with(':') && word.len() > 2 => {
            let mut entry = Entry::error_at(first.pos(), "unknown directive");
            if let Some(s) = suggest(word, DIRECTIVES.iter().copied()) {
                let line_len = cx
                    .source_lines
                    .get(first.line as usize - 1)
                    .map_or(0, |l| l.len());
                entry = entry.with_aside(format!("^ did you mean '{s}'?"), line_len as u32);
            }
            Err(Diagnostic::new(entry))
        }
        _ if is_register_set(word) => Err(error(
            first,
            "register set specifier does not follow register index",
        )),
        _ => {
            let Some(opcode) = Opcode::from_mnemonic(word) else {
                let mut entry = Entry::error_at(first.pos(), "unknown instruction");
                if let Some(s) = suggest_mnemonic(word) {
                    entry = entry.with_aside(
                        format!("^ did you mean '{s}'?"),
                        first.col.saturating_sub(1),
                    );
                }
                return Err(Diagnostic::new(entry));
            };
            let operands = parse_operands(&tokens[1..], first)?;
            Ok(Line::Instruction(Instruction {
                mnemonic: first.clone(),
                opcode,
                operands,
                end,
            }))
        }
    }
}

/// `extra parameters to a directive` at the first token beyond `expected` tokens.
fn extra_parameters(
    tokens: &[Token],
    expected: usize,
    directive: &Token,
) -> Result<(), Diagnostic> {
    match tokens.get(expected) {
        Some(extra) => Err(Diagnostic::new(
            Entry::error_at(extra.pos(), "extra parameters to a directive")
                .with_underline(directive.span()),
        )),
        None => Ok(()),
    }
}

/// Parses the operands of an instruction line (§5): each is one token (a register may be
/// followed by its set word), optionally followed by attributes.
fn parse_operands(tokens: &[Token], mnemonic: &Token) -> Result<Vec<Operand>, Diagnostic> {
    let fail = |at: &Token, message: String| {
        Err(Diagnostic::new(
            Entry::error_at(at.pos(), message).with_underline(mnemonic.span()),
        ))
    };
    let mut c = Cursor::new(tokens);
    let mut operands: Vec<Operand> = Vec::new();
    while let Some(token) = c.peek() {
        if token.text == "[[" {
            let Some(last) = operands.last_mut() else {
                return fail(token, "invalid operand".into());
            };
            let attributes = parse_attributes(&mut c)?;
            last.maybe_unused |= has_attribute(&attributes, "maybe_unused");
            continue;
        }
        c.next();
        let class = match classify(&token.text) {
            Ok(class) => class,
            Err(message) => return fail(token, message),
        };
        let mut set = None;
        if matches!(class, Class::Register { .. }) {
            match c.peek() {
                Some(t) if is_register_set(&t.text) => {
                    set = Some(t.clone());
                    c.next();
                }
                Some(t) if t.text == "current" => {
                    return fail(t, "current register set is illegal".into())
                }
                _ => {}
            }
        }
        operands.push(Operand {
            token: token.clone(),
            class,
            set,
            maybe_unused: false,
        });
    }
    Ok(operands)
}

/// Classifies one operand token; the error is the message to report at it.
pub(crate) fn classify(word: &str) -> Result<Class, String> {
    let access = match word.as_bytes().first() {
        Some(b'%') => Some(Access::Direct),
        Some(b'@') => Some(Access::Reference),
        Some(b'*') => Some(Access::Pointer),
        _ => None,
    };
    if let Some(access) = access {
        let rest = &word[1..];
        let index = if is_digits(rest) {
            match rest.parse::<u16>() {
                Ok(n) => RegisterIndex::Number(n),
                Err(_) => return Err(
                    "register index outside of defined range (max allowed register index is 65535)"
                        .into(),
                ),
            }
        } else if rest.strip_prefix('-').is_some_and(is_digits) {
            return Err(format!("register indexes cannot be negative: {rest}"));
        } else if is_identifier(rest) {
            RegisterIndex::Unresolved(rest.to_owned())
        } else {
            return Err("invalid operand".into());
        };
        return Ok(Class::Register { access, index });
    }
    Ok(match word {
        "void" => Class::Void,
        "true" => Class::Bool(true),
        "false" => Class::Bool(false),
        "infinity" => Class::Infinity,
        _ if is_quoted(word) => Class::Quoted {
            single: word.starts_with('\''),
        },
        _ if is_bits_literal(word) => Class::Bits,
        _ if is_float(word) => Class::Float,
        _ if is_integer(word) => Class::Integer,
        _ if is_duration(word) => Class::Duration,
        _ if is_forward_offset(word) => Class::Offset,
        _ if is_function_name(word) => Class::FunctionName,
        _ if is_register_set(word) => {
            return Err("register set specifier does not follow register index".into())
        }
        _ if is_extended_identifier(word) => Class::Word,
        _ => return Err("invalid operand".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::canonical;
    use super::*;

    fn line(source: &str) -> Result<Line, String> {
        let tokens = canonical(source);
        let (end, body) = tokens.split_last().unwrap();
        let lines: Vec<&str> = source.split('\n').collect();
        let cx = LineContext {
            source_lines: &lines,
            markers: &[],
        };
        parse_line(body, end.clone(), &cx).map_err(|d| crate::diag::render_plain("f", &d))
    }

    #[test]
    fn operands() {
        let Ok(Line::Instruction(i)) = line("    integer %4 local [[maybe_unused]] 100") else {
            panic!()
        };
        assert_eq!(i.operands.len(), 2);
        assert!(i.operands[0].maybe_unused);
        assert_eq!(i.operands[0].set_name(), Some("local"));
        assert_eq!(i.operands[1].class, Class::Integer);
        let Ok(Line::Instruction(i)) = line("call void geo::area/1") else {
            panic!()
        };
        assert_eq!(i.operands[1].class, Class::FunctionName);
    }

    #[test]
    fn operand_errors() {
        assert_eq!(
            line("    integer %-1 local 5").unwrap_err(),
            "f:1:13: error: register indexes cannot be negative: -1\n"
        );
        assert_eq!(
            line("    bits %1 local 0xBEEF").unwrap_err(),
            "f:1:19: error: invalid operand\n"
        );
        assert_eq!(
            line("    receive %1 local 10minutes").unwrap_err(),
            "f:1:22: error: invalid operand\n"
        );
        assert!(line("izero %65536 local")
            .unwrap_err()
            .contains("max allowed register index is 65535"));
        assert_eq!(
            line("print %1 current").unwrap_err(),
            "f:1:10: error: current register set is illegal\n"
        );
        assert_eq!(
            line("local %1").unwrap_err(),
            "f:1:1: error: register set specifier does not follow register index\n"
        );
    }

    #[test]
    fn unknown_words() {
        assert_eq!(
            line("    prnt %1 local").unwrap_err(),
            "f:1:5: error: unknown instruction\n           ^ did you mean 'print'?\n"
        );
        assert_eq!(
            line("    .nmae: 1 x").unwrap_err(),
            "f:1:5: error: unknown directive\n                     ^ did you mean '.name:'?\n"
        );
        assert_eq!(
            line(".mark: 3").unwrap_err(),
            "f:1:8: error: invalid marker\n"
        );
        assert_eq!(
            line(".mark: a b").unwrap_err(),
            "f:1:10: error: extra parameters to a directive\n"
        );
    }
}
