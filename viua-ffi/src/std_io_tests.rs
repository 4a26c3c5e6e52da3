use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};

use viua_vm::value::{Pointer, Value};

use crate::testing::{call, call_full, fault, s, string};

const M: &str = "std::io";

#[test]
fn stdout_and_stderr_write_str_without_newline() {
    let (r, out, err) = call_full(
        M,
        "std::io::stdout::write/1",
        vec![Some(Value::text(b"no newline, ".to_vec()))],
        1,
    );
    assert!(matches!(r, Ok(None)));
    assert_eq!(out, b"no newline, ");
    assert!(err.is_empty());
    let (_, out, _) = call_full(
        M,
        "std::io::stdout::write/1",
        vec![Some(Value::Integer(7))],
        1,
    );
    assert_eq!(out, b"7");
    let (r, out, err) = call_full(
        M,
        "std::io::stderr::write/1",
        vec![s("to standard error\n")],
        1,
    );
    assert!(matches!(r, Ok(None)));
    assert!(out.is_empty());
    assert_eq!(err, b"to standard error\n");
    assert_eq!(
        fault(call(M, "std::io::stdout::write/1", vec![]).0),
        "Exception: expected a value to write as parameter 0"
    );
}

/// Runs this test binary again as a child with `input` on stdin (the child branch of
/// `stdin_getline_reads_lines_then_empty_at_eof` does the calls).
#[test]
fn stdin_getline_reads_lines_then_empty_at_eof() {
    if std::env::var_os("VIUA_FFI_STDIN_CHILD").is_some() {
        let mut lines = Vec::new();
        for _ in 0..4 {
            lines.push(string(call(M, "std::io::stdin::getline/0", vec![]).0));
        }
        println!("LINES={lines:?}");
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "std_io::tests::stdin_getline_reads_lines_then_empty_at_eof",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("VIUA_FFI_STDIN_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"first\n\nlast")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(r#"LINES=[[102, 105, 114, 115, 116], [], [108, 97, 115, 116], []]"#),
        "{out}"
    );
    assert!(!crate::testing::find(M, "std::io::stdin::getline/0").inline);
}

fn scratch(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("viua-ffi-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Opens `path`, returning the Fstream's cell and a pointer to it (as process 1).
fn open(path: &str) -> (Arc<RwLock<Value>>, Value) {
    let v = call(M, "std::io::fstream::open/1", vec![s(path)])
        .0
        .unwrap()
        .unwrap();
    let cell = Arc::new(RwLock::new(v));
    let p = Value::Pointer(Box::new(Pointer {
        target: Arc::downgrade(&cell),
        origin: 1,
        nulled: AtomicBool::new(false),
    }));
    (cell, p)
}

fn copy_ptr(p: &Value) -> Value {
    p.deep_copy().unwrap()
}

fn op(name: &str, args: Vec<Option<Value>>) -> Vec<u8> {
    string(call(M, name, args).0)
}

#[test]
fn fstream_reads_lines_bytes_and_peeks() {
    let path = scratch("lines.txt", b"alpha\nbeta;gamma\nrest of it");
    let (cell, p) = open(path.to_str().unwrap());
    {
        let v = cell.read().unwrap();
        assert_eq!(crate::opaque::type_name(&v), "Fstream");
        assert_eq!(crate::opaque::print_form(&v), b"Fstream");
        assert!(crate::opaque::truthy(&v));
    }
    assert_eq!(
        op("std::io::fstream::peek/1", vec![Some(copy_ptr(&p))]),
        b"a"
    );
    assert_eq!(
        op("std::io::fstream::peek/1", vec![Some(copy_ptr(&p))]),
        b"a"
    );
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b"alpha"
    );
    assert_eq!(
        op(
            "std::io::fstream::getline/2",
            vec![Some(copy_ptr(&p)), s(";x")]
        ),
        b"beta"
    );
    assert_eq!(
        op(
            "std::io::fstream::read/2",
            vec![Some(copy_ptr(&p)), Some(Value::Integer(3))]
        ),
        b"gam"
    );
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b"ma"
    );
    assert_eq!(
        op("std::io::fstream::read/1", vec![Some(copy_ptr(&p))]),
        b"rest of it"
    );
    assert_eq!(
        op("std::io::fstream::peek/1", vec![Some(copy_ptr(&p))]),
        b"\xff"
    );
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b""
    );
    assert_eq!(
        op(
            "std::io::fstream::read/2",
            vec![Some(copy_ptr(&p)), Some(Value::Integer(10))]
        ),
        b""
    );
    // Dropping the value closes the file.
    *cell.write().unwrap() = Value::Integer(0);
}

