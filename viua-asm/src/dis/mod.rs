//! The disassembler (ASSEMBLY.md §8.2): prints an executable as canonical assembly that
//! reassembles (with `--no-sa`) to byte-identical bytecode (§8.4, DECISIONS.md).
//!
//! Split: this file lays the listing out (§8.2.1 sections, element order, empty lines, the
//! `-i` header); [`instruction`] spells instructions and operands; [`literal`] spells literals
//! and checks names. Nothing here panics on a malformed module: every inconsistency (operand
//! not fitting the opcode's shape, bad constant index, jump past the end, a literal with no
//! source spelling) is an `Err` naming the definition and instruction.
//!
//! Where the output differs from 0.13's, on purpose, so that the round trip holds:
//! - floats print with full precision as `[-]digits.digits`; NaN and infinities are an error;
//! - literal bodies print verbatim, delimited by `"` or (when the body holds an unescaped `"`)
//!   `'`; atoms prefer `'`; `catch` types are `"`-only; no backslash is ever added;
//! - bit strings wider than two bytes whose first byte is zero print as `0b…`; an empty bit
//!   string is an error;
//! - closures print as `.closure:`; statically linked definitions print as
//!   `.function: [[linked_from{"PATH"}]] NAME` (and likewise `.block:`/`.closure:`);
//! - an empty line separates consecutive printed elements, which is 0.13's positional rule
//!   whenever `__entry` is the last element, and stays sensible when linked code follows it.
//!
//! Libraries are rejected with `not a executable file` (0.13's loader wording; the caller adds
//! `: PATH`). `-F NAME` naming nothing prints just the declaration sections, as 0.13 does.

mod instruction;
mod literal;

pub use literal::escape_meta;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use viua_bytecode::{size, FunctionKind, Instruction, Module, ModuleKind};

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

/// One block or function of the listing, in table order (blocks first).
struct Element<'a> {
    directive: &'static str,
    name: &'a str,
    linked_from: Option<u32>,
    code: &'a [Instruction],
    /// 0.13 byte offset of the first instruction.
    offset: u64,
    is_entry: bool,
}

/// Prints a module as assembly that reassembles to the same bytes.
pub fn disassemble(module: &Module, options: &DisOptions) -> Result<String, String> {
    if module.kind != ModuleKind::Executable {
        return Err("not a executable file".into());
    }
    let (block_offsets, function_offsets, total_size) = size::layout(module);
    if let Some(entry) = module.entry {
        if entry as usize >= module.functions.len() {
            return Err(format!(
                "entry function index {entry} is out of range (the module has {} functions)",
                module.functions.len()
            ));
        }
    }

    let blocks = module
        .blocks
        .iter()
        .zip(&block_offsets)
        .map(|(b, &offset)| Element {
            directive: ".block:",
            name: &b.name,
            linked_from: b.linked_from,
            code: &b.code,
            offset,
            is_entry: false,
        });
    let functions = module
        .functions
        .iter()
        .zip(&function_offsets)
        .enumerate()
        .map(|(i, (f, &offset))| Element {
            directive: match f.kind {
                FunctionKind::Function => ".function:",
                FunctionKind::Closure => ".closure:",
            },
            name: &f.name,
            linked_from: f.linked_from,
            code: &f.code,
            offset,
            is_entry: module.entry == Some(i as u32),
        });
    let elements: Vec<Element> = blocks.chain(functions).collect();

    let mut out = String::new();
    if options.info {
        info_header(&mut out, module, &function_offsets, total_size);
    }
    declarations(&mut out, module)?;

    let shown = |e: &Element| !e.is_entry || options.with_entry;
    let last_shown = elements.iter().rposition(shown);
    for (position, element) in elements.iter().enumerate() {
        if !shown(element) {
            continue;
        }
        if options
            .function
            .as_deref()
            .is_some_and(|wanted| wanted != element.name)
        {
            continue;
        }
        definition(&mut out, module, element)?;
        // 0.13 decides the empty line from the element's position, also under `-F`.
        if last_shown.is_some_and(|last| position < last) {
            out.push('\n');
        }
    }
    Ok(out)
}

/// The `-i` header: total size, then every function (`__entry` included) with its size and
/// offset, then two empty lines.
fn info_header(out: &mut String, module: &Module, function_offsets: &[u64], total_size: u64) {
    let _ = writeln!(out, "-- bytecode size: {total_size}");
    out.push_str("--\n-- functions:\n");
    for (i, (function, &offset)) in module.functions.iter().zip(function_offsets).enumerate() {
        let end = function_offsets.get(i + 1).copied().unwrap_or(total_size);
        let _ = writeln!(
            out,
            "--   {} -> {} bytes at byte {offset}",
            function.name,
            end.saturating_sub(offset)
        );
    }
    out.push_str("\n\n");
}

/// Sections 2–5 of §8.2.1: meta information, signatures, block signatures, dynamic imports.
fn declarations(out: &mut String, module: &Module) -> Result<(), String> {
    if !module.meta.is_empty() {
        out.push_str("; meta information\n");
        for (key, value) in &module.meta {
            let key = literal::name("meta key", key)?;
            let _ = writeln!(out, ".info: {key} \"{}\"", literal::escape_meta(value));
        }
        out.push('\n');
    }
    let sections = [
        (
            "; external function signatures",
            ".signature:",
            "function signature",
            &module.signatures,
        ),
        (
            "; external block signatures",
            ".bsignature:",
            "block signature",
            &module.block_signatures,
        ),
        (
            "; dynamic imports",
            ".import: [[dynamic]]",
            "dynamic import",
            &module.dynamic_imports,
        ),
    ];
    for (comment, directive, what, names) in sections {
        if names.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{comment}");
        for name in names {
            let _ = writeln!(out, "{directive} {}", literal::name(what, name)?);
        }
        out.push('\n');
    }
    Ok(())
}

/// One `.block:`/`.function:`/`.closure:` … `.end` element, without the separating empty line.
fn definition(out: &mut String, module: &Module, element: &Element) -> Result<(), String> {
    let kind = &element.directive[1..element.directive.len() - 1];
    let name = literal::name(&format!("{kind} name"), element.name)?;
    let in_definition = |e: String| format!("in {kind} '{name}': {e}");
    let _ = write!(out, "{} ", element.directive);
    if let Some(index) = element.linked_from {
        let linked = module.linked.get(index as usize).ok_or_else(|| {
            in_definition(format!(
                "linked module index {index} is out of range (the module has {} linked modules)",
                module.linked.len()
            ))
        })?;
        let path = literal::quoted_body(
            linked.path.as_bytes(),
            literal::Quote::Double,
            Some(literal::Quote::Single),
        )
        .map_err(|e| in_definition(format!("linked module path: {e}")))?;
        let _ = write!(out, "[[linked_from{{{path}}}]] ");
    }
    let _ = writeln!(out, "{name}");
    let offsets = size::instruction_offsets(module, element.code, element.offset);
    for (index, instruction) in element.code.iter().enumerate() {
        let text = instruction::instruction(module, instruction, &offsets)
            .map_err(|e| in_definition(format!("instruction {index}: {e}")))?;
        let _ = writeln!(out, "    {text}");
    }
    out.push_str(".end\n");
    Ok(())
}
