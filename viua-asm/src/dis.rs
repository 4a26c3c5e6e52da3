//! The disassembler (ASSEMBLY.md §8.2). Stub.
use viua_bytecode::Module;

/// Disassembler options (the flags of the original `dis`).
#[derive(Debug, Clone, Default)]
pub struct DisOptions {
    /// `-e`: also print `__entry`.
    pub with_entry: bool,
    /// `-F NAME`: print only this block or function.
    pub function: Option<String>,
    /// `-i`: prepend the information header.
    pub info: bool,
}

/// Prints a module as assembly that reassembles to the same bytes.
pub fn disassemble(_module: &Module, _options: &DisOptions) -> Result<String, String> {
    Ok(String::new())
}
