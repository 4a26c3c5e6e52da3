//! `std::posix::network` (RUNTIME.md §9.7): IPv4 TCP sockets as owning `IO_fd` values.
//!
//! Every function accepts the socket itself or a pointer to it. A socket is never held
//! locked while a call waits and is closed only by `close/1`, `io_close`, or the end of the
//! value that owns it; `bind` and `listen` hand back what they received (the pointer, or the
//! socket moved into the call).
//!
//! The functions that may wait — `accept`, `connect`, `read`, `recv`, `write` — are
//! *asynchronous* foreign code: on the process's thread they take their arguments and the
//! socket's registration with tokio's reactor ([`IoFd::reactor`]: a non-blocking duplicate
//! registered once per socket); the returned future then waits for readiness and makes the
//! one system call, in the calling process's task. A connection waiting for data holds no
//! thread and no FFI permit. The others never wait and run inline.
//!
//! [`IoFd::reactor`]: viua_vm::kernel::io::IoFd::reactor

use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddrV4};
use std::os::fd::OwnedFd;
use std::sync::Arc;

use socket2::{Domain, SockAddr, SockRef, Socket, Type};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignFuture, ForeignResult};
use viua_vm::value::Value;

use crate::args::{int_arg, str_arg};
use crate::std_posix_io::{io_fd, with_io_fd};
use crate::{async_function, function};

pub fn functions() -> Vec<ForeignFunction> {
    vec![
        function("std::posix::network::socket/0", true, socket),
        async_function("std::posix::network::connect/3", connect),
        function("std::posix::network::bind/3", true, bind),
        function("std::posix::network::listen/2", true, listen),
        async_function("std::posix::network::accept/1", accept),
        async_function("std::posix::network::write/2", write),
        async_function("std::posix::network::read/1", read),
        async_function("std::posix::network::recv/2", recv),
        function("std::posix::network::shutdown/1", true, shutdown),
        function("std::posix::network::close/1", true, close),
    ]
}

/// The socket an asynchronous function works on.
enum Fd {
    /// Registered with the reactor (any socket).
    Reactor(Arc<AsyncFd<OwnedFd>>),
    /// A duplicate of a descriptor the reactor refuses (a regular file): never waits.
    Plain(OwnedFd),
}

/// The socket of argument `i`, for an asynchronous function.
fn async_socket_arg(call: &ForeignCall, i: usize) -> Result<Fd, Fault> {
    with_io_fd(call, i, |s| match s.reactor() {
        Ok(r) => Ok(Fd::Reactor(r)),
        Err(e) if errno(&e) == EPERM => s.duplicate().map(Fd::Plain).map_err(|e| net_fault(&e)),
        Err(e) => Err(net_fault(&e)),
    })
}

const EPERM: i32 = 1;
const EAGAIN: i32 = 11;
const EINPROGRESS: i32 = 115;
const EISCONN: i32 = 106;
const EALREADY: i32 = 114;

/// Waits until `fd` is ready for `interest` and runs `op` (one system call), again after
/// each spurious wake-up (`EAGAIN`) or interruption.
async fn when_ready<T>(
    fd: &Fd,
    interest: Interest,
    mut op: impl FnMut(&Socket) -> std::io::Result<T>,
) -> std::io::Result<T> {
    let r = match fd {
        Fd::Plain(fd) => return op(&SockRef::from(fd)),
        Fd::Reactor(r) => r,
    };
    loop {
        let mut guard = r.ready(interest).await?;
        match guard.try_io(|inner| op(&SockRef::from(inner.get_ref()))) {
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Ok(result) => return result,
            Err(_would_block) => continue,
        }
    }
}

/// The future of an asynchronous function, or its failure to start.
fn start(
    prepared: Result<impl Future<Output = ForeignResult> + Send + 'static, Fault>,
) -> ForeignFuture {
    match prepared {
        Ok(future) => Box::pin(future),
        Err(e) => Box::pin(std::future::ready(Err(e))),
    }
}

/// The symbolic name of an errno (Linux numbering), if it is one 0.13 lists.
fn errno_name(n: i32) -> Option<&'static str> {
    Some(match n {
        1 => "EPERM",
        4 => "EINTR",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        22 => "EINVAL",
        24 => "EMFILE",
        23 => "ENFILE",
        32 => "EPIPE",
        88 => "ENOTSOCK",
        93 => "EPROTONOSUPPORT",
        95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        99 => "EADDRNOTAVAIL",
        101 => "ENETUNREACH",
        103 => "ECONNABORTED",
        104 => "ECONNRESET",
        105 => "ENOBUFS",
        106 => "EISCONN",
        107 => "ENOTCONN",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        114 => "EALREADY",
        115 => "EINPROGRESS",
        _ => return None,
    })
}

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

/// `Exception: ENAME`, or `Exception: Unknown_errno` for an unlisted errno.
fn net_fault(e: &std::io::Error) -> Fault {
    Exception::error(errno_name(errno(e)).unwrap_or("Unknown_errno"))
}

/// A duplicate of the socket argument `i` (the socket itself or a pointer to it).
fn socket_arg(call: &ForeignCall, i: usize) -> Result<Socket, Fault> {
    let fd = with_io_fd(call, i, |s| s.duplicate().map_err(|e| net_fault(&e)))?;
    Ok(Socket::from(fd))
}

/// The IPv4 address `str` of argument `i` names, with the port of argument `j`.
fn address(call: &ForeignCall, i: usize, j: usize) -> Result<SockAddr, Fault> {
    let text = str_arg(call, i, "an address")?;
    let port = int_arg(call, j, "a port")?;
    let ip: Ipv4Addr = std::str::from_utf8(&text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| Exception::new("Misformatted_address", ""))?;
    let port = u16::try_from(port).map_err(|_| Exception::new("Misformatted_address", ""))?;
    Ok(SockAddr::from(SocketAddrV4::new(ip, port)))
}

