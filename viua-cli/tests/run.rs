//! End-to-end tests of `viua run`: sources and bytecode, arguments, exit codes, reports and
//! the front-end errors of RUNTIME.md §2.

use std::path::PathBuf;
use std::process::{Command, Output};

const VIUA: &str = env!("CARGO_BIN_EXE_viua");

const ARGS_PROGRAM: &str = "\
.function: main/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    izero %0 local
    return
.end
";

const THROWING_PROGRAM: &str = "\
.function: main/0
    allocate_registers %2 local
    integer %1 local 42
    throw %1 local
    izero %0 local
    return
.end
";

/// A scratch directory under the system temp dir, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("viua-run-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.0.join(name), contents).unwrap();
    }

    fn viua(&self, args: &[&str]) -> Output {
        Command::new(VIUA)
            .args(args)
            .current_dir(&self.0)
            .env_remove("VIUA_STACKTRACE_SERIALISATION")
            .env_remove("VIUA_STACKTRACE_PRINT_TO")
            .output()
            .unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_source_runs_after_assembly_in_memory_with_its_arguments_dashes_included() {
    let dir = Scratch::new("source");
    dir.write("args.asm", ARGS_PROGRAM);
    let run = dir.viua(&["run", "args.asm", "a", "-x", "b c"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stdout),
        "[b\"args.asm\", b\"a\", b\"-x\", b\"b c\"]\n"
    );
}

#[test]
fn bytecode_runs_and_an_uncaught_exception_exits_1_with_the_report() {
    let dir = Scratch::new("bytecode");
    dir.write("throw.asm", THROWING_PROGRAM);
    let asm = dir.viua(&["asm", "-o", "throw.bc", "throw.asm"]);
    assert_eq!(asm.status.code(), Some(0), "{}", text(&asm.stderr));
    let run = dir.viua(&["run", "throw.bc"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr)
            .lines()
            .any(|l| l == "uncaught object: Integer = 42"),
        "{}",
        text(&run.stderr)
    );
}

#[test]
fn a_corrupt_or_missing_file_is_an_error_not_a_panic() {
    let dir = Scratch::new("corrupt");
    dir.write("bad.bc", "definitely not bytecode");
    let run = dir.viua(&["run", "bad.bc"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stdout).starts_with("error: bad.bc: "));
    assert!(!text(&run.stderr).contains("panicked"));
    let run = dir.viua(&["run", "missing.bc"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        text(&run.stdout),
        "fatal: could not open file: missing.bc\n"
    );
    let run = dir.viua(&["run"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(text(&run.stderr), "fatal: no input file\n");
}

/// `--info` reports the counts the VM would use: leading numbers as 0.13 parses them
/// (" 3x" is 3), and zero or out-of-range values fall back to the defaults.
#[test]
fn info_parses_scheduler_counts_like_the_vm() {
    let dir = Scratch::new("info-counts");
    let info = |vars: &[(&str, &str)]| {
        let mut command = Command::new(VIUA);
        command.args(["run", "-v", "--info"]).current_dir(&dir.0);
        for name in [
            "VIUA_PROC_SCHEDULERS",
            "VIUA_FFI_SCHEDULERS",
            "VIUA_IO_SCHEDULERS",
        ] {
            command.env_remove(name);
        }
        command.envs(vars.iter().copied());
        text(&command.output().unwrap().stdout)
    };
    let defaults = info(&[]);
    let field = |line: &str, key: &str| -> String {
        line.trim_end()
            .trim_matches(|c| c == '[' || c == ']')
            .split(':')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
            .unwrap_or_else(|| panic!("{key} missing in {line}"))
    };
    let set = info(&[
        ("VIUA_PROC_SCHEDULERS", " 3x"),
        ("VIUA_FFI_SCHEDULERS", "0"),
        ("VIUA_IO_SCHEDULERS", "99999999999"),
    ]);
    assert_eq!(field(&set, "proc"), "3", "{set}");
    assert_eq!(field(&set, "ffi"), field(&defaults, "ffi"), "{set}");
    assert_eq!(field(&set, "io"), field(&defaults, "io"), "{set}");
}

#[test]
fn version_and_info_have_the_kernel_shapes() {
    let dir = Scratch::new("version");
    let version = text(&dir.viua(&["run", "--version"]).stdout);
    assert_eq!(version.trim_end().split('.').count(), 4, "{version}");
    let info = text(&dir.viua(&["run", "--info"]).stdout);
    let inner = info
        .trim_end()
        .strip_prefix('[')
        .unwrap()
        .strip_suffix(']')
        .unwrap();
    assert_eq!(inner.split(':').count(), 4, "{info}");
    assert!(
        inner.split(':').all(|n| n.parse::<usize>().is_ok()),
        "{info}"
    );
}
