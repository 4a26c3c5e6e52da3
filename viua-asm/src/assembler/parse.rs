//! Parsing of the cooked token stream into top-level items and definitions (ASSEMBLY.md §3,
//! diagnostics of §7.4 "Parsing, top level"). Bodies are parsed line by line in [`super::lines`].

use std::collections::HashSet;

use crate::diag::{Diagnostic, Entry};
use crate::token::Token;

use super::lines::{parse_line, LineContext};
use super::syntax::{function_arity, is_function_name, literal_body};
use super::unit::{has_attribute, Attribute, DefKind, Definition, Import, Info, Line, Unit};

/// A cursor over the cooked tokens.
pub(crate) struct Cursor<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(tokens: &'a [Token]) -> Cursor<'a> {
        Cursor { tokens, at: 0 }
    }

    pub(crate) fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.at)
    }

    pub(crate) fn next(&mut self) -> Option<&'a Token> {
        let t = self.tokens.get(self.at);
        if t.is_some() {
            self.at += 1;
        }
        t
    }

    /// The last token, standing in for the end of the file in messages.
    fn last(&self) -> Option<&'a Token> {
        self.tokens.last()
    }

    /// Takes the rest of the current line (its tokens, then its newline if there is one).
    pub(crate) fn line(&mut self) -> (&'a [Token], Option<&'a Token>) {
        let start = self.at;
        while self.peek().is_some_and(|t| !t.is_newline()) {
            self.at += 1;
        }
        let tokens = &self.tokens[start..self.at];
        (tokens, self.next())
    }

    fn skip_newlines(&mut self) {
        while self.peek().is_some_and(Token::is_newline) {
            self.at += 1;
        }
    }
}

fn error(at: &Token, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Entry::error_at(at.pos(), message))
}

/// Parses `[[ key {value} , … ]]` starting at `[[`; returns the attributes.
pub(crate) fn parse_attributes(c: &mut Cursor<'_>) -> Result<Vec<Attribute>, Diagnostic> {
    let Some(open) = c.next() else {
        return Ok(Vec::new());
    };
    if open.text != "[[" {
        return Err(error(open, "expected '[['"));
    }
    let mut attributes = Vec::new();
    loop {
        let Some(key) = c.next() else {
            return Err(error(open, "expected ',' or '{' or ']]'"));
        };
        match key.text.as_str() {
            "]]" => return Ok(attributes),
            "," => continue,
            _ if key.is_newline() => return Err(error(key, "expected ',' or '{' or ']]'")),
            _ => {}
        }
        let mut value = None;
        if c.peek().is_some_and(|t| t.text == "{") {
            c.next();
            if c.peek().is_some_and(|t| t.text != "}" && !t.is_newline()) {
                value = c.next().cloned();
            }
            match c.next() {
                Some(t) if t.text == "}" => {}
                Some(t) => return Err(error(t, "expected '}'")),
                None => return Err(error(key, "expected '}'")),
            }
        }
        attributes.push(Attribute {
            key: key.clone(),
            value,
        });
    }
}