fn socket(_call: &mut ForeignCall) -> ForeignResult {
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(|e| net_fault(&e))?;
    s.set_reuse_address(true)
        .map_err(|e| match errno_name(errno(&e)) {
            Some(name) => Exception::error(name),
            None => Exception::error(format!("setsockopt(3): Unknown_errno: {}", errno(&e))),
        })?;
    Ok(Some(io_fd(OwnedFd::from(s))))
}

fn connect(call: &mut ForeignCall) -> ForeignFuture {
    start(address(call, 1, 2).and_then(|addr| {
        let fd = async_socket_arg(call, 0)?;
        Ok(async move {
            connected(&fd, &addr).await.map_err(|e| match errno(&e) {
                97 => Exception::new("Errno", "EAFNOSUPPORT"),
                _ => net_fault(&e),
            })?;
            Ok(None)
        })
    }))
}

/// A non-blocking connect: started at once, then finished when the socket turns writable
/// by connecting again, which reports the outcome and, on failure, disconnects the socket as
/// a failed blocking connect does (a later `read` then gives `ENOTCONN`, not `Eof`).
async fn connected(fd: &Fd, addr: &SockAddr) -> std::io::Result<()> {
    let r = match fd {
        Fd::Plain(fd) => return SockRef::from(fd).connect(addr),
        Fd::Reactor(r) => r,
    };
    match SockRef::from(r.get_ref()).connect(addr) {
        Err(e) if errno(&e) == EINPROGRESS => {}
        done => return done,
    }
    when_ready(fd, Interest::WRITABLE, |s| match s.connect(addr) {
        Err(e) if errno(&e) == EISCONN => Ok(()),
        // Writable from an earlier event, but still connecting: wait for the next one.
        Err(e) if matches!(errno(&e), EALREADY | EINPROGRESS) => {
            Err(std::io::ErrorKind::WouldBlock.into())
        }
        done => done,
    })
    .await
}

/// Hands back argument 0 (bind and listen return what they received).
fn first_argument(call: &mut ForeignCall) -> ForeignResult {
    Ok(call.take_arg(0))
}

fn bind(call: &mut ForeignCall) -> ForeignResult {
    let addr = address(call, 1, 2)?;
    socket_arg(call, 0)?
        .bind(&addr)
        .map_err(|e| net_fault(&e))?;
    first_argument(call)
}

fn listen(call: &mut ForeignCall) -> ForeignResult {
    let backlog = int_arg(call, 1, "a backlog")?;
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    socket_arg(call, 0)?
        .listen(backlog)
        .map_err(|e| net_fault(&e))?;
    first_argument(call)
}

fn accept(call: &mut ForeignCall) -> ForeignFuture {
    start(async_socket_arg(call, 0).map(|listener| async move {
        let (s, _) = when_ready(&listener, Interest::READABLE, |l| l.accept())
            .await
            .map_err(|e| net_fault(&e))?;
        Ok(Some(io_fd(OwnedFd::from(s))))
    }))
}

fn write(call: &mut ForeignCall) -> ForeignFuture {
    start(str_arg(call, 1, "data to write").and_then(|data| {
        let s = async_socket_arg(call, 0)?;
        Ok(async move {
            let n = when_ready(&s, Interest::WRITABLE, |mut s| s.write(&data))
                .await
                .map_err(|e| net_fault(&e))?;
            Ok(Some(Value::Integer(n as i64)))
        })
    }))
}

fn eof() -> Fault {
    Exception::new("Eof", "end of file reached")
}

/// One read of up to `limit` bytes (a limit of 0 does not wait).
async fn read_some(s: &Fd, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; limit];
    let n = if limit == 0 {
        0
    } else {
        when_ready(s, Interest::READABLE, |mut s| s.read(&mut buf)).await?
    };
    buf.truncate(n);
    Ok(buf)
}

fn read(call: &mut ForeignCall) -> ForeignFuture {
    start(async_socket_arg(call, 0).map(|s| async move {
        let buf = read_some(&s, 1024).await.map_err(|e| net_fault(&e))?;
        if buf.is_empty() {
            return Err(eof());
        }
        Ok(Some(Value::string(buf)))
    }))
}

fn recv(call: &mut ForeignCall) -> ForeignFuture {
    start(int_arg(call, 1, "a byte count").and_then(|limit| {
        let s = async_socket_arg(call, 0)?;
        let limit = usize::try_from(limit).unwrap_or(0).min(16 << 20);
        Ok(async move {
            let buf = read_some(&s, limit).await.map_err(|e| match errno(&e) {
                EAGAIN => Exception::new("Eagain", "try again"),
                n => match errno_name(n) {
                    Some(name) => Exception::error(name),
                    None => Exception::new("Unknown_errno", format!("recv(3): Unknown_errno: {n}")),
                },
            })?;
            if buf.is_empty() && limit > 0 {
                return Err(eof());
            }
            Ok(Some(Value::string(buf)))
        })
    }))
}

fn shutdown(call: &mut ForeignCall) -> ForeignResult {
    socket_arg(call, 0)?
        .shutdown(Shutdown::Both)
        .map_err(|e| net_fault(&e))?;
    Ok(None)
}

fn close(call: &mut ForeignCall) -> ForeignResult {
    let fd = with_io_fd(call, 0, |s| Ok(s.take()))?;
    match fd {
        Some(fd) => {
            drop(fd);
            Ok(None)
        }
        None => Err(Exception::error("EBADF")),
    }
}

#[cfg(test)]
#[path = "std_posix_network_tests.rs"]
mod tests;
