//! The generation phase (ASSEMBLY.md §7.4 "Generation"), in the reference's order: main
//! return value, sizes, linking, main selection, undefined functions, code generation; then
//! the module is assembled.
//!
//! Layout (§3.12): the unit's blocks, its `.function:`s, its `.closure:`s, `__entry`, then
//! statically linked code — first definitions written with `[[linked_from{"PATH"}]]` (a
//! disassembled executable), grouped per PATH, then the modules linked now, in link order.

use std::collections::{BTreeMap, HashMap, HashSet};

use viua_bytecode::{size, FunctionKind, LinkedModule, Module, ModuleKind, Opcode, Operand};

use crate::diag::{Diagnostic, Entry};

use super::codegen::{entry_body, lower, LoweredBody};
use super::emit::{emit, Origin, PendingBlock, PendingFunction};
use super::link::{check_duplicate_symbols, lift_code, load_linked, Imports};
use super::main::{check_return_values, select_main};
use viua_bytecode::escapes::decode_atom_escapes;

use super::syntax::{function_arity, is_function_name, literal_body};
use super::unit::{Class, DefKind, Definition, Unit};
use super::{Options, Output};

/// `[[linked_from]]` definitions of one module path.
struct Group<'a> {
    path: &'a str,
    blocks: Vec<&'a Definition>,
    functions: Vec<&'a Definition>,
}

/// Groups `[[linked_from]]` definitions by path. Group order: first appearance among
/// functions (a listing prints all blocks before all functions, so block order says nothing
/// about link order), then modules that only have blocks.
fn linked_groups(unit: &Unit) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let callables = unit.definitions.iter().filter(|d| !d.kind.is_block());
    let blocks = unit.definitions.iter().filter(|d| d.kind.is_block());
    for def in callables.chain(blocks) {
        let Some(path) = def.linked_from.as_deref() else {
            continue;
        };
        let index = match groups.iter().position(|g| g.path == path) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    path,
                    blocks: Vec::new(),
                    functions: Vec::new(),
                });
                groups.len() - 1
            }
        };
        if def.kind.is_block() {
            groups[index].blocks.push(def);
        } else {
            groups[index].functions.push(def);
        }
    }
    groups
}

fn origin(def: &Definition) -> Option<Origin> {
    Some(Origin {
        is_block: def.kind.is_block(),
        name: def.name.text.clone(),
        at: def.name.pos(),
    })
}

/// What a function-name operand means to the undefined-function check.
fn undefined_message(opcode: Opcode, name: &str) -> Option<String> {
    Some(match opcode {
        Opcode::Call => format!("call to undefined function {name}"),
        Opcode::Process => format!("process from undefined function {name}"),
        Opcode::Tailcall => format!("tail call to undefined function {name}"),
        Opcode::Defer => format!("deferred undefined function {name}"),
        Opcode::Watchdog => format!("watchdog from undefined function {name}"),
        Opcode::Closure => format!("closure from undefined function: {name}"),
        Opcode::Function => format!("function from undefined function: {name}"),
        _ => return None,
    })
}

fn check_undefined_functions<'a>(
    defs: impl Iterator<Item = &'a Definition>,
    known: &HashSet<&str>,
) -> Result<(), Diagnostic> {
    for def in defs {
        for i in def.instructions() {
            let position = match i.opcode {
                Opcode::Call | Opcode::Process | Opcode::Closure | Opcode::Function => 1,
                Opcode::Tailcall | Opcode::Defer | Opcode::Watchdog => 0,
                _ => continue,
            };
            let Some(callee) = i
                .operand(position)
                .filter(|o| o.class == Class::FunctionName)
            else {
                continue;
            };
            let name = callee.token.text.as_str();
            if known.contains(name) || !is_function_name(name) {
                continue;
            }
            let Some(message) = undefined_message(i.opcode, name) else {
                continue;
            };
            // `closure` and `function` report at the mnemonic, calls at the callee.
            let at = if matches!(i.opcode, Opcode::Closure | Opcode::Function) {
                &i.mnemonic
            } else {
                &callee.token
            };
            return Err(Diagnostic::new(Entry::error_at(at.pos(), message)));
        }
    }
    Ok(())
}

