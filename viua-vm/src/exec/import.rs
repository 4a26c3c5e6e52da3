//! Late binding (RUNTIME.md §7.3): the `import` instruction and the run-time resolution of
//! names that were unknown when the program was loaded.
//!
//! A process runs on its own `Arc<Program>`. Before resolving an unknown name it switches to
//! the VM's current program if that is newer (an atomic generation compare; the kernel's
//! lock is taken only when there is a newer program to fetch). Indexes never change between
//! generations, so the switch is safe at any instruction boundary. Resolution order:
//! bytecode functions (executable first, then modules in import order), then foreign
//! functions.

use std::sync::Arc;

use super::Process;
use crate::embedding::{Embedding, Linker};
use crate::exception::{Exception, Fault};
use crate::foreign::ForeignFunction;

/// What a name that was unknown at load time names now.
pub(super) enum Late {
    Function(u32),
    Foreign(Arc<ForeignFunction>),
    Undefined(String),
}

impl Process {
    /// Switches to the VM's current program if it is newer than this process's.
    pub(super) fn refresh_program(&mut self) {
        if let Some(newer) = self
            .kernel
            .as_ref()
            .and_then(|k| k.newer_program(self.program.generation))
        {
            self.program = newer;
        }
    }

    /// What `names[n]` (a [`crate::load::Callee::Unknown`]) names now.
    pub(super) fn resolve_unknown(&mut self, n: u32) -> Late {
        self.refresh_program();
        if let Some(f) = self.program.resolve_name(n) {
            return Late::Function(f);
        }
        let name = self
            .program
            .names
            .get(n as usize)
            .map_or("", |f| f.name.as_str());
        self.foreign_or_undefined(name)
    }

    /// What the function name `name` (of a Function value not bound at load time) names now.
    pub(super) fn resolve_late_name(&mut self, name: &str) -> Late {
        self.refresh_program();
        match self.program.resolve_function(name) {
            Some(f) => Late::Function(f),
            None => self.foreign_or_undefined(name),
        }
    }

    fn foreign_or_undefined(&self, name: &str) -> Late {
        match self.program.foreign_function(name) {
            Some(f) => Late::Foreign(Arc::clone(f)),
            None => Late::Undefined(name.to_string()),
        }
    }

    /// The block `labels[l]` (a [`crate::load::BlockRef::Unknown`]) names now.
    pub(super) fn resolve_unknown_block(&mut self, l: u32) -> Option<u32> {
        self.refresh_program();
        self.program.resolve_label(l)
    }

    /// `import MODULE` (ISA-CONTROL §2.32): global to the VM and immediate.
    pub(super) fn op_import(&mut self, module: u32) -> Result<(), Fault> {
        let name = self
            .program
            .labels
            .get(module as usize)
            .cloned()
            .ok_or_else(|| Exception::error("import of a module without a name"))?;
        match &self.kernel {
            Some(kernel) => self.program = kernel.import(&name)?,
            // A process stepped on its own: the import is its own.
            None => {
                let linker = Linker::new(&Embedding::default());
                if let Some(mut extended) = linker.import(&self.program, &name)? {
                    extended.generation = self.program.generation + 1;
                    self.program = Arc::new(extended);
                }
            }
        }
        Ok(())
    }
}
