//! Running an executable to completion: the entry point for `viua run`.

use std::io::Write;
use std::sync::Arc;

use viua_bytecode::Module;

use crate::embedding::{Embedding, Linker};
use crate::exec::Process;
use crate::kernel::Kernel;
use crate::load::Program;
use crate::output::Output;

/// How uncaught-exception reports are written (RUNTIME.md §5, §5A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceFormat {
    #[default]
    Plain,
    Json,
}

/// Where a JSON report goes (plain reports always go to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceStream {
    #[default]
    Stdout,
    Stderr,
}

/// Run-time configuration, normally read from the environment with [`RunConfig::from_env`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunConfig {
    /// `VIUA_STACKTRACE_SERIALISATION`.
    pub trace_format: TraceFormat,
    /// `VIUA_STACKTRACE_PRINT_TO`.
    pub trace_stream: TraceStream,
    /// `VIUA_STACK_TRACES=full`: show the `__entry` frame.
    pub full_traces: bool,
    /// `VIUA_PROC_SCHEDULERS`: process scheduler threads; `None` = one per hardware thread.
    pub proc_schedulers: Option<usize>,
    /// `VIUA_FFI_SCHEDULERS`: foreign calls running at once; `None` = half the hardware
    /// threads, at least 1.
    pub ffi_schedulers: Option<usize>,
    /// `VIUA_IO_SCHEDULERS`: the most I/O system calls in progress at once (kernel/io.rs);
    /// `None` = half the hardware threads, at least 1.
    pub io_schedulers: Option<usize>,
}

impl RunConfig {
    /// Reads the configuration through `var` (e.g. `|k| std::env::var(k).ok()`).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> RunConfig {
        RunConfig {
            trace_format: match var("VIUA_STACKTRACE_SERIALISATION").as_deref() {
                Some("json") => TraceFormat::Json,
                _ => TraceFormat::Plain,
            },
            trace_stream: match var("VIUA_STACKTRACE_PRINT_TO").as_deref() {
                None | Some("") | Some("stdout") => TraceStream::Stdout,
                Some(_) => TraceStream::Stderr,
            },
            full_traces: var("VIUA_STACK_TRACES").as_deref() == Some("full"),
            proc_schedulers: var("VIUA_PROC_SCHEDULERS").and_then(|v| scheduler_count(&v)),
            ffi_schedulers: var("VIUA_FFI_SCHEDULERS").and_then(|v| scheduler_count(&v)),
            io_schedulers: var("VIUA_IO_SCHEDULERS").and_then(|v| scheduler_count(&v)),
        }
    }

    /// Foreign calls that may run at once (RUNTIME.md §5A, §6.2).
    pub fn ffi_workers(&self) -> usize {
        self.ffi_schedulers
            .unwrap_or_else(|| (hardware_threads() / 2).max(1))
    }

    /// Process scheduler threads to start.
    pub fn schedulers(&self) -> usize {
        self.proc_schedulers
            .unwrap_or_else(|| hardware_threads().max(1))
    }

    /// The cap on concurrent I/O system calls (at least 1, RUNTIME.md §5A).
    pub fn io_workers(&self) -> usize {
        self.io_schedulers
            .unwrap_or_else(|| (hardware_threads() / 2).max(1))
    }

    /// Reads the configuration from the process environment.
    pub fn from_env() -> RunConfig {
        RunConfig::from_vars(|k| std::env::var(k).ok())
    }
}

/// Runs an executable module as `viua run` does and returns the exit code (RUNTIME.md §4.4).
///
/// `program` is the executable path as given on the command line (it becomes the first
/// element of the argument vector and appears in stack traces); `args` are the program's own
/// arguments. Output of `print`/`echo` goes to `stdout`; uncaught-exception reports go to
/// `stderr` (plain) or where `config` says (JSON). Write errors on the streams are ignored.
///
/// The main process and every process it spawns run on a fresh scheduler
/// ([`crate::kernel`]); this thread writes their output until the last process has ended.
pub fn run_executable_with(
    module: &Module,
    program: &str,
    args: Vec<String>,
    config: RunConfig,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    run_embedded(
        module,
        program,
        args,
        config,
        &Embedding::default(),
        stdout,
        stderr,
    )
}

