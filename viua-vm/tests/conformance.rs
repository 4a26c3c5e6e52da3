//! Runs the shared conformance suite's run-time cases through the real assembler and the VM.
//! `cargo test -p viua-vm --test conformance -- --ignored --nocapture` prints per-folder counts
//! and the failures; `CONFORMANCE_FILTER=folder/case` narrows the run.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const SUITE: &str = "../../shared/conformance";
const FOLDERS: &[&str] = &[
    "basics",
    "integer",
    "float",
    "casts",
    "string",
    "text",
    "vector",
    "boolean",
    "bits",
    "bits-arith",
    "atoms",
    "structs",
    "pointers",
    "registers",
    "functions",
    "closures",
    "deferred",
    "exceptions",
    "main",
    "beyond",
    "programs",
];

struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    code: i32,
}

fn run_case(dir: &Path, name: &str) -> Result<(), String> {
    let asm_path = dir.join(format!("{name}.asm"));
    let source = std::fs::read_to_string(&asm_path).map_err(|e| e.to_string())?;
    let flags = std::fs::read_to_string(dir.join(format!("{name}.flags"))).unwrap_or_default();
    let args: Vec<String> = std::fs::read_to_string(dir.join(format!("{name}.args")))
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    let options = viua_asm::Options {
        no_sa: flags.contains("--no-sa"),
        library_path: vec![dir.to_path_buf()],
        ..Default::default()
    };
    let file = format!("{name}.asm");
    let module = viua_asm::assemble(&file, &source, &options)
        .map_err(|d| format!("assembly failed: {d:?}"))?
        .module;
    let (tx, rx) = mpsc::channel();
    let program = format!("{name}.bc");
    std::thread::spawn(move || {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let code = viua_vm::run_executable_with(
            &module,
            &program,
            args,
            Default::default(),
            &mut stdout,
            &mut stderr,
        );
        let _ = tx.send(Outcome {
            stdout,
            stderr,
            code,
        });
    });
    let outcome = rx
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| "timed out".to_string())?;
    let expected_out = std::fs::read(dir.join(format!("{name}.out"))).unwrap_or_default();
    let trim = |b: &[u8]| {
        let mut v = b.to_vec();
        while v.last().is_some_and(|c| c.is_ascii_whitespace()) {
            v.pop();
        }
        v
    };
    let expected_code: i32 = std::fs::read_to_string(dir.join(format!("{name}.code")))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut problems = Vec::new();
    if trim(&outcome.stdout) != trim(&expected_out) {
        problems.push(format!(
            "stdout:\n--- expected\n{}\n--- got\n{}",
            String::from_utf8_lossy(&expected_out),
            String::from_utf8_lossy(&outcome.stdout)
        ));
    }
    if outcome.code != expected_code {
        problems.push(format!(
            "exit code {} (expected {expected_code})",
            outcome.code
        ));
    }
    if let Ok(err) = std::fs::read_to_string(dir.join(format!("{name}.err"))) {
        for line in err.lines() {
            if !stderr.lines().any(|l| l == line) {
                problems.push(format!("stderr lacks: {line}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        if !stderr.is_empty() {
            problems.push(format!("stderr was:\n{stderr}"));
        }
        Err(problems.join("\n"))
    }
}

fn cases(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<PathBuf>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "asm"))
        .filter(|p| !p.with_extension("asmerr").exists())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// Whether a case needs what later issues bring (processes, modules, I/O).
fn out_of_scope(dir: &Path, name: &str) -> bool {
    let source = std::fs::read_to_string(dir.join(format!("{name}.asm"))).unwrap_or_default();
    source.lines().any(|l| {
        let l = l.trim_start();
        let word = l
            .split(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        matches!(
            word,
            "process" | "self" | "join" | "send" | "receive" | "watchdog" | "import" | ".import:"
        ) || word.starts_with("io_")
            || l.contains("(process ")
            || l.contains("(self ")
    })
}

/// Runs the suite; returns (per-folder lines, failures).
fn run_suite(only_in_scope: bool) -> (Vec<String>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(SUITE);
    let filter = std::env::var("CONFORMANCE_FILTER").ok();
    let (mut lines, mut failures) = (Vec::new(), Vec::new());
    let mut total = (0, 0);
    for folder in FOLDERS {
        let dir = root.join(folder);
        let (mut pass, mut all) = (0, 0);
        for name in cases(&dir) {
            let id = format!("{folder}/{name}");
            if filter.as_ref().is_some_and(|f| !id.starts_with(f.as_str())) {
                continue;
            }
            if only_in_scope && out_of_scope(&dir, &name) {
                continue;
            }
            all += 1;
            match run_case(&dir, &name) {
                Ok(()) => pass += 1,
                Err(e) => failures.push(format!("FAIL {id}\n{e}\n")),
            }
        }
        if all > 0 {
            lines.push(format!("{folder}: {pass}/{all}"));
        }
        total.0 += pass;
        total.1 += all;
    }
    lines.push(format!("total: {}/{}", total.0, total.1));
    (lines, failures)
}

/// Every run-time case that does not need processes, modules or I/O passes.
#[test]
fn in_scope_cases_pass() {
    if !Path::new(env!("CARGO_MANIFEST_DIR")).join(SUITE).exists() {
        eprintln!("conformance suite not found; skipped");
        return;
    }
    let (lines, failures) = run_suite(true);
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.join("\n"),
        lines.join("\n")
    );
}

#[test]
#[ignore = "prints per-folder counts of every case; run with --ignored --nocapture"]
fn conformance() {
    let (lines, failures) = run_suite(false);
    for f in &failures {
        println!("{f}");
    }
    for l in &lines {
        println!("{l}");
    }
}
