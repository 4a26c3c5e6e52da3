//! Assembler diagnostics: what went wrong and where, and the two ways to print it.
//!
//! A [`Diagnostic`] is one reported error: a chain of [`Entry`]s (the error itself, then its
//! trace — `in function main/0`, `spawned here:` …). The texts are exactly Viua VM 0.13's
//! (ASSEMBLY.md §7, ANALYSER.md). Rendering:
//! - [`render_plain`]: 0.13's header lines `FILE:LINE:COL: error: MESSAGE`, note lines, and
//!   aside lines (`            ^ did you mean 'print'?`) — for pipes, editors and tests;
//! - [`render_rich`]: codespan-reporting with source snippets — for terminals.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::WriteColor};

/// 1-based line and byte column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A source range on one line (for underlining).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Note,
    Warning,
}

impl Severity {
    fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Note => "note",
            Severity::Warning => "warning",
        }
    }
}

/// How an entry's header lines are spelt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `FILE:LINE:COL: error: MESSAGE` (needs a position).
    Located,
    /// `FILE: error: MESSAGE` (ASSEMBLY.md §7.5).
    Unlocated,
    /// `FILE:error: MESSAGE` — import resolution errors, no space after the colon (§7.6).
    Import,
}

/// One line of a diagnostic entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub severity: Severity,
    pub message: String,
}

/// An aside ("did you mean") printed under the error line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aside {
    pub text: String,
    /// Number of bytes of the source line that precede the token the aside refers to (the
    /// aside's `^` is indented by that much beyond the listing's margin).
    pub offset: u32,
}

/// One entry of a (possibly traced) diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub style: Style,
    /// Position of the primary token (required for [`Style::Located`]).
    pub pos: Option<Pos>,
    /// Header lines in print order: usually one error line then note lines; an entry may
    /// have only notes (e.g. `spawned here:`).
    pub lines: Vec<Line>,
    /// Further tokens to underline (rich rendering only).
    pub underline: Vec<Span>,
    pub aside: Option<Aside>,
}

impl Entry {
    /// `FILE:LINE:COL: error: MESSAGE`.
    pub fn error_at(pos: Pos, message: impl Into<String>) -> Entry {
        Entry {
            style: Style::Located,
            pos: Some(pos),
            lines: vec![Line {
                severity: Severity::Error,
                message: message.into(),
            }],
            underline: Vec::new(),
            aside: None,
        }
    }

    /// A located entry with only a note line (`FILE:LINE:COL: note: MESSAGE`).
    pub fn note_at(pos: Pos, message: impl Into<String>) -> Entry {
        Entry {
            style: Style::Located,
            pos: Some(pos),
            lines: vec![Line {
                severity: Severity::Note,
                message: message.into(),
            }],
            underline: Vec::new(),
            aside: None,
        }
    }

    /// `FILE: error: MESSAGE`.
    pub fn unlocated(severity: Severity, message: impl Into<String>) -> Entry {
        Entry {
            style: Style::Unlocated,
            pos: None,
            lines: vec![Line {
                severity,
                message: message.into(),
            }],
            underline: Vec::new(),
            aside: None,
        }
    }

    /// `FILE:error: MESSAGE` (import resolution).
    pub fn import(severity: Severity, message: impl Into<String>) -> Entry {
        Entry {
            style: Style::Import,
            pos: None,
            lines: vec![Line {
                severity,
                message: message.into(),
            }],
            underline: Vec::new(),
            aside: None,
        }
    }

    /// Adds a note line.
    pub fn with_note(mut self, message: impl Into<String>) -> Entry {
        self.lines.push(Line {
            severity: Severity::Note,
            message: message.into(),
        });
        self
    }

    /// Adds an underlined token.
    pub fn with_underline(mut self, span: Span) -> Entry {
        self.underline.push(span);
        self
    }

    /// Adds a "did you mean" aside.
    pub fn with_aside(mut self, text: impl Into<String>, offset: u32) -> Entry {
        self.aside = Some(Aside {
            text: text.into(),
            offset,
        });
        self
    }
}

/// One reported problem: the error entry followed by its trace entries. The assembler stops at
/// the first error, so a failed run yields one `Diagnostic` (possibly preceded by warnings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub entries: Vec<Entry>,
}

impl Diagnostic {
    pub fn new(first: Entry) -> Diagnostic {
        Diagnostic {
            entries: vec![first],
        }
    }

    /// Appends a trace entry.
    pub fn then(mut self, entry: Entry) -> Diagnostic {
        self.entries.push(entry);
        self
    }

    /// Appends `in function NAME` / `in block NAME` at the definition's name token.
    pub fn in_definition(self, is_block: bool, name: &str, at: Pos) -> Diagnostic {
        let what = if is_block { "block" } else { "function" };
        self.then(Entry::error_at(at, format!("in {what} {name}")))
    }

    /// The first error message (for tests and logs).
    pub fn message(&self) -> &str {
        self.entries
            .iter()
            .flat_map(|e| e.lines.iter())
            .find(|l| l.severity == Severity::Error)
            .map_or("", |l| l.message.as_str())
    }
}

