//! One control-flow graph per function, closure and block (ANALYSER.md §8.2): a node per
//! instruction plus an exit node, edges for fall-through, jumps and both targets of every
//! `if`. Targets are computed exactly as the code generator computes them (DECISIONS.md):
//! `+N`/`-N` relative to the instruction's own index, bare digits absolute, markers to the
//! instruction after `.mark:`. `0x…` byte offsets get no edge (the walk ends there).

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use viua_asm::assembler::unit::{Class, Definition, Instruction, Operand};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// To the next instruction.
    Next,
    /// `jump`; `by_offset` for `+N`/`-N`/digits targets (they get an `after a jump here:`
    /// trace entry, marker jumps do not).
    Jump {
        by_offset: bool,
    },
    True,
    False,
}

/// Where a jump or branch operand leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An instruction index (the body's length means "past the end").
    Index(usize),
    /// A byte offset: not followed.
    Hex,
    /// An operand that is no jump target at all.
    Invalid,
}

pub struct Cfg<'u> {
    pub def: &'u Definition,
    pub instructions: Vec<&'u Instruction>,
    /// Node weights are instruction indices; the exit node has index `instructions.len()`.
    pub graph: DiGraph<usize, Edge>,
    nodes: Vec<NodeIndex>,
}

impl<'u> Cfg<'u> {
    pub fn build(def: &'u Definition) -> Cfg<'u> {
        let instructions: Vec<&Instruction> = def.instructions().collect();
        let markers = def.markers();
        let count = instructions.len();
        let mut graph = DiGraph::with_capacity(count + 1, count * 2);
        let nodes: Vec<NodeIndex> = (0..=count).map(|i| graph.add_node(i)).collect();
        for (i, instruction) in instructions.iter().enumerate() {
            let mut add = |target: Target, edge: Edge| {
                if let Target::Index(t) = target {
                    graph.add_edge(nodes[i], nodes[t.min(count)], edge);
                }
            };
            match instruction.mnemonic.text.as_str() {
                "jump" => {
                    if let Some(op) = instruction.operand(0) {
                        let by_offset = matches!(op.class, Class::Integer | Class::Offset);
                        add(resolve(op, i, &markers), Edge::Jump { by_offset });
                    }
                }
                "if" => {
                    if let Some(op) = instruction.operand(1) {
                        add(resolve(op, i, &markers), Edge::True);
                    }
                    if let Some(op) = instruction.operand(2) {
                        add(resolve(op, i, &markers), Edge::False);
                    }
                }
                "return" | "tailcall" | "leave" | "throw" => {}
                _ => add(Target::Index(i + 1), Edge::Next),
            }
        }
        Cfg {
            def,
            instructions,
            graph,
            nodes,
        }
    }

    pub fn len(&self) -> usize {
        self.instructions.len()
    }

    /// The target of `instruction`'s edge of the given kind, if it has one.
    pub fn successor(&self, instruction: usize, kind: fn(Edge) -> bool) -> Option<usize> {
        let node = *self.nodes.get(instruction)?;
        self.graph
            .edges(node)
            .find(|e| kind(*e.weight()))
            .map(|e| self.graph[e.target()])
    }

    /// How the operand of a jump or branch is to be followed.
    pub fn target(&self, instruction: usize, op: &Operand, kind: fn(Edge) -> bool) -> Target {
        match op.class {
            Class::Bits => Target::Hex,
            Class::Integer | Class::Offset | Class::Word => self
                .successor(instruction, kind)
                .map_or(Target::Invalid, Target::Index),
            _ => Target::Invalid,
        }
    }
}

fn resolve(op: &Operand, current: usize, markers: &HashMap<&str, usize>) -> Target {
    let text = op.token.text.as_str();
    match op.class {
        Class::Bits => Target::Hex,
        Class::Integer | Class::Offset => {
            let digits = text.trim_start_matches(['-', '+']);
            let Ok(n) = digits.parse::<usize>() else {
                return Target::Invalid;
            };
            if text.starts_with('-') {
                current
                    .checked_sub(n)
                    .map_or(Target::Invalid, Target::Index)
            } else if text.starts_with('+') {
                Target::Index(current.saturating_add(n))
            } else {
                Target::Index(n)
            }
        }
        Class::Word => markers
            .get(text)
            .copied()
            .map_or(Target::Invalid, Target::Index),
        _ => Target::Invalid,
    }
}

pub fn is_jump(e: Edge) -> bool {
    matches!(e, Edge::Jump { .. })
}

pub fn is_true(e: Edge) -> bool {
    e == Edge::True
}

pub fn is_false(e: Edge) -> bool {
    e == Edge::False
}
