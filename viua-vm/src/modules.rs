//! Modules (RUNTIME.md §7): the module search, the `VIUA_LIBRARY_PATH` and `VIUA_IMPORT`
//! variables (§5A), built-in bytecode modules, and importing a bytecode module into a
//! [`Program`].
//!
//! Native modules are not loaded here: [`import`] reports where the search found one and the
//! caller hands it to its [`crate::foreign::NativeModules`] provider.
//!
//! Built-in bytecode modules (`std::vector`, `std::functional`, `std::misc`, from the
//! `viua-std` crate) come in through a [`BuiltinBytecode`] provider parameter, so this crate
//! does not depend on `viua-std` (whose tests depend on this one): the embedder passes
//! `&viua_std::module`.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::{LoadError, Program};

/// A provider of built-in bytecode modules: the encoded linkable module called NAME, if the
/// embedder has one (e.g. `viua_std::module`).
pub type BuiltinBytecode<'a> = &'a dyn Fn(&str) -> Option<&'static [u8]>;

/// No built-in bytecode modules.
pub fn no_builtins(_: &str) -> Option<&'static [u8]> {
    None
}

/// A module file found by [`search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// `D/<path>.module`.
    Bytecode(PathBuf),
    /// `D/<path>.so`.
    Native(PathBuf),
}

impl Found {
    pub fn path(&self) -> &Path {
        match self {
            Found::Bytecode(p) | Found::Native(p) => p,
        }
    }
}

/// The relative path of a module name (§7.1): every `::` replaced by `/`, so `std::posix::io`
/// → `std/posix/io`.
pub fn module_path(name: &str) -> String {
    name.replace("::", "/")
}

/// Where module `name` is (§7.2): for each directory D of `library_path` in order,
/// `D/<path>.module`, then `D/<path>.so`; the first existing regular file (symbolic links
/// followed) wins. Empty directory entries and an empty name find nothing.
///
/// The candidate is `D` + `/` + path, as in 0.13, so a name cannot leave D by starting
/// with `/`.
pub fn search(name: &str, library_path: &[PathBuf]) -> Option<Found> {
    if name.is_empty() {
        return None;
    }
    let relative = module_path(name);
    for dir in library_path {
        if dir.as_os_str().is_empty() {
            continue;
        }
        for bytecode in [true, false] {
            let mut candidate: OsString = dir.as_os_str().to_owned();
            if !ends_with_slash(dir.as_os_str()) {
                candidate.push("/");
            }
            candidate.push(&relative);
            candidate.push(if bytecode { ".module" } else { ".so" });
            let candidate = PathBuf::from(candidate);
            if std::fs::metadata(&candidate).is_ok_and(|m| m.is_file()) {
                return Some(if bytecode {
                    Found::Bytecode(candidate)
                } else {
                    Found::Native(candidate)
                });
            }
        }
    }
    None
}

fn ends_with_slash(dir: &OsStr) -> bool {
    dir.to_string_lossy().ends_with('/')
}

/// Where the code of a bytecode module comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file found by the search (a `.module` or a `.so`).
    File(Found),
    /// No file was found, but the embedder has the module built in (§7.5 guidance).
    Builtin(&'static [u8]),
}

/// [`search`], falling back to the built-in bytecode modules: a file in the library path
/// wins over a built-in module of the same name.
pub fn locate(name: &str, library_path: &[PathBuf], builtins: BuiltinBytecode) -> Option<Source> {
    match search(name, library_path) {
        Some(found) => Some(Source::File(found)),
        None => builtins(name).map(Source::Builtin),
    }
}

/// `VIUA_LIBRARY_PATH` parsed with [`parse_library_path`]; unset → no directory.
pub fn library_path_from_env() -> Vec<PathBuf> {
    std::env::var_os("VIUA_LIBRARY_PATH").map_or_else(Vec::new, |v| parse_library_path(&v))
}

