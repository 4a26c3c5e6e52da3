//! `.import:` resolution through the library path (ASSEMBLY.md §3.8, §7.6) and loading of
//! statically linked modules (§3.12, §7.5).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use viua_bytecode::{Module, ModuleKind};

use crate::diag::{Diagnostic, Entry, Severity};

use super::codegen::{Lowered, LoweredBody, LoweredInstruction};
use super::unit::{has_attribute, Unit};

fn unlocated(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Entry::unlocated(Severity::Error, message))
}

/// Reads a linkable module (`failed to open file` / `not a linkable file`).
pub(crate) fn load_module(path: &str) -> Result<Module, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|_| unlocated(format!("failed to open file: {path}")))?;
    match viua_bytecode::load(&bytes) {
        Ok(m) if m.kind == ModuleKind::Library => Ok(m),
        Ok(_) | Err(_) => Err(unlocated(format!("not a linkable file: {path}"))),
    }
}

/// Where a module name resolves to in the library path: `DIR/NAME.module`, then
/// `DIR/NAME.so`, for each directory in order. `true` means bytecode.
fn find(name: &str, library_path: &[PathBuf]) -> Option<(String, bool)> {
    let relative = name.replace("::", "/");
    for dir in library_path {
        for (extension, bytecode) in [("module", true), ("so", false)] {
            let candidate: PathBuf = Path::new(dir).join(format!("{relative}.{extension}"));
            if candidate.is_file() {
                return Some((candidate.to_string_lossy().into_owned(), bytecode));
            }
        }
    }
    None
}

fn not_found(name: &str) -> Diagnostic {
    Diagnostic::new(Entry::import(
        Severity::Error,
        format!("did not find module \"{name}\""),
    ))
}

/// The result of import resolution.
#[derive(Default)]
pub(crate) struct Imports {
    /// Names of modules to load at start-up, in order, each once.
    pub dynamic: Vec<String>,
    /// The bytecode modules among them: (path, module).
    pub dynamic_modules: Vec<(String, Module)>,
    /// Paths of `[[static]]` imports, in lexicographic order of module name.
    pub static_paths: Vec<String>,
}

impl Imports {
    /// Adds a dynamic import and, for a bytecode module, its own dynamic imports
    /// (transitively). Already known names are skipped.
    pub(crate) fn add_dynamic(
        &mut self,
        name: &str,
        library_path: &[PathBuf],
    ) -> Result<(), Diagnostic> {
        let mut work = vec![name.to_owned()];
        while let Some(name) = work.pop() {
            if self.dynamic.contains(&name) {
                continue;
            }
            let (path, bytecode) = find(&name, library_path).ok_or_else(|| not_found(&name))?;
            self.dynamic.push(name);
            if bytecode {
                let module = load_module(&path)?;
                // Reversed so that the work list pops them in their recorded order.
                work.extend(module.dynamic_imports.iter().rev().cloned());
                self.dynamic_modules.push((path, module));
            }
        }
        Ok(())
    }

    /// Names of the functions dynamically imported bytecode modules define.
    pub(crate) fn functions(&self) -> HashSet<&str> {
        self.dynamic_modules
            .iter()
            .flat_map(|(_, m)| m.functions.iter().map(|f| f.name.as_str()))
            .collect()
    }
}

/// Resolves the unit's `.import:` directives.
pub(crate) fn resolve_imports(
    unit: &Unit,
    library_path: &[PathBuf],
) -> Result<Imports, Diagnostic> {
    let mut imports = Imports::default();
    let mut statics: Vec<(String, String)> = Vec::new();
    for import in &unit.imports {
        let name = import.name.text.as_str();
        if has_attribute(&import.attributes, "static") {
            match find(name, library_path) {
                None => return Err(not_found(name)),
                Some((_, false)) => {
                    return Err(Diagnostic::new(Entry::import(
                        Severity::Error,
                        format!("only bytecode modules may be statically imported \"{name}\""),
                    )))
                }
                Some((path, true)) => statics.push((name.to_owned(), path)),
            }
        } else if has_attribute(&import.attributes, "dynamic") {
            imports.add_dynamic(name, library_path)?;
        } else {
            return Err(Diagnostic::new(
                Entry::import(
                    Severity::Error,
                    format!("link mode not specified for module \"{name}\""),
                )
                .with_note("expected either \"static\" or \"dynamic\""),
            ));
        }
    }
    statics.sort();
    imports.static_paths = statics.into_iter().map(|(_, path)| path).collect();
    Ok(imports)
}

/// A statically linked module as loaded.
pub(crate) struct LinkedInput {
    pub path: String,
    pub module: Module,
}

/// Loads the modules to link, in order; a path given twice is an error.
pub(crate) fn load_linked(
    paths: &[String],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<LinkedInput>, Diagnostic> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for path in paths {
        if !seen.insert(path.as_str()) {
            return Err(unlocated(format!(
                "requested to link module '{path}' more than once"
            )));
        }
        let module = load_module(path)?;
        if module.functions.is_empty() {
            warnings.push(Diagnostic::new(Entry::unlocated(
                Severity::Warning,
                format!("static-linked module \"{path}\" defines no functions"),
            )));
        }
        out.push(LinkedInput {
            path: path.clone(),
            module,
        });
    }
    Ok(out)
}

/// Checks that no function or block name is defined twice across the unit (`symbols`: name →
/// where it was found), the linked modules, then the dynamically imported bytecode modules.
pub(crate) fn check_duplicate_symbols<'a>(
    mut symbols: HashMap<&'a str, &'a str>,
    modules: impl Iterator<Item = (&'a str, &'a Module)>,
) -> Result<(), Diagnostic> {
    for (path, module) in modules {
        let names = module
            .functions
            .iter()
            .map(|f| f.name.as_str())
            .chain(module.blocks.iter().map(|b| b.name.as_str()));
        for name in names {
            if let Some(previous) = symbols.insert(name, path) {
                return Err(unlocated(format!(
                    "duplicate symbol '{name}' found when linking '{path}' (previously found in '{previous}')"
                )));
            }
        }
    }
    Ok(())
}

/// Converts a loaded module's code back to owned operands (so that it is interned into the
/// new module's pool like the unit's own code).
pub(crate) fn lift_code(
    module: &Module,
    code: &[viua_bytecode::Instruction],
    debug: &[viua_bytecode::SourcePos],
) -> LoweredBody {
    use viua_bytecode::Operand as O;
    let bytes = |i| module.bytes(i).map(<[u8]>::to_vec).unwrap_or_default();
    let name = |i| module.name(i).map(str::to_owned).unwrap_or_default();
    let code = code
        .iter()
        .map(|i| LoweredInstruction {
            opcode: i.opcode,
            operands: i
                .operands
                .iter()
                .map(|o| match *o {
                    O::Text(c) => Lowered::Text(bytes(c)),
                    O::Atom(c) => Lowered::Atom(bytes(c)),
                    O::Bits(c) => Lowered::Bits(bytes(c)),
                    O::Function(c) => Lowered::Function(name(c)),
                    O::Block(c) => Lowered::Block(name(c)),
                    O::Module(c) => Lowered::Module(name(c)),
                    other => Lowered::Plain(other),
                })
                .collect(),
        })
        .collect();
    LoweredBody {
        code,
        debug: debug.to_vec(),
    }
}
