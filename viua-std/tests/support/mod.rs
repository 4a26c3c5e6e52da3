//! Test helpers: programs are assembled (static analyser on, as `viua asm` does) with the
//! standard modules linked statically, then run in the VM with their output captured.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{mpsc, Arc, OnceLock};
use std::time::Duration;

/// The directory holding `std/vector.module` etc., written once per test binary.
pub fn library_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("viua-std-library");
        for name in viua_std::NAMES {
            let path = dir.join(viua_std::file_name(name).unwrap());
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            // Written aside and renamed, so that concurrent test runs never see a partial file.
            let partial = path.with_extension(format!("partial-{}", std::process::id()));
            std::fs::write(&partial, viua_std::module(name).unwrap()).unwrap();
            std::fs::rename(&partial, &path).unwrap();
        }
        dir
    })
}

/// The file of module `name` in [`library_dir`].
pub fn module_path(name: &str) -> String {
    library_dir()
        .join(viua_std::file_name(name).unwrap())
        .to_string_lossy()
        .into_owned()
}

/// Assembles `source` as an executable with the modules `link` (names such as
/// `std::vector`) linked statically, as `viua asm -o prog.bc prog.asm MODULE...` does.
pub fn assemble(source: &str, link: &[&str]) -> Result<viua_bytecode::Module, String> {
    let options = viua_asm::Options {
        link: link.iter().map(|name| module_path(name)).collect(),
        library_path: vec![library_dir().clone()],
        analyser: Some(Arc::new(viua_analyser::Analyser)),
        ..viua_asm::Options::default()
    };
    viua_asm::assemble("prog.asm", source, &options)
        .map(|output| output.module)
        .map_err(|d| viua_asm::diag::render_plain("prog.asm", &d))
}

/// The outcome of a run: standard output, standard error, exit code.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// The `uncaught object: ...` line of the report (it goes to standard output by default).
    pub fn uncaught(&self) -> Option<&str> {
        self.stdout
            .lines()
            .chain(self.stderr.lines())
            .find(|l| l.starts_with("uncaught object: "))
    }
}

/// Assembles `source` with `link` linked and runs it (20 s limit).
pub fn run(source: &str, link: &[&str]) -> Run {
    let module = assemble(source, link).unwrap_or_else(|e| panic!("assembly failed: {e}"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = viua_vm::run_executable_with(
            &module,
            "prog.bc",
            Vec::new(),
            viua_vm::RunConfig::default(),
            &mut out,
            &mut err,
        );
        let _ = tx.send(Run {
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
            code,
        });
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the program did not finish in 20 s")
}

/// Runs a program that must finish normally; returns its standard output.
pub fn output(source: &str, link: &[&str]) -> String {
    let run = run(source, link);
    assert_eq!(run.code, 0, "the run failed: {run:#?}");
    run.stdout
}

/// Runs a program that must end with an uncaught exception; returns the `uncaught object:`
/// line.
pub fn uncaught(source: &str, link: &[&str]) -> String {
    let run = run(source, link);
    assert_eq!(run.code, 1, "the run did not fail: {run:#?}");
    run.uncaught()
        .unwrap_or_else(|| panic!("no uncaught-object line: {run:#?}"))
        .to_string()
}
