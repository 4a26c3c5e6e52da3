//! Frames and calls (ISA-CONTROL §1.4–§1.8, §2.5–§2.15): `frame`, `call`, `tailcall`, `defer`,
//! `return`, `allocate_registers`, `function`, `closure` and the captures.
//!
//! Register storage is one value stack per process: a frame's parameters, then its locals,
//! then the pending frame's arguments. A call turns the pending arguments into the callee's
//! parameters without copying; a return truncates the stack. No allocation per call once
//! the stack has grown.

use std::sync::{Arc, Mutex, RwLock};

use super::frame::{ClosureRegisters, Continuation, Deferred, Frame, Stack};
use super::import::Late;
use super::registers::null_register;
use super::{Process, StepOutcome, MAX_STACK_DEPTH};
use crate::exception::{Exception, Fault};
use crate::foreign::ForeignFunction;
use crate::load::{Callee, CodeRef, Reg};
use crate::value::{empty_registers, Closure, Register, Value};

/// What a callee operand names.
enum Resolved {
    Bytecode(u32, Option<ClosureRegisters>),
    Foreign(Arc<ForeignFunction>),
}

#[cold]
fn no_frame() -> Fault {
    Exception::error("function call without a frame: use `frame 0' in source code if the function takes no parameters")
}

#[cold]
fn no_stack() -> Fault {
    Exception::error("stack left in an invalid state")
}

fn lock(regs: &ClosureRegisters) -> std::sync::MutexGuard<'_, Vec<Register>> {
    regs.lock().unwrap_or_else(|e| e.into_inner())
}

impl Process {
    pub(super) fn stack_mut(&mut self) -> Result<&mut Stack, Fault> {
        self.stacks.last_mut().ok_or_else(no_stack)
    }

    /// Takes the pending frame's arguments off the value stack (`defer`, `process`,
    /// `watchdog`, foreign calls: whatever does not run the frame in place).
    pub(super) fn take_pending(&mut self) -> Result<Vec<Register>, Fault> {
        let (base, _) = self.stack_mut()?.pending.take().ok_or_else(no_frame)?;
        Ok(self.values.split_off(base as usize))
    }

    fn frame_mut(&mut self) -> Result<&mut Frame, Fault> {
        self.stack_mut()?.frames.last_mut().ok_or_else(no_stack)
    }

    /// Resolves a callee to a function index and, for closures, the closure's register set,
    /// or to a foreign function (names unknown at load time, see `import.rs`).
    fn resolve_callee(&mut self, callee: Callee, undefined: &str) -> Result<Resolved, Fault> {
        let late = match callee {
            Callee::Function(f) => return Ok(Resolved::Bytecode(f, None)),
            Callee::Unknown(name) => self.resolve_unknown(name),
            Callee::Register(r) => {
                let source = self.read(r)?;
                let value = source.value();
                let (name, closure) = match &*value {
                    Value::Function(f) => (Arc::clone(f), None),
                    Value::Closure(c) => (Arc::clone(&c.function), Some(Arc::clone(&c.registers))),
                    other => return Err(Exception::type_error("Function", other)),
                };
                drop(value);
                drop(source);
                match name.function {
                    Some(f) => return Ok(Resolved::Bytecode(f, closure)),
                    None => match self.resolve_late_name(&name.name) {
                        Late::Function(f) => return Ok(Resolved::Bytecode(f, closure)),
                        other => other,
                    },
                }
            }
        };
        match late {
            Late::Function(f) => Ok(Resolved::Bytecode(f, None)),
            Late::Foreign(f) => Ok(Resolved::Foreign(f)),
            Late::Undefined(name) => Err(Exception::error(format!("{undefined}{name}"))),
        }
    }

    /// Moves a borrowed closure set back from the value stack into the closure.
    fn give_back(&mut self, closure: &ClosureRegisters, base: u32, len: u32) {
        let regs: Vec<Register> = self.values[base as usize..(base + len) as usize]
            .iter_mut()
            .map(Option::take)
            .collect();
        *lock(closure) = regs;
    }

