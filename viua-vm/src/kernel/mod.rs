//! The kernel: the process scheduler and what all processes of one VM share.
//!
//! Design (RUNTIME.md §6.1 states only the guarantees; 0.13's polling design is not copied):
//! every process is a task on a tokio multi-thread runtime with one worker per scheduler
//! (`VIUA_PROC_SCHEDULERS`). A task runs a burst of at most [`BURST`] instructions
//! (`Process::step`, like BEAM's reductions) and yields, so a CPU-bound process never
//! starves others; a process that must wait (`receive` on an empty mailbox, `join` on a
//! running process) parks on a future woken by exactly that event — a `send` to it, the end
//! of the joined process — or by its deadline on tokio's timer wheel. No polling, no
//! sleeps: an idle VM uses no CPU. Processes reach each other only through
//! [`ProcessHandle`]s carried in `Process` values, so messages never touch a global lock.
//!
//! The VM ends when the last process has ended (RUNTIME.md §4.2): the live-process count
//! reaching zero closes the shared output, which ends [`crate::run_executable_with`]'s drain
//! loop on the thread that started the VM.

mod driver;
mod foreign;
mod handle;
pub mod io;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub use handle::{JoinAttempt, ProcessHandle, ProcessResult};

use crate::embedding::Linker;
use crate::exception::Fault;
use crate::exec::Process;
use crate::load::Program;
use crate::output::{Output, Stream};
use crate::report::Report;
use crate::run::{RunConfig, TraceFormat, TraceStream};

/// Instructions a process runs before it yields its worker to other processes.
pub const BURST: u32 = 2048;

/// What all processes of one VM share.
///
/// The current program (RUNTIME.md §7.3) lives in `current`; only `import` takes its locks
/// (the write lock just to swap in the extended program). A process keeps its own
/// `Arc<Program>` and compares its generation with `generation` (one atomic load) only
/// where it resolves a name that was unknown at load time, so resolved calls never touch
/// the kernel.
#[derive(Debug)]
pub struct Kernel {
    current: RwLock<Arc<Program>>,
    generation: AtomicU64,
    /// Serialises imports (reading and verifying a module happens outside `current`'s lock).
    importing: Mutex<()>,
    linker: Linker,
    /// At most `VIUA_FFI_SCHEDULERS` foreign calls run at once (RUNTIME.md §6.2).
    ffi: Arc<tokio::sync::Semaphore>,
    output: Arc<Output>,
    config: RunConfig,
    runtime: tokio::runtime::Handle,
    live: AtomicUsize,
    next_id: AtomicU64,
    /// The random first field of every PID of this run (RUNTIME.md §12).
    pid_prefix: u64,
    /// Fixed by the first event of the main process (RUNTIME.md §4.4).
    exit_code: Mutex<Option<i32>>,
    /// The engine of the I/O instructions.
    io: io::IoEngine,
}

impl Kernel {
    pub fn new(
        program: Arc<Program>,
        output: Arc<Output>,
        config: RunConfig,
        runtime: tokio::runtime::Handle,
        linker: Linker,
    ) -> Arc<Kernel> {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(std::process::id().into());
        let io = io::IoEngine::new(runtime.clone(), config.io_workers());
        Arc::new(Kernel {
            generation: AtomicU64::new(program.generation),
            current: RwLock::new(program),
            importing: Mutex::new(()),
            linker,
            ffi: Arc::new(tokio::sync::Semaphore::new(config.ffi_workers())),
            io,
            output,
            config,
            runtime,
            live: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            pid_prefix: h.finish(),
            exit_code: Mutex::new(None),
        })
    }

    /// The current program: the executable plus every module imported so far.
    pub fn program(&self) -> Arc<Program> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The current program, if it is newer than generation `have`.
    pub(crate) fn newer_program(&self, have: u64) -> Option<Arc<Program>> {
        (self.generation.load(Ordering::Acquire) != have).then(|| self.program())
    }

    /// Imports module `name` into the current program (a no-op if it is loaded already);
    /// returns the current program afterwards.
    pub(crate) fn import(&self, name: &str) -> Result<Arc<Program>, Fault> {
        let _one_at_a_time = self.importing.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.program();
        let Some(mut extended) = self.linker.import(&current, name)? else {
            return Ok(current);
        };
        extended.generation = current.generation + 1;
        let extended = Arc::new(extended);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&extended);
        self.generation
            .store(extended.generation, Ordering::Release);
        Ok(extended)
    }

    pub fn output(&self) -> &Arc<Output> {
        &self.output
    }

    pub fn io(&self) -> &io::IoEngine {
        &self.io
    }

    /// A fresh PID.
    pub fn new_handle(&self, joinable: bool) -> Arc<ProcessHandle> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        Arc::new(ProcessHandle::new(id, self.pid_prefix, joinable))
    }

    /// Starts running `process` concurrently with every other process.
    pub fn spawn(self: &Arc<Kernel>, process: Process, is_main: bool) {
        self.live.fetch_add(1, Ordering::AcqRel);
        let kernel = Arc::clone(self);
        drop(
            self.runtime
                .spawn(driver::drive(kernel, Box::new(process), is_main)),
        );
    }

    /// Processes that have not ended yet.
    pub fn live_processes(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    /// The exit code (RUNTIME.md §4.4); 0 until the main process has ended.
    pub fn exit_code(&self) -> i32 {
        self.exit_code
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or(0)
    }

    fn set_exit_code(&self, code: i32) {
        let mut slot = self.exit_code.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(code);
    }

    /// A process has ended: the last one to end stops the VM.
    fn process_ended(&self) {
        if self.live.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.output.close();
        }
    }

    /// Prints an uncaught-exception report as RUNTIME.md §5 says.
    pub fn print_report(&self, report: &Report) {
        let full = self.config.full_traces;
        match self.config.trace_format {
            TraceFormat::Plain => self
                .output
                .write(Stream::Stderr, report.render_plain(full).as_bytes()),
            TraceFormat::Json => {
                let stream = match self.config.trace_stream {
                    TraceStream::Stdout => Stream::Stdout,
                    TraceStream::Stderr => Stream::Stderr,
                };
                self.output
                    .write(stream, report.render_json(full).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod size_tests {
    /// What a parked process costs is mostly these structures plus its task; they are kept
    /// small on purpose (issue target: ≤ 1 KB per parked process in total).
    #[test]
    fn parked_process_structures_stay_small() {
        use crate::exec::{Frame, Process, Stack};
        assert!(
            std::mem::size_of::<Process>() <= 224,
            "{}",
            std::mem::size_of::<Process>()
        );
        assert!(std::mem::size_of::<Stack>() <= 152);
        assert!(std::mem::size_of::<Frame>() <= 72);
        assert!(std::mem::size_of::<super::ProcessHandle>() <= 136);
        let task_future = super::driver::size_probe();
        assert!(task_future <= 128, "{task_future}");
    }
}
