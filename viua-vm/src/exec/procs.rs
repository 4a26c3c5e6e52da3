//! Processes and messages (ISA-CONTROL §2.25–2.31): `process`, `self`, `pideq`, `send`,
//! `receive`, `join`, `watchdog`, and the watchdog restart of RUNTIME.md §4.3.
//!
//! A blocking instruction that cannot complete leaves the instruction pointer on itself and
//! makes `step` return [`StepOutcome::Waiting`]; the scheduler parks the process until what
//! it waits for happens or the deadline passes, then steps it again, which executes the
//! instruction again. The deadline is fixed when the instruction first waits and forgotten
//! when it completes (no stale timeouts, ISA-CONTROL §1.6).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::import::Late;
use super::registers::null_register;
use super::{Process, StepOutcome, Wait, Watchdog};
use crate::exception::{Exception, Fault};
use crate::kernel::{JoinAttempt, ProcessHandle};
use crate::load::{Callee, CodeRef, Reg, INFINITE};
use crate::value::{FunctionName, Value};

impl Process {
    fn read_pid(&self, r: Reg) -> Result<Arc<ProcessHandle>, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Process(h) => Ok(Arc::clone(h)),
            other => Err(Exception::type_error("Process", other)),
        }
    }

    fn discard_pending(&mut self) {
        if let Some((base, _)) = self.stacks.last_mut().and_then(|s| s.pending.take()) {
            self.values.truncate(base as usize);
        }
    }

    pub(super) fn op_process(&mut self, target: Option<Reg>, callee: Callee) -> Result<(), Fault> {
        let late = match callee {
            Callee::Function(f) => Late::Function(f),
            Callee::Unknown(n) => self.resolve_unknown(n),
            Callee::Register(r) => {
                let source = self.read(r)?;
                let value = source.value();
                let name = match &*value {
                    Value::Closure(_) => {
                        return Err(Exception::error("cannot spawn a process from closure"))
                    }
                    Value::Function(f) => Arc::clone(f),
                    other => return Err(Exception::type_error("Function", other)),
                };
                drop(value);
                drop(source);
                match name.function {
                    Some(i) => Late::Function(i),
                    None => self.resolve_late_name(&name.name),
                }
            }
        };
        let function = match late {
            Late::Function(f) => f,
            Late::Foreign(f) => {
                return Err(Exception::error(format!(
                    "process from undefined function: {}",
                    f.name
                )))
            }
            Late::Undefined(name) => {
                return Err(Exception::error(format!(
                    "call to undefined function: {name}"
                )))
            }
        };
        let Some(kernel) = self.kernel.clone() else {
            return Err(Exception::error(
                "cannot spawn a process: this process runs outside a VM",
            ));
        };
        if let Some(t) = target {
            self.slot_mut(t)?;
        }
        let params = self
            .take_pending()?
            .into_iter()
            .map(|r| r.map(Value::into_message))
            .collect();
        let handle = kernel.new_handle(target.is_some());
        if let Some(t) = target {
            self.store(t, Value::Process(Arc::clone(&handle)))?;
        }
        let child = Process::spawned(
            Arc::clone(&self.program),
            handle,
            Some(Arc::clone(&kernel)),
            function,
            params,
        );
        kernel.spawn(child, false);
        Ok(())
    }

    pub(super) fn op_self(&mut self, t: Reg) -> Result<(), Fault> {
        let me = Arc::clone(&self.handle);
        self.store(t, Value::Process(me))
    }

    pub(super) fn op_pideq(&mut self, t: Reg, a: Reg, b: Reg) -> Result<(), Fault> {
        let (a, b) = (self.read_pid(a)?, self.read_pid(b)?);
        self.store(t, Value::Boolean(a.id() == b.id()))
    }

    pub(super) fn op_send(&mut self, p: Reg, v: Reg) -> Result<(), Fault> {
        let target = self.read_pid(p)?;
        let value = self.take(v)?.ok_or_else(|| null_register(v.index))?;
        target.send(value.into_message());
        Ok(())
    }

    pub(super) fn op_receive(
        &mut self,
        t: Option<Reg>,
        timeout: u32,
        ip: u32,
    ) -> Result<(), Fault> {
        if let Some(t) = t {
            self.slot_mut(t)?;
        }
        match self.handle.receive_or_register(self.waker.as_ref()) {
            Some(message) => {
                self.blocking = None;
                match t {
                    Some(t) => self.store(t, message),
                    None => Ok(()),
                }
            }
            None => self.block(timeout, ip, "no message received", |deadline| {
                Wait::Message { deadline }
            }),
        }
    }

    pub(super) fn op_join(
        &mut self,
        t: Option<Reg>,
        p: Reg,
        timeout: u32,
        ip: u32,
    ) -> Result<(), Fault> {
        let target = self.read_pid(p)?;
        if let Some(t) = t {
            self.slot_mut(t)?;
        }
        match target.try_join() {
            JoinAttempt::NotJoinable => {
                self.blocking = None;
                Err(Exception::new("Process_cannot_be_joined", target.text()))
            }
            JoinAttempt::Done(result) => {
                self.blocking = None;
                match (t, result?) {
                    (Some(t), Some(v)) => self.store(t, v),
                    (Some(t), None) => {
                        *self.slot_mut(t)? = None;
                        Ok(())
                    }
                    (None, _) => Ok(()),
                }
            }
            JoinAttempt::Running => {
                self.block(timeout, ip, "process did not join", |deadline| Wait::Join {
                    process: target,
                    deadline,
                })
            }
        }
    }

    /// Waits on the instruction at `ip`, or fails with `expired` once its deadline passed.
    pub(super) fn block(
        &mut self,
        timeout: u32,
        ip: u32,
        expired: &str,
        wait: impl FnOnce(Option<Instant>) -> Wait,
    ) -> Result<(), Fault> {
        // The clock is read only for finite timeouts: waiting forever is the common case of a
        // server's `receive`, and reading the clock is a measurable part of a message's cost.
        let deadline = *self.blocking.get_or_insert_with(|| {
            (timeout != INFINITE)
                .then(|| Instant::now() + Duration::from_millis(u64::from(timeout)))
        });
        if deadline.is_some_and(|d| Instant::now() >= d) {
            self.blocking = None;
            return Err(Exception::error(expired));
        }
        if let Some(stack) = self.stacks.last_mut() {
            stack.ip = ip;
        }
        self.finished = Some(StepOutcome::Waiting(wait(deadline)));
        Ok(())
    }

    pub(super) fn op_watchdog(&mut self, callee: Callee) -> Result<(), Fault> {
        let function = match callee {
            Callee::Function(f) => Ok(f),
            Callee::Unknown(n) => match self.resolve_unknown(n) {
                Late::Function(f) => Ok(f),
                Late::Foreign(f) => Err(Exception::error(format!(
                    "watchdog process must be a native function, used foreign {}",
                    f.name
                ))),
                Late::Undefined(name) => Err(Exception::error(format!(
                    "watchdog process from undefined function: {name}"
                ))),
            },
            Callee::Register(_) => Err(Exception::error(
                "watchdog process from undefined function: (register)",
            )),
        };
        let function = match function {
            Ok(f) if self.watchdog.is_none() => f,
            Ok(_) => {
                self.discard_pending();
                return Err(Exception::error("watchdog already set"));
            }
            Err(e) => {
                self.discard_pending();
                return Err(e);
            }
        };
        let mut args = self.take_pending()?;
        if args.is_empty() {
            // A zero-sized watchdog frame still receives the death message.
            args.push(None);
        }
        self.watchdog = Some(Watchdog { function, args });
        Ok(())
    }

    /// Whether an uncaught exception makes this process its watchdog (RUNTIME.md §4.1): it
    /// has one, is detached (or main), and is not already the restarted watchdog.
    pub fn has_pending_watchdog(&self) -> bool {
        self.watchdog.is_some() && !self.restarted && !self.handle.is_joinable()
    }

    /// Replaces the dead process's stack by one frame calling its watchdog with the death
    /// message in argument 0 (ISA-CONTROL §2.31). PID, mailbox, globals and statics stay.
    pub fn restart_as_watchdog(&mut self, exception: Box<Exception>) {
        let Some(watchdog) = self.watchdog.as_mut() else {
            return;
        };
        let function = watchdog.function;
        let mut args = std::mem::take(&mut watchdog.args);
        let (first_function, params) = match self.stacks.first().and_then(|s| s.frames.first()) {
            Some(f) => {
                let range = f.params_base as usize..(f.params_base + f.params_len) as usize;
                let params: Vec<Value> = self
                    .values
                    .get_mut(range)
                    .map(|r| r.iter_mut().filter_map(Option::take).collect())
                    .unwrap_or_default();
                (f.function, params)
            }
            None => (function, Vec::new()),
        };
        let name = self
            .program
            .functions
            .get(first_function as usize)
            .map_or_else(String::new, |c| c.name.clone());
        let mut message = BTreeMap::new();
        message.insert(
            b"function".to_vec(),
            Value::Function(Arc::new(FunctionName {
                name,
                function: Some(first_function),
            })),
        );
        message.insert(b"exception".to_vec(), Value::Exception(exception));
        message.insert(b"parameters".to_vec(), Value::Vector(Box::new(params)));
        args[0] = Some(Value::Struct(Box::new(message)));
        let first = Process::first_frame(function, args.len() as u32);
        self.values = args;
        self.stacks = vec![super::Stack::new(first, CodeRef::Function(function))];
        self.restarted = true;
        self.blocking = None;
        self.finished = None;
        self.terminated = false;
    }

    /// Whether the process is running its watchdog (RUNTIME.md §4.4 exit codes).
    pub fn is_restarted(&self) -> bool {
        self.restarted
    }
}
