//! `viua check FILE...`: the assembler's checks (verify phase, static analyser, code
//! generation checks) on each file, writing no bytecode. Exit status 1 if any file fails.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use viua_asm::{Analyse, Options};

use crate::asm::{library_path, read_source};
use crate::diagnostics::{DiagnosticsFormat, Reporter};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Assembly source files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
    /// Assemble as a linkable module (no `main` required).
    #[arg(short = 'c', long = "lib")]
    lib: bool,
    /// Tolerate a kind of analyser error: -Wunused-register, -Wunused-value.
    #[arg(short = 'W', value_name = "WARNING", value_enum)]
    warnings: Vec<Warning>,
    /// Print the time the static analyser took per file (`FILE: analysis: SECONDS s`) on
    /// standard error.
    #[arg(long, hide = true)]
    time_analysis: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    diagnostics: DiagnosticsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Warning {
    UnusedRegister,
    UnusedValue,
}

/// The analyser, timed (`--time-analysis`, used by `cargo xtask bench analyse`).
#[derive(Debug)]
struct Timed;

impl Analyse for Timed {
    fn analyse(
        &self,
        unit: &viua_asm::assembler::unit::Unit,
        path: &str,
        source: &str,
        warn: viua_asm::WarnFlags,
    ) -> Result<(), viua_asm::Diagnostic> {
        let started = std::time::Instant::now();
        let result = viua_analyser::Analyser.analyse(unit, path, source, warn);
        eprintln!("{path}: analysis: {:.3} s", started.elapsed().as_secs_f64());
        result
    }
}

pub fn main(args: CheckArgs) -> ExitCode {
    let analyser: Arc<dyn Analyse + Send + Sync> = if args.time_analysis {
        Arc::new(Timed)
    } else {
        Arc::new(viua_analyser::Analyser)
    };
    let options = Options {
        library: args.lib,
        warn_unused_register: args.warnings.contains(&Warning::UnusedRegister),
        warn_unused_value: args.warnings.contains(&Warning::UnusedValue),
        library_path: library_path(),
        analyser: Some(analyser),
        ..Options::default()
    };
    let mut failed = false;
    for file in &args.files {
        let Some(source) = read_source(file) else {
            failed = true;
            continue;
        };
        let reporter = Reporter::new(args.diagnostics, file, &source);
        match viua_asm::assemble(file, &source, &options) {
            Ok(output) => {
                for warning in &output.warnings {
                    reporter.report(warning);
                }
            }
            Err(diagnostic) => {
                reporter.report(&diagnostic);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
