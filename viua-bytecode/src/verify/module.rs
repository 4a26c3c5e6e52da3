//! Module-level rules: table sizes, name tables, the function and block tables, and the entry
//! point. Code is checked per function and block by [`super::function`].

use std::collections::HashSet;

use super::names::{is_block_name, is_module_name, parse_function_name, ENTRY_FUNCTION};
use super::{bail, function, Body, Location, Shown, VerifyError};
use crate::limits;
use crate::module::{Constant, FunctionKind, Module, ModuleKind, SourcePos};

/// What code checks look names up in.
pub(super) struct Context<'a> {
    pub module: &'a Module,
    /// Functions an instruction may name: defined, declared by `.signature:`, or imported from
    /// a dynamically loaded bytecode module.
    pub functions: HashSet<&'a str>,
    /// Blocks an instruction may name: defined or declared by `.bsignature:`.
    pub blocks: HashSet<&'a str>,
}

pub(super) fn verify_module(m: &Module) -> Result<(), VerifyError> {
    check_sizes(m)?;
    check_constants(m)?;
    check_name_tables(m)?;
    let (defined_blocks, defined_functions) = check_code_tables(m)?;
    check_entry(m)?;

    let mut functions = defined_functions;
    functions.extend(m.signatures.iter().map(String::as_str));
    functions.extend(m.imported_functions.iter().map(String::as_str));
    let mut blocks = defined_blocks;
    blocks.extend(m.block_signatures.iter().map(String::as_str));
    let cx = Context {
        module: m,
        functions,
        blocks,
    };

    for (index, b) in m.blocks.iter().enumerate() {
        let body = Body {
            is_block: true,
            index,
            name: &b.name,
        };
        function::check_code(&cx, body, &b.code)?;
    }
    for (index, f) in m.functions.iter().enumerate() {
        let body = Body {
            is_block: false,
            index,
            name: &f.name,
        };
        function::check_code(&cx, body, &f.code)?;
    }
    Ok(())
}

fn check_sizes(m: &Module) -> Result<(), VerifyError> {
    let tables = [
        (
            "meta-information entries",
            m.meta.len(),
            limits::MAX_META_ENTRIES,
        ),
        (
            "function signatures",
            m.signatures.len(),
            limits::MAX_NAME_LIST_ENTRIES,
        ),
        (
            "block signatures",
            m.block_signatures.len(),
            limits::MAX_NAME_LIST_ENTRIES,
        ),
        (
            "dynamic imports",
            m.dynamic_imports.len(),
            limits::MAX_NAME_LIST_ENTRIES,
        ),
        (
            "imported functions",
            m.imported_functions.len(),
            limits::MAX_NAME_LIST_ENTRIES,
        ),
        ("linked modules", m.linked.len(), limits::MAX_LINKED_MODULES),
        ("constants", m.constants.len(), limits::MAX_CONSTANTS),
        ("blocks", m.blocks.len(), limits::MAX_BLOCKS),
        ("functions", m.functions.len(), limits::MAX_FUNCTIONS),
    ];
    for (what, len, max) in tables {
        if len > max {
            bail!(
                TooLarge,
                Location::Module,
                "{len} {what} (at most {max} allowed)"
            );
        }
    }
    Ok(())
}

fn check_constants(m: &Module) -> Result<(), VerifyError> {
    for (i, c) in m.constants.iter().enumerate() {
        let (len, max) = match c {
            Constant::Bytes(b) => (b.len(), limits::MAX_LITERAL_LEN),
            Constant::Name(n) => (n.len(), limits::MAX_NAME_LEN),
        };
        if len > max {
            bail!(
                TooLarge,
                Location::Module,
                "constant {i} has {len} bytes (at most {max})"
            );
        }
    }
    Ok(())
}

fn check_name_tables(m: &Module) -> Result<(), VerifyError> {
    for (i, (key, value)) in m.meta.iter().enumerate() {
        if key.len() > limits::MAX_NAME_LEN || value.len() > limits::MAX_NAME_LEN {
            bail!(
                TooLarge,
                Location::Module,
                "meta-information entry {i} is too long"
            );
        }
        // Sorted and unique keys make the encoding canonical (one module, one byte string).
        if i > 0 && m.meta[i - 1].0 >= *key {
            bail!(
                UnsortedTable,
                Location::Module,
                "meta-information keys are not sorted and unique at key '{}'",
                Shown(key)
            );
        }
    }
    for name in &m.signatures {
        if parse_function_name(name).is_none() {
            bail!(
                BadFunctionName,
                Location::Module,
                "signature '{}' is not a valid function name",
                Shown(name)
            );
        }
    }
    for name in &m.block_signatures {
        if !is_block_name(name) {
            bail!(
                BadBlockName,
                Location::Module,
                "block signature '{}' is not a valid block name",
                Shown(name)
            );
        }
    }
    for name in &m.dynamic_imports {
        if !is_module_name(name) {
            bail!(
                BadModuleName,
                Location::Module,
                "dynamic import '{}' is not a valid module name",
                Shown(name)
            );
        }
    }
    for (i, name) in m.imported_functions.iter().enumerate() {
        if parse_function_name(name).is_none() {
            bail!(
                BadFunctionName,
                Location::Module,
                "imported function '{}' is not a valid function name",
                Shown(name)
            );
        }
        if i > 0 && m.imported_functions[i - 1] >= *name {
            bail!(
                UnsortedTable,
                Location::Module,
                "imported functions are not sorted and unique at '{}'",
                Shown(name)
            );
        }
    }
    for (i, l) in m.linked.iter().enumerate() {
        if l.path.is_empty() || l.path.len() > limits::MAX_NAME_LEN {
            bail!(
                BadLinkedModule,
                Location::Module,
                "linked module {i} has an empty or overlong path"
            );
        }
    }
    Ok(())
}

