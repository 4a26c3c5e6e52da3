//! The test-fixture modules (RUNTIME.md §9.8) and the ABI checks, loaded through the C ABI
//! exactly as the VM will load them: built with cargo, installed as `DIR/NAME.so`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use viua_ffi::Natives;
use viua_vm::foreign::{
    ForeignCall, ForeignFunction, ForeignResult, NativeLoadError, NativeModules,
};
use viua_vm::output::Output;
use viua_vm::value::{Pointer, Value};

/// The library directory with every fixture installed (built once per test process).
fn library() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("viua-ffi-fixtures-{}", std::process::id()));
        viua_ffi::fixtures::install(&dir).expect("fixtures build and install");
        dir
    })
}

fn load(module: &str) -> Result<Vec<ForeignFunction>, NativeLoadError> {
    Natives.load(module, &library().join(format!("{module}.so")))
}

fn function(module: &str, name: &str) -> ForeignFunction {
    load(module)
        .expect("module loads")
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} not exported by {module}"))
}

struct Outcome {
    result: ForeignResult,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    args: Vec<Option<Value>>,
}

fn call(f: &ForeignFunction, args: Vec<Option<Value>>) -> Outcome {
    let output = Arc::new(Output::new());
    let mut c = ForeignCall {
        name: Arc::from(f.name.as_str()),
        args,
        pid: 1,
        output: Arc::clone(&output),
    };
    let result = f.call_blocking(&mut c);
    let (stdout, stderr) = output.take();
    Outcome {
        result,
        stdout,
        stderr,
        args: c.args,
    }
}

fn fault(r: ForeignResult) -> String {
    match r {
        Err(e) => format!("{}: {}", e.tag, e.message),
        Ok(v) => panic!("expected an exception, got {v:?}"),
    }
}

fn string(r: ForeignResult) -> String {
    match r {
        Ok(Some(Value::String(b))) => String::from_utf8(*b).unwrap(),
        other => panic!("expected a String, got {other:?}"),
    }
}

#[test]
fn every_fixture_exports_its_functions() {
    let names = |m| -> Vec<(String, bool)> {
        load(m)
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.inline))
            .collect()
    };
    assert_eq!(
        names("World"),
        [
            ("World::print_hello/0".into(), true),
            ("World::print_hello/1".into(), true)
        ]
    );
    assert_eq!(names("math"), [("math::sqrt/1".into(), true)]);
    assert_eq!(names("printer"), [("printer::print/1".into(), true)]);
    assert_eq!(names("sleeper"), [("sleeper::lazy_print/0".into(), false)]);
    assert_eq!(names("throwing"), [("throwing::oh_noes/0".into(), true)]);
}