/// Parses the whole unit. `source_lines` gives the raw lines (for aside offsets).
pub(crate) fn parse_unit(tokens: &[Token], source_lines: &[&str]) -> Result<Unit, Diagnostic> {
    let mut c = Cursor::new(tokens);
    let mut unit = Unit::default();
    let mut imported: HashSet<String> = HashSet::new();
    loop {
        c.skip_newlines();
        let Some(token) = c.peek() else { break };
        match token.text.as_str() {
            ".function:" => {
                unit.definitions
                    .push(definition(&mut c, DefKind::Function, source_lines)?)
            }
            ".closure:" => {
                unit.definitions
                    .push(definition(&mut c, DefKind::Closure, source_lines)?)
            }
            ".block:" => unit
                .definitions
                .push(definition(&mut c, DefKind::Block, source_lines)?),
            ".signature:" => {
                c.next();
                match c.peek() {
                    Some(name) if !name.is_newline() => {
                        if !is_function_name(&name.text) {
                            return Err(error(name, "not a valid function name"));
                        }
                        unit.signatures.push(name.clone());
                        c.next();
                    }
                    _ => return Err(error(token, "missing function name")),
                }
            }
            ".bsignature:" => {
                c.next();
                match c.peek() {
                    Some(name) if !name.is_newline() => {
                        unit.block_signatures.push(name.clone());
                        c.next();
                    }
                    _ => return Err(error(token, "missing block name")),
                }
            }
            ".import:" => {
                c.next();
                let import = import(&mut c, token)?;
                if !imported.insert(import.name.text.clone()) {
                    let after = c.peek().or(c.last()).unwrap_or(&import.name);
                    return Err(Diagnostic::new(
                        Entry::error_at(after.pos(), "double import")
                            .with_note(format!("module {} was already imported", import.name.text)),
                    ));
                }
                unit.imports.push(import);
            }
            ".info:" => {
                c.next();
                let (rest, _) = c.line();
                unit.infos.push(Info {
                    directive: token.clone(),
                    key: rest.first().cloned(),
                    value: rest.get(1).cloned(),
                });
            }
            ".end" => return Err(error(token, "stray .end marker")),
            t if t.starts_with('.') && t.ends_with(':') && t.len() > 2 => {
                return Err(Diagnostic::new(
                    Entry::error_at(token.pos(), "illegal directive")
                        .with_note("expected a function or block definition (or signature)"),
                ))
            }
            _ => {
                return Err(error(
                    token,
                    "expected a function or a block definition (or signature), or a newline",
                ))
            }
        }
    }
    Ok(unit)
}

fn import(c: &mut Cursor<'_>, directive: &Token) -> Result<Import, Diagnostic> {
    if !matches!(c.peek(), Some(t) if !t.is_newline()) {
        return Err(error(directive, "missing module name in import directive"));
    }
    let attributes = parse_attributes(c)?;
    match c.peek() {
        Some(name) if !name.is_newline() => {
            c.next();
            Ok(Import {
                attributes,
                name: name.clone(),
            })
        }
        _ => Err(error(directive, "missing module name in import directive")),
    }
}

