//! The walk (ANALYSER.md §4.7–§4.11): depth-first along the CFG, one profile per path, copied
//! at every `if`, with 0.13's trace entries and its lenient treatment of unused diagnostics
//! at branches. Unlike 0.13 (DECISIONS.md), backward transfers are followed: a path ends when
//! it reaches a (body, instruction, profile) that is already being walked — the state repeats,
//! so a further iteration could find nothing new — which makes loops checked to a fixed
//! point. Finished branch walks are memoised by (body, target, profile), so converging paths
//! are walked once, and a step budget bounds the time spent on any one function.

use std::collections::{HashMap, HashSet};

use viua_asm::assembler::unit::{Class, DirectiveKind, Line};

use crate::cfg::{is_false, is_jump, is_true, Target};
use crate::fault::{error, Checked, Fault, Raw};
use crate::ops::{at, Names, Step};
use crate::program::Program;
use crate::rules::Closures;
use crate::state::{At, Profile, Reg, Set};
use crate::types::Type;

/// Instruction steps per analysed function (closures and blocks it reaches included). When
/// spent, the rest of the function is accepted: a found fault is always on a real path.
const STEP_BUDGET: u64 = 200_000;
/// Nesting of continuation walks (each `if`/`jump` on a path adds one).
pub const MAX_DEPTH: usize = 4_000;
/// Blocks entering blocks, closures instantiating closures.
const MAX_NESTING: usize = 32;
/// Memoised branch results kept per unit.
const MEMO_LIMIT: usize = 200_000;

type Key = (usize, usize, Profile);

/// Per unit (function or closure instantiation): its names and what was walked.
#[derive(Default)]
pub struct Scope {
    pub names: Names,
    /// `.unused:` registers (DECISIONS.md: honoured).
    pub suppressed: HashSet<Reg>,
    memo: HashMap<Key, Checked>,
    active: HashSet<Key>,
}

impl Scope {
    pub fn new(names: Names, suppressed: HashSet<Reg>) -> Scope {
        Scope {
            names,
            suppressed,
            ..Scope::default()
        }
    }
}

enum Flow {
    Next,
    /// `return`, `tailcall`, `throw`: the end-of-path checks run.
    End,
    /// `leave`, `jump`, `if`: the path ends without them.
    Silent,
}

pub struct Walker<'p, 'u> {
    pub program: &'p Program<'u>,
    steps: u64,
    depth: usize,
    nesting: usize,
}

impl<'p, 'u> Walker<'p, 'u> {
    pub fn new(program: &'p Program<'u>) -> Self {
        Walker {
            program,
            steps: 0,
            depth: 0,
            nesting: 0,
        }
    }

    fn spent(&self) -> bool {
        self.steps >= STEP_BUDGET || self.depth >= MAX_DEPTH
    }

    pub fn walk(
        &mut self,
        scope: &mut Scope,
        body: usize,
        start: usize,
        p: &mut Profile,
    ) -> Checked {
        if self.spent() {
            return Ok(());
        }
        self.depth += 1;
        let result = self.walk_body(scope, body, start, p);
        self.depth -= 1;
        result
    }

    fn walk_body(
        &mut self,
        scope: &mut Scope,
        body: usize,
        start: usize,
        p: &mut Profile,
    ) -> Checked {
        let cfg = &self.program.cfgs[body];
        let mut closures = Closures::new();
        let mut index = start;
        while index < cfg.len() {
            self.steps += 1;
            if self.spent() {
                return Ok(());
            }
            let ins = cfg.instructions[index];
            match self.instruction(scope, body, index, p, &mut closures) {
                Err(fault) => return Err(fault.leaving(&ins.mnemonic)),
                Ok(Flow::Next) => index += 1,
                Ok(Flow::End) => break,
                Ok(Flow::Silent) => return Ok(()),
            }
        }
        self.unused_registers(scope, p)?;
        self.unused_values(scope, p)?;
        self.instantiate(scope, p, &mut closures)
    }