/// `.info:` pairs: atom-decoded values, first value per key wins, sorted by key.
fn meta(unit: &Unit) -> Result<Vec<(String, String)>, Diagnostic> {
    let mut pairs: BTreeMap<String, String> = BTreeMap::new();
    for info in &unit.infos {
        let Some(key) = &info.key else {
            return Err(Diagnostic::new(Entry::error_at(
                info.directive.pos(),
                "missing key and value in .info: directive",
            )));
        };
        let Some(value) = &info.value else {
            return Err(Diagnostic::new(Entry::error_at(
                info.directive.pos(),
                "missing value in .info: directive",
            )));
        };
        let decoded = decode_atom_escapes(literal_body(&value.text));
        pairs
            .entry(key.text.clone())
            .or_insert_with(|| String::from_utf8_lossy(&decoded).into_owned());
    }
    Ok(pairs.into_iter().collect())
}

pub(crate) fn generate(
    path: &str,
    unit: &Unit,
    mut imports: Imports,
    options: &Options,
) -> Result<Output, Diagnostic> {
    let executable = !options.library;
    let own = |kind: DefKind| {
        unit.definitions
            .iter()
            .filter(move |d| d.kind == kind && d.linked_from.is_none())
    };
    let unit_blocks: Vec<&Definition> = own(DefKind::Block).collect();
    let unit_functions: Vec<&Definition> = own(DefKind::Function)
        .chain(own(DefKind::Closure))
        .collect();
    let groups = linked_groups(unit);

    if executable {
        check_return_values(unit_functions.iter().copied())?;
    }

    // Sizes: every definition is lowered, blocks first; size errors are reported now,
    // generation errors after linking and main selection.
    let group_blocks = groups.iter().flat_map(|g| g.blocks.iter().copied());
    let group_functions = groups.iter().flat_map(|g| g.functions.iter().copied());
    let layout_blocks: Vec<&Definition> = unit_blocks.iter().copied().chain(group_blocks).collect();
    let layout_functions: Vec<&Definition> = unit_functions
        .iter()
        .copied()
        .chain(group_functions)
        .collect();
    let mut lowered: Vec<LoweredBody> = Vec::new();
    let mut generation_error: Option<Diagnostic> = None;
    for def in layout_blocks.iter().chain(&layout_functions) {
        let l = lower(def, options.debug_info)?;
        if generation_error.is_none() {
            generation_error = l.generation_error;
        }
        lowered.push(l.body);
    }

    // Linking.
    let mut warnings = Vec::new();
    let mut paths = options.link.clone();
    paths.extend(imports.static_paths.iter().cloned());
    let linked = load_linked(&paths, &mut warnings)?;
    for l in &linked {
        for name in &l.module.dynamic_imports {
            imports.add_dynamic(name, &options.library_path)?;
        }
    }
    let mut symbols: HashMap<&str, &str> = HashMap::new();
    for def in &unit.definitions {
        symbols
            .entry(&def.name.text)
            .or_insert(def.linked_from.as_deref().unwrap_or(path));
    }
    let modules = linked.iter().map(|l| (l.path.as_str(), &l.module));
    check_duplicate_symbols(
        symbols,
        modules.chain(imports.dynamic_modules.iter().map(|(p, m)| (p.as_str(), m))),
    )?;

    // Main selection.
    let main = if executable {
        let mut candidates: Vec<(&str, &str)> = unit_functions
            .iter()
            .map(|d| (d.name.text.as_str(), path))
            .collect();
        for g in &groups {
            candidates.extend(g.functions.iter().map(|d| (d.name.text.as_str(), g.path)));
        }
        for l in &linked {
            candidates.extend(
                l.module
                    .functions
                    .iter()
                    .map(|f| (f.name.as_str(), l.path.as_str())),
            );
        }
        Some(select_main(&candidates)?.to_owned())
    } else {
        None
    };

    // Undefined functions.
    let dynamic_functions = imports.functions();
    let mut known: HashSet<&str> = unit
        .definitions
        .iter()
        .filter(|d| !d.kind.is_block())
        .map(|d| d.name.text.as_str())
        .collect();
    known.extend(unit.signatures.iter().map(|t| t.text.as_str()));
    known.extend(
        linked
            .iter()
            .flat_map(|l| l.module.functions.iter().map(|f| f.name.as_str())),
    );
    known.extend(dynamic_functions.iter().copied());
    let own_code = unit_blocks.iter().chain(&unit_functions).copied();
    check_undefined_functions(own_code, &known)?;

    if let Some(e) = generation_error {
        return Err(e);
    }
    let meta = meta(unit)?;

    // The module.
    let kind = if executable {
        ModuleKind::Executable
    } else {
        ModuleKind::Library
    };
    let mut module = Module::new(kind);
    module.meta = meta;
    module.linked = groups
        .iter()
        .map(|g| g.path)
        .chain(linked.iter().map(|l| l.path.as_str()))
        .map(|p| LinkedModule { path: p.to_owned() })
        .collect();
    let group_index: HashMap<&str, u32> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.path, i as u32))
        .collect();
    let linked_index = |i: usize| Some((groups.len() + i) as u32);

    let mut bodies = lowered.into_iter();
    let mut blocks = Vec::new();
    for def in &layout_blocks {
        let body = bodies.next().unwrap_or(LoweredBody {
            code: Vec::new(),
            debug: Vec::new(),
        });
        let linked_from = def
            .linked_from
            .as_deref()
            .and_then(|p| group_index.get(p).copied());
        blocks.push(PendingBlock {
            name: def.name.text.clone(),
            linked_from,
            body,
            origin: origin(def),
        });
    }
    let mut functions = Vec::new();
    let function = |def: &Definition, body| PendingFunction {
        name: def.name.text.clone(),
        arity: function_arity(&def.name.text).flatten(),
        kind: if def.kind == DefKind::Closure {
            FunctionKind::Closure
        } else {
            FunctionKind::Function
        },
        linked_from: def
            .linked_from
            .as_deref()
            .and_then(|p| group_index.get(p).copied()),
        body,
        origin: origin(def),
    };
    for def in &layout_functions[..unit_functions.len()] {
        let body = bodies.next().unwrap_or(LoweredBody {
            code: Vec::new(),
            debug: Vec::new(),
        });
        functions.push(function(def, body));
    }
    if let Some(main) = &main {
        module.entry = Some(functions.len() as u32);
        functions.push(PendingFunction {
            name: "__entry".into(),
            arity: None,
            kind: FunctionKind::Function,
            linked_from: None,
            body: LoweredBody {
                code: entry_body(main),
                debug: Vec::new(),
            },
            origin: None,
        });
    }
    for def in &layout_functions[unit_functions.len()..] {
        let body = bodies.next().unwrap_or(LoweredBody {
            code: Vec::new(),
            debug: Vec::new(),
        });
        functions.push(function(def, body));
    }
    for (n, l) in linked.iter().enumerate() {
        for b in &l.module.blocks {
            let body = lift_code(&l.module, &b.code, &b.debug);
            blocks.push(PendingBlock {
                name: b.name.clone(),
                linked_from: linked_index(n),
                body,
                origin: None,
            });
        }
        for f in &l.module.functions {
            let body = lift_code(&l.module, &f.code, &f.debug);
            functions.push(PendingFunction {
                name: f.name.clone(),
                arity: f.arity,
                kind: f.kind,
                linked_from: linked_index(n),
                body,
                origin: None,
            });
        }
    }
    emit(&mut module, blocks, functions)?;

    // Declarations: the unit's, then those of linked modules that nothing here defines.
    module.signatures = unit.signatures.iter().map(|t| t.text.clone()).collect();
    module.block_signatures = unit
        .block_signatures
        .iter()
        .map(|t| t.text.clone())
        .collect();
    let defined_functions: HashSet<String> =
        module.functions.iter().map(|f| f.name.clone()).collect();
    let defined_blocks: HashSet<String> = module.blocks.iter().map(|b| b.name.clone()).collect();
    for l in &linked {
        for s in &l.module.signatures {
            if !defined_functions.contains(s) && !module.signatures.contains(s) {
                module.signatures.push(s.clone());
            }
        }
        for s in &l.module.block_signatures {
            if !defined_blocks.contains(s) && !module.block_signatures.contains(s) {
                module.block_signatures.push(s.clone());
            }
        }
    }
    module.dynamic_imports = imports.dynamic.clone();
    let mut imported: Vec<String> = module
        .functions
        .iter()
        .flat_map(|f| f.code.iter())
        .chain(module.blocks.iter().flat_map(|b| b.code.iter()))
        .flat_map(|i| i.operands.iter())
        .filter_map(|o| match o {
            Operand::Function(c) => module.name(*c),
            _ => None,
        })
        .filter(|n| !defined_functions.contains(*n) && dynamic_functions.contains(n))
        .map(str::to_owned)
        .collect();
    imported.sort();
    imported.dedup();
    module.imported_functions = imported;

    let unit_size = module
        .blocks
        .iter()
        .filter(|b| b.linked_from.is_none())
        .map(|b| size::code_size(&module, &b.code))
        .sum::<u64>()
        + module
            .functions
            .iter()
            .enumerate()
            .filter(|(i, f)| f.linked_from.is_none() && module.entry != Some(*i as u32))
            .map(|(_, f)| size::code_size(&module, &f.code))
            .sum::<u64>();
    Ok(Output {
        module,
        unit_size,
        warnings,
    })
}
