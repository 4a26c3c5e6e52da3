use std::future::poll_fn;
use std::os::unix::net::UnixStream;

use super::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn wait(rt: &tokio::runtime::Runtime, request: &IoRequest) -> Outcome {
    let state = Arc::clone(request.state());
    rt.block_on(async move {
        poll_fn(|cx| state.poll_done(cx)).await;
        state.collect().unwrap()
    })
}

#[test]
fn a_closed_io_fd_gives_ebadf_and_close_completes_with_true() {
    let rt = runtime();
    let engine = IoEngine::new(rt.handle().clone(), 1);
    let (a, _b) = UnixStream::pair().unwrap();
    let port = IoFd::new(OwnedFd::from(a));
    let n = port.number();
    assert_eq!(port.str_form(), format!("IO_fd: {n}").into_bytes());
    assert_eq!(port.copy().unwrap_err().tag, "Not_copyable");
    let close = engine.submit(
        n,
        port.take().ok_or_else(|| unreachable!()),
        Operation::Close,
    );
    assert!(matches!(wait(&rt, &close), Outcome::Closed));
    assert!(!port.is_open());
    let read = engine.submit(n, port.duplicate(), Operation::Read(8));
    assert!(matches!(wait(&rt, &read), Outcome::Errno(EBADF)));
    assert_eq!(
        read.str_form(),
        format!("<I/O request: {n}.1>").into_bytes()
    );
    // A second close of the same value fails the same way.
    let again = port
        .take()
        .ok_or_else(|| std::io::Error::from_raw_os_error(EBADF));
    let close = engine.submit(n, again, Operation::Close);
    assert!(matches!(wait(&rt, &close), Outcome::Errno(EBADF)));
}

#[test]
fn dropping_a_pending_request_cancels_it_and_the_outcome_is_kept_until_collected() {
    let rt = runtime();
    let engine = IoEngine::new(rt.handle().clone(), 1);
    let (a, _b) = UnixStream::pair().unwrap();
    let request = engine.submit(
        a.as_raw_fd(),
        duplicate_raw(a.as_raw_fd()),
        Operation::Read(8),
    );
    let state = Arc::clone(request.state());
    assert!(!state.is_complete());
    drop(request);
    rt.block_on(poll_fn(|cx| state.poll_done(cx)));
    assert!(matches!(state.collect(), Some(Outcome::Cancelled)));
    assert!(state.collect().is_none());
}

#[test]
fn regular_files_are_read_through_the_blocking_pool() {
    let rt = runtime();
    let engine = IoEngine::new(rt.handle().clone(), 2);
    let file = File::open("/dev/null").unwrap();
    let request = engine.submit(3, Ok(OwnedFd::from(file)), Operation::Read(8));
    assert!(matches!(wait(&rt, &request), Outcome::Bytes(b) if b.is_empty()));
    assert_eq!(engine.workers(), 2);
}
