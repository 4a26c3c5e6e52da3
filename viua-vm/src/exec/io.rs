//! The I/O instructions (ISA-CONTROL §2.33): `io_read`, `io_write` and `io_close` submit a
//! request to the VM's I/O engine ([`crate::kernel::io`]) and store its `IO_request` at
//! once; `io_wait` parks the process until the request completes or the timeout passes;
//! `io_cancel` cancels. A port is an Integer (a borrowed descriptor) or an `IO_fd`.

use std::os::fd::{OwnedFd, RawFd};
use std::sync::Arc;

use super::registers::null_register;
use super::{Process, Wait};
use crate::exception::{Exception, Fault};
use crate::kernel::io::{duplicate_raw, IoFd, IoRequest, Operation, Outcome, RequestState, EBADF};
use crate::kernel::Kernel;
use crate::load::Reg;
use crate::output::Stream;
use crate::value::Value;

/// A port operand resolved: its number and a duplicate of its descriptor.
struct PortFd {
    number: RawFd,
    fd: std::io::Result<OwnedFd>,
}

fn bad_descriptor() -> std::io::Error {
    std::io::Error::from_raw_os_error(EBADF)
}

impl Process {
    fn io_kernel(&self) -> Result<Arc<Kernel>, Fault> {
        self.kernel.clone().ok_or_else(|| {
            Exception::error("I/O instructions need a VM: this process runs outside a kernel")
        })
    }

    /// Reads a port operand; `close` asks for the descriptor itself (`IO_fd` only).
    fn io_port(&self, r: Reg, close: bool) -> Result<PortFd, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Integer(n) if !close => {
                let number = RawFd::try_from(*n).unwrap_or(-1);
                Ok(PortFd {
                    number,
                    fd: duplicate_raw(number),
                })
            }
            Value::Foreign(o) => match o.as_any().downcast_ref::<IoFd>() {
                Some(port) => Ok(PortFd {
                    number: port.number(),
                    fd: if close {
                        port.take().ok_or_else(bad_descriptor)
                    } else {
                        port.duplicate()
                    },
                }),
                None => Err(Exception::type_error("IO_port", &value)),
            },
            other => Err(Exception::type_error("IO_port", other)),
        }
    }

    /// The request an `io_wait`/`io_cancel` operand holds.
    fn io_request(&self, r: Reg) -> Result<Arc<RequestState>, Fault> {
        let source = self.read(r)?;
        let value = source.value();
        match &*value {
            Value::Foreign(o) => match o.as_any().downcast_ref::<IoRequest>() {
                Some(request) => Ok(Arc::clone(request.state())),
                None => Err(Exception::type_error("IO_request", &value)),
            },
            other => Err(Exception::type_error("IO_request", other)),
        }
    }

    fn store_request(&mut self, q: Reg, request: IoRequest) -> Result<(), Fault> {
        self.store(q, Value::foreign(Box::new(request)))
    }

    pub(super) fn op_io_read(&mut self, q: Reg, p: Reg, n: Reg) -> Result<(), Fault> {
        let kernel = self.io_kernel()?;
        self.slot_mut(q)?;
        let port = self.io_port(p, false)?;
        let limit = match self.take(n)?.ok_or_else(|| null_register(n.index))? {
            Value::Integer(i) => usize::try_from(i).unwrap_or(0),
            other => return Err(Exception::type_error("Integer", &other)),
        };
        let request = kernel
            .io()
            .submit(port.number, port.fd, Operation::Read(limit));
        self.store_request(q, request)
    }

    pub(super) fn op_io_write(&mut self, q: Reg, p: Reg, d: Reg) -> Result<(), Fault> {
        let kernel = self.io_kernel()?;
        self.slot_mut(q)?;
        let port = self.io_port(p, false)?;
        let data = self
            .take(d)?
            .ok_or_else(|| null_register(d.index))?
            .print_form();
        let direct = match port.number {
            1 => Some(Stream::Stdout),
            2 => Some(Stream::Stderr),
            _ => None,
        };
        let request = match (direct, port.fd.is_ok()) {
            // The standard streams go through the VM's output, in order with `print`.
            (Some(stream), true) => {
                kernel.output().write(stream, &data);
                kernel
                    .io()
                    .completed(port.number, Outcome::Bytes(Vec::new()))
            }
            _ => kernel
                .io()
                .submit(port.number, port.fd, Operation::Write(data)),
        };
        self.store_request(q, request)
    }

    pub(super) fn op_io_close(&mut self, q: Reg, p: Reg) -> Result<(), Fault> {
        let kernel = self.io_kernel()?;
        self.slot_mut(q)?;
        let port = self.io_port(p, true)?;
        let request = kernel.io().submit(port.number, port.fd, Operation::Close);
        self.store_request(q, request)
    }

    pub(super) fn op_io_wait(
        &mut self,
        t: Option<Reg>,
        q: Reg,
        timeout: u32,
        ip: u32,
    ) -> Result<(), Fault> {
        let request = self.io_request(q)?;
        if let Some(t) = t {
            self.slot_mut(t)?;
        }
        match request.collect() {
            Some(outcome) => {
                self.blocking = None;
                let value = outcome.into_result()?;
                match t {
                    Some(t) => self.store(t, value),
                    None => Ok(()),
                }
            }
            None => self.block(timeout, ip, "I/O not completed", |deadline| Wait::Io {
                request,
                deadline,
            }),
        }
    }

    pub(super) fn op_io_cancel(&mut self, q: Reg) -> Result<(), Fault> {
        self.io_request(q)?.cancel();
        Ok(())
    }
}
