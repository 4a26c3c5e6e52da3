//! The interpreter: a [`Process`] is a plain `Send` struct advanced by [`Process::step`].
//!
//! Layout: `dispatch.rs` holds the loop, `fast.rs` the hot loop over the hot forms of
//! `load/hot.rs` (with the call path in `fast_calls.rs`); `data.rs` (numbers, text, logic, atoms), `containers.rs` (vectors, structs,
//! register manipulation, output) and `bits.rs` hold the data handlers; `registers.rs`
//! resolves operands; `calls.rs` and `unwind.rs` manage frames, deferred calls, control flow
//! and exceptions with explicit stacks (a Viua call never recurses on the Rust stack).

mod bits;
mod calls;
mod containers;
mod data;
mod dispatch;
mod fast;
mod fast_calls;
mod foreign_call;
mod frame;
mod import;
mod io;
mod procs;
mod registers;
mod unwind;

use std::collections::HashMap;
use std::sync::Arc;

pub use foreign_call::{ForeignDone, ForeignJob};
pub use frame::{Frame, Stack};
pub use registers::{GLOBAL_REGISTERS, STATIC_REGISTERS};

use crate::exception::Exception;
use crate::kernel::{Kernel, ProcessHandle};
use crate::load::{CodeRef, Program};
use crate::report::Report;
use crate::value::{Register, Value};

/// The deepest a call stack may grow (ISA-CONTROL §1.1).
pub const MAX_STACK_DEPTH: usize = 8192;

/// Why [`Process::step`] returned.
#[derive(Debug)]
pub enum StepOutcome {
    /// The budget ran out; call `step` again.
    Yielded,
    /// `step` was called on a process that had already finished.
    Finished,
    /// The first frame returned; its `%0 local` is the result.
    Returned(Option<Value>),
    /// `halt` was executed.
    Halted,
    /// An exception was not caught; the report describes the stack at the moment of death.
    Died(Box<Death>),
    /// A blocking instruction (`receive`, `join`) cannot complete yet; call `step` again
    /// when what it waits for has happened or its deadline has passed. The instruction is
    /// executed again then.
    Waiting(Wait),
}

/// What a waiting process waits for.
#[derive(Debug)]
pub enum Wait {
    /// A message in its own mailbox.
    Message {
        deadline: Option<std::time::Instant>,
    },
    /// The end of another process.
    Join {
        process: Arc<ProcessHandle>,
        deadline: Option<std::time::Instant>,
    },
    /// A foreign function to run off the process threads; the scheduler hands the outcome
    /// to [`Process::finish_foreign`] and steps the process again.
    Foreign(Box<ForeignJob>),
    /// The completion of an I/O request (`io_wait`).
    Io {
        request: Arc<crate::kernel::io::RequestState>,
        deadline: Option<std::time::Instant>,
    },
}

/// A watchdog set with `watchdog` (ISA-CONTROL §2.31): the function and its frame.
#[derive(Debug)]
pub(crate) struct Watchdog {
    pub function: u32,
    pub args: Vec<Register>,
}

/// An uncaught exception and the report of the process it killed.
#[derive(Debug)]
pub struct Death {
    pub exception: Box<Exception>,
    pub report: Report,
}

/// A Viua process: stacks, registers, exception state, deferred calls.
#[derive(Debug)]
pub struct Process {
    pub(crate) program: Arc<Program>,
    pub(crate) pid: u64,
    pub(crate) handle: Arc<ProcessHandle>,
    /// The VM this process runs in; `None` for a process stepped on its own (tests), which
    /// cannot spawn processes and keeps its output in [`Process::take_output`].
    pub(crate) kernel: Option<Arc<Kernel>>,
    /// The deadline of the blocking instruction in progress (`Some(None)`: no deadline),
    /// computed when it first had to wait (ISA-CONTROL §1.6: a fresh deadline per
    /// instruction).
    pub(crate) blocking: Option<Option<std::time::Instant>>,
    pub(crate) watchdog: Option<Watchdog>,
    /// The waker of the task that runs the process (set by the scheduler): a `receive` that
    /// finds the mailbox empty registers it itself, so a waiting process parks at once.
    pub(crate) waker: Option<std::task::Waker>,
    /// The process was restarted as its watchdog; a second death is final.
    pub(crate) restarted: bool,
    /// Parameters, locals and pending arguments of every frame of every stack, contiguous.
    pub(crate) values: Vec<Register>,
    /// The main stack first; one more per running deferred call.
    pub(crate) stacks: Vec<Stack>,
    pub(crate) globals: Box<[Register]>,
    /// Static register sets by function index.
    /// Created on first use (a parked process stays small).
    #[allow(clippy::box_collection)] // 8 bytes instead of 48 in every process
    pub(crate) statics: Option<Box<HashMap<u32, Box<[Register]>>>>,
    /// Bytes written by `print`/`echo`, flushed by `step`.
    /// Only a standalone process keeps output (boxed: 8 bytes in every process).
    #[allow(clippy::box_collection)]
    pub(crate) output: Option<Box<Vec<u8>>>,
    pub(crate) finished: Option<StepOutcome>,
    /// Set once a final outcome has been returned; a finished process stays finished.
    pub(crate) terminated: bool,
}

