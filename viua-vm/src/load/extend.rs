//! Extending a program with a dynamically imported bytecode module (RUNTIME.md §7.3).
//!
//! The new program is a clone of the old one (the code of every definition is shared, the
//! literal and name tables are copied) with the module's blocks and functions appended and
//! its literals appended to the tables, so indexes held by running processes stay valid.
//! Jumps need no relocation: they are instruction indexes within their definition.

use std::sync::Arc;

use viua_bytecode::{Module, ModuleKind};

use super::translate::{first_wins, Translator};
use super::{LoadError, ModuleInfo, Program};
use crate::value::FunctionName;

pub(super) fn extend(
    base: &Program,
    module: &Module,
    name: &str,
    path: &str,
) -> Result<Program, LoadError> {
    if module.kind != ModuleKind::Library {
        return Err(LoadError(format!("not a linkable bytecode module: {path}")));
    }
    if module.entry.is_some() {
        return Err(LoadError(format!("a linkable module has no entry: {path}")));
    }
    if base.is_loaded(name) {
        return Err(LoadError(format!("module already loaded: {name}")));
    }
    let too_many = || LoadError(format!("too many definitions importing {path}"));
    let function_base = u32::try_from(base.functions.len()).map_err(|_| too_many())?;
    let block_base = u32::try_from(base.blocks.len()).map_err(|_| too_many())?;
    function_base
        .checked_add(u32::try_from(module.functions.len()).map_err(|_| too_many())?)
        .ok_or_else(too_many)?;
    block_base
        .checked_add(u32::try_from(module.blocks.len()).map_err(|_| too_many())?)
        .ok_or_else(too_many)?;
    let module_index = u32::try_from(base.modules.len()).map_err(|_| too_many())?;

    // Names defined earlier keep their definition, in the module's own code too.
    let mut function_by_name = (*base.function_names).clone();
    first_wins(
        module.functions.iter().map(|f| f.name.as_str()),
        function_base,
        &mut function_by_name,
    );
    let mut block_by_name = (*base.block_names).clone();
    first_wins(
        module.blocks.iter().map(|b| b.name.as_str()),
        block_base,
        &mut block_by_name,
    );

    let mut program = base.clone();
    program.modules.push(ModuleInfo {
        name: name.to_string(),
        path: path.to_string(),
        base: u64::from(module_index) << 32,
    });
    program.loaded_modules.insert(name.to_string());
    // Entries naming a function that was unknown so far now carry its index.
    for entry in &mut program.names {
        if entry.function.is_none() {
            if let Some(&f) = function_by_name.get(&entry.name) {
                *entry = Arc::new(FunctionName {
                    name: entry.name.clone(),
                    function: Some(f),
                });
            }
        }
    }

    let mut t = Translator::new(
        module,
        program,
        module_index,
        function_by_name,
        block_by_name,
    );
    for (i, n) in t.program.names.iter().enumerate() {
        t.name_ids.entry(n.name.clone()).or_insert(i as u32);
    }
    for (i, l) in t.program.labels.iter().enumerate() {
        t.label_ids.entry(l.clone()).or_insert(i as u32);
    }
    t.definitions()?;
    Ok(t.finish())
}
