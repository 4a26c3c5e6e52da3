//! Diagnostics on their way out of the walk (ANALYSER.md §2, §4.11): a diagnostic plus
//! whether it is still *raw* (an unused-register or unused-value report straight from the
//! end-of-path checks, which `if` treats leniently).

use viua_asm::diag::{Diagnostic, Entry, Severity};
use viua_asm::token::Token;

use crate::state::At;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raw {
    UnusedRegister,
    UnusedValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub diagnostic: Diagnostic,
    pub raw: Option<Raw>,
}

pub type Checked<T = ()> = Result<T, Fault>;

impl Fault {
    pub fn new(entry: Entry) -> Fault {
        Fault {
            diagnostic: Diagnostic::new(entry),
            raw: None,
        }
    }

    pub fn raw(entry: Entry, kind: Raw) -> Fault {
        Fault {
            diagnostic: Diagnostic::new(entry),
            raw: Some(kind),
        }
    }

    /// Appends an entry; the fault stops being raw.
    pub fn then(mut self, entry: Entry) -> Fault {
        self.diagnostic = self.diagnostic.then(entry);
        self.raw = None;
        self
    }

    /// Appends `FILE:LINE:COL: error: MESSAGE` at `at`.
    pub fn trace(self, at: At, message: impl Into<String>) -> Fault {
        self.then(error(at, message))
    }

    /// The instruction boundary rule (§2.3, §4.11): the mnemonic is underlined on the first
    /// entry and the fault is no longer raw.
    pub fn leaving(mut self, mnemonic: &Token) -> Fault {
        if let Some(first) = self.diagnostic.entries.first_mut() {
            first.underline.push(mnemonic.span());
        }
        self.raw = None;
        self
    }

    /// The first entry's first line (what `if` compares, §4.8.2).
    pub fn first_message(&self) -> &str {
        self.diagnostic
            .entries
            .first()
            .and_then(|e| e.lines.iter().find(|l| l.severity == Severity::Error))
            .map_or("", |l| l.message.as_str())
    }
}

pub fn error(at: At, message: impl Into<String>) -> Entry {
    Entry::error_at(at.pos(), message)
}

pub fn note(at: At, message: impl Into<String>) -> Entry {
    Entry::note_at(at.pos(), message)
}