/// A colon-separated list of directories (§5A): split on every `:`, empty components
/// ignored (`a::b:` → `a`, `b`).
pub fn parse_library_path(value: &OsStr) -> Vec<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        value
            .as_bytes()
            .split(|&b| b == b':')
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(OsStr::from_bytes(p)))
            .collect()
    }
    #[cfg(not(unix))]
    {
        value
            .to_string_lossy()
            .split(':')
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect()
    }
}

/// `VIUA_IMPORT` parsed with [`parse_import_list`]; unset → nothing. The names are loaded at
/// start-up after the executable's dynamic imports (§3.1); a value that is not UTF-8 is read
/// lossily.
pub fn import_list_from_env() -> Vec<String> {
    std::env::var_os("VIUA_IMPORT")
        .map_or_else(Vec::new, |v| parse_import_list(&v.to_string_lossy()))
}

/// A colon-separated list of module names (§5A): split on single colons; `::` belongs to
/// the name (`std::vector:std::io` → `std::vector`, `std::io`). Pairs are taken left to
/// right (`a:::b` → `a::`, `b`); empty items are ignored.
pub fn parse_import_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ':' {
            current.push(c);
        } else if chars.peek() == Some(&':') {
            chars.next();
            current.push_str("::");
        } else if !current.is_empty() {
            items.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// The names to load at start-up, in order (§3.1): the executable's dynamic imports, then
/// those of `VIUA_IMPORT` (the caller reports failures of the two groups differently:
/// `kernel initialisation fault` vs `preload`).
pub fn start_up_imports(executable: &viua_bytecode::Module) -> (Vec<String>, Vec<String>) {
    (executable.dynamic_imports.clone(), import_list_from_env())
}

/// What [`import`] did.
#[derive(Debug)]
pub enum Import {
    /// A bytecode module of that name is already part of the program: nothing to do.
    AlreadyLoaded,
    /// The program extended with the module; the caller makes it the current program.
    Bytecode(Arc<Program>),
    /// The search found a native module file; the caller loads it (e.g.
    /// `NativeModules::load(name, path)`).
    Native(PathBuf),
    /// No file and no built-in bytecode module: the caller tries its built-in native modules
    /// (`NativeModules::builtin(name)`), failing that raises
    /// `LinkException: failed to locate module: NAME`.
    NotFound,
}

/// A module file that was found but cannot be imported (unreadable, corrupt, not a linkable
/// module). ISA-CONTROL §2.32 suggests raising it as a `LinkException`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub name: String,
    /// The file, or `<built-in>`.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.name, self.path, self.reason)
    }
}

impl std::error::Error for ImportError {}

/// The path recorded for a built-in module (printed in throw points).
pub const BUILTIN_PATH: &str = "<built-in>";

/// Import module `name` into `program` (ISA-CONTROL §2.32, RUNTIME.md §7.3): an already
/// loaded bytecode module is a no-op; otherwise the module is located ([`locate`]) and, if
/// it is bytecode, decoded, verified and appended to a new program.
pub fn import(
    program: &Program,
    name: &str,
    library_path: &[PathBuf],
    builtins: BuiltinBytecode,
) -> Result<Import, ImportError> {
    if program.is_loaded(name) {
        return Ok(Import::AlreadyLoaded);
    }
    let fail = |path: &str, reason: String| ImportError {
        name: name.to_string(),
        path: path.to_string(),
        reason,
    };
    let extend = |bytes: &[u8], path: &str| {
        program
            .with_module_bytes(bytes, name, path)
            .map_err(|LoadError(e)| fail(path, e))
            .map(|p| p.map_or(Import::AlreadyLoaded, |p| Import::Bytecode(Arc::new(p))))
    };
    match locate(name, library_path, builtins) {
        None => Ok(Import::NotFound),
        Some(Source::File(Found::Native(path))) => Ok(Import::Native(path)),
        Some(Source::File(Found::Bytecode(path))) => {
            let shown = path.to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).map_err(|e| fail(&shown, e.to_string()))?;
            extend(&bytes, &shown)
        }
        Some(Source::Builtin(bytes)) => extend(bytes, BUILTIN_PATH),
    }
}
