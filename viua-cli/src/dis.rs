//! `viua dis`: the disassembler's command line (ASSEMBLY.md §8.2).

use std::process::ExitCode;

use clap::Args;
use viua_asm::DisOptions;
use viua_bytecode::ModuleKind;

use crate::asm::print_stdout;

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct DisArgs {
    /// Bytecode executable to disassemble.
    #[arg(value_name = "FILE")]
    file: String,
    /// Write the listing to this file instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: Option<String>,
    /// Also print the generated `__entry` function.
    #[arg(short = 'e', long = "with-entry")]
    with_entry: bool,
    /// Print only the block or function called NAME.
    #[arg(short = 'F', long = "function", value_name = "NAME")]
    function: Option<String>,
    /// Prepend an information header (sizes and offsets of functions).
    #[arg(short = 'i', long = "info")]
    info: bool,
}

pub fn main(args: DisArgs) -> ExitCode {
    let path = args.file.as_str();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: could not open file: {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Files come from anywhere: only a decoded *and verified* module is handed on.
    let module = match viua_bytecode::load(&bytes) {
        Ok(module) => module,
        Err(error) => {
            eprintln!("error: {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    if module.kind != ModuleKind::Executable {
        // Spelling as 0.13's loader prints it (sic).
        eprintln!("error: not a executable file: {path}");
        return ExitCode::FAILURE;
    }
    let options = DisOptions {
        with_entry: args.with_entry,
        function: args.function.clone(),
        info: args.info,
    };
    let listing = match viua_asm::disassemble(&module, &options) {
        Ok(listing) => listing,
        Err(message) => {
            eprintln!("error: {path}: {message}");
            return ExitCode::FAILURE;
        }
    };
    match &args.out {
        None => print_stdout(&listing),
        Some(out) => match std::fs::write(out, listing) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{out}: error: could not write file: {error}");
                ExitCode::FAILURE
            }
        },
    }
}
