//! The abstract state carried along a path (ANALYSER.md §4.3): which registers are defined,
//! fresh (defined and not read since), used and erased, and the local register limit.

use std::collections::{BTreeMap, BTreeSet};

use viua_asm::diag::Pos;
use viua_asm::token::Token;

use crate::types::Type;

/// A source position that can be hashed (states are memoised, see `walk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    pub line: u32,
    pub col: u32,
}

impl At {
    pub fn of(token: &Token) -> At {
        At {
            line: token.line,
            col: token.col,
        }
    }

    pub fn pos(self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }
}

/// Register sets in the order the unused-value check visits them (§4.10.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Set {
    Global,
    Local,
    Static,
    Arguments,
    Parameters,
}

impl Set {
    pub fn parse(word: Option<&str>) -> Set {
        match word {
            Some("global") => Set::Global,
            Some("static") => Set::Static,
            Some("arguments") => Set::Arguments,
            Some("parameters") => Set::Parameters,
            _ => Set::Local,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Set::Global => "global",
            Set::Local => "local",
            Set::Static => "static",
            Set::Arguments => "arguments",
            Set::Parameters => "parameters",
        }
    }

    /// `global` and `static` registers are not use-checked (§4.4).
    pub fn is_unchecked(self) -> bool {
        matches!(self, Set::Global | Set::Static)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg {
    pub set: Set,
    pub index: u16,
}

impl Reg {
    pub fn local(index: u16) -> Reg {
        Reg {
            set: Set::Local,
            index,
        }
    }
}

/// What is known about a defined register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Definition {
    pub at: At,
    pub ty: Type,
    /// Where an unknown type was inferred from a use (§4.5.2 step 4).
    pub inferred_at: Option<At>,
}

/// One path's register profile. `used` and `erased` only grow along a path, as in 0.13
/// (§4.3 [QUIRK]); the last-use position is never printed, so only membership is kept, which
/// also lets loop iterations reach a state seen before sooner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Profile {
    pub defined: BTreeMap<Reg, Definition>,
    pub fresh: BTreeSet<Reg>,
    pub used: BTreeSet<Reg>,
    /// The first erasure (the erasing mnemonic) per register.
    pub erased: BTreeMap<Reg, At>,
    /// Allocated local registers and the `allocate_registers` operand.
    pub limit: Option<(u16, At)>,
}

impl Profile {
    pub fn define(&mut self, reg: Reg, at: At, ty: Type) {
        self.defined.insert(
            reg,
            Definition {
                at,
                ty,
                inferred_at: None,
            },
        );
        self.fresh.insert(reg);
    }

    pub fn mark_used(&mut self, reg: Reg) {
        self.used.insert(reg);
        self.fresh.remove(&reg);
    }

    /// §4.6.5; erasures of `global`/`static` registers are ignored (§4.13 recommendation).
    pub fn erase(&mut self, reg: Reg, mnemonic: At) {
        if reg.set.is_unchecked() {
            return;
        }
        self.defined.remove(&reg);
        self.fresh.remove(&reg);
        self.erased.entry(reg).or_insert(mnemonic);
    }

    pub fn type_of(&self, reg: Reg) -> Type {
        self.defined.get(&reg).map_or(Type::UNKNOWN, |d| d.ty)
    }
}
