//! End-to-end tests of dynamic linking and foreign calls (ISA-CONTROL §2.7, §2.32, RUNTIME.md
//! §6.2, §7, §9.8): every test-fixture native module is loaded through the C ABI by an
//! `import` in a Viua program run by the `viua` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const VIUA: &str = env!("CARGO_BIN_EXE_viua");

/// The fixtures, installed once for all tests of this file.
fn library() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("viua-cli-ffi-{}", std::process::id()));
        viua_ffi::fixtures::install(&dir).expect("fixtures install");
        dir
    })
}

/// Runs `source` (written to a scratch file) with the fixtures on the library path.
fn run_with(name: &str, source: &str, env: &[(&str, &str)]) -> (String, String, i32) {
    let dir = std::env::temp_dir().join(format!("viua-cli-ffi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.asm"), source).unwrap();
    let mut command = Command::new(VIUA);
    command
        .args(["run", "p.asm"])
        .current_dir(&dir)
        .env("VIUA_LIBRARY_PATH", format!("{}:.", library().display()))
        .env("VIUAVM_ASM_COLOUR", "never")
        .env_remove("VIUA_IMPORT")
        .env_remove("VIUA_STACKTRACE_SERIALISATION");
    for (k, v) in env {
        command.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("viua runs");
    let _ = std::fs::remove_dir_all(&dir);
    (
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
        status.code().unwrap_or(-1),
    )
}

fn run(name: &str, source: &str) -> (String, String, i32) {
    run_with(name, source, &[])
}

#[test]
fn world_prints_hello_through_the_abi() {
    let source = "\
.signature: World::print_hello/0
.signature: World::print_hello/1
.function: main/0
    allocate_registers %2 local
    import World
    frame %0
    call void World::print_hello/0
    frame %1
    move %0 arguments (integer %1 local 1) local
    call void World::print_hello/1
    izero %0 local
    return
.end
";
    let (out, err, code) = run("world", source);
    assert_eq!(
        (out.as_str(), code),
        ("Hello World!\nHello World!\n", 0),
        "{err}"
    );
}

#[test]
fn math_returns_a_value_and_raises_on_bad_arguments() {
    let source = "\
.signature: math::sqrt/1
.function: main/0
    allocate_registers %3 local
    import math
    frame %1
    move %0 arguments (float %1 local 2.25) local
    print (call %2 local math::sqrt/1) local
    frame %1
    move %0 arguments (integer %1 local 4) local
    call %2 local math::sqrt/1
    izero %0 local
    return
.end
";
    let (out, err, code) = run("math", source);
    assert_eq!(out, "1.500000\n", "{err}");
    assert_eq!(code, 1);
    assert!(
        err.lines().any(
            |l| l == "uncaught object: Exception = invalid type of parameter 0: expected Float"
        ),
        "{err}"
    );
}

#[test]
fn printer_prints_the_argument() {
    let source = "\
.signature: printer::print/1
.function: main/0
    allocate_registers %2 local
    import printer
    frame %1
    move %0 arguments (text %1 local \"Joe\") local
    call void printer::print/1
    izero %0 local
    return
.end
";
    let (out, err, code) = run("printer", source);
    assert_eq!((out.as_str(), code), ("Hello Joe!\n", 0), "{err}");
}

#[test]
fn throwing_raises_with_a_named_then_a_code_throw_point() {
    let source = "\
.signature: throwing::oh_noes/0
.function: main/0
    allocate_registers %1 local
    import throwing
    frame %0
    call void throwing::oh_noes/0
    izero %0 local
    return
.end
";
    let (_, err, code) = run("throwing", source);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(&"uncaught object: Exception = OH NOES!"),
        "{err}"
    );
    let named = lines
        .iter()
        .position(|l| *l == "    name:    throwing::oh_noes/0")
        .unwrap_or_else(|| panic!("no named throw point in {err}"));
    assert!(
        lines[named + 1].starts_with("    address: ")
            && lines[named + 1].ends_with("[main/0 => p.asm {<main>}]"),
        "{err}"
    );
}

#[test]
fn foreign_exceptions_can_be_caught() {
    let source = "\
.signature: throwing::oh_noes/0
.function: main/0
    allocate_registers %2 local
    import throwing
    try
    catch \"Exception\" .block: handler
        draw %1 local
        print %1 local
        leave
    .end
    enter .block: attempt
        frame %0
        call void throwing::oh_noes/0
        leave
    .end
    izero %0 local
    return
.end
";
    let (out, err, code) = run("catch", source);
    assert_eq!((out.as_str(), code), ("OH NOES!\n", 0), "{err}");
}

#[test]
fn sleeper_prints_every_step() {
    let source = "\
.signature: sleeper::lazy_print/0
.function: main/0
    allocate_registers %1 local
    import sleeper
    frame %0
    call void sleeper::lazy_print/0
    izero %0 local
    return
.end
";
    let (out, err, code) = run("sleeper", source);
    let expected: String = [5, 15, 25, 10, 100]
        .iter()
        .map(|ms| format!("sleeper::lazy_print/0: sleep for {ms}ms\n"))
        .chain(["sleeper::lazy_print/0: done\n".to_string()])
        .collect();
    assert_eq!((out, code), (expected, 0), "{err}");
}

/// With one process scheduler, a blocking foreign call that ran on the process thread would
/// hold back every other process until it returned.
#[test]
fn a_slow_foreign_call_does_not_delay_other_processes() {
    let source = "\
.signature: sleeper::lazy_print/0
.function: sleepy/1
    allocate_registers %3 local
    move %1 local %0 parameters
    print (text %2 local \"sleepy: calling\") local
    send %1 local (integer %2 local 1) local
    frame %0
    call void sleeper::lazy_print/0
    print (text %2 local \"sleepy: returned\") local
    return
.end

.function: waiter/0
    allocate_registers %2 local
    receive void 10s
    print (text %1 local \"waiter: done\") local
    return
.end

.function: main/0
    allocate_registers %3 local
    import sleeper
    frame %0
    process %1 local waiter/0
    frame %1
    move %0 arguments %1 local
    process void sleepy/1
    izero %0 local
    return
.end
";
    let (out, err, code) = run_with("slow", source, &[("VIUA_PROC_SCHEDULERS", "1")]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("`{line}` missing from {out}"))
    };
    assert!(at("sleepy: calling") < at("waiter: done"), "{out}");
    assert!(
        at("waiter: done") < at("sleeper::lazy_print/0: done"),
        "{out}"
    );
    assert!(
        at("sleeper::lazy_print/0: done") < at("sleepy: returned"),
        "{out}"
    );
}

#[test]
fn repeated_imports_are_no_ops_and_late_names_resolve() {
    let source = "\
.signature: World::print_hello/0
.function: main/0
    allocate_registers %2 local
    import World
    import World
    function %1 local World::print_hello/0
    frame %0
    call void %1 local
    izero %0 local
    return
.end
";
    let (out, err, code) = run("repeat", source);
    assert_eq!((out.as_str(), code), ("Hello World!\n", 0), "{err}");
}

#[test]
fn foreign_functions_cannot_be_tail_called_or_spawned() {
    let tail = "\
.signature: World::print_hello/0
.function: f/0
    frame %0
    tailcall World::print_hello/0
.end
.function: main/0
    allocate_registers %1 local
    import World
    frame %0
    call void f/0
    izero %0 local
    return
.end
";
    let (_, err, code) = run("tail", tail);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "uncaught object: Exception = tail call to non-native function: World::print_hello/0"
        ),
        "{err}"
    );
    let spawn = "\
.signature: World::print_hello/0
.function: main/0
    allocate_registers %1 local
    import World
    frame %0
    process void World::print_hello/0
    izero %0 local
    return
.end
";
    let (_, err, code) = run("spawn", spawn);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "uncaught object: Exception = process from undefined function: World::print_hello/0"
        ),
        "{err}"
    );
}