    /// Pushes a closure's registers as the locals starting at the end of the value stack.
    fn borrow_closure(&mut self, closure: &ClosureRegisters) -> u32 {
        let regs = std::mem::take(&mut *lock(closure));
        let len = regs.len() as u32;
        self.values.extend(regs);
        len
    }

    /// Pops the top frame of the active stack, destroying its registers and try frames.
    pub(super) fn pop_frame(&mut self) -> Option<Frame> {
        let frame = self.stacks.last_mut()?.frames.pop()?;
        if let Some(closure) = frame.closure() {
            self.give_back(closure, frame.locals_base, frame.locals_len);
        }
        self.values.truncate(frame.params_base as usize);
        let stack = self.stacks.last_mut()?;
        if stack
            .pending
            .is_some_and(|(base, _)| base >= frame.params_base)
        {
            stack.pending = None;
        }
        let depth = stack.frames.len();
        if !stack.try_frames.is_empty() {
            stack.try_frames.retain(|t| t.frame < depth);
        }
        Some(frame)
    }

    pub(super) fn op_frame(&mut self, n: u16) -> Result<(), Fault> {
        let base = self.values.len() as u32;
        let stack = self.stack_mut()?;
        if stack.pending.is_some() {
            return Err(Exception::error(
                "requested new frame while last one is unused",
            ));
        }
        stack.pending = Some((base, u32::from(n)));
        self.values.resize_with(base as usize + n as usize, || None);
        Ok(())
    }

    pub(super) fn op_allocate_registers(&mut self, n: u16) -> Result<(), Fault> {
        let frame = self.frame_mut()?;
        let (base, len, closure) = (frame.locals_base, frame.locals_len, frame.take_closure());
        frame.locals_len = u32::from(n);
        frame.has_locals = true;
        if let Some(closure) = closure {
            self.give_back(&closure, base, len);
        }
        let pending = self.stack_mut()?.pending;
        let saved = pending.map(|(b, _)| self.values.split_off(b as usize));
        self.values.truncate(base as usize);
        self.values.resize_with(base as usize + n as usize, || None);
        if let (Some(saved), Some((_, plen))) = (saved, pending) {
            let new_base = self.values.len() as u32;
            self.values.extend(saved);
            self.stack_mut()?.pending = Some((new_base, plen));
        }
        Ok(())
    }

    pub(super) fn op_call(&mut self, target: Option<Reg>, callee: Callee) -> Result<(), Fault> {
        let (function, closure) =
            match self.resolve_callee(callee, "call to undefined function: ")? {
                Resolved::Bytecode(f, c) => (f, c),
                Resolved::Foreign(f) => return self.call_foreign(target, f),
            };
        let stack = self.stack_mut()?;
        let (base, len) = stack.pending.ok_or_else(no_frame)?;
        if stack.frames.len() > MAX_STACK_DEPTH {
            let name = self
                .program
                .functions
                .get(function as usize)
                .map_or("", |f| f.name.as_str());
            return Err(Exception::error(format!(
                "stack size ({MAX_STACK_DEPTH}) exceeded with call to '{name}'"
            )));
        }
        stack.pending = None;
        let return_to = (stack.code, stack.ip);
        stack.code = CodeRef::Function(function);
        stack.ip = 0;
        let mut frame = Frame::new(function, base, len, return_to);
        frame.return_target = target;
        self.values.truncate((base + len) as usize);
        if let Some(closure) = closure {
            frame.locals_len = self.borrow_closure(&closure);
            frame.has_locals = true;
            frame.set_closure(closure);
        }
        self.stack_mut()?.frames.push(frame);
        Ok(())
    }

