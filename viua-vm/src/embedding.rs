//! What the embedder gives the VM — native modules and built-in bytecode modules — and the
//! linker that imports one module into a program (ISA-CONTROL §2.32, RUNTIME.md §7.3), shared
//! by the `import` instruction and start-up loading (RUNTIME.md §3.1).
//!
//! This crate does not depend on `viua-ffi` or `viua-std`: the CLI installs
//! `viua_ffi::Natives` and `viua_std::module` through an [`Embedding`]. The default embedding
//! has neither (only bytecode module files on the library path can be imported).

use std::path::PathBuf;
use std::sync::Arc;

use crate::exception::{Exception, Fault};
use crate::foreign::{NativeLoadError, NativeModules};
use crate::load::Program;
use crate::modules::{self, Import};

/// Providers installed by the embedder.
#[derive(Clone)]
pub struct Embedding {
    /// Native modules (built-in standard ones and third-party shared libraries).
    pub natives: Option<Arc<dyn NativeModules>>,
    /// Built-in bytecode modules by name (e.g. `viua_std::module`).
    pub builtins: fn(&str) -> Option<&'static [u8]>,
    /// The module search path; `None`: `VIUA_LIBRARY_PATH`.
    pub library_path: Option<Vec<PathBuf>>,
}

impl Default for Embedding {
    fn default() -> Embedding {
        Embedding {
            natives: None,
            builtins: modules::no_builtins,
            library_path: None,
        }
    }
}

impl std::fmt::Debug for Embedding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedding")
            .field("natives", &self.natives.is_some())
            .field("library_path", &self.library_path)
            .finish()
    }
}

/// Imports modules into programs; every VM has one (in its kernel).
#[derive(Clone)]
pub struct Linker {
    natives: Option<Arc<dyn NativeModules>>,
    builtins: fn(&str) -> Option<&'static [u8]>,
    library_path: Vec<PathBuf>,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("natives", &self.natives.is_some())
            .field("library_path", &self.library_path)
            .finish()
    }
}

fn link_error(message: String) -> Fault {
    Exception::new("LinkException", message)
}

impl Linker {
    pub fn new(embedding: &Embedding) -> Linker {
        Linker {
            natives: embedding.natives.clone(),
            builtins: embedding.builtins,
            library_path: embedding
                .library_path
                .clone()
                .unwrap_or_else(modules::library_path_from_env),
        }
    }

    /// `program` plus module `name`, or `None` when the module is already loaded (a
    /// repeated import is a no-op). The errors are those of ISA-CONTROL §2.32.
    pub fn import(&self, program: &Program, name: &str) -> Result<Option<Program>, Fault> {
        let found = modules::import(program, name, &self.library_path, &self.builtins)
            .map_err(|e| link_error(format!("failed to load module: {e}")))?;
        let functions = match found {
            Import::AlreadyLoaded => return Ok(None),
            Import::Bytecode(p) => return Ok(Some(Arc::unwrap_or_clone(p))),
            Import::Native(path) => match &self.natives {
                Some(natives) => natives.load(name, &path).map_err(|e| match e {
                    NativeLoadError::Open(details) => {
                        link_error(format!("failed to open handle: {name}: {details}"))
                    }
                    NativeLoadError::Interface(_) => {
                        Exception::error(format!("failed to extract interface from module: {name}"))
                    }
                })?,
                None => {
                    return Err(link_error(format!(
                        "failed to open handle: {name}: this VM has no native module support"
                    )))
                }
            },
            Import::NotFound => match self.natives.as_ref().and_then(|n| n.builtin(name)) {
                Some(functions) => functions,
                None => return Err(link_error(format!("failed to locate module: {name}"))),
            },
        };
        Ok(Some(program.with_foreign(name, functions)))
    }
}
