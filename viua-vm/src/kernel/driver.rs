//! The task that runs one process: bursts, parking, and what happens when it ends
//! (RUNTIME.md §4.1): results kept for `join`, reports, watchdog restarts, the exit code.

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use super::{Kernel, BURST};
use crate::exception::Exception;
use crate::exec::{Death, Process, StepOutcome, Wait};
use crate::output::Stream;
use crate::value::Value;

/// How a process ended.
enum End {
    Returned(Option<Value>),
    Halted,
    Died(Box<Death>),
    /// A bug of ours panicked while running it: it ends alone, everything else goes on.
    Crashed(String),
}

async fn until(ready: impl Future<Output = ()>, deadline: Option<Instant>) {
    match deadline {
        None => ready.await,
        // Boxed: only processes that wait with a deadline pay for a timer entry, so the
        // task of a process parked without one stays small.
        Some(d) => {
            let timed = Box::pin(tokio::time::timeout_at(
                tokio::time::Instant::from_std(d),
                ready,
            ));
            let _ = timed.await;
        }
    }
}

/// Pending once, then ready: tokio polls a task again only after a wake-up, so this sleeps
/// until the next one. With `wake_self` the task wakes itself, which ends a burst: it goes
/// to the back of its worker's run queue, where an idle worker can steal it
/// (`tokio::task::yield_now` parks the task on a per-worker defer list instead, which other
/// workers cannot steal from: two CPU-bound processes then share one worker). Without it,
/// the task sleeps until whatever registered its waker (a `send` to it, a timer) wakes it.
fn pending_once(wake_self: bool) -> impl Future<Output = ()> {
    let mut polled = false;
    poll_fn(move |cx| {
        if polled {
            std::task::Poll::Ready(())
        } else {
            polled = true;
            if wake_self {
                cx.waker().wake_by_ref();
            }
            std::task::Poll::Pending
        }
    })
}

/// Every wait but the common `receive` one, which `drive` awaits in place.
async fn wait_rare(kernel: &Kernel, process: &mut Process, wait: Wait) {
    match wait {
        Wait::Foreign(job) => {
            let done = kernel.run_foreign(job).await;
            process.finish_foreign(*done);
        }
        Wait::Io { request, deadline } => {
            until(poll_fn(|cx| request.poll_done(cx)), deadline).await;
        }
        Wait::Message { deadline } => until(pending_once(false), deadline).await,
        Wait::Join {
            process: joined,
            deadline,
        } => {
            until(poll_fn(|cx| joined.poll_finished(cx)), deadline).await;
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

pub(super) async fn drive(kernel: Arc<Kernel>, mut process: Box<Process>, is_main: bool) {
    let handle = Arc::clone(process.handle());
    process.set_waker(poll_fn(|cx| std::task::Poll::Ready(cx.waker().clone())).await);
    let end = loop {
        let outcome = match catch_unwind(AssertUnwindSafe(|| process.step(BURST))) {
            Ok(outcome) => outcome,
            Err(payload) => break End::Crashed(panic_text(&*payload)),
        };
        match outcome {
            StepOutcome::Yielded => pending_once(true).await,
            // `receive` registered this task's waker with the mailbox already: sleep until
            // any wake-up (a message, or the deadline), then step again to look.
            StepOutcome::Waiting(Wait::Message { deadline }) => {
                until(pending_once(false), deadline).await
            }
            // Other waits are boxed: the task of a process parked in `receive` stays small.
            StepOutcome::Waiting(wait) => Box::pin(wait_rare(&kernel, &mut process, wait)).await,
            StepOutcome::Returned(value) => break End::Returned(value),
            StepOutcome::Halted | StepOutcome::Finished => break End::Halted,
            StepOutcome::Died(death) => {
                if process.has_pending_watchdog() {
                    process.restart_as_watchdog(death.exception);
                    continue;
                }
                break End::Died(death);
            }
        }
    };
    handle.close_mailbox();
    let restarted = process.is_restarted();
    // The process's memory (stacks, registers, mailbox) goes now, not when its PID does.
    drop(process);
    let exit_code = match end {
        End::Returned(value) => {
            let code = if restarted {
                watchdog_exit_code(value.as_ref())
            } else {
                0
            };
            handle.finish(Ok(value));
            code
        }
        End::Halted => {
            handle.finish(Ok(None));
            0
        }
        End::Died(death) => {
            if handle.is_joinable() {
                handle.finish(Err(death.exception));
            } else {
                kernel.print_report(&death.report);
                handle.finish(Err(death.exception));
            }
            1
        }
        End::Crashed(why) => {
            kernel.output().write(
                Stream::Stderr,
                format!(
                    "VM error: process {} crashed (a VM bug): {why}\n",
                    handle.text()
                )
                .as_bytes(),
            );
            handle.finish(Err(Exception::error(format!("process crashed: {why}"))));
            1
        }
    };
    if is_main {
        kernel.set_exit_code(exit_code);
    }
    kernel.process_ended();
}

/// The exit code a returning watchdog of the main process gives (RUNTIME.md §4.4).
fn watchdog_exit_code(value: Option<&Value>) -> i32 {
    match value {
        None => 0,
        Some(v) => match &*v.resolve() {
            Value::Integer(i) => *i as i32,
            other => i32::from(!other.truthy()),
        },
    }
}

#[cfg(test)]
pub(super) fn size_probe() -> usize {
    fn size<F: Future>(_: &F) -> usize {
        std::mem::size_of::<F>()
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let src = ".function: main/0\nallocate_registers %1 local\nizero %0 local\nreturn\n.end\n";
    let out = viua_asm::assemble("t.asm", src, &viua_asm::Options::default()).unwrap();
    let program = std::sync::Arc::new(crate::load::Program::load(&out.module, "t").unwrap());
    let kernel = Kernel::new(
        program.clone(),
        Default::default(),
        Default::default(),
        rt.handle().clone(),
        crate::embedding::Linker::new(&Default::default()),
    );
    let p = Process::new(program, 1, 0, Vec::new());
    size(&drive(kernel, Box::new(p), false))
}
