//! `std::posix::network` (RUNTIME.md §9.7): IPv4 TCP sockets as owning `IO_fd` values.
//!
//! Every function accepts the socket itself or a pointer to it. Operations run on a
//! duplicate of the descriptor, so a socket is never held locked while a call blocks and is
//! closed only by `close/1`, `io_close`, or the end of the value that owns it; `bind` and
//! `listen` hand back what they received (the pointer, or the socket moved into the call).
//! Sockets stay in blocking mode: the blocking functions are registered `inline: false` and
//! run off the process threads while the caller is parked.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddrV4};
use std::os::fd::OwnedFd;

use socket2::{Domain, SockAddr, Socket, Type};
use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::value::Value;

use crate::args::{int_arg, str_arg};
use crate::function;
use crate::std_posix_io::{io_fd, with_io_fd};

pub fn functions() -> Vec<ForeignFunction> {
    vec![
        function("std::posix::network::socket/0", true, socket),
        function("std::posix::network::connect/3", false, connect),
        function("std::posix::network::bind/3", true, bind),
        function("std::posix::network::listen/2", true, listen),
        function("std::posix::network::accept/1", false, accept),
        function("std::posix::network::write/2", false, write),
        function("std::posix::network::read/1", false, read),
        function("std::posix::network::recv/2", false, recv),
        function("std::posix::network::shutdown/1", true, shutdown),
        function("std::posix::network::close/1", true, close),
    ]
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

fn connect(call: &mut ForeignCall) -> ForeignResult {
    let addr = address(call, 1, 2)?;
    let s = socket_arg(call, 0)?;
    s.connect(&addr).map_err(|e| match errno(&e) {
        97 => Exception::new("Errno", "EAFNOSUPPORT"),
        _ => net_fault(&e),
    })?;
    Ok(None)
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

fn accept(call: &mut ForeignCall) -> ForeignResult {
    let listener = socket_arg(call, 0)?;
    loop {
        match listener.accept() {
            Ok((s, _)) => return Ok(Some(io_fd(OwnedFd::from(s)))),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(net_fault(&e)),
        }
    }
}

fn write(call: &mut ForeignCall) -> ForeignResult {
    let data = str_arg(call, 1, "data to write")?;
    let mut s = socket_arg(call, 0)?;
    let n = s.write(&data).map_err(|e| net_fault(&e))?;
    Ok(Some(Value::Integer(n as i64)))
}

fn eof() -> Fault {
    Exception::new("Eof", "end of file reached")
}

fn read(call: &mut ForeignCall) -> ForeignResult {
    let mut s = socket_arg(call, 0)?;
    let mut buf = vec![0; 1024];
    let n = s.read(&mut buf).map_err(|e| net_fault(&e))?;
    if n == 0 {
        return Err(eof());
    }
    buf.truncate(n);
    Ok(Some(Value::string(buf)))
}

fn recv(call: &mut ForeignCall) -> ForeignResult {
    let limit = int_arg(call, 1, "a byte count")?;
    let mut s = socket_arg(call, 0)?;
    let mut buf = vec![0; usize::try_from(limit).unwrap_or(0).min(16 << 20)];
    let n = s.read(&mut buf).map_err(|e| match errno(&e) {
        11 => Exception::new("Eagain", "try again"),
        n => match errno_name(n) {
            Some(name) => Exception::error(name),
            None => Exception::new("Unknown_errno", format!("recv(3): Unknown_errno: {n}")),
        },
    })?;
    if n == 0 && !buf.is_empty() {
        return Err(eof());
    }
    buf.truncate(n);
    Ok(Some(Value::string(buf)))
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
