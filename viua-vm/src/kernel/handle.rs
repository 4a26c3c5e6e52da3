//! The shared half of a process: what other processes reach through a `Process` value (its
//! PID) — the mailbox and the join slot. The interpreter state itself (`exec::Process`) is
//! owned by exactly one task; a handle is all that is shared, so `send` and `join` never
//! look anything up in a global table.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::exception::Fault;
use crate::value::Value;

/// How a process ended, as `join` sees it.
pub type ProcessResult = Result<Option<Value>, Fault>;

#[derive(Debug, Default)]
struct Mailbox {
    queue: VecDeque<Value>,
    /// The owner, parked in `receive`.
    waker: Option<Waker>,
    /// The process has ended: messages are dropped (RUNTIME.md §4.1).
    closed: bool,
}

#[derive(Debug, Default)]
enum JoinState {
    #[default]
    Running,
    Done(ProcessResult),
    /// Joined already (or detached: never joinable).
    Taken,
}

#[derive(Debug, Default)]
struct JoinSlot {
    state: JoinState,
    /// Processes parked in `join` on this one.
    waiters: Vec<Waker>,
}

/// What [`ProcessHandle::try_join`] found.
#[derive(Debug)]
pub enum JoinAttempt {
    NotJoinable,
    Running,
    Done(ProcessResult),
}

/// The PID and the shared state of one process.
#[derive(Debug)]
pub struct ProcessHandle {
    id: u64,
    /// The VM-wide random first field of every PID's text form (RUNTIME.md §12).
    prefix: u64,
    joinable: bool,
    mailbox: Mutex<Mailbox>,
    join: Mutex<JoinSlot>,
}

// Locks below guard plain data that a panic cannot leave half-updated (pushes, pops and
// swaps), so a poisoned lock is still consistent and is used as is.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ProcessHandle {
    pub fn new(id: u64, prefix: u64, joinable: bool) -> ProcessHandle {
        let join = JoinSlot {
            state: if joinable {
                JoinState::Running
            } else {
                JoinState::Taken
            },
            waiters: Vec::new(),
        };
        ProcessHandle {
            id,
            prefix,
            joinable,
            mailbox: Mutex::new(Mailbox::default()),
            join: Mutex::new(join),
        }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn is_joinable(&self) -> bool {
        self.joinable
    }

    /// The PID's text form: five lowercase hexadecimal fields of 16, 16, 8, 4 and 4 digits.
    /// The second field is the process number scrambled by a VM-wide key (a bijection, so
    /// texts are unique); the others are derived from it.
    pub fn text(&self) -> String {
        let second = self.id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ self.prefix.rotate_left(17);
        let mix = second.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (second >> 31);
        format!(
            "{:016x}:{:016x}:{:08x}:{:04x}:{:04x}",
            self.prefix,
            second,
            (mix >> 32) as u32,
            (mix >> 16) as u16,
            mix as u16
        )
    }

    /// Appends a message; dropped silently when the process has ended.
    pub fn send(&self, message: Value) {
        let mut mailbox = lock(&self.mailbox);
        if mailbox.closed {
            drop(mailbox);
            drop(message);
            return;
        }
        mailbox.queue.push_back(message);
        let waker = mailbox.waker.take();
        drop(mailbox);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Takes the oldest message or, when there is none, registers `waker` (the owner's task)
    /// in the same critical section, so that the next `send` wakes the owner: one lock per
    /// `receive` that has to wait, none more in the scheduler.
    pub fn receive_or_register(&self, waker: Option<&Waker>) -> Option<Value> {
        let mut mailbox = lock(&self.mailbox);
        if let Some(m) = mailbox.queue.pop_front() {
            return Some(m);
        }
        if let Some(w) = waker {
            match &mailbox.waker {
                Some(old) if old.will_wake(w) => {}
                _ => mailbox.waker = Some(w.clone()),
            }
        }
        None
    }

    /// The process has ended: its mailbox is deleted and later messages are dropped.
    pub fn close_mailbox(&self) {
        let queue = {
            let mut mailbox = lock(&self.mailbox);
            mailbox.closed = true;
            mailbox.waker = None;
            std::mem::take(&mut mailbox.queue)
        };
        drop(queue);
    }

    /// Records how the process ended (kept for `join` only if it is joinable) and wakes
    /// every joiner.
    pub fn finish(&self, result: ProcessResult) {
        let waiters = {
            let mut slot = lock(&self.join);
            if matches!(slot.state, JoinState::Running) {
                slot.state = JoinState::Done(result);
            }
            std::mem::take(&mut slot.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }

    /// `join`: takes the result if the process has finished.
    pub fn try_join(&self) -> JoinAttempt {
        let mut slot = lock(&self.join);
        match std::mem::replace(&mut slot.state, JoinState::Taken) {
            JoinState::Taken => JoinAttempt::NotJoinable,
            JoinState::Running => {
                slot.state = JoinState::Running;
                JoinAttempt::Running
            }
            JoinState::Done(r) => JoinAttempt::Done(r),
        }
    }

    /// Ready when the process is no longer running; otherwise registers the waker.
    pub fn poll_finished(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut slot = lock(&self.join);
        if !matches!(slot.state, JoinState::Running) {
            return Poll::Ready(());
        }
        if !slot.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            slot.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_text_has_the_spec_shape_and_is_unique() {
        let a = ProcessHandle::new(1, 0x16a4_c503_438c_1c70, true).text();
        let b = ProcessHandle::new(2, 0x16a4_c503_438c_1c70, true).text();
        let widths: Vec<usize> = a.split(':').map(str::len).collect();
        assert_eq!(widths, [16, 16, 8, 4, 4]);
        assert!(a.starts_with("16a4c503438c1c70:"));
        assert!(a
            .chars()
            .all(|c| c == ':' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn messages_are_fifo_and_dropped_after_close() {
        let h = ProcessHandle::new(1, 0, false);
        h.send(Value::Integer(1));
        h.send(Value::Integer(2));
        assert!(matches!(
            h.receive_or_register(None),
            Some(Value::Integer(1))
        ));
        h.close_mailbox();
        h.send(Value::Integer(3));
        assert!(h.receive_or_register(None).is_none());
    }

    #[test]
    fn join_takes_the_result_once() {
        let h = ProcessHandle::new(1, 0, true);
        assert!(matches!(h.try_join(), JoinAttempt::Running));
        h.finish(Ok(Some(Value::Integer(5))));
        assert!(matches!(
            h.try_join(),
            JoinAttempt::Done(Ok(Some(Value::Integer(5))))
        ));
        assert!(matches!(h.try_join(), JoinAttempt::NotJoinable));
        let detached = ProcessHandle::new(2, 0, false);
        detached.finish(Ok(None));
        assert!(matches!(detached.try_join(), JoinAttempt::NotJoinable));
    }
}