    fn instruction(
        &mut self,
        scope: &mut Scope,
        body: usize,
        index: usize,
        p: &mut Profile,
        closures: &mut Closures,
    ) -> Checked<Flow> {
        let program = self.program;
        let cfg = &program.cfgs[body];
        let ins = cfg.instructions[index];
        let mnemonic = At::of(&ins.mnemonic);
        let mut step = Step {
            ins,
            profile: p,
            names: &scope.names,
            source_lines: &program.source_lines,
        };
        match ins.mnemonic.text.as_str() {
            "jump" => {
                let op = step.operand(0)?;
                match cfg.target(index, op, is_jump) {
                    Target::Hex => {}
                    Target::Invalid => {
                        return Err(Fault::new(error(
                            at(op),
                            "invalid operand for jump instruction",
                        )))
                    }
                    Target::Index(target) => {
                        let by_offset = matches!(op.class, Class::Integer | Class::Offset);
                        self.follow(scope, body, target, p).map_err(|f| {
                            if by_offset {
                                let entry = error(mnemonic, "after a jump here:")
                                    .with_underline(op.token.span());
                                f.then(entry)
                            } else {
                                f
                            }
                        })?;
                    }
                }
                Ok(Flow::Silent)
            }
            "if" => {
                let cond = step.r(0)?;
                step.use_as(cond, "branch depends on", false)?;
                step.assert_type(cond, Type::UNKNOWN)?;
                let true_op = step.operand(1)?;
                let false_op = step.operand(2)?;
                let resolve = |op, kind| match cfg.target(index, op, kind) {
                    Target::Hex => Ok(None),
                    Target::Invalid => Err(Fault::new(error(
                        at(op),
                        "invalid operand for if instruction",
                    ))),
                    Target::Index(i) => Ok(Some(i)),
                };
                let Some(true_target) = resolve(true_op, is_true)? else {
                    return Ok(Flow::Silent);
                };
                let Some(false_target) = resolve(false_op, is_false)? else {
                    return Ok(Flow::Silent);
                };
                let mut copy = p.clone();
                copy.fresh.clear();
                self.branch(
                    scope,
                    body,
                    mnemonic,
                    (true_op, true_target),
                    (false_op, false_target),
                    copy,
                )?;
                Ok(Flow::Silent)
            }
            "enter" => {
                let op = step.operand(0)?;
                if op.class != Class::Word {
                    return Err(step.invalid(op, "invalid operand", "expected a block name"));
                }
                let name = op.token.text.as_str();
                let Some(&block) = program.blocks.get(name) else {
                    return Err(Fault::new(error(
                        at(op),
                        format!("reference to undefined block: {name}"),
                    )));
                };
                if program.cfgs[block].def.no_sa || self.nesting >= MAX_NESTING {
                    return Ok(Flow::Next);
                }
                self.nesting += 1;
                let result = self.walk(scope, block, 0, p);
                self.nesting -= 1;
                result.map_err(|f| f.trace(at(op), format!("after entering block {name}")))?;
                Ok(Flow::Next)
            }
            "leave" => Ok(Flow::Silent),
            "return" => Ok(Flow::End),
            "tailcall" => {
                step.callee(0, "use of")?;
                step.consume_arguments();
                Ok(Flow::End)
            }
            "throw" => {
                let source = step.r(0)?;
                step.use_as(source, "throw from", false)?;
                step.assert_type(source, Type::UNKNOWN)?;
                step.erase(source)?;
                let after_throw = |f: Fault| f.trace(mnemonic, "after a throw here:");
                self.unused_registers(scope, p).map_err(after_throw)?;
                self.instantiate(scope, p, closures).map_err(after_throw)?;
                Ok(Flow::End)
            }
            _ => {
                // An instruction without rules (none in 0.13's set) is accepted.
                step.data(closures)?;
                Ok(Flow::Next)
            }
        }
    }