fn definition(
    c: &mut Cursor<'_>,
    kind: DefKind,
    source_lines: &[&str],
) -> Result<Definition, Diagnostic> {
    let Some(directive) = c.next() else {
        return Err(Diagnostic::new(Entry::unlocated(
            crate::diag::Severity::Error,
            "unexpected end-of-file",
        )));
    };
    let attributes = if c.peek().is_some_and(|t| t.text == "[[") {
        parse_attributes(c)?
    } else {
        Vec::new()
    };
    let what = if kind.is_block() { "block" } else { "function" };
    let name = match c.next() {
        None => {
            return Err(error(
                c.last().unwrap_or(directive),
                "unexpected end-of-file: expected function name",
            ))
        }
        Some(t) if t.is_newline() => return Err(error(directive, format!("missing {what} name"))),
        Some(t) => t.clone(),
    };
    if !kind.is_block() {
        match function_arity(&name.text) {
            None => {
                return Err(error(
                    &name,
                    format!("invalid function name: {}", name.text),
                ))
            }
            Some(None) if kind == DefKind::Closure => {
                return Err(error(
                    &name,
                    format!("function with undefined arity: {}", name.text),
                ))
            }
            Some(_) => {}
        }
    }
    match c.next() {
        Some(t) if !t.is_newline() => {
            return Err(error(t, format!("unexpected token after {what} name")));
        }
        _ => {}
    }
    let linked_from = attributes
        .iter()
        .find(|a| a.key.text == "linked_from")
        .and_then(|a| a.value.as_ref())
        .map(|v| String::from_utf8_lossy(literal_body(&v.text)).into_owned());
    let mut def = Definition {
        kind,
        no_sa: has_attribute(&attributes, "no_sa") || linked_from.is_some(),
        linked_from,
        name,
        lines: Vec::new(),
    };
    let mut markers: Vec<Token> = Vec::new();
    loop {
        c.skip_newlines();
        let Some(first) = c.peek() else {
            return Err(def.trace(error(
                &def.name,
                format!("missing '.end' after '{}' {}", def.name.text, kind.word()),
            )));
        };
        if first.text == ".end" {
            c.next();
            break;
        }
        let (tokens, end) = c.line();
        // A stream without a final line feed: the line ends just after its last token.
        let end = end.cloned().unwrap_or_else(|| match tokens.last() {
            Some(last) => Token::new("\n", last.line, last.col + last.text.len() as u32),
            None => Token::synth("\n", first),
        });
        let context = LineContext {
            source_lines,
            markers: &markers,
        };
        let line = parse_line(tokens, end, &context).map_err(|d| def.trace(d))?;
        if let Line::Directive(super::unit::Directive {
            kind: super::unit::DirectiveKind::Mark(m),
            ..
        }) = &line
        {
            markers.push(m.clone());
        }
        def.lines.push(line);
    }
    if def.lines.is_empty() {
        return Err(error(
            &def.name,
            format!("{what} with empty body: {}", def.name.text),
        ));
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::canonical;
    use super::*;

    fn parse(source: &str) -> Result<Unit, String> {
        let lines: Vec<&str> = source.split('\n').collect();
        parse_unit(&canonical(source), &lines).map_err(|d| crate::diag::render_plain("f", &d))
    }

    #[test]
    fn top_level_items() {
        let unit = parse(".signature: a/1\n.bsignature: b\n.import: [[dynamic]] x::y\n.info: k \"v\"\n.function: [[no_sa]] f/0\nreturn\n.end\n").unwrap();
        assert_eq!(unit.signatures[0].text, "a/1");
        assert_eq!(unit.block_signatures[0].text, "b");
        assert_eq!(unit.imports[0].name.text, "x::y");
        assert!(has_attribute(&unit.imports[0].attributes, "dynamic"));
        assert!(unit.definitions[0].no_sa);
        let unit = parse(".function: [[linked_from{\"m.module\"}]] f/0\nreturn\n.end\n").unwrap();
        assert_eq!(unit.definitions[0].linked_from.as_deref(), Some("m.module"));
    }

    #[test]
    fn top_level_errors() {
        assert_eq!(
            parse(".function: main/0\nreturn\n.end\n.end\n").unwrap_err(),
            "f:4:1: error: stray .end marker\n"
        );
        assert_eq!(
            parse(".function: hollow/0\n.end\n").unwrap_err(),
            "f:1:12: error: function with empty body: hollow/0\n"
        );
        assert_eq!(
            parse(".function: helper\nreturn\n.end\n").unwrap_err(),
            "f:1:12: error: invalid function name: helper\n"
        );
        assert_eq!(
            parse(".closure: c/\nreturn\n.end\n").unwrap_err(),
            "f:1:11: error: function with undefined arity: c/\n"
        );
        assert_eq!(
            parse(".import:\n").unwrap_err(),
            "f:1:1: error: missing module name in import directive\n"
        );
        assert_eq!(
            parse(".import: [[dynamic]] a\n.import: [[static]] a\n").unwrap_err(),
            "f:2:22: error: double import\nf:2:22: note: module a was already imported\n"
        );
        assert_eq!(
            parse(".mark: x\n").unwrap_err(),
            "f:1:1: error: illegal directive\nf:1:1: note: expected a function or block definition (or signature)\n"
        );
        assert_eq!(
            parse(".block: b extra\nleave\n.end\n").unwrap_err(),
            "f:1:11: error: unexpected token after block name\n"
        );
        assert_eq!(
            parse(".signature: foo\n").unwrap_err(),
            "f:1:13: error: not a valid function name\n"
        );
        assert_eq!(
            parse(".function: [[a{1} b, c]] f/0\nreturn\n.end\n").map(|_| ()),
            Ok(())
        );
    }
}
