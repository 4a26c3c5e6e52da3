//! Choosing how assembler diagnostics reach standard error.
//!
//! Rich (codespan-reporting, source snippets) for people at a terminal, plain 0.13-style
//! `FILE:LINE:COL: error: MESSAGE` lines for pipes, editors and the conformance runner, which
//! compares those lines verbatim.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use viua_asm::diag::{render_plain, render_rich};
use viua_asm::Diagnostic;

/// `--diagnostics`: which renderer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiagnosticsFormat {
    /// Rich when standard error is a terminal, plain otherwise.
    #[default]
    Auto,
    /// `FILE:LINE:COL: error: MESSAGE` lines, as Viua VM 0.13 prints them.
    Plain,
    /// Source snippets with underlines (codespan-reporting).
    Rich,
}

/// Writes diagnostics for one source file to standard error.
pub struct Reporter<'a> {
    file: &'a str,
    source: &'a str,
    rich: bool,
    colour: ColorChoice,
}

impl<'a> Reporter<'a> {
    pub fn new(format: DiagnosticsFormat, file: &'a str, source: &'a str) -> Reporter<'a> {
        let terminal = std::io::stderr().is_terminal();
        let rich = match format {
            DiagnosticsFormat::Auto => terminal,
            DiagnosticsFormat::Plain => false,
            DiagnosticsFormat::Rich => true,
        };
        Reporter {
            file,
            source,
            rich,
            colour: colour_choice(terminal),
        }
    }

    pub fn report(&self, diagnostic: &Diagnostic) {
        if self.rich {
            let mut stream = StandardStream::stderr(self.colour);
            // A diagnostic that cannot be written (closed stderr) has nowhere else to go.
            let _ = render_rich(&mut stream, self.file, self.source, diagnostic);
        } else {
            let _ = std::io::stderr().write_all(render_plain(self.file, diagnostic).as_bytes());
        }
    }
}

/// `VIUAVM_ASM_COLOUR` (ASSEMBLY.md §7.2): `never`, `always`, anything else means "only on a
/// terminal". termcolor's own `Auto` only looks at `TERM`, so the terminal test is ours.
fn colour_choice(terminal: bool) -> ColorChoice {
    match std::env::var("VIUAVM_ASM_COLOUR").as_deref() {
        Ok("never") => ColorChoice::Never,
        Ok("always") => ColorChoice::Always,
        _ if terminal => ColorChoice::Auto,
        _ => ColorChoice::Never,
    }
}

/// An error about a file as a whole, in the reference's unlocated form (`FILE: error: MESSAGE`).
pub fn file_error(file: &str, message: &str) {
    eprintln!("{file}: error: {message}");
}

/// A note about a file as a whole (`FILE: note: MESSAGE`).
pub fn file_note(file: &str, message: &str) {
    eprintln!("{file}: note: {message}");
}