    pub(super) fn op_return(&mut self) -> Result<(), Fault> {
        let only_frame = self.stacks.len() == 1 && self.stacks[0].frames.len() == 1;
        let frame = self.frame_mut()?;
        let wants_value = frame.return_target.is_some();
        let value =
            if wants_value || only_frame {
                let slot = if frame.locals_len > 0 {
                    frame.locals_base as usize
                } else {
                    usize::MAX
                };
                match self.values.get_mut(slot).and_then(Option::take) {
                    Some(v) => Some(v),
                    None if wants_value => return Err(Exception::error(
                        "return value requested by frame but function did not set return register",
                    )),
                    None => None,
                }
            } else {
                None
            };
        self.finish_return(value)
    }

    /// Runs the next deferred call of the returning frame, or completes the return.
    pub(super) fn finish_return(&mut self, value: Option<Value>) -> Result<(), Fault> {
        if let Some(d) = self.frame_mut()?.pop_deferred() {
            self.stack_mut()?.cont = Some(Continuation::Return { value });
            self.start_deferred(d);
            return Ok(());
        }
        let frame = self.pop_frame().ok_or_else(no_stack)?;
        if self.stack_mut()?.frames.is_empty() {
            if self.stacks.len() > 1 {
                self.stacks.pop();
                return self.resume();
            }
            self.finished = Some(StepOutcome::Returned(value));
            return Ok(());
        }
        let stack = self.stack_mut()?;
        (stack.code, stack.ip) = frame.return_to;
        match (frame.return_target, value) {
            (Some(t), Some(v)) => self.store(t, v),
            _ => Ok(()),
        }
    }

    /// Starts a deferred call on a fresh stack of the same process.
    pub(super) fn start_deferred(&mut self, d: Deferred) {
        let base = self.values.len() as u32;
        let len = d.args.len() as u32;
        self.values.extend(d.args);
        let mut frame = Frame::new(d.function, base, len, (CodeRef::Function(d.function), 0));
        if let Some(closure) = d.closure {
            frame.locals_len = self.borrow_closure(&closure);
            frame.has_locals = true;
            frame.set_closure(closure);
        }
        self.stacks
            .push(Stack::new(frame, CodeRef::Function(d.function)));
    }

    /// Continues whatever the now-active stack was doing when its deferred call started.
    pub(super) fn resume(&mut self) -> Result<(), Fault> {
        match self.stack_mut()?.cont.take() {
            Some(Continuation::Return { value }) => self.finish_return(value),
            Some(Continuation::Tailcall { function, closure }) => {
                self.finish_tailcall(function, closure)
            }
            Some(Continuation::Unwind {
                exception,
                catch,
                next,
            }) => {
                self.continue_unwind(exception, catch, next);
                Ok(())
            }
            None => Ok(()),
        }
    }

    pub(super) fn op_tailcall(&mut self, callee: Callee) -> Result<(), Fault> {
        let (function, closure) =
            match self.resolve_callee(callee, "tail call to undefined function: ")? {
                Resolved::Bytecode(f, c) => (f, c),
                Resolved::Foreign(f) => {
                    return Err(Exception::error(format!(
                        "tail call to non-native function: {}",
                        f.name
                    )))
                }
            };
        if self.stack_mut()?.pending.is_none() {
            return Err(no_frame());
        }
        self.finish_tailcall(function, closure)
    }