#[test]
fn fstream_write_overwrites_from_the_start_without_truncating() {
    let path = scratch("write.txt", b"0123456789\nsecond\n");
    let (cell, p) = open(path.to_str().unwrap());
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b"0123456789"
    );
    let r = call(
        M,
        "std::io::fstream::write/2",
        vec![Some(copy_ptr(&p)), Some(Value::Integer(42))],
    );
    assert!(matches!(r.0, Ok(None)));
    // The shared position is just after what was written.
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b"23456789"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"4223456789\nsecond\n");
    // The object itself (moved in) works as well as a pointer to it.
    let v = std::mem::replace(&mut *cell.write().unwrap(), Value::Integer(0));
    assert_eq!(op("std::io::fstream::getline/1", vec![Some(v)]), b"second");
}

#[test]
fn fstream_on_a_missing_file_is_falsy_and_reads_nothing() {
    let (cell, p) = open("/nonexistent/viua/file");
    assert!(!crate::opaque::truthy(&cell.read().unwrap()));
    assert_eq!(
        op("std::io::fstream::getline/1", vec![Some(copy_ptr(&p))]),
        b""
    );
    assert_eq!(
        op("std::io::fstream::peek/1", vec![Some(copy_ptr(&p))]),
        b"\xff"
    );
    let r = call(M, "std::io::fstream::write/2", vec![Some(p), s("x")]);
    assert!(matches!(r.0, Ok(None)));
    assert!(!std::path::Path::new("/nonexistent/viua/file").exists());
}

#[test]
fn fstream_argument_errors() {
    assert_eq!(
        fault(call(M, "std::io::fstream::getline/1", vec![]).0),
        "Exception: expected a pointer to Fstream as parameter 0"
    );
    assert_eq!(
        fault(call(M, "std::io::fstream::read/1", vec![Some(Value::Integer(1))]).0),
        "Exception: fetched invalid type: expected 'Fstream' but got 'Integer'"
    );
    let cell = Arc::new(RwLock::new(Value::Float(1.0)));
    let p = Value::Pointer(Box::new(Pointer {
        target: Arc::downgrade(&cell),
        origin: 1,
        nulled: AtomicBool::new(false),
    }));
    assert_eq!(
        fault(call(M, "std::io::fstream::peek/1", vec![Some(copy_ptr(&p))]).0),
        "Exception: fetched invalid type: expected 'Fstream' but got 'Float'"
    );
    let (_, p2) = open("/nonexistent");
    let other = call_full(M, "std::io::fstream::peek/1", vec![Some(p2)], 9).0;
    assert_eq!(
        fault(other),
        "Invalid_dereference: outside of original process"
    );
    drop(cell);
    assert_eq!(
        fault(call(M, "std::io::fstream::peek/1", vec![Some(p)]).0),
        "Expired_pointer: "
    );
    let path = scratch("n.txt", b"abc");
    let (_c, p) = open(path.to_str().unwrap());
    assert_eq!(
        fault(call(M, "std::io::fstream::read/2", vec![Some(p), s("2")]).0),
        "Exception: fetched invalid type: expected 'Integer' but got 'String'"
    );
}

#[test]
fn which_functions_are_inline() {
    for f in super::functions() {
        let expected =
            f.name.starts_with("std::io::stdout") || f.name.starts_with("std::io::stderr");
        assert_eq!(f.inline, expected, "{}", f.name);
    }
}
