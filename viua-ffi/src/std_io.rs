//! `std::io` (RUNTIME.md §9.1): standard streams and `Fstream` files.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;

use viua_vm::exception::{Exception, Fault};
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::output::Stream;
use viua_vm::value::Value;

use crate::args::{self, int_arg, str_arg};
use crate::function;
use crate::opaque::{self, ForeignObject};

pub fn functions() -> Vec<ForeignFunction> {
    vec![
        function("std::io::stdin::getline/0", false, stdin_getline),
        function("std::io::stdout::write/1", true, stdout_write),
        function("std::io::stderr::write/1", true, stderr_write),
        function("std::io::fstream::open/1", false, fstream_open),
        function("std::io::fstream::peek/1", false, fstream_peek),
        function("std::io::fstream::getline/1", false, fstream_getline),
        function("std::io::fstream::getline/2", false, fstream_getline_delim),
        function("std::io::fstream::read/1", false, fstream_read_all),
        function("std::io::fstream::read/2", false, fstream_read_n),
        function("std::io::fstream::write/2", false, fstream_write),
    ]
}

/// `Exception: DESCRIPTION` of a host I/O error (without Rust's `(os error N)` suffix).
pub(crate) fn io_fault(e: &std::io::Error) -> Fault {
    Exception::error(describe(e))
}

pub(crate) fn describe(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Strips one trailing `delim` (the line terminator `getline` consumed).
fn strip(mut line: Vec<u8>, delim: u8) -> Vec<u8> {
    if line.last() == Some(&delim) {
        line.pop();
    }
    line
}

fn stdin_getline(_call: &mut ForeignCall) -> ForeignResult {
    let mut line = Vec::new();
    std::io::stdin()
        .lock()
        .read_until(b'\n', &mut line)
        .map_err(|e| io_fault(&e))?;
    Ok(Some(Value::string(strip(line, b'\n'))))
}

fn write_to(call: &mut ForeignCall, stream: Stream) -> ForeignResult {
    let bytes = str_arg(call, 0, "a value to write")?;
    call.output.write(stream, &bytes);
    Ok(None)
}

fn stdout_write(call: &mut ForeignCall) -> ForeignResult {
    write_to(call, Stream::Stdout)
}

fn stderr_write(call: &mut ForeignCall) -> ForeignResult {
    write_to(call, Stream::Stderr)
}

/// An open (or failed-to-open) file, read and written at one shared position like a C++
/// `std::fstream`.
#[derive(Debug)]
pub struct Fstream {
    file: Option<BufReader<File>>,
}

impl ForeignObject for Fstream {
    fn type_name(&self) -> String {
        "Fstream".into()
    }

    fn truthy(&self) -> bool {
        self.file.is_some()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

fn fstream_open(call: &mut ForeignCall) -> ForeignResult {
    let path = str_arg(call, 0, "a path")?;
    let path = std::ffi::OsStr::from_bytes(&path);
    // Not created when missing: like a C++ fstream, the value is then simply not open.
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .ok()
        .map(BufReader::new);
    Ok(Some(opaque::wrap(Box::new(Fstream { file }))))
}

/// Runs `f` on the open file behind argument 0; a stream that is not open reads as empty.
fn with_file(
    call: &mut ForeignCall,
    f: impl FnOnce(&mut BufReader<File>) -> std::io::Result<Vec<u8>>,
    closed: Vec<u8>,
) -> ForeignResult {
    let bytes = args::with_object(call, 0, "Fstream", |s: &mut Fstream| match &mut s.file {
        Some(file) => f(file).map_err(|e| io_fault(&e)),
        None => Ok(closed),
    })?;
    Ok(Some(Value::string(bytes)))
}

fn fstream_peek(call: &mut ForeignCall) -> ForeignResult {
    with_file(
        call,
        |file| {
            let buf = file.fill_buf()?;
            Ok(vec![buf.first().copied().unwrap_or(0xff)])
        },
        vec![0xff],
    )
}

fn getline(call: &mut ForeignCall, delim: u8) -> ForeignResult {
    with_file(
        call,
        |file| {
            let mut line = Vec::new();
            file.read_until(delim, &mut line)?;
            Ok(strip(line, delim))
        },
        Vec::new(),
    )
}

fn fstream_getline(call: &mut ForeignCall) -> ForeignResult {
    getline(call, b'\n')
}

fn fstream_getline_delim(call: &mut ForeignCall) -> ForeignResult {
    // The first character of `str` of delim (an empty one is NUL, as in C++).
    let delim = str_arg(call, 1, "a delimiter")?
        .first()
        .copied()
        .unwrap_or(0);
    getline(call, delim)
}

fn fstream_read_all(call: &mut ForeignCall) -> ForeignResult {
    with_file(
        call,
        |file| {
            let mut all = Vec::new();
            file.read_to_end(&mut all)?;
            Ok(all)
        },
        Vec::new(),
    )
}

fn fstream_read_n(call: &mut ForeignCall) -> ForeignResult {
    let n = int_arg(call, 1, "a byte count")?.max(0) as u64;
    with_file(
        call,
        |file| {
            let mut some = Vec::new();
            file.by_ref().take(n).read_to_end(&mut some)?;
            Ok(some)
        },
        Vec::new(),
    )
}

fn fstream_write(call: &mut ForeignCall) -> ForeignResult {
    let bytes = str_arg(call, 1, "a value to write")?;
    args::with_object(call, 0, "Fstream", |s: &mut Fstream| match &mut s.file {
        Some(file) => {
            // Seeking the reader drops its buffer, so reads continue after the write.
            file.seek(SeekFrom::Start(0)).map_err(|e| io_fault(&e))?;
            file.get_mut().write_all(&bytes).map_err(|e| io_fault(&e))
        }
        None => Ok(()),
    })?;
    Ok(None)
}

#[cfg(test)]
#[path = "std_io_tests.rs"]
mod tests;