    fn finish_tailcall(
        &mut self,
        function: u32,
        closure: Option<ClosureRegisters>,
    ) -> Result<(), Fault> {
        if let Some(d) = self.frame_mut()?.pop_deferred() {
            self.stack_mut()?.cont = Some(Continuation::Tailcall { function, closure });
            self.start_deferred(d);
            return Ok(());
        }
        let (qbase, qlen) = self.stack_mut()?.pending.take().ok_or_else(no_frame)?;
        let frame = self.frame_mut()?;
        let (pbase, plen, lbase, llen) = (
            frame.params_base,
            frame.params_len,
            frame.locals_base,
            frame.locals_len,
        );
        if let Some(old) = frame.take_closure() {
            self.give_back(&old, lbase, llen);
        }
        if qbase != lbase + llen {
            return Err(no_stack());
        }
        // [params][locals][pending] -> [pending][locals]
        let region = &mut self.values[pbase as usize..(qbase + qlen) as usize];
        region.rotate_left((plen + llen) as usize);
        region[qlen as usize..].rotate_left(plen as usize);
        self.values.truncate((pbase + qlen + llen) as usize);
        let depth = self.stack_mut()?.frames.len();
        let frame = self.frame_mut()?;
        frame.params_len = qlen;
        frame.locals_base = pbase + qlen;
        if let Some(closure) = closure {
            self.values.truncate((pbase + qlen) as usize);
            let len = self.borrow_closure(&closure);
            let frame = self.frame_mut()?;
            frame.locals_len = len;
            frame.has_locals = true;
            frame.set_closure(closure);
        }
        let stack = self.stack_mut()?;
        stack.try_frames.retain(|t| t.frame + 1 < depth);
        stack.code = CodeRef::Function(function);
        stack.ip = 0;
        Ok(())
    }

    pub(super) fn op_defer(&mut self, callee: Callee) -> Result<(), Fault> {
        // Deferring a foreign function is rejected at `defer` (ISA-CONTROL §2.9's alternative).
        let (function, closure) =
            match self.resolve_callee(callee, "defer of undefined function: ")? {
                Resolved::Bytecode(f, c) => (f, c),
                Resolved::Foreign(f) => {
                    return Err(Exception::error(format!(
                        "defer of undefined function: {}",
                        f.name
                    )))
                }
            };
        let args = self.take_pending()?;
        self.frame_mut()?.push_deferred(Deferred {
            function,
            closure,
            args,
        });
        Ok(())
    }

    pub(super) fn op_function(&mut self, t: Reg, name: u32) -> Result<(), Fault> {
        let name = self
            .program
            .names
            .get(name as usize)
            .cloned()
            .ok_or_else(no_stack)?;
        self.store(t, Value::Function(name))
    }

    pub(super) fn op_closure(&mut self, t: Reg, name: u32) -> Result<(), Fault> {
        let name = self
            .program
            .names
            .get(name as usize)
            .cloned()
            .ok_or_else(no_stack)?;
        let size = self.frame_mut()?.locals_len.max(16) as usize;
        let closure = Closure {
            function: name,
            registers: Arc::new(Mutex::new(empty_registers(size))),
        };
        self.store(t, Value::Closure(Box::new(closure)))
    }

    pub(super) fn op_capture(
        &mut self,
        mode: crate::load::CaptureMode,
        c: Reg,
        slot: u16,
        s: Reg,
    ) -> Result<(), Fault> {
        use crate::load::CaptureMode;
        let registers = {
            let source = self.read(c)?;
            let value = source.value();
            match &*value {
                Value::Closure(closure) => Arc::clone(&closure.registers),
                other => return Err(Exception::type_error("Closure", other)),
            }
        };
        if slot as usize >= lock(&registers).len() {
            return Err(Exception::error(
                "cannot capture object: register index out exceeded size of closure register set",
            ));
        }
        let captured = match mode {
            CaptureMode::Copy => Some(self.read(s)?.value().deep_copy()?),
            CaptureMode::Move => self.take(s)?,
            CaptureMode::Reference => {
                let source = self.slot_mut(s)?;
                let cell = match source.take() {
                    None => return Err(null_register(s.index)),
                    Some(Value::Reference(cell)) | Some(Value::Target(cell)) => cell,
                    Some(v) => Arc::new(RwLock::new(v)),
                };
                *source = Some(Value::Reference(Arc::clone(&cell)));
                Some(Value::Reference(cell))
            }
        };
        if let Some(r) = lock(&registers).get_mut(slot as usize) {
            *r = captured;
        }
        Ok(())
    }
}
