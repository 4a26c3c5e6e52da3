//! `viua`: the one command-line front end of viua-rs.
//!
//! Only this crate reads argv, touches the terminal or picks a diagnostic renderer; the
//! library crates return values (STYLE.md §1). Each subcommand lives in its own module and
//! returns the process exit status: 0 success, 1 program rejected or I/O error; usage errors
//! exit with 2 through clap before any subcommand runs.

mod asm;
mod check;
mod diagnostics;
mod dis;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The assembler allocates one small string per token and the VM many small values; mimalloc
/// makes `bench asm` markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "viua",
    version,
    about = "Viua VM 0.13 tools, reimplemented in Rust: assembler, analyser, disassembler and VM",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assemble a source file into an executable or a linkable module.
    Asm(asm::AsmArgs),
    /// Disassemble an executable into assembly that reassembles to the same bytes.
    Dis(dis::DisArgs),
    /// Run an executable (`.bc`, or `.asm` assembled in memory first).
    Run(run::RunArgs),
    /// Check source files (verify phase and static analyser) without writing bytecode.
    Check(check::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Asm(args) => asm::main(args),
        Command::Dis(args) => dis::main(args),
        Command::Run(args) => run::main(args),
        Command::Check(args) => check::main(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
