//! End-to-end tests of the `viua` binary: exit codes, files written, messages.
//!
//! These live in `viua-cli/tests/` rather than in the workspace `tests` crate because cargo
//! builds the binary for a package's own integration tests and hands its path over in
//! `CARGO_BIN_EXE_viua` — whatever the target directory, profile or `CARGO_TARGET_DIR`. The
//! `tests` crate keeps the cross-crate tests that go through the library APIs.
//!
//! Tests marked "needs the assembler" exercise behaviour of viua-asm that is still being
//! written; they are real tests and start passing when it lands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VIUA: &str = env!("CARGO_BIN_EXE_viua");

const HELLO: &str = include_str!("../../examples/hello.asm");

const LIBRARY: &str = "\
.function: greeting/0
    allocate_registers %2 local
    text %1 local \"hi\"
    print %1 local
    return
.end
";

/// A scratch directory under the system temp dir, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("viua-cli-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Runs `viua ARGS` with this directory as the current directory.
    fn viua(&self, args: &[&str]) -> Output {
        viua_in(&self.0, args)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn viua_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(VIUA)
        .args(args)
        .current_dir(dir)
        .env_remove("VIUA_LIBRARY_PATH")
        .env("VIUAVM_ASM_COLOUR", "never")
        .output()
        .expect("the viua binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

#[track_caller]
fn assert_no_panic(output: &Output) {
    let err = stderr(output);
    assert!(!err.contains("panicked"), "the command panicked:\n{err}");
}

#[test]
fn help_lists_the_subcommands() {
    let out = viua_in(&std::env::temp_dir(), &["--help"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("asm") && text.contains("dis"), "{text}");
    let out = viua_in(&std::env::temp_dir(), &["asm", "--help"]);
    assert_exit(&out, 0);
    for flag in [
        "--out", "--lib", "--verify", "--no-sa", "-W", "--size", "--meta",
    ] {
        assert!(stdout(&out).contains(flag), "asm --help lacks {flag}");
    }
}

#[test]
fn version_is_printed() {
    let out = viua_in(&std::env::temp_dir(), &["--version"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = Scratch::new("usage");
    dir.write("hello.asm", HELLO);
    assert_exit(&dir.viua(&[]), 2);
    assert_exit(&dir.viua(&["frobnicate"]), 2);
    assert_exit(&dir.viua(&["asm"]), 2);
    assert_exit(&dir.viua(&["asm", "--frobnicate", "hello.asm"]), 2);
    assert_exit(&dir.viua(&["asm", "-Wunused-everything", "hello.asm"]), 2);
    assert_exit(&dir.viua(&["asm", "hello.asm", "-o"]), 2);
    assert_exit(
        &dir.viua(&["asm", "--diagnostics", "fancy", "hello.asm"]),
        2,
    );
    assert_exit(&dir.viua(&["dis"]), 2);
    assert!(!dir.path("a.out").exists());
}

#[test]
fn missing_source_is_an_error_about_the_file() {
    let dir = Scratch::new("missing");
    let out = dir.viua(&["asm", "nope.asm"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out)
            .lines()
            .any(|l| l == "nope.asm: error: could not open file"),
        "{}",
        stderr(&out)
    );
    let out = dir.viua(&["asm", "."]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains(".: error: could not open file"));
}

#[test]
fn source_that_is_not_utf8_is_rejected() {
    let dir = Scratch::new("utf8");
    dir.write(
        "bad.asm",
        b".function: main/0\n    text %1 local \"\xff\"\n.end\n",
    );
    let out = dir.viua(&["asm", "bad.asm"]);
    assert_exit(&out, 1);
    assert_no_panic(&out);
    assert!(
        stderr(&out).contains("bad.asm: error: source is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path("a.out").exists());
}

#[test]
fn assembling_writes_a_out_by_default_and_the_o_path_otherwise() {
    let dir = Scratch::new("default-out");
    dir.write("hello.asm", HELLO);
    let out = dir.viua(&["asm", "hello.asm"]);
    assert_exit(&out, 0);
    assert!(dir.path("a.out").is_file());
    let out = dir.viua(&[
        "asm",
        "-Wunused-register",
        "-Wunused-value",
        "-o",
        "hello.bc",
        "hello.asm",
    ]);
    assert_exit(&out, 0);
    assert!(dir.path("hello.bc").is_file());
    let loaded = viua_bytecode::load(&std::fs::read(dir.path("hello.bc")).unwrap()).unwrap();
    assert_eq!(loaded.kind, viua_bytecode::ModuleKind::Executable);
}

#[test]
fn verify_only_writes_nothing() {
    let dir = Scratch::new("verify");
    dir.write("hello.asm", HELLO);
    let out = dir.viua(&["asm", "-C", "hello.asm"]);
    assert_exit(&out, 0);
    assert!(!dir.path("a.out").exists());
    let out = dir.viua(&["asm", "--verify", "-o", "x.bc", "hello.asm"]);
    assert_exit(&out, 0);
    assert!(!dir.path("x.bc").exists());
}

#[test]
fn library_default_name_is_the_0_13_one() {
    let dir = Scratch::new("lib-name");
    dir.write("util.asm", LIBRARY);
    let out = dir.viua(&["asm", "-c", "util.asm"]);
    assert_exit(&out, 0);
    assert!(dir.path("Util.module").is_file());
    assert!(!dir.path("a.out").exists());
    dir.write("tool", LIBRARY);
    assert_exit(&dir.viua(&["asm", "--lib", "tool"]), 0);
    assert!(dir.path("Toolmodule").is_file());
    let loaded = viua_bytecode::load(&std::fs::read(dir.path("Util.module")).unwrap()).unwrap();
    assert_eq!(loaded.kind, viua_bytecode::ModuleKind::Library);
}

/// Needs the assembler: `unit_size` is 0 in the stub.
#[test]
fn size_prints_a_positive_byte_count_and_writes_nothing() {
    let dir = Scratch::new("size");
    dir.write("hello.asm", HELLO);
    let out = dir.viua(&["asm", "--size", "hello.asm"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.ends_with('\n'), "{text:?}");
    let size: u64 = text
        .trim_end()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"));
    assert!(size > 0, "hello world has instructions");
    assert!(!dir.path("a.out").exists());
}

/// As in 0.13, `--size` and `--meta` are answered before `main` is looked for.
#[test]
fn size_and_meta_do_not_need_a_main_function() {
    let dir = Scratch::new("size-no-main");
    dir.write(
        "lib.asm",
        ".info: k \"v\"\n.function: helper/0\n    allocate_registers %1 local\n    return\n.end\n",
    );
    let out = dir.viua(&["asm", "--size", "lib.asm"]);
    assert_exit(&out, 0);
    // 0.13 sizes: allocate_registers 5 bytes, return 1.
    assert_eq!(stdout(&out), "6\n");
    let out = dir.viua(&["asm", "--meta", "lib.asm"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "k = \"v\"\n");
    let out = dir.viua(&["asm", "lib.asm"]);
    assert_exit(&out, 1);
}

/// Needs the assembler: `.info:` is not parsed by the stub.
#[test]
fn meta_prints_info_pairs_escaped_in_key_order() {
    let dir = Scratch::new("meta");
    let source =
        format!(".info: version \"1.0\"\n.info: banner \"say \\\"hi\\\"\\n\\tnow\"\n{HELLO}");
    dir.write("meta.asm", source);
    let out = dir.viua(&["asm", "--meta", "meta.asm"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "banner = \"say \\\"hi\\\"\\n\\tnow\"\nversion = \"1.0\"\n"
    );
    assert!(!dir.path("a.out").exists());
}

/// Needs the assembler: the stub accepts everything.
#[test]
fn rejected_program_exits_1_with_a_plain_diagnostic_and_writes_nothing() {
    let dir = Scratch::new("rejected");
    dir.write("typo.asm", ".function: main/0\n    allocate_registers %1 local\n    prnt %0 local\n    izero %0 local\n    return\n.end\n");
    let out = dir.viua(&["asm", "typo.asm"]);
    assert_exit(&out, 1);
    assert_no_panic(&out);
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l == "typo.asm:3:5: error: unknown instruction"),
        "{err}"
    );
    assert!(err.contains("did you mean 'print'?"), "{err}");
    assert!(stdout(&out).is_empty(), "diagnostics go to stderr");
    assert!(!dir.path("a.out").exists());

    // The rich renderer shows the offending source line.
    let out = dir.viua(&["asm", "--diagnostics", "rich", "typo.asm"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("prnt %0 local"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains('\u{1b}'),
        "VIUAVM_ASM_COLOUR=never means no escapes"
    );
}

#[test]
fn dis_of_a_corrupt_file_is_an_error_not_a_panic() {
    let dir = Scratch::new("corrupt");
    dir.write("hello.asm", HELLO);
    assert_exit(&dir.viua(&["asm", "-o", "hello.bc", "hello.asm"]), 0);
    let good = std::fs::read(dir.path("hello.bc")).unwrap();
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("text".into(), b"this is not bytecode\n".to_vec()),
        ("magic-only".into(), good[..4.min(good.len())].to_vec()),
    ];
    for cut in [5, good.len() / 2, good.len().saturating_sub(1)] {
        inputs.push((
            format!("truncated-{cut}"),
            good[..cut.min(good.len())].to_vec(),
        ));
    }
    let mut trailing = good.clone();
    trailing.push(0);
    inputs.push(("trailing".into(), trailing));
    for (name, bytes) in inputs {
        let file = format!("{name}.bc");
        dir.write(&file, &bytes);
        let out = dir.viua(&["dis", &file]);
        assert_exit(&out, 1);
        assert_no_panic(&out);
        assert!(
            stderr(&out).starts_with("error: "),
            "{name}: {}",
            stderr(&out)
        );
    }
    let out = dir.viua(&["dis", "absent.bc"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("could not open file: absent.bc"));
}

#[test]
fn dis_refuses_a_library() {
    let dir = Scratch::new("dis-lib");
    dir.write("util.asm", LIBRARY);
    assert_exit(
        &dir.viua(&["asm", "-c", "-o", "util.module", "util.asm"]),
        0,
    );
    let out = dir.viua(&["dis", "util.module"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("not a executable file: util.module"),
        "{}",
        stderr(&out)
    );
}

/// Needs the assembler and the disassembler: the stubs produce an empty module and listing.
#[test]
fn hello_round_trips_through_dis_byte_for_byte() {
    let dir = Scratch::new("round-trip");
    dir.write("hello.asm", HELLO);
    assert_exit(&dir.viua(&["asm", "-o", "hello.bc", "hello.asm"]), 0);
    let out = dir.viua(&["dis", "hello.bc"]);
    assert_exit(&out, 0);
    let listing = stdout(&out);
    assert!(listing.contains(".function: main/0"), "{listing}");
    assert!(listing.contains("\"Hello, World!\""), "{listing}");

    assert_exit(&dir.viua(&["dis", "-o", "rt.asm", "hello.bc"]), 0);
    assert_eq!(
        std::fs::read_to_string(dir.path("rt.asm")).unwrap(),
        listing
    );
    assert_exit(&dir.viua(&["asm", "--no-sa", "-o", "rt.bc", "rt.asm"]), 0);
    assert!(
        std::fs::read(dir.path("hello.bc")).unwrap() == std::fs::read(dir.path("rt.bc")).unwrap(),
        "reassembled disassembly differs from the original"
    );
}

/// Needs the assembler: `-F` and `-e` select what the disassembler prints.
#[test]
fn dis_options_select_functions() {
    let dir = Scratch::new("dis-options");
    dir.write("hello.asm", HELLO);
    assert_exit(&dir.viua(&["asm", "-o", "hello.bc", "hello.asm"]), 0);
    let plain = stdout(&dir.viua(&["dis", "hello.bc"]));
    assert!(!plain.contains("__entry"), "{plain}");
    let with_entry = dir.viua(&["dis", "-e", "hello.bc"]);
    assert_exit(&with_entry, 0);
    assert!(
        stdout(&with_entry).contains(".function: __entry"),
        "{}",
        stdout(&with_entry)
    );
    let only_main = dir.viua(&["dis", "-F", "main/0", "hello.bc"]);
    assert_exit(&only_main, 0);
    assert!(stdout(&only_main).contains(".function: main/0"));
    let info = dir.viua(&["dis", "-i", "hello.bc"]);
    assert_exit(&info, 0);
    assert!(
        stdout(&info).starts_with("-- bytecode size: "),
        "{}",
        stdout(&info)
    );
}

/// Needs the assembler: `.import: [[static]]` resolved through `VIUA_LIBRARY_PATH`.
#[test]
fn library_path_is_searched_for_imports() {
    let dir = Scratch::new("library-path");
    std::fs::create_dir_all(dir.path("lib")).unwrap();
    dir.write("lib/greet.asm", LIBRARY);
    assert_exit(
        &dir.viua(&["asm", "-c", "-o", "lib/greet.module", "lib/greet.asm"]),
        0,
    );
    let main = "\
.import: [[static]] greet

.function: main/0
    allocate_registers %1 local
    frame %0
    call void greeting/0
    izero %0 local
    return
.end
";
    dir.write("main.asm", main);
    let without = dir.viua(&["asm", "-o", "main.bc", "main.asm"]);
    assert_exit(&without, 1);
    let with = Command::new(VIUA)
        .args(["asm", "-o", "main.bc", "main.asm"])
        .current_dir(&dir.0)
        .env(
            "VIUA_LIBRARY_PATH",
            format!("/nonexistent:{}", dir.path("lib").display()),
        )
        .output()
        .unwrap();
    assert_exit(&with, 0);
    assert!(dir.path("main.bc").is_file());
}