/// Renders 0.13's plain form: header lines and aside lines; entries of a traced error are
/// separated by an empty line, as 0.13 separates them.
pub fn render_plain(file: &str, diagnostic: &Diagnostic) -> String {
    let mut out = String::new();
    for (i, entry) in diagnostic.entries.iter().enumerate() {
        if i > 0 && entry.style == Style::Located {
            out.push('\n');
        }
        for line in &entry.lines {
            let word = line.severity.word();
            match (entry.style, entry.pos) {
                (Style::Located, Some(p)) => out.push_str(&format!(
                    "{file}:{}:{}: {word}: {}\n",
                    p.line, p.col, line.message
                )),
                (Style::Import, _) => out.push_str(&format!("{file}:{word}: {}\n", line.message)),
                _ => out.push_str(&format!("{file}: {word}: {}\n", line.message)),
            }
        }
        if let (Some(aside), Some(p)) = (&entry.aside, entry.pos) {
            let digits = p.line.to_string().len();
            let indent = 5 + digits + 1 + aside.offset as usize;
            out.push_str(&" ".repeat(indent));
            out.push_str(&aside.text);
            out.push('\n');
        }
    }
    out
}

/// Byte offset of a position in `source` (clamped to the source).
fn offset_of(source: &str, pos: Pos) -> usize {
    let mut line = 1;
    let mut start = 0;
    if pos.line > 1 {
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line += 1;
                if line == pos.line {
                    start = i + 1;
                    break;
                }
            }
        }
        if line != pos.line {
            return source.len();
        }
    }
    (start + pos.col.saturating_sub(1) as usize).min(source.len())
}

fn byte_range(source: &str, span: Span) -> std::ops::Range<usize> {
    let start = offset_of(
        source,
        Pos {
            line: span.line,
            col: span.col,
        },
    );
    let mut end = (start + span.len as usize).min(source.len());
    while end > start && !source.is_char_boundary(end) {
        end -= 1;
    }
    let mut start = start;
    while start > 0 && !source.is_char_boundary(start) {
        start -= 1;
    }
    start..end.max(start)
}

/// Renders with codespan-reporting: source snippets, underlines, colours (when `writer`
/// supports them).
pub fn render_rich(
    writer: &mut dyn WriteColor,
    file: &str,
    source: &str,
    diagnostic: &Diagnostic,
) -> std::io::Result<()> {
    let files = SimpleFile::new(file, source);
    let config = term::Config::default();
    for entry in &diagnostic.entries {
        let Some(first) = entry.lines.first() else {
            continue;
        };
        let mut d = match first.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Note => CsDiagnostic::note(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(first.message.clone());
        let mut labels = Vec::new();
        if let Some(p) = entry.pos {
            let len = source[offset_of(source, p)..]
                .split([' ', '\n', '\t'])
                .next()
                .map_or(1, |w| w.len().max(1)) as u32;
            let mut primary = Label::primary(
                (),
                byte_range(
                    source,
                    Span {
                        line: p.line,
                        col: p.col,
                        len,
                    },
                ),
            );
            if let Some(aside) = &entry.aside {
                primary = primary.with_message(aside.text.trim_start_matches("^ ").to_string());
            }
            labels.push(primary);
        }
        for s in &entry.underline {
            labels.push(Label::secondary((), byte_range(source, *s)));
        }
        d = d.with_labels(labels);
        d = d.with_notes(entry.lines[1..].iter().map(|l| l.message.clone()).collect());
        term::emit(writer, &config, &files, &d).map_err(std::io::Error::other)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_traced_error_with_aside() {
        let d = Diagnostic::new(
            Entry::error_at(Pos { line: 23, col: 5 }, "unknown instruction")
                .with_aside("^ did you mean 'print'?", 4),
        )
        .in_definition(false, "main/0", Pos { line: 20, col: 12 });
        assert_eq!(
            render_plain("f.asm", &d),
            "f.asm:23:5: error: unknown instruction\n            ^ did you mean 'print'?\n\nf.asm:20:12: error: in function main/0\n"
        );
    }

    #[test]
    fn plain_unlocated_and_import() {
        let d = Diagnostic::new(Entry::unlocated(
            Severity::Note,
            "main/0 function found in module f.asm",
        ))
        .then(Entry::unlocated(
            Severity::Error,
            "more than one candidate for main function",
        ));
        assert_eq!(
            render_plain("f.asm", &d),
            "f.asm: note: main/0 function found in module f.asm\nf.asm: error: more than one candidate for main function\n"
        );
        let d = Diagnostic::new(Entry::import(Severity::Error, "did not find module \"x\""));
        assert_eq!(
            render_plain("f.asm", &d),
            "f.asm:error: did not find module \"x\"\n"
        );
    }

    #[test]
    fn rich_rendering_does_not_panic_on_odd_positions() {
        let d = Diagnostic::new(Entry::error_at(Pos { line: 99, col: 400 }, "x")).then(
            Entry::note_at(Pos { line: 1, col: 1 }, "y").with_underline(Span {
                line: 1,
                col: 2,
                len: 50,
            }),
        );
        let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        render_rich(&mut buf, "f.asm", "ab\ncd", &d).unwrap();
    }
}
