//! Call stacks, frames, try frames and the continuations that let a `return`, `tailcall` or
//! exception unwinding pause while deferred calls run on their own stacks (ISA-CONTROL §1.1,
//! §1.7) — without recursing on the Rust stack.

use std::sync::{Arc, Mutex};

use crate::exception::Fault;
use crate::load::{CodeRef, Reg};
use crate::value::{Register, Value};

/// A closure's register set, shared between the closure value and the frames running it.
pub type ClosureRegisters = Arc<Mutex<Vec<Register>>>;

/// A live frame. Its parameters and locals are ranges of the process's value stack.
#[derive(Debug)]
pub struct Frame {
    /// The function the frame was created for (its name shows in traces and selects the
    /// static registers; `tailcall` keeps it).
    pub function: u32,
    pub params_base: u32,
    pub params_len: u32,
    pub locals_base: u32,
    pub locals_len: u32,
    /// Whether `allocate_registers` (or a closure) gave the frame a local set.
    pub has_locals: bool,
    pub return_to: (CodeRef, u32),
    pub return_target: Option<Reg>,
    /// What few frames have (a closure set, deferred calls), kept out of line so a plain
    /// call pushes a small record and a plain return has nothing to destroy.
    pub extras: Option<Box<FrameExtras>>,
}

/// The rarely used parts of a [`Frame`].
#[derive(Debug, Default)]
pub struct FrameExtras {
    /// The closure whose register set the locals were taken from; given back when the frame
    /// ends or allocates its own set.
    pub closure: Option<ClosureRegisters>,
    /// Registered deferred calls, run last-first.
    pub deferred: Vec<Deferred>,
}

impl Frame {
    /// A frame of `function` with parameters at (`params_base`, `params_len`), no locals yet.
    pub fn new(
        function: u32,
        params_base: u32,
        params_len: u32,
        return_to: (CodeRef, u32),
    ) -> Frame {
        Frame {
            function,
            params_base,
            params_len,
            locals_base: params_base + params_len,
            locals_len: 0,
            has_locals: false,
            return_to,
            return_target: None,
            extras: None,
        }
    }

    /// The closure whose register set the frame's locals are.
    pub fn closure(&self) -> Option<&ClosureRegisters> {
        self.extras.as_ref().and_then(|e| e.closure.as_ref())
    }

    /// Takes the closure out of the frame (its locals are then its own).
    pub fn take_closure(&mut self) -> Option<ClosureRegisters> {
        self.extras.as_mut().and_then(|e| e.closure.take())
    }

    pub fn set_closure(&mut self, closure: ClosureRegisters) {
        self.extras.get_or_insert_with(Box::default).closure = Some(closure);
    }

    /// Registers a deferred call.
    pub fn push_deferred(&mut self, d: Deferred) {
        self.extras
            .get_or_insert_with(Box::default)
            .deferred
            .push(d);
    }

    /// The deferred call to run next, if any.
    pub fn pop_deferred(&mut self) -> Option<Deferred> {
        self.extras.as_mut().and_then(|e| e.deferred.pop())
    }
}

/// A deferred call: the callee and the arguments its pending frame held at `defer` time.
#[derive(Debug)]
pub struct Deferred {
    pub function: u32,
    pub closure: Option<ClosureRegisters>,
    pub args: Vec<Register>,
}

/// A try frame pushed by `enter`.
#[derive(Debug)]
pub struct TryFrame {
    /// Index of the frame that entered the block.
    pub frame: usize,
    pub resume: (CodeRef, u32),
    /// (tag label, block index).
    pub catchers: Vec<(u32, u32)>,
    /// Set while one of its catchers runs: a throw from the catcher must not be caught by
    /// the same try frame again (ISA-CONTROL §1.10 defect).
    pub handling: bool,
}

/// What a stack was doing when it started a deferred call.
#[derive(Debug)]
pub enum Continuation {
    Return {
        value: Option<Value>,
    },
    Tailcall {
        function: u32,
        closure: Option<ClosureRegisters>,
    },
    Unwind {
        exception: Fault,
        catch: Option<Catch>,
        next: usize,
    },
}

/// Where an exception will be caught.
#[derive(Debug, Clone, Copy)]
pub struct Catch {
    pub try_frame: usize,
    pub frame: usize,
    pub block: u32,
}

/// A call stack (the main one, or one per running deferred call).
#[derive(Debug)]
pub struct Stack {
    pub frames: Vec<Frame>,
    /// Arguments of the pending frame: (base, len) on the value stack.
    pub pending: Option<(u32, u32)>,
    pub try_frames: Vec<TryFrame>,
    pub pending_try: Option<Vec<(u32, u32)>>,
    pub caught: Option<Fault>,
    pub code: CodeRef,
    pub ip: u32,
    pub cont: Option<Continuation>,
}

impl Stack {
    pub fn new(first: Frame, code: CodeRef) -> Stack {
        Stack {
            frames: vec![first],
            pending: None,
            try_frames: Vec::new(),
            pending_try: None,
            caught: None,
            code,
            ip: 0,
            cont: None,
        }
    }
}