    /// A `jump` continuation on the same profile.
    fn follow(
        &mut self,
        scope: &mut Scope,
        body: usize,
        target: usize,
        p: &mut Profile,
    ) -> Checked {
        let key = (body, target, p.clone());
        if !scope.active.insert(key.clone()) {
            return Ok(());
        }
        let result = self.walk(scope, body, target, p);
        scope.active.remove(&key);
        result
    }

    /// One branch of an `if`, on its own copy.
    fn explore(&mut self, scope: &mut Scope, body: usize, target: usize, p: Profile) -> Checked {
        let key = (body, target, p);
        if let Some(done) = scope.memo.get(&key) {
            return done.clone();
        }
        if scope.active.contains(&key) {
            return Ok(());
        }
        scope.active.insert(key.clone());
        let mut walked = key.2.clone();
        let result = self.walk(scope, body, target, &mut walked);
        scope.active.remove(&key);
        if scope.memo.len() < MEMO_LIMIT && !self.spent() {
            scope.memo.insert(key, result.clone());
        }
        result
    }

    /// §4.8.2 steps 5–6 and the outcome table of §4.9.
    fn branch(
        &mut self,
        scope: &mut Scope,
        body: usize,
        mnemonic: At,
        (true_op, true_target): (&viua_asm::assembler::unit::Operand, usize),
        (false_op, false_target): (&viua_asm::assembler::unit::Operand, usize),
        copy: Profile,
    ) -> Checked {
        let taken = |f: Fault, what: &str, op: &viua_asm::assembler::unit::Operand| {
            f.then(
                error(mnemonic, format!("after taking {what} branch here:"))
                    .with_underline(op.token.span()),
            )
        };
        let (mut unused_register, mut unused_value) = (None, None);
        match self.explore(scope, body, true_target, copy.clone()) {
            Ok(()) => {}
            Err(f) => match f.raw {
                Some(Raw::UnusedRegister) => unused_register = Some(f.first_message().to_owned()),
                Some(Raw::UnusedValue) => unused_value = Some(f.first_message().to_owned()),
                None => return Err(taken(f, "true", true_op)),
            },
        }
        let Err(f) = self.explore(scope, body, false_target, copy) else {
            return Ok(());
        };
        let message = Some(f.first_message().to_owned());
        let either = |f: Fault| f.trace(mnemonic, "after taking either branch:");
        match f.raw {
            Some(Raw::UnusedRegister) if message == unused_register => Err(either(f)),
            Some(Raw::UnusedValue) if message == unused_value => Err(either(f)),
            Some(_) => Ok(()),
            None if f.first_message().starts_with("unused") => {
                if message == unused_value {
                    Err(taken(f, "false", false_op))
                } else {
                    Ok(())
                }
            }
            None => Err(taken(f, "false", false_op)),
        }
    }

    /// §4.10.1.
    fn unused_registers(&self, scope: &Scope, p: &Profile) -> Checked {
        if self.program.warn.unused_register {
            return Ok(());
        }
        let Some((limit, limit_at)) = p.limit else {
            return Ok(());
        };
        for index in (1..limit).rev() {
            let reg = Reg::local(index);
            if !p.defined.contains_key(&reg)
                && !p.used.contains(&reg)
                && !scope.suppressed.contains(&reg)
            {
                return Err(Fault::raw(
                    error(limit_at, format!("unused local register {index}")),
                    Raw::UnusedRegister,
                ));
            }
        }
        Ok(())
    }

    /// §4.10.2.
    fn unused_values(&self, scope: &Scope, p: &Profile) -> Checked {
        if self.program.warn.unused_value {
            return Ok(());
        }
        for (reg, def) in &p.defined {
            if reg.index == 0 || p.used.contains(reg) || scope.suppressed.contains(reg) {
                continue;
            }
            return Err(Fault::raw(
                error(
                    def.at,
                    format!(
                        "unused {} in register \"{}\"{}",
                        def.ty,
                        reg.index,
                        scope.names.suffix(reg.index)
                    ),
                ),
                Raw::UnusedValue,
            ));
        }
        Ok(())
    }

