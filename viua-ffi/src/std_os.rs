//! `std::os` (RUNTIME.md §9.2): processes, directories, lexical paths.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use viua_vm::exception::Exception;
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult};
use viua_vm::output::Stream;
use viua_vm::value::Value;

use crate::args::{required, str_arg, type_error};
use crate::opaque;
use crate::std_io::describe;
use crate::{function, paths};

pub fn functions() -> Vec<ForeignFunction> {
    vec![
        function("std::os::system/1", false, system),
        function("std::os::exec_pipe_stdout/1", false, exec_pipe_stdout),
        function("std::os::lsdir/1", false, lsdir),
        function(
            "std::os::fs::path::lexically_normal/1",
            true,
            lexically_normal,
        ),
        function(
            "std::os::fs::path::lexically_relative/2",
            true,
            lexically_relative,
        ),
    ]
}

/// Runs `command` and forwards what it wrote through the VM's streams, so the child's output
/// stays in order with the program's own (0.13's buffered `print` could be overtaken).
fn run(call: &ForeignCall, command: &mut Command) -> std::io::Result<std::process::Output> {
    let output = command
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()?;
    call.output.write(Stream::Stderr, &output.stderr);
    Ok(output)
}

/// `system(3)`: the raw wait status (exit status 3 → 768); -1 when no shell could start.
fn system(call: &mut ForeignCall) -> ForeignResult {
    let command = required(call, 0, "command to launch (string)")?;
    let command = OsString::from_vec(opaque::print_form(command));
    let status = match run(call, Command::new("/bin/sh").arg("-c").arg(command)) {
        Ok(output) => {
            call.output.write(Stream::Stdout, &output.stdout);
            i64::from(output.status.into_raw())
        }
        Err(_) => -1,
    };
    Ok(Some(Value::Integer(status)))
}

/// Executes `argv[0]` (no `PATH` search) with an empty environment; returns its stdout.
fn exec_pipe_stdout(call: &mut ForeignCall) -> ForeignResult {
    let argv = required(call, 0, "command to launch (vector of string)")?;
    let argv: Vec<OsString> = match &*argv.resolve() {
        Value::Vector(items) => items
            .iter()
            .map(|v| OsString::from_vec(opaque::print_form(v)))
            .collect(),
        other => return Err(type_error("Vector", other)),
    };
    let Some((program, rest)) = argv.split_first() else {
        return Ok(Some(Value::string(Vec::new())));
    };
    // execv(2) resolves a name without a slash against the working directory, never PATH.
    let program = if program.as_bytes().contains(&b'/') {
        PathBuf::from(program)
    } else {
        Path::new(".").join(program)
    };
    let stdout = run(call, Command::new(program).args(rest).env_clear())
        .map(|o| o.stdout)
        .unwrap_or_default();
    Ok(Some(Value::string(stdout)))
}

/// `path / name` as C++ `std::filesystem::path::operator/` joins them.
fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = dir.to_vec();
    if !(dir.is_empty() || dir.ends_with(b"/")) {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    path
}

fn lsdir(call: &mut ForeignCall) -> ForeignResult {
    let dir = str_arg(call, 0, "a directory path")?;
    // libstdc++'s `filesystem_error::what()`, which 0.13 would have died with.
    let fail = |what: &str, e: &std::io::Error| {
        Exception::error(format!(
            "filesystem error: {what}: {} [{}]",
            describe(e),
            String::from_utf8_lossy(&dir)
        ))
    };
    let entries = std::fs::read_dir(std::ffi::OsStr::from_bytes(&dir))
        .map_err(|e| fail("directory iterator cannot open directory", &e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail("directory iterator cannot advance", &e))?;
        let path = join(&dir, entry.file_name().as_bytes());
        // Like `directory_entry::is_directory()`: symbolic links are followed.
        let meta = std::fs::metadata(entry.path()).ok();
        let mut fields = BTreeMap::new();
        fields.insert(b"path".to_vec(), Value::string(path));
        fields.insert(
            b"is_directory".to_vec(),
            Value::Boolean(meta.as_ref().is_some_and(|m| m.is_dir())),
        );
        fields.insert(
            b"is_regular_file".to_vec(),
            Value::Boolean(meta.as_ref().is_some_and(|m| m.is_file())),
        );
        out.push(Value::Struct(Box::new(fields)));
    }
    Ok(Some(Value::Vector(Box::new(out))))
}

fn lossy(call: &ForeignCall, i: usize, what: &str) -> Result<String, viua_vm::exception::Fault> {
    Ok(String::from_utf8_lossy(&str_arg(call, i, what)?).into_owned())
}

fn lexically_normal(call: &mut ForeignCall) -> ForeignResult {
    let path = lossy(call, 0, "a path")?;
    Ok(Some(Value::string(
        paths::lexically_normal(&path).into_bytes(),
    )))
}

fn lexically_relative(call: &mut ForeignCall) -> ForeignResult {
    let path = lossy(call, 0, "a path")?;
    let base = lossy(call, 1, "a base path")?;
    Ok(Some(Value::string(
        paths::lexically_relative(&path, &base).into_bytes(),
    )))
}

#[cfg(test)]
#[path = "std_os_tests.rs"]
mod tests;