/// Checks the block and function tables and returns the defined names.
#[allow(clippy::type_complexity)]
fn check_code_tables(m: &Module) -> Result<(HashSet<&str>, HashSet<&str>), VerifyError> {
    let mut blocks = HashSet::with_capacity(m.blocks.len());
    for (index, b) in m.blocks.iter().enumerate() {
        let body = Body {
            is_block: true,
            index,
            name: &b.name,
        };
        if !is_block_name(&b.name) {
            bail!(BadBlockName, body.at(None), "not a valid block name");
        }
        if !blocks.insert(b.name.as_str()) {
            bail!(DuplicateName, body.at(None), "block defined more than once");
        }
        check_body_tables(m, body, b.linked_from, b.code.len(), &b.debug)?;
    }

    let mut functions = HashSet::with_capacity(m.functions.len());
    for (index, f) in m.functions.iter().enumerate() {
        let body = Body {
            is_block: false,
            index,
            name: &f.name,
        };
        if f.name == ENTRY_FUNCTION {
            // Where `__entry` may be is a rule of the entry point, checked by `check_entry`.
            if f.arity.is_some() {
                bail!(
                    ArityMismatch,
                    body.at(None),
                    "the entry function has no arity, but {} is stored",
                    f.arity.unwrap_or(0)
                );
            }
        } else {
            let Some(arity) = parse_function_name(&f.name) else {
                bail!(BadFunctionName, body.at(None), "not a valid function name");
            };
            if arity != f.arity {
                bail!(
                    ArityMismatch,
                    body.at(None),
                    "the name gives arity {}, but {} is stored",
                    show_arity(arity),
                    show_arity(f.arity)
                );
            }
            if f.kind == FunctionKind::Closure && arity.is_none() {
                bail!(
                    ArityMismatch,
                    body.at(None),
                    "a closure must have an explicit arity"
                );
            }
        }
        if !functions.insert(f.name.as_str()) {
            bail!(
                DuplicateName,
                body.at(None),
                "function defined more than once"
            );
        }
        check_body_tables(m, body, f.linked_from, f.code.len(), &f.debug)?;
    }
    Ok((blocks, functions))
}

fn show_arity(arity: Option<u16>) -> String {
    arity.map_or_else(|| "none".to_owned(), |a| a.to_string())
}

fn check_body_tables(
    m: &Module,
    body: Body<'_>,
    linked_from: Option<u32>,
    code_len: usize,
    debug: &[SourcePos],
) -> Result<(), VerifyError> {
    if let Some(l) = linked_from {
        if l as usize >= m.linked.len() {
            bail!(
                BadLinkedFrom,
                body.at(None),
                "linked from module {l}, but only {} modules are linked",
                m.linked.len()
            );
        }
    }
    if code_len == 0 {
        bail!(
            EmptyCode,
            body.at(None),
            "the {} has no instructions",
            body.noun()
        );
    }
    if code_len > limits::MAX_INSTRUCTIONS_PER_FUNCTION {
        bail!(
            TooLarge,
            body.at(None),
            "{code_len} instructions (at most {} allowed)",
            limits::MAX_INSTRUCTIONS_PER_FUNCTION
        );
    }
    if !debug.is_empty() && debug.len() != code_len {
        bail!(
            DebugTableMismatch,
            body.at(None),
            "{} source positions for {code_len} instructions",
            debug.len()
        );
    }
    Ok(())
}

fn check_entry(m: &Module) -> Result<(), VerifyError> {
    let entries = m
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name == ENTRY_FUNCTION);
    match m.kind {
        ModuleKind::Library => {
            if let Some(i) = m.entry {
                bail!(
                    BadEntry,
                    Location::Module,
                    "a library has no entry function, but function {i} is marked as one"
                );
            }
            if let Some((index, f)) = entries.into_iter().next() {
                bail!(
                    BadEntry,
                    Body {
                        is_block: false,
                        index,
                        name: &f.name
                    }
                    .at(None),
                    "a library cannot define the entry function"
                );
            }
        }
        ModuleKind::Executable => {
            let Some(i) = m.entry else {
                bail!(
                    BadEntry,
                    Location::Module,
                    "an executable must have an entry function"
                );
            };
            let Some(f) = m.functions.get(i as usize) else {
                bail!(
                    BadEntry,
                    Location::Module,
                    "the entry function is function {i}, but there are {} functions",
                    m.functions.len()
                );
            };
            let body = Body {
                is_block: false,
                index: i as usize,
                name: &f.name,
            };
            if f.name != ENTRY_FUNCTION {
                bail!(
                    BadEntry,
                    body.at(None),
                    "the entry function must be called '{ENTRY_FUNCTION}'"
                );
            }
            if f.kind != FunctionKind::Function || f.linked_from.is_some() {
                bail!(
                    BadEntry,
                    body.at(None),
                    "the entry function must be a generated function, not a closure or linked code"
                );
            }
            let mains: Vec<&str> = m
                .functions
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| matches!(*n, "main/0" | "main/1" | "main/2"))
                .collect();
            match mains.len() {
                1 => {}
                0 => bail!(BadMain, Location::Module, "main function is not defined"),
                _ => bail!(
                    BadMain,
                    Location::Module,
                    "more than one candidate for main function: {}",
                    mains.join(", ")
                ),
            }
        }
    }
    Ok(())
}
