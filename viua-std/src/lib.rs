//! The standard Viua-language (bytecode) modules of RUNTIME.md §10: `std::vector`,
//! `std::functional` and `std::misc`.
//!
//! The sources are Viua assembly in `asm/`; `build.rs` assembles them as linkable modules
//! (`viua asm --lib`, static analyser on), and the encoded bytes are embedded here. They are
//! ordinary `viua_bytecode` modules of kind `Library`: `viua_bytecode::load` decodes and
//! verifies them, the VM's dynamic import can load them by name, and the assembler can link
//! them statically (write them to a file and name it after the source, or put them in the
//! library path as `std/vector.module` etc.).

/// The module names provided, in a fixed order.
pub const NAMES: &[&str] = &["std::vector", "std::functional", "std::misc"];

const VECTOR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vector.module"));
const FUNCTIONAL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/functional.module"));
const MISC: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/misc.module"));

/// The encoded linkable module called `name` (e.g. `std::vector`), if it is one of [`NAMES`].
pub fn module(name: &str) -> Option<&'static [u8]> {
    match name {
        "std::vector" => Some(VECTOR),
        "std::functional" => Some(FUNCTIONAL),
        "std::misc" => Some(MISC),
        _ => None,
    }
}

/// The Viua assembly source of the module called `name`, if it is one of [`NAMES`].
pub fn source(name: &str) -> Option<&'static str> {
    match name {
        "std::vector" => Some(include_str!("../asm/vector.asm")),
        "std::functional" => Some(include_str!("../asm/functional.asm")),
        "std::misc" => Some(include_str!("../asm/misc.asm")),
        _ => None,
    }
}

/// The module's path relative to a library directory, as the module search derives it
/// (RUNTIME.md §7.1): `std::vector` → `std/vector.module`.
pub fn file_name(name: &str) -> Option<String> {
    module(name).map(|_| format!("{}.module", name.replace("::", "/")))
}