/// [`run_executable_with`] with the embedder's native and built-in bytecode modules
/// ([`Embedding`]). Before the main process starts, the executable's dynamic imports and
/// then the modules named in `VIUA_IMPORT` are loaded (RUNTIME.md §3.1).
pub fn run_embedded(
    module: &Module,
    program: &str,
    args: Vec<String>,
    config: RunConfig,
    embedding: &Embedding,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let linker = Linker::new(embedding);
    let loaded = match Program::load(module, program) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(
                stdout,
                "VM error: an irrecoverable VM exception occured: {e}"
            );
            return 1;
        }
    };
    let loaded = match start_up(loaded, module, &linker) {
        Ok(p) => Arc::new(p),
        Err((preload, message)) => {
            let _ = if preload {
                writeln!(stdout, "fatal: preload: {message}")
            } else {
                writeln!(stderr, "fatal: kernel initialisation fault: {message}")
            };
            return 1;
        }
    };
    let Some(entry) = loaded.entry.or_else(|| loaded.function_index("__entry")) else {
        let _ = writeln!(
            stdout,
            "VM error: an irrecoverable VM exception occured: process from undefined function: __entry"
        );
        return 1;
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.schedulers())
        .thread_name("proc")
        .enable_time()
        .enable_io()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(
                stdout,
                "VM error: an irrecoverable host exception occured: {e}"
            );
            return 1;
        }
    };
    let output = Arc::new(Output::new());
    let kernel = Kernel::new(
        Arc::clone(&loaded),
        Arc::clone(&output),
        config,
        runtime.handle().clone(),
        linker,
    );
    let mut argv = vec![program.to_string()];
    argv.extend(args);
    let handle = kernel.new_handle(false);
    let main = Process::main_of(loaded, handle, Some(Arc::clone(&kernel)), entry, argv);
    kernel.spawn(main, true);
    while output.drain(stdout, stderr) {}
    let code = kernel.exit_code();
    drop(kernel);
    runtime.shutdown_background();
    code
}

/// Loads the start-up modules (RUNTIME.md §3.1) into `program`. `Err((preload, message))`:
/// a module could not be loaded; `preload` says it was one of `VIUA_IMPORT`.
fn start_up(
    mut program: Program,
    module: &Module,
    linker: &Linker,
) -> Result<Program, (bool, String)> {
    let (dynamic, preload) = crate::modules::start_up_imports(module);
    for (is_preload, names) in [(false, dynamic), (true, preload)] {
        for name in names {
            match linker.import(&program, &name) {
                Ok(Some(extended)) => program = extended,
                Ok(None) => {}
                Err(e) => return Err((is_preload, e.message.clone())),
            }
        }
    }
    Ok(program)
}

/// [`run_executable_with`] with the configuration read from the environment.
pub fn run_executable(
    module: &Module,
    program: &str,
    args: Vec<String>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    run_executable_with(module, program, args, RunConfig::from_env(), stdout, stderr)
}

/// The number of hardware threads, 0 when unknown (`viua run --info` shows it as is; the
/// scheduler defaults derive from it).
pub fn hardware_threads() -> usize {
    std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get)
}

/// A scheduler count as RUNTIME.md §5A parses it: a leading decimal integer after optional
/// whitespace, trailing junk ignored. Zero, negative and unparsable values (a host error in
/// 0.13) select the default.
pub fn scheduler_count(text: &str) -> Option<usize> {
    let t = text.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1i64, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let n: i64 = digits[..end].parse().ok()?;
    let n = sign * n;
    (n > 0 && n <= i64::from(i32::MAX)).then_some(n as usize)
}

#[cfg(test)]
mod tests {
    use super::scheduler_count;

    #[test]
    fn scheduler_counts_parse_like_stoi() {
        assert_eq!(scheduler_count(" 3x"), Some(3));
        assert_eq!(scheduler_count("2"), Some(2));
        assert_eq!(scheduler_count("0"), None);
        assert_eq!(scheduler_count("-4"), None);
        assert_eq!(scheduler_count("x"), None);
        assert_eq!(scheduler_count("99999999999"), None);
    }
}
