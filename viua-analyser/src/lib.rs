//! The static analyser of Viua assembly (ANALYSER.md §4, DECISIONS.md "Static analyser").
//!
//! Pipeline: every definition gets a petgraph CFG ([`cfg`]); every function without `no_sa`
//! is walked ([`walk`]) from its prologue, carrying a [`state::Profile`] per path and checking
//! each instruction with the rules of [`rules`] / [`registers`] built from the primitive
//! operations of [`ops`]. Functions are analysed in parallel; the first fault in source order
//! is reported, as 0.13 (which analyses them one after another) would.

mod cfg;
mod fault;
mod ops;
mod program;
mod registers;
mod rules;
mod state;
mod types;
mod walk;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use rayon::prelude::*;

use viua_asm::assembler::unit::{DefKind, Line, Unit};
use viua_asm::{Diagnostic, WarnFlags};

use fault::{error, Fault};
use program::Program;
use state::{At, Profile};
use walk::{collect_names, define_parameters, suppressed, Scope, Walker};

/// The analyser as installed into `viua_asm::Options::analyser`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Analyser;

impl viua_asm::Analyse for Analyser {
    fn analyse(
        &self,
        unit: &Unit,
        _path: &str,
        source: &str,
        warn: WarnFlags,
    ) -> Result<(), Diagnostic> {
        analyse(unit, source, warn)
    }
}

/// Deeply nested paths recurse deeply: the walks run on threads with big stacks.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(512 << 20)
            .thread_name(|i| format!("viua-analyser-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Analyses every function of the unit; the first fault in source order wins.
pub fn analyse(unit: &Unit, source: &str, warn: WarnFlags) -> Result<(), Diagnostic> {
    let program = Program::new(unit, source, warn);
    let functions: Vec<usize> = unit
        .definitions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DefKind::Function && !d.no_sa)
        .map(|(i, _)| i)
        .collect();
    let run = || -> Vec<Result<(), Diagnostic>> {
        functions
            .par_iter()
            .map(|&i| analyse_function(&program, i))
            .collect()
    };
    let results = match pool() {
        Some(pool) => pool.install(run),
        None => functions
            .iter()
            .map(|&i| analyse_function(&program, i))
            .collect(),
    };
    results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
}

/// One function: the prologue of §4.2, then the walk.
fn analyse_function(program: &Program<'_>, index: usize) -> Result<(), Diagnostic> {
    let def = program.cfgs[index].def;
    let in_function = |f: Fault| def.trace(f.diagnostic);
    match def.lines.first() {
        Some(Line::Instruction(i)) if i.mnemonic.text == "allocate_registers" => {}
        Some(line) => {
            let first = At::of(line.first_token());
            return Err(in_function(Fault::new(error(
                first,
                "first instruction must be 'allocate_registers' for local registers",
            ))));
        }
        None => return Ok(()),
    }
    let mut scope = Scope::new(collect_names(def).map_err(in_function)?, suppressed(def));
    let mut profile = Profile::default();
    define_parameters(&mut profile, &def.name.text, At::of(&def.name));
    Walker::new(program)
        .walk(&mut scope, index, 0, &mut profile)
        .map_err(in_function)
}
