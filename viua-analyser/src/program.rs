//! What every function's analysis shares: the CFGs of all definitions and the lookup of
//! blocks and callables by name.

use std::collections::HashMap;

use viua_asm::assembler::unit::{DefKind, Unit};
use viua_asm::WarnFlags;

use crate::cfg::Cfg;

pub struct Program<'u> {
    /// One per definition, in the unit's order.
    pub cfgs: Vec<Cfg<'u>>,
    pub blocks: HashMap<&'u str, usize>,
    /// Functions and closures (the "function list").
    pub callables: HashMap<&'u str, usize>,
    pub source_lines: Vec<&'u str>,
    pub warn: WarnFlags,
}

impl<'u> Program<'u> {
    pub fn new(unit: &'u Unit, source: &'u str, warn: WarnFlags) -> Program<'u> {
        let cfgs: Vec<Cfg<'u>> = unit.definitions.iter().map(Cfg::build).collect();
        let mut blocks = HashMap::new();
        let mut callables = HashMap::new();
        for (i, def) in unit.definitions.iter().enumerate() {
            let map = if def.kind == DefKind::Block {
                &mut blocks
            } else {
                &mut callables
            };
            map.entry(def.name.text.as_str()).or_insert(i);
        }
        Program {
            cfgs,
            blocks,
            callables,
            source_lines: source.split('\n').collect(),
            warn,
        }
    }
}
