//! The I/O engine behind `io_read`, `io_write`, `io_close`, `io_wait` and `io_cancel`
//! (ISA-CONTROL §2.33, RUNTIME.md §6.3 — its guarantees, not 0.13's polling design).
//!
//! Design: every request is a tokio task of the VM's runtime that owns a duplicate of the
//! port's descriptor (`dup`, so the port may be closed or destroyed meanwhile, and two
//! requests on one descriptor never collide in the reactor). The task
//!
//! 1. waits until the descriptor is ready for the operation, through tokio's reactor
//!    ([`AsyncFd`]: epoll, no polling) — descriptors epoll refuses (regular files,
//!    `/dev/null`) count as always ready; the wait ends early when the request is
//!    cancelled (`io_cancel`, or the `IO_request` value destroyed), which completes it with
//!    `IO_cancel: I/O cancelled`;
//! 2. takes one of the `VIUA_IO_SCHEDULERS` permits of the engine's semaphore and performs
//!    exactly one system call (`read` of up to the limit, `write` of the whole buffer,
//!    `close`) on tokio's blocking pool, since a descriptor we merely borrow (an Integer
//!    port) stays in blocking mode; so `VIUA_IO_SCHEDULERS` caps the number of I/O system
//!    calls in progress at once, not the number of pending requests;
//! 3. stores the outcome and wakes the process parked in `io_wait` on it (if any).
//!
//! Every request completes: with the result, an errno (an invalid descriptor gives
//! `EBADF`), or the cancellation failure. Writes to descriptors 1 and 2 go through the VM's
//! shared [`Output`](crate::output::Output), like `print`, so that the two kinds of output
//! keep program order (0.13 bypasses `print`'s buffer there); they complete at once.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::sync::{Notify, Semaphore};

use crate::exception::{Exception, Fault};
use crate::value::{ForeignObject, Value};

/// `EBADF`: the errno of an operation on a descriptor that is not open.
pub const EBADF: i32 = 9;

/// The most bytes one `io_read` asks for (bigger limits are cut to this).
const MAX_READ: usize = 16 << 20;

/// An owning descriptor (`IO_fd`, ISA-CONTROL §2.33): closed when the value is destroyed,
/// or earlier by `io_close` / `std::posix::network::close`.
#[derive(Debug)]
pub struct IoFd {
    number: RawFd,
    fd: Mutex<Option<OwnedFd>>,
    /// A non-blocking duplicate registered with the runtime's reactor, made on first use by
    /// asynchronous code ([`IoFd::reactor`]) and dropped when the descriptor is taken.
    reactor: Mutex<Option<Arc<AsyncFd<OwnedFd>>>>,
}

impl IoFd {
    pub fn new(fd: OwnedFd) -> IoFd {
        IoFd {
            number: fd.as_raw_fd(),
            fd: Mutex::new(Some(fd)),
            reactor: Mutex::new(None),
        }
    }

    /// The descriptor registered with the current runtime's reactor (for reading and
    /// writing), for asynchronous foreign code: a duplicate, made once and kept while the
    /// descriptor is open, so waiting on it costs no `dup`/`epoll_ctl` per operation. It
    /// puts the open file description into non-blocking mode (the I/O instructions cope:
    /// they wait for readiness first). `EBADF` once closed; the reactor's error (e.g. `EPERM`
    /// for a regular file) if it refuses the descriptor; an error outside a runtime.
    #[allow(unsafe_code)]
    pub fn reactor(&self) -> std::io::Result<Arc<AsyncFd<OwnedFd>>> {
        let fd = self.fd.lock().unwrap_or_else(|e| e.into_inner());
        let Some(fd) = &*fd else {
            return Err(std::io::Error::from_raw_os_error(EBADF));
        };
        let mut reactor = self.reactor.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = &*reactor {
            return Ok(Arc::clone(r));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(std::io::Error::other("not inside a runtime"));
        }
        let dup = set_nonblocking(fd.try_clone()?)?;
        // SAFETY: `dup` owns a valid open descriptor made for this registration; nothing
        // else closes or replaces it while the `AsyncFd` holds it (it is dropped, and so
        // deregistered, before it closes).
        let registered = unsafe {
            AsyncFd::register_with_interest(dup, Interest::READABLE | Interest::WRITABLE)
        }
        .map_err(|refused| refused.into_parts().1)?;
        let registered = Arc::new(registered);
        *reactor = Some(Arc::clone(&registered));
        Ok(registered)
    }

    /// The descriptor number (also after it was closed).
    pub fn number(&self) -> RawFd {
        self.number
    }

