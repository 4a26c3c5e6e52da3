//! The analyser against the shared conformance suite: every `analyser-errors` case fails with
//! exactly its expected lines (in order), and every accepting case that assembles without the
//! analyser still assembles with it (no false positives).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use viua_asm::{diag::render_plain, Options};

fn suite() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance");
    dir.is_dir().then_some(dir)
}

fn options(dir: &Path, analyser: bool) -> Options {
    Options {
        library_path: vec![dir.to_path_buf()],
        analyser: analyser.then(|| Arc::new(viua_analyser::Analyser) as _),
        ..Options::default()
    }
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "asm"));
    out.sort();
    out
}

#[test]
fn analyser_errors_give_exactly_the_expected_lines() {
    let Some(root) = suite() else { return };
    let dir = root.join("analyser-errors");
    let mut failures = Vec::new();
    for case in cases(&dir) {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&case).unwrap();
        let expected = std::fs::read_to_string(case.with_extension("asmerr")).unwrap();
        let got = match viua_asm::assemble(&name, &source, &options(&dir, true)) {
            Ok(_) => String::new(),
            Err(d) => render_plain(&name, &d),
        };
        let mut lines = got.lines();
        for want in expected.lines().filter(|l| !l.trim().is_empty()) {
            let want = want.replace("FILE", &name);
            if !lines.any(|l| l == want) {
                failures.push(format!("{name}: missing {want:?} in\n{got}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accepting_cases_are_accepted() {
    let Some(root) = suite() else { return };
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut failures = Vec::new();
    for dir in folders {
        let folder = dir.file_name().unwrap().to_string_lossy().to_string();
        if folder == "asm-errors" || folder == "analyser-errors" {
            continue;
        }
        for case in cases(&dir) {
            if case.with_extension("asmerr").exists() {
                continue;
            }
            let flags = std::fs::read_to_string(case.with_extension("flags")).unwrap_or_default();
            let source = std::fs::read_to_string(&case).unwrap();
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let mut without = options(&dir, false);
            without.library = flags.contains("-c");
            if viua_asm::assemble(&name, &source, &without).is_err() {
                continue; // needs modules built by the runner first
            }
            let mut with = options(&dir, true);
            with.library = without.library;
            with.no_sa = flags.contains("--no-sa");
            if let Err(d) = viua_asm::assemble(&name, &source, &with) {
                failures.push(format!("{folder}/{}", render_plain(&name, &d)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
