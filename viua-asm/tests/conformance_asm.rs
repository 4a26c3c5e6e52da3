//! The assembler against the conformance suite (`/work/shared/conformance`, skipped when
//! absent):
//! - `asm-errors/*.asm`: the recorded `.asmerr` lines appear, in order, as whole lines of the
//!   plain rendering (path replaced by `FILE`);
//! - every other single-file `.asm` assembles (with `--no-sa` where the case's errors come
//!   from the static analyser, which does not exist yet);
//! - `linking/*/build`: the `asm` steps run in a scratch copy, library path = that copy.
//!
//! Counts and failures are printed. Strict: every case except [`NEEDS_ANALYSER`].

use std::path::{Path, PathBuf};

use viua_asm::diag::render_plain;
use viua_asm::{assemble, Options};
use viua_bytecode::encode;

const CONFORMANCE: &str = "/work/shared/conformance";

/// Cases whose expected diagnostics only the real static analyser can produce.
const NEEDS_ANALYSER: &[&str] = &[];

fn flags(asm: &Path) -> Vec<String> {
    std::fs::read_to_string(asm.with_extension("flags"))
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "asm"));
    out.sort();
    out
}

/// Whether `expected` lines appear in `actual`, in order, as whole lines.
fn contains_in_order(actual: &str, expected: &str) -> bool {
    let mut lines = actual.lines();
    expected
        .lines()
        .filter(|l| !l.is_empty())
        .all(|want| lines.any(|got| got == want))
}

fn asm_errors(failures: &mut Vec<String>) -> (usize, usize) {
    let dir = Path::new(CONFORMANCE).join("asm-errors");
    let (mut passed, mut total) = (0, 0);
    for asm in cases(&dir) {
        let name = asm.file_stem().unwrap().to_string_lossy().into_owned();
        let Ok(expected) = std::fs::read_to_string(asm.with_extension("asmerr")) else {
            continue;
        };
        total += 1;
        let source = std::fs::read_to_string(&asm).unwrap();
        let path = asm.to_string_lossy().into_owned();
        let options = Options {
            no_sa: flags(&asm).iter().any(|f| f == "--no-sa"),
            ..Options::default()
        };
        let outcome = match assemble(&path, &source, &options) {
            Ok(_) => "assembled".to_owned(),
            Err(d) => render_plain(&path, &d).replace(&path, "FILE"),
        };
        if contains_in_order(&outcome, &expected) {
            passed += 1;
        } else if !NEEDS_ANALYSER.contains(&name.as_str()) {
            failures.push(format!(
                "asm-errors/{name}:\n  expected:\n{expected}  got:\n{outcome}"
            ));
        }
    }
    (passed, total)
}

fn programs(failures: &mut Vec<String>) -> (usize, usize) {
    let (mut passed, mut total) = (0, 0);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(CONFORMANCE)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        let area = dir.file_name().unwrap().to_string_lossy().into_owned();
        if area == "asm-errors" || area == "linking" {
            continue;
        }
        for asm in cases(&dir) {
            total += 1;
            let source = std::fs::read_to_string(&asm).unwrap();
            let path = asm.to_string_lossy().into_owned();
            // Cases recorded as analyser errors must assemble without the analyser.
            let analyser_case = asm.with_extension("asmerr").exists();
            let no_sa = analyser_case || flags(&asm).iter().any(|f| f == "--no-sa");
            let options = Options {
                no_sa,
                library_path: vec![dir.clone()],
                ..Options::default()
            };
            match assemble(&path, &source, &options) {
                Ok(_) => passed += 1,
                Err(d) => failures.push(format!(
                    "{area}/{}: {}",
                    asm.file_name().unwrap().to_string_lossy(),
                    render_plain(&path, &d)
                )),
            }
        }
    }
    (passed, total)
}

/// Runs one `asm ARGS...` step of a `build` file in `dir`.
fn asm_step(dir: &Path, args: &[&str]) -> Result<(), String> {
    let mut options = Options {
        library_path: vec![dir.to_path_buf()],
        ..Options::default()
    };
    let mut output = None;
    let mut input = None;
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-c" | "--lib" => options.library = true,
            "--no-sa" => options.no_sa = true,
            "-o" | "--out" => {
                i += 1;
                output = args.get(i).map(|s| s.to_string());
            }
            a if input.is_none() => input = Some(a.to_string()),
            a => options
                .link
                .push(dir.join(a).to_string_lossy().into_owned()),
        }
        i += 1;
    }
    let input = input.ok_or("no input")?;
    let source = std::fs::read_to_string(dir.join(&input)).map_err(|e| e.to_string())?;
    let out = assemble(&input, &source, &options).map_err(|d| {
        // Messages name linked files as given in `build`, not as our scratch paths.
        render_plain(&input, &d).replace(&format!("{}/", dir.display()), "")
    })?;
    let output = output.unwrap_or_else(|| "a.out".into());
    std::fs::write(dir.join(output), encode(&out.module)).map_err(|e| e.to_string())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn linking(failures: &mut Vec<String>) -> (usize, usize) {
    let root = Path::new(CONFORMANCE).join("linking");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.join("build").is_file())
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    let (mut passed, total) = (0, cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let scratch = std::env::temp_dir().join(format!(
            "viua-conformance-link-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&scratch);
        copy_dir(&case, &scratch);
        let expected_error = std::fs::read_to_string(root.join(format!("{name}.asmerr"))).ok();
        let mut outcome = Ok(());
        for line in std::fs::read_to_string(case.join("build")).unwrap().lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first() != Some(&"asm") {
                continue;
            }
            outcome = asm_step(&scratch, &words[1..]);
            if outcome.is_err() {
                break;
            }
        }
        let ok = match (&expected_error, &outcome) {
            (None, Ok(())) => true,
            (Some(want), Err(got)) => contains_in_order(got, want),
            _ => false,
        };
        if ok {
            passed += 1;
        } else {
            failures.push(format!(
                "linking/{name}: expected {expected_error:?}, got {outcome:?}"
            ));
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
    (passed, total)
}

#[test]
fn conformance() {
    if !Path::new(CONFORMANCE).is_dir() {
        eprintln!("conformance suite not found, skipped");
        return;
    }
    let mut failures = Vec::new();
    let errors = asm_errors(&mut failures);
    let assembled = programs(&mut failures);
    let linked = linking(&mut failures);
    println!("asm-errors: {}/{} pass", errors.0, errors.1);
    println!("programs assemble: {}/{}", assembled.0, assembled.1);
    println!("linking builds: {}/{}", linked.0, linked.1);
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} conformance failures (see stdout)",
        failures.len()
    );
}