    /// §4.10.3: closures created on this path are analysed with what they captured.
    fn instantiate(&mut self, _scope: &Scope, p: &Profile, closures: &mut Closures) -> Checked {
        let created = std::mem::take(closures);
        for (reg, closure) in created {
            let Some(&body) = self.program.callables.get(closure.name.as_str()) else {
                continue;
            };
            let def = self.program.cfgs[body].def;
            if def.no_sa || self.nesting >= MAX_NESTING || self.spent() {
                continue;
            }
            let name_at = At::of(&def.name);
            let mut profile = Profile::default();
            for (index, ty, at) in &closure.captures {
                profile.define(Reg::local(*index), *at, *ty);
            }
            define_parameters(&mut profile, &def.name.text, name_at);
            let instantiated_at = p.defined.get(&reg).map_or(closure.target, |d| d.at);
            let in_closure = |f: Fault| {
                f.trace(name_at, "in a closure defined here:")
                    .trace(instantiated_at, "when instantiated here:")
            };
            let mut inner = Scope::new(collect_names(def).map_err(in_closure)?, suppressed(def));
            self.nesting += 1;
            let result = self.walk(&mut inner, body, 0, &mut profile);
            self.nesting -= 1;
            result.map_err(in_closure)?;
        }
        Ok(())
    }
}

/// Parameters 0 … A−1 (A = the digits after the last `/`, 0 without any).
pub fn define_parameters(p: &mut Profile, name: &str, at: At) {
    let arity = name
        .rsplit_once('/')
        .and_then(|(_, digits)| digits.parse::<u16>().ok())
        .unwrap_or(0);
    for index in 0..arity {
        p.define(
            Reg {
                set: Set::Parameters,
                index,
            },
            at,
            Type::UNKNOWN,
        );
    }
}

fn register_number(text: &str) -> Option<u16> {
    text.trim_start_matches(['%', '@', '*']).parse().ok()
}

/// The `.name:` map (§4.2 step 2) with its two errors.
pub fn collect_names(def: &viua_asm::assembler::unit::Definition) -> Checked<Names> {
    let mut names = Names::default();
    for line in &def.lines {
        let Line::Directive(d) = line else { continue };
        let DirectiveKind::Name { index, name } = &d.kind else {
            continue;
        };
        let word = name.text.as_str();
        if matches!(
            word,
            "local" | "static" | "global" | "arguments" | "parameters"
        ) {
            return Err(Fault::new(
                error(At::of(&d.token), format!("invalid register name: {word}"))
                    .with_note(format!("'{word}' is a register set name"))
                    .with_underline(name.span()),
            ));
        }
        if names.by_name.contains_key(word) {
            return Err(Fault::new(
                error(At::of(name), format!("register name already taken: {word}"))
                    .with_underline(d.token.span()),
            ));
        }
        if let Some(n) = register_number(&index.text) {
            names.by_name.insert(word.to_owned(), n);
            names.by_index.insert(n, word.to_owned());
        }
    }
    Ok(names)
}

/// Registers named by `.unused:` directives.
pub fn suppressed(def: &viua_asm::assembler::unit::Definition) -> HashSet<Reg> {
    let mut out = HashSet::new();
    for line in &def.lines {
        if let Line::Directive(d) = line {
            if let DirectiveKind::Unused {
                register: Some(register),
                set,
            } = &d.kind
            {
                if let Some(index) = register_number(&register.text) {
                    let set = Set::parse(set.as_ref().map(|t| t.text.as_str()));
                    out.insert(Reg { set, index });
                }
            }
        }
    }
    out
}