#[test]
fn import_errors_are_exceptions() {
    let program = |module: &str| {
        format!(
            ".function: main/0\n    allocate_registers %1 local\n    import {module}\n    izero %0 local\n    return\n.end\n"
        )
    };
    for (module, line) in [
        (
            "nothing_here",
            "uncaught object: LinkException = failed to locate module: nothing_here",
        ),
        (
            "no_interface",
            "uncaught object: Exception = failed to extract interface from module: no_interface",
        ),
        (
            "bad_abi",
            "uncaught object: Exception = failed to extract interface from module: bad_abi",
        ),
    ] {
        let (_, err, code) = run(module, &program(module));
        assert_eq!(code, 1, "{module}: {err}");
        assert!(err.lines().any(|l| l == line), "{module}: {err}");
    }
}

#[test]
fn start_up_imports_come_from_viua_import() {
    let source = "\
.signature: World::print_hello/0
.function: main/0
    allocate_registers %1 local
    frame %0
    call void World::print_hello/0
    izero %0 local
    return
.end
";
    let (out, err, code) = run_with("preload", source, &[("VIUA_IMPORT", "World")]);
    assert_eq!((out.as_str(), code), ("Hello World!\n", 0), "{err}");
    let (out, _, code) = run_with("preload-missing", source, &[("VIUA_IMPORT", "nope")]);
    assert_eq!(code, 1);
    assert_eq!(out, "fatal: preload: failed to locate module: nope\n");
}

#[test]
fn a_panicking_foreign_function_raises_in_the_caller_and_the_vm_goes_on() {
    let source = "\
.signature: probe::boom/0
.function: main/0
    allocate_registers %2 local
    import probe
    try
    catch \"Exception\" .block: handler
        print (text %1 local \"caught\") local
        leave
    .end
    enter .block: attempt
        frame %0
        call void probe::boom/0
        leave
    .end
    print (text %1 local \"still running\") local
    izero %0 local
    return
.end
";
    let (out, err, code) = run("boom", source);
    assert_eq!(
        (out.as_str(), code),
        ("caught\nstill running\n", 0),
        "{err}"
    );
}

/// With one FFI worker, two slow foreign calls of different processes run one after the
/// other: each sleeper's output is contiguous.
#[test]
fn at_most_viua_ffi_schedulers_foreign_calls_run_at_once() {
    let source = "\
.signature: sleeper::lazy_print/0
.function: sleepy/0
    allocate_registers %1 local
    frame %0
    call void sleeper::lazy_print/0
    return
.end

.function: main/0
    allocate_registers %3 local
    import sleeper
    frame %0
    process %1 local sleepy/0
    frame %0
    process %2 local sleepy/0
    join void %1 local
    join void %2 local
    izero %0 local
    return
.end
";
    let (out, err, code) = run_with("one-worker", source, &[("VIUA_FFI_SCHEDULERS", "1")]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 12, "{out}");
    assert_eq!(lines[5], "sleeper::lazy_print/0: done", "{out}");
    assert_eq!(lines[11], "sleeper::lazy_print/0: done", "{out}");
}
