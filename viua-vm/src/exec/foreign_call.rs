//! Calls of foreign functions (ISA-CONTROL §2.7 step 3, RUNTIME.md §6.2, §8).
//!
//! `call` of a name that resolves to a foreign function takes the pending frame's arguments
//! into a [`ForeignCall`]. A synchronous function marked `inline` (known never to block) runs
//! at once on the process's thread; any other parks the process with [`Wait::Foreign`]: the
//! kernel runs synchronous code on tokio's blocking pool (at most `VIUA_FFI_SCHEDULERS` at
//! once) and awaits asynchronous code in the process's own task ([`ForeignJob::run_async`]),
//! then hands the outcome back through [`Process::finish_foreign`]. The call's frame is never pushed, so it never
//! appears in stack traces.

use std::future::poll_fn;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::task::Poll;

use super::{Process, StepOutcome, Wait};
use crate::exception::{Exception, Fault, ThrowPoint};
use crate::foreign::{ForeignCall, ForeignCode, ForeignFunction, ForeignResult};
use crate::load::Reg;
use crate::output::Output;

/// A foreign call waiting to run: what [`Wait::Foreign`] carries to the scheduler.
pub struct ForeignJob {
    pub function: Arc<ForeignFunction>,
    pub call: ForeignCall,
    pub(crate) target: Option<Reg>,
}

impl std::fmt::Debug for ForeignJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignJob")
            .field("function", &self.call.name)
            .field("arguments", &self.call.args.len())
            .finish()
    }
}

/// A finished foreign call, for [`Process::finish_foreign`].
#[derive(Debug)]
pub struct ForeignDone {
    pub name: Arc<str>,
    pub(crate) target: Option<Reg>,
    /// `Err`: the function panicked (the text of the panic).
    pub outcome: Result<ForeignResult, String>,
}

impl ForeignJob {
    /// Runs the function here and now (asynchronous code on a private runtime: for
    /// processes run without a kernel), turning a panic into an outcome.
    pub fn run(self) -> ForeignDone {
        let ForeignJob {
            function,
            mut call,
            target,
        } = self;
        let outcome = catch_unwind(AssertUnwindSafe(|| function.call_blocking(&mut call)))
            .map_err(|payload| panic_message(&*payload));
        ForeignDone {
            name: call.name,
            target,
            outcome,
        }
    }

    /// Runs asynchronous code in the calling task: its synchronous part at once, then its
    /// future, polled here (no thread waits for it); a panic in either becomes the outcome.
    /// Synchronous code runs as [`ForeignJob::run`] does.
    pub async fn run_async(self) -> ForeignDone {
        let code = match &self.function.code {
            ForeignCode::Async(code) => Arc::clone(code),
            ForeignCode::Sync(_) => return self.run(),
        };
        let ForeignJob {
            mut call, target, ..
        } = self;
        let outcome = match catch_unwind(AssertUnwindSafe(|| code(&mut call))) {
            Ok(mut future) => {
                poll_fn(
                    |cx| match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                        Ok(Poll::Ready(r)) => Poll::Ready(Ok(r)),
                        Ok(Poll::Pending) => Poll::Pending,
                        Err(payload) => Poll::Ready(Err(panic_message(&*payload))),
                    },
                )
                .await
            }
            Err(payload) => Err(panic_message(&*payload)),
        };
        ForeignDone {
            name: call.name,
            target,
            outcome,
        }
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

impl Process {
    /// `call` of a foreign function (the pending frame becomes its arguments).
    pub(super) fn call_foreign(
        &mut self,
        target: Option<Reg>,
        function: Arc<ForeignFunction>,
    ) -> Result<(), Fault> {
        let args = self.take_pending()?;
        let standalone = self.kernel.is_none();
        let output = match &self.kernel {
            Some(k) => Arc::clone(k.output()),
            None => Arc::new(Output::new()),
        };
        let job = ForeignJob {
            call: ForeignCall {
                name: Arc::from(function.name.as_str()),
                args,
                pid: self.pid,
                output: Arc::clone(&output),
            },
            function,
            target,
        };
        if (job.function.inline && !job.function.is_async()) || standalone {
            let done = job.run();
            if standalone {
                let (out, _) = output.take();
                self.emit(&out);
            }
            self.finish_foreign(done);
        } else {
            self.finished = Some(StepOutcome::Waiting(Wait::Foreign(Box::new(job))));
        }
        Ok(())
    }

    /// Completes a foreign call: stores its value in the call's target, or raises its
    /// exception with the function's named throw point and the throw point of the
    /// instruction after the `call` (RUNTIME.md §6.2).
    pub fn finish_foreign(&mut self, done: ForeignDone) {
        let ForeignDone {
            name,
            target,
            outcome,
        } = done;
        let fault = match outcome {
            Ok(Ok(value)) => match (target, value) {
                (Some(t), Some(v)) => self.store(t, v).err(),
                (Some(_), None) => Some(Exception::error(
                    "return value requested by frame but external function did not set return register",
                )),
                (None, _) => None,
            },
            Ok(Err(e)) => Some(e),
            Err(panic) => Some(Exception::error(format!(
                "foreign function {name} failed: {panic}"
            ))),
        };
        if let Some(mut e) = fault {
            e.throw_points.push(ThrowPoint::Named(name));
            if let Some(stack) = self.stacks.last() {
                e.throw_points.push(ThrowPoint::Code {
                    code: stack.code,
                    instruction: stack.ip,
                });
            }
            self.raise(e);
        }
    }
}
