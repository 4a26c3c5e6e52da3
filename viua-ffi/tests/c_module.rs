//! A module written in C against `include/viua_native.h` (so the header and the Rust
//! mirror in `viua_native::abi` are checked against each other), compiled with the system C
//! compiler. Skipped with a note when there is no `cc`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use viua_ffi::Natives;
use viua_vm::foreign::{ForeignCall, ForeignFunction, ForeignResult, NativeModules};
use viua_vm::output::Output;
use viua_vm::value::Value;

fn build() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("viua-ffi-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("hello.so");
    let status = Command::new("cc")
        .args([
            "-std=c99", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-o",
        ])
        .arg(&out)
        .arg("-I")
        .arg(here.join("include"))
        .arg(here.join("tests/c/hello.c"))
        .status();
    match status {
        Ok(s) if s.success() => Some(out),
        Ok(s) => panic!("cc failed ({s})"),
        Err(e) => {
            eprintln!("note: no C compiler ({e}); skipping the C module test");
            None
        }
    }
}

fn call(f: &ForeignFunction, args: Vec<Option<Value>>) -> (ForeignResult, Vec<u8>) {
    let output = Arc::new(Output::new());
    let mut c = ForeignCall {
        name: Arc::from(f.name.as_str()),
        args,
        pid: 1,
        output: Arc::clone(&output),
    };
    let r = f.call_blocking(&mut c);
    (r, output.take().0)
}

#[test]
fn a_c_module_loads_and_runs() {
    let Some(path) = build() else { return };
    let functions = Natives.load("hello", &path).expect("the C module loads");
    let names: Vec<(&str, bool)> = functions
        .iter()
        .map(|f| (f.name.as_str(), f.inline))
        .collect();
    assert_eq!(
        names,
        [
            ("hello::greet/1", false),
            ("hello::add/2", true),
            ("hello::version/0", true)
        ]
    );
    let (r, out) = call(&functions[0], vec![Some(Value::text(b"C".to_vec()))]);
    assert!(matches!(r, Ok(None)));
    assert_eq!(out, b"Hello, C!\n");
    match call(&functions[0], vec![]).0 {
        Err(e) => assert_eq!(
            (e.tag.as_str(), e.message.as_str()),
            ("Greeting_error", "nobody to greet")
        ),
        other => panic!("{other:?}"),
    }
    let args = vec![Some(Value::Integer(40)), Some(Value::Integer(2))];
    assert!(matches!(
        call(&functions[1], args).0,
        Ok(Some(Value::Integer(42)))
    ));
    match call(&functions[1], vec![Some(Value::Float(1.0))]).0 {
        Err(e) => assert_eq!(e.message, "native function hello::add/2 failed"),
        other => panic!("{other:?}"),
    }
    let expected = i64::from(viua_ffi::ABI_VERSION) * 1000 + 1;
    assert!(matches!(call(&functions[2], vec![]).0, Ok(Some(Value::Integer(n))) if n == expected));
}