#[test]
fn world_prints_hello() {
    for (name, args) in [
        ("World::print_hello/0", vec![]),
        ("World::print_hello/1", vec![Some(Value::Integer(1))]),
    ] {
        let out = call(&function("World", name), args);
        assert!(matches!(out.result, Ok(None)), "{name}");
        assert_eq!(out.stdout, b"Hello World!\n");
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn math_sqrt_and_its_errors() {
    let sqrt = function("math", "math::sqrt/1");
    match call(&sqrt, vec![Some(Value::Float(2.25))]).result {
        Ok(Some(Value::Float(f))) => assert_eq!(f, 1.5),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fault(call(&sqrt, vec![]).result),
        "Exception: expected float as first argument"
    );
    assert_eq!(
        fault(call(&sqrt, vec![None]).result),
        "Exception: expected float as first argument"
    );
    assert_eq!(
        fault(call(&sqrt, vec![Some(Value::Integer(4))]).result),
        "Exception: invalid type of parameter 0: expected Float"
    );
}

#[test]
fn printer_prints_str_of_its_argument() {
    let print = function("printer", "printer::print/1");
    for (v, line) in [
        (Value::text(b"World".to_vec()), "Hello World!\n"),
        (Value::Integer(42), "Hello 42!\n"),
        (
            Value::Vector(Box::new(vec![
                Value::Integer(1),
                Value::text(b"a".to_vec()),
            ])),
            "Hello [1, \"a\"]!\n",
        ),
    ] {
        let out = call(&print, vec![Some(v)]);
        assert!(matches!(out.result, Ok(None)));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
    }
}

#[test]
fn sleeper_prints_and_sleeps() {
    let start = Instant::now();
    let out = call(&function("sleeper", "sleeper::lazy_print/0"), vec![]);
    assert!(start.elapsed() >= Duration::from_millis(155));
    assert!(matches!(out.result, Ok(None)));
    let expected: String = [5, 15, 25, 10, 100]
        .iter()
        .map(|ms| format!("sleeper::lazy_print/0: sleep for {ms}ms\n"))
        .chain(["sleeper::lazy_print/0: done\n".to_string()])
        .collect();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}

#[test]
fn throwing_raises() {
    let out = call(&function("throwing", "throwing::oh_noes/0"), vec![]);
    assert_eq!(fault(out.result), "Exception: OH NOES!");
}

#[test]
fn another_abi_version_is_rejected() {
    match load("bad_abi") {
        Err(NativeLoadError::Interface(why)) => assert_eq!(
            why,
            format!(
                "bad_abi: module built for native ABI version 999, this VM supports version {}",
                viua_ffi::ABI_VERSION
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_library_without_the_export_is_rejected() {
    match load("no_interface") {
        Err(NativeLoadError::Interface(why)) => {
            assert!(
                why.starts_with("no_interface: no `viua_native_module` export"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn files_that_cannot_be_opened_are_open_errors() {
    let missing = library().join("missing.so");
    match Natives.load("missing", &missing) {
        Err(NativeLoadError::Open(why)) => assert!(why.contains("missing.so"), "{why}"),
        other => panic!("{other:?}"),
    }
    let not_a_library = library().join("text.so");
    std::fs::write(&not_a_library, b"not an ELF file").unwrap();
    match Natives.load("text", &not_a_library) {
        Err(NativeLoadError::Open(why)) => assert!(why.contains("text.so"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn probe_reads_every_kind_of_argument() {
    let cell = Arc::new(RwLock::new(Value::Integer(5)));
    let pointer = Value::Pointer(Box::new(Pointer {
        target: Arc::downgrade(&cell),
        origin: 1,
        nulled: AtomicBool::new(false),
    }));
    let args = vec![
        Some(Value::Integer(-7)),
        Some(Value::Float(0.5)),
        Some(Value::Boolean(true)),
        Some(Value::string(b"ab".to_vec())),
        Some(Value::text("żółw".as_bytes().to_vec())),
        Some(Value::atom(b"ok".to_vec())),
        Some(pointer),
        None,
        Some(Value::Vector(Box::default())),
    ];
    let out = call(&function("probe", "probe::describe/N"), args);
    assert_eq!(
        string(out.result),
        "0:Integer:Integer:-7:-7;1:Float:Float:0.500000:0.5;2:Boolean:Boolean:true:true;\
         3:String:String:ab:2 bytes;4:Text:Text:żółw:7 bytes;5:Atom:Atom:'ok':2 bytes;\
         6:Pointer:Pointer:Pointer;7:Empty;8:Other:Vector:[]"
    );
    // Out-of-range slots are empty, not errors.
    let out = call(&function("probe", "probe::describe/N"), vec![]);
    assert_eq!(string(out.result), "");
}

#[test]
fn probe_moves_values_in_and_out() {
    let echo = function("probe", "probe::echo/1");
    let v = Value::Vector(Box::new(vec![Value::Integer(1)]));
    let out = call(&echo, vec![Some(v)]);
    assert!(matches!(out.result, Ok(Some(Value::Vector(ref v))) if v.len() == 1));
    assert!(out.args[0].is_none(), "the argument was moved out");
    assert_eq!(
        fault(call(&echo, vec![]).result),
        "Probe_error: nothing to echo"
    );
    let out = call(
        &function("probe", "probe::swallow/1"),
        vec![Some(Value::Integer(1))],
    );
    assert!(matches!(out.result, Ok(None)));
    assert!(out.args[0].is_none());
}

#[test]
fn probe_returns_every_kind() {
    let constants = function("probe", "probe::constants/1");
    let r = |n| call(&constants, vec![Some(Value::Integer(n))]).result;
    assert!(matches!(r(0), Ok(Some(Value::Integer(-42)))));
    assert!(matches!(r(1), Ok(Some(Value::Float(f))) if f == 2.5));
    assert!(matches!(r(2), Ok(Some(Value::Boolean(true)))));
    assert!(matches!(r(3), Ok(Some(Value::Text(ref t))) if t.as_slice() == "żółw".as_bytes()));
    assert!(matches!(r(4), Ok(Some(Value::String(ref s))) if s.as_slice() == b"\xffbytes"));
}

#[test]
fn probe_writes_to_stderr_and_panics_become_exceptions() {
    let out = call(
        &function("probe", "probe::complain/1"),
        vec![Some(Value::text(b"to stderr\n".to_vec()))],
    );
    assert!(matches!(out.result, Ok(None)));
    assert!(out.stdout.is_empty());
    assert_eq!(out.stderr, b"to stderr\n");
    let out = call(&function("probe", "probe::boom/0"), vec![]);
    assert_eq!(
        fault(out.result),
        "Exception: native function probe::boom/0 panicked: boom"
    );
}

#[test]
fn functions_run_concurrently_and_outlive_reloads() {
    let world = function("World", "World::print_hello/0");
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let world = world.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    assert_eq!(call(&world, vec![]).stdout, b"Hello World!\n");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Loading again gives working functions; the first ones stay valid.
    let again = function("World", "World::print_hello/0");
    assert_eq!(call(&again, vec![]).stdout, b"Hello World!\n");
    assert_eq!(call(&world, vec![]).stdout, b"Hello World!\n");
}