impl Process {
    /// A standalone process (no VM around it) starting at `function` with the given
    /// parameters and no local registers.
    pub fn new(program: Arc<Program>, pid: u64, function: u32, params: Vec<Register>) -> Process {
        let handle = Arc::new(ProcessHandle::new(pid, 0, false));
        Process::spawned(program, handle, None, function, params)
    }

    /// A process of a VM: `handle` is its PID, `kernel` the VM that runs it.
    pub fn spawned(
        program: Arc<Program>,
        handle: Arc<ProcessHandle>,
        kernel: Option<Arc<Kernel>>,
        function: u32,
        params: Vec<Register>,
    ) -> Process {
        let first = Process::first_frame(function, params.len() as u32);
        // The value stack starts with room for a few locals beyond the parameters, in whole
        // 64-byte lines: a small allocation that ends mid-line would share that line with the
        // next process's registers, and two processes running on two workers would then
        // slow each other down threefold by writing to it (false sharing; measured with two
        // CPU-bound processes).
        let mut params = params;
        let room = (params.len() + 4).next_multiple_of(4);
        params.reserve_exact(room - params.len());
        Process {
            program,
            pid: handle.id(),
            handle,
            kernel,
            blocking: None,
            watchdog: None,
            waker: None,
            restarted: false,
            values: params,
            stacks: vec![Stack::new(first, CodeRef::Function(function))],
            globals: Box::default(),
            statics: None,
            output: None,
            finished: None,
            terminated: false,
        }
    }

    /// The first frame of a process: `function` with `params_len` parameters.
    pub(crate) fn first_frame(function: u32, params_len: u32) -> Frame {
        Frame::new(function, 0, params_len, (CodeRef::Function(function), 0))
    }

    /// The main process: `__entry` with 2 local registers, register 1 holding the argument
    /// vector (executable path first) as Strings (RUNTIME.md §3.1).
    pub fn main(program: Arc<Program>, entry: u32, args: Vec<String>) -> Process {
        let handle = Arc::new(ProcessHandle::new(0, 0, false));
        Process::main_of(program, handle, None, entry, args)
    }

    /// [`Process::main`] inside a VM.
    pub fn main_of(
        program: Arc<Program>,
        handle: Arc<ProcessHandle>,
        kernel: Option<Arc<Kernel>>,
        entry: u32,
        args: Vec<String>,
    ) -> Process {
        let mut p = Process::spawned(program, handle, kernel, entry, Vec::new());
        let argv = args
            .into_iter()
            .map(|a| Value::string(a.into_bytes()))
            .collect();
        p.values = vec![None, Some(Value::Vector(Box::new(argv)))];
        if let Some(f) = p.stacks[0].frames.last_mut() {
            f.locals_len = 2;
            f.has_locals = true;
        }
        p
    }

    /// Whether `step` has returned a final outcome (a returned, halted or dead process).
    pub fn is_finished(&self) -> bool {
        self.terminated
    }

    pub fn pid(&self) -> u64 {
        self.pid
    }

    /// Gives the process the waker of the task that runs it (see [`Wait::Message`]).
    pub fn set_waker(&mut self, waker: std::task::Waker) {
        self.waker = Some(waker);
    }

    pub fn handle(&self) -> &Arc<ProcessHandle> {
        &self.handle
    }

    /// Writes a piece of standard output: into the VM's shared streams, or kept for
    /// [`Process::take_output`] in a standalone process.
    pub(crate) fn emit(&mut self, bytes: &[u8]) {
        match &self.kernel {
            Some(k) => k.output().write(crate::output::Stream::Stdout, bytes),
            None => self
                .output
                .get_or_insert_with(Box::default)
                .extend_from_slice(bytes),
        }
    }

    /// Output produced so far and not yet taken.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.output.take().map(|b| *b).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_is_send() {
        fn is_send<T: Send>() {}
        is_send::<Process>();
    }

    #[test]
    fn a_frame_is_a_small_record() {
        // What a plain call pushes: the closure and deferred calls live behind one pointer.
        assert!(
            std::mem::size_of::<Frame>() <= 48,
            "{}",
            std::mem::size_of::<Frame>()
        );
    }
}
