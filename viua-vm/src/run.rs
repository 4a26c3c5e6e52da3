//! Running an executable to completion: the entry point for `viua run`.

use std::io::Write;
use std::sync::Arc;

use viua_bytecode::Module;

use crate::exec::{Process, StepOutcome};
use crate::load::Program;

/// Instructions a process runs per [`Process::step`] before the runner looks at it again.
const STEP_BUDGET: u32 = 1 << 16;

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
        }
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
/// arguments. Output of `print`/`echo` goes to `stdout`; the uncaught-exception report goes to
/// `stderr` (plain) or where `config` says (JSON). Write errors on the streams are ignored.
pub fn run_executable_with(
    module: &Module,
    program: &str,
    args: Vec<String>,
    config: RunConfig,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let loaded = match Program::load(module, program) {
        Ok(p) => Arc::new(p),
        Err(e) => {
            let _ = writeln!(
                stdout,
                "VM error: an irrecoverable VM exception occured: {e}"
            );
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
    let mut argv = vec![program.to_string()];
    argv.extend(args);
    let mut main = Process::main(loaded, entry, argv);
    loop {
        let outcome = main.step(STEP_BUDGET);
        let _ = stdout.write_all(&main.take_output());
        match outcome {
            StepOutcome::Yielded => continue,
            StepOutcome::Returned(_) | StepOutcome::Halted | StepOutcome::Finished => {
                let _ = stdout.flush();
                return 0;
            }
            StepOutcome::Died(death) => {
                let _ = stdout.flush();
                match config.trace_format {
                    TraceFormat::Plain => {
                        let _ = stderr
                            .write_all(death.report.render_plain(config.full_traces).as_bytes());
                    }
                    TraceFormat::Json => {
                        let text = death.report.render_json(config.full_traces);
                        let stream: &mut dyn Write = match config.trace_stream {
                            TraceStream::Stdout => stdout,
                            TraceStream::Stderr => stderr,
                        };
                        let _ = stream.write_all(text.as_bytes());
                        let _ = stream.flush();
                    }
                }
                let _ = stderr.flush();
                return 1;
            }
        }
    }
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
