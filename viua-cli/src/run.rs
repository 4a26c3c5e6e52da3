//! `viua run`: the VM's command line (RUNTIME.md §2).
//!
//! Loads a bytecode executable (decoded and verified) or assembles a `.asm` source in memory,
//! runs it with `viua_vm::run_embedded` (the native modules of `viua-ffi` and the
//! bytecode modules of `viua-std` installed) and exits with the code RUNTIME.md §4.4 gives. The
//! front-end messages and their streams are 0.13's (RUNTIME.md §2 table).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use viua_asm::Options;
use viua_bytecode::{Module, ModuleKind};

use crate::diagnostics::{DiagnosticsFormat, Reporter};

#[derive(Debug, Args)]
// `--version` here is the kernel's own (RUNTIME.md §2), not clap's propagated one.
#[command(disable_version_flag = true)]
pub struct RunArgs {
    /// Print the VM version (`A.B.C.D`) and exit.
    #[arg(short = 'V', long = "version")]
    version: bool,
    /// Print the scheduler configuration `[H:P:F:I]` and exit.
    #[arg(short = 'i', long = "info")]
    info: bool,
    /// Longer `--version` and `--info` output.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Executable (`.bc`) or assembly source (`.asm`, assembled in memory first). Not
    /// required by clap: a missing FILE is the kernel's own `fatal: no input file`, exit 1.
    #[arg(value_name = "FILE")]
    file: Option<String>,
    /// Arguments given to the program (everything after FILE, dashes included).
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

pub fn main(args: RunArgs) -> ExitCode {
    // `--info` takes precedence over `--version` (RUNTIME.md §2).
    if args.info {
        return print(&info_line(args.verbose));
    }
    if args.version {
        return print(&version_text(args.verbose));
    }
    let Some(file) = args.file.as_deref() else {
        eprintln!("fatal: no input file");
        return ExitCode::FAILURE;
    };
    if file.is_empty() {
        println!("fatal: no file to run");
        return ExitCode::FAILURE;
    }
    let Some(module) = load_program(file) else {
        return ExitCode::FAILURE;
    };
    let code = {
        let mut stdout = std::io::stdout().lock();
        let mut stderr = std::io::stderr().lock();
        let embedding = viua_vm::Embedding {
            natives: Some(std::sync::Arc::new(viua_ffi::Natives::new())),
            builtins: viua_std::module,
            library_path: None,
        };
        viua_vm::run_embedded(
            &module,
            file,
            args.args,
            viua_vm::RunConfig::from_env(),
            &embedding,
            &mut stdout,
            &mut stderr,
        )
    };
    // The OS keeps the low 8 bits of an exit status (RUNTIME.md §4.4).
    ExitCode::from(code as u8)
}

/// The version in 0.13's `A.B.C.D` shape: this crate's version plus a micro number of 0.
fn version_text(verbose: bool) -> String {
    let version = format!("{}.0", env!("CARGO_PKG_VERSION"));
    if verbose {
        format!(
            "Viua VM kernel version {version} (viua-rs)\nfingerprint: {}\n",
            env!("CARGO_PKG_VERSION")
        )
    } else {
        format!("{version}\n")
    }
}

/// `[H:P:F:I]`: hardware threads and the scheduler counts the environment selects (RUNTIME.md
/// §5A). At least one FFI and one I/O worker, as the spec recommends over 0.13's zero.
fn info_line(verbose: bool) -> String {
    // The counts the VM itself would use: one parser and one set of defaults (viua-vm).
    let hardware = viua_vm::hardware_threads();
    let config = viua_vm::RunConfig::from_env();
    let (proc, ffi, io) = (
        config.schedulers(),
        config.ffi_workers(),
        config.io_workers(),
    );
    if verbose {
        format!("[hardware={hardware}:proc={proc}:ffi={ffi}:io={io}]\n")
    } else {
        format!("[{hardware}:{proc}:{ffi}:{io}]\n")
    }
}

/// Reads FILE into a verified executable module, printing the front-end error otherwise.
fn load_program(file: &str) -> Option<Module> {
    let bytes = match std::fs::metadata(file) {
        Ok(meta) if meta.is_file() => std::fs::read(file).ok(),
        _ => None,
    };
    let Some(bytes) = bytes else {
        println!("fatal: could not open file: {file}");
        return None;
    };
    let module = if file.ends_with(".asm") {
        assemble(file, bytes)?
    } else {
        // Files come from anywhere: only a decoded *and verified* module is run.
        match viua_bytecode::load(&bytes) {
            Ok(module) => module,
            Err(error) => {
                println!("error: {file}: {error}");
                return None;
            }
        }
    };
    if module.kind != ModuleKind::Executable {
        // Spelling as 0.13's loader prints it (sic).
        println!("error: not a executable file: {file}");
        return None;
    }
    Some(module)
}

/// Assembles a source file in memory with the default options (the analyser on).
fn assemble(file: &str, bytes: Vec<u8>) -> Option<Module> {
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            eprintln!("{file}: error: source is not valid UTF-8 (invalid byte at offset {at})");
            return None;
        }
    };
    let options = Options {
        library_path: library_path(),
        ..Options::default()
    };
    let reporter = Reporter::new(DiagnosticsFormat::Auto, file, &source);
    match viua_asm::assemble(file, &source, &options) {
        Ok(output) => {
            for warning in &output.warnings {
                reporter.report(warning);
            }
            Some(output.module)
        }
        Err(diagnostic) => {
            reporter.report(&diagnostic);
            None
        }
    }
}

/// `VIUA_LIBRARY_PATH`: colon-separated directories, empty components ignored.
fn library_path() -> Vec<PathBuf> {
    match std::env::var_os("VIUA_LIBRARY_PATH") {
        Some(value) => std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => Vec::new(),
    }
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed standard output (`viua run --info | true`) is not an error worth reporting.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}