    /// A duplicate of the descriptor for an operation; `EBADF` once it is closed.
    pub fn duplicate(&self) -> std::io::Result<OwnedFd> {
        match &*self.fd.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(fd) => fd.try_clone(),
            None => Err(std::io::Error::from_raw_os_error(EBADF)),
        }
    }

    /// Runs `f` on the descriptor itself; `EBADF` once it is closed.
    pub fn with_fd<R>(&self, f: impl FnOnce(&OwnedFd) -> std::io::Result<R>) -> std::io::Result<R> {
        match &*self.fd.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(fd) => f(fd),
            None => Err(std::io::Error::from_raw_os_error(EBADF)),
        }
    }

    /// Takes the descriptor out (the value is then marked closed); `None` if it was closed.
    /// The reactor's duplicate goes too (an operation in progress keeps it until it ends).
    pub fn take(&self) -> Option<OwnedFd> {
        let mut fd = self.fd.lock().unwrap_or_else(|e| e.into_inner());
        drop(
            self.reactor
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
        fd.take()
    }

    pub fn is_open(&self) -> bool {
        self.fd.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

impl ForeignObject for IoFd {
    fn type_name(&self) -> String {
        "IO_fd".into()
    }
    fn str_form(&self) -> Vec<u8> {
        format!("IO_fd: {}", self.number).into_bytes()
    }
    fn truthy(&self) -> bool {
        true
    }
    fn copy(&self) -> Result<Box<dyn ForeignObject>, Fault> {
        Err(Exception::new("Not_copyable", ""))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// How a request ended.
#[derive(Debug)]
pub enum Outcome {
    /// `io_read`: the bytes read; `io_write`: the part not written.
    Bytes(Vec<u8>),
    /// `io_close`.
    Closed,
    /// A failing system call.
    Errno(i32),
    Cancelled,
}

impl Outcome {
    /// The value `io_wait` yields, or the exception it raises.
    pub fn into_result(self) -> Result<Value, Fault> {
        match self {
            Outcome::Bytes(b) => Ok(Value::string(b)),
            Outcome::Closed => Ok(Value::Boolean(true)),
            Outcome::Errno(n) => Err(Exception::wrapping(
                "Integer".into(),
                Some(Value::Integer(i64::from(n))),
            )),
            Outcome::Cancelled => Err(Exception::new("IO_cancel", "I/O cancelled")),
        }
    }

    fn of_error(e: &std::io::Error) -> Outcome {
        Outcome::Errno(e.raw_os_error().unwrap_or(EBADF))
    }
}

#[derive(Debug, Default)]
struct State {
    outcome: Option<Outcome>,
    /// `io_wait` took the outcome; later waits only time out.
    collected: bool,
    cancelled: bool,
    waker: Option<Waker>,
}

/// The shared state of one request: the task completes it, `io_wait` collects it.
#[derive(Debug, Default)]
pub struct RequestState {
    state: Mutex<State>,
    cancel: Notify,
}

impl RequestState {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn complete(&self, outcome: Outcome) {
        let waker = {
            let mut s = self.lock();
            if s.outcome.is_some() || s.collected {
                return;
            }
            s.outcome = Some(outcome);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn is_cancelled(&self) -> bool {
        self.lock().cancelled
    }

    /// `io_cancel`: a request whose system call has not run completes with `IO_cancel`.
    pub fn cancel(&self) {
        let mut s = self.lock();
        if s.outcome.is_none() && !s.collected {
            s.cancelled = true;
            drop(s);
            self.cancel.notify_one();
        }
    }

    /// Takes the outcome if the request has completed and it was not collected yet.
    pub fn collect(&self) -> Option<Outcome> {
        let mut s = self.lock();
        let outcome = s.outcome.take();
        if outcome.is_some() {
            s.collected = true;
        }
        outcome
    }

    /// Ready once there is an outcome to collect (never, after it was collected).
    pub fn poll_done(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.lock();
        if s.outcome.is_some() {
            return Poll::Ready(());
        }
        match &s.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => s.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Whether the outcome is there (for tests).
    pub fn is_complete(&self) -> bool {
        self.lock().outcome.is_some()
    }
}

/// An `IO_request` value (ISA-CONTROL §2.33); destroying it cancels the request.
#[derive(Debug)]
pub struct IoRequest {
    port: RawFd,
    serial: u64,
    state: Arc<RequestState>,
}

impl IoRequest {
    pub fn state(&self) -> &Arc<RequestState> {
        &self.state
    }
}

impl Drop for IoRequest {
    fn drop(&mut self) {
        self.state.cancel();
    }
}

impl ForeignObject for IoRequest {
    fn type_name(&self) -> String {
        "IO_request".into()
    }
    fn str_form(&self) -> Vec<u8> {
        format!("<I/O request: {}.{}>", self.port, self.serial).into_bytes()
    }
    fn truthy(&self) -> bool {
        true
    }
    fn copy(&self) -> Result<Box<dyn ForeignObject>, Fault> {
        Err(Exception::new("IO_request", "not copyable"))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// What a request does.
pub enum Operation {
    Read(usize),
    Write(Vec<u8>),
    Close,
}

/// The engine of one VM: the runtime requests run on, the cap on system calls in progress,
/// and the request counter (unique identifiers, ISA-CONTROL §2.33).
#[derive(Debug)]
pub struct IoEngine {
    runtime: tokio::runtime::Handle,
    permits: Arc<Semaphore>,
    workers: usize,
    next: AtomicU64,
}

impl IoEngine {
    /// `workers`: `VIUA_IO_SCHEDULERS` (at least 1).
    pub fn new(runtime: tokio::runtime::Handle, workers: usize) -> IoEngine {
        let workers = workers.max(1);
        IoEngine {
            runtime,
            permits: Arc::new(Semaphore::new(workers)),
            workers,
            next: AtomicU64::new(0),
        }
    }

    /// The cap on concurrent I/O system calls.
    pub fn workers(&self) -> usize {
        self.workers
    }

    fn request(&self, port: RawFd) -> IoRequest {
        IoRequest {
            port,
            serial: self.next.fetch_add(1, Ordering::Relaxed),
            state: Arc::new(RequestState::default()),
        }
    }

    /// A request on `port` that completed at submission (e.g. a write through the VM's
    /// output, or a port that could not be duplicated).
    pub fn completed(&self, port: RawFd, outcome: Outcome) -> IoRequest {
        let request = self.request(port);
        request.state.complete(outcome);
        request
    }

    /// Submits `op` on `fd` (a duplicate of the port, or the descriptor to close); the
    /// returned value is the `IO_request`.
    pub fn submit(&self, port: RawFd, fd: std::io::Result<OwnedFd>, op: Operation) -> IoRequest {
        let fd = match fd {
            Ok(fd) => fd,
            Err(e) => return self.completed(port, Outcome::of_error(&e)),
        };
        let request = self.request(port);
        let state = Arc::clone(&request.state);
        let permits = Arc::clone(&self.permits);
        drop(self.runtime.spawn(run(state, fd, op, permits)));
        request
    }
}

/// Sets `O_NONBLOCK` on the open file description of `fd` (`ioctl(FIONBIO)`, which works
/// on any descriptor; `TcpStream` is only the vehicle).
fn set_nonblocking(fd: OwnedFd) -> std::io::Result<OwnedFd> {
    let vehicle = std::net::TcpStream::from(fd);
    vehicle.set_nonblocking(true)?;
    Ok(OwnedFd::from(vehicle))
}

/// Duplicates a descriptor the program names by number (an Integer port); `EBADF` (or
/// another errno) when it is not open.
#[allow(unsafe_code)]
pub fn duplicate_raw(fd: RawFd) -> std::io::Result<OwnedFd> {
    if fd < 0 {
        return Err(std::io::Error::from_raw_os_error(EBADF));
    }
    // SAFETY: the borrowed descriptor is used for exactly one `fcntl(F_DUPFD_CLOEXEC)` call
    // and not kept; if `fd` is not open that call fails with EBADF and nothing else happens.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    borrowed.try_clone_to_owned()
}

async fn run(state: Arc<RequestState>, fd: OwnedFd, op: Operation, permits: Arc<Semaphore>) {
    let interest = match op {
        Operation::Read(_) => Some(Interest::READABLE),
        Operation::Write(_) => Some(Interest::WRITABLE),
        Operation::Close => None,
    };
    let fd = match interest {
        Some(interest) => wait_ready(&state, fd, interest).await,
        None => fd,
    };
    let permit = tokio::select! {
        biased;
        () = state.cancel.notified() => None,
        p = permits.acquire_owned() => p.ok(),
    };
    // A cancellation that came in while waiting (and was consumed above, or not).
    if permit.is_none() || state.is_cancelled() {
        state.complete(Outcome::Cancelled);
        return;
    }
    let done = tokio::task::spawn_blocking(move || {
        let outcome = syscall(fd, op);
        drop(permit);
        outcome
    })
    .await;
    state.complete(done.unwrap_or(Outcome::Errno(EBADF)));
}

/// Waits until `fd` is ready for `interest` or the request is cancelled. Descriptors epoll
/// refuses (regular files, `/dev/null`: EPERM) are always ready.
#[allow(unsafe_code)]
async fn wait_ready(state: &RequestState, fd: OwnedFd, interest: Interest) -> OwnedFd {
    // SAFETY: `OwnedFd` owns a valid open descriptor (a duplicate made for this request);
    // nothing replaces or closes it while the `AsyncFd` holds it, and it is taken back with
    // `into_inner`, which deregisters it first.
    let registered = unsafe { AsyncFd::register_with_interest(fd, interest) };
    match registered {
        Ok(registered) => {
            tokio::select! {
                biased;
                () = state.cancel.notified() => {}
                r = registered.ready(interest) => drop(r),
            }
            registered.into_inner()
        }
        Err(refused) => refused.into_parts().0,
    }
}

fn syscall(fd: OwnedFd, op: Operation) -> Outcome {
    match op {
        Operation::Read(limit) => {
            let mut buf = vec![0; limit.min(MAX_READ)];
            let mut file = File::from(fd);
            match file.read(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    Outcome::Bytes(buf)
                }
                Err(e) => Outcome::of_error(&e),
            }
        }
        Operation::Write(bytes) => {
            let mut file = File::from(fd);
            match file.write(&bytes) {
                Ok(n) => Outcome::Bytes(bytes[n..].to_vec()),
                Err(e) => Outcome::of_error(&e),
            }
        }
        Operation::Close => {
            drop(fd);
            Outcome::Closed
        }
    }
}

#[cfg(test)]
#[path = "io_tests.rs"]
mod tests;
