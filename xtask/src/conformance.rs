//! `cargo xtask conformance`: runs case folders in the shared format
//! (`../shared/conformance/README.md`).
//!
//! Each case runs in a scratch copy (suites are never written to). A case has two halves,
//! counted separately: the *tools* checks (an `.asmerr` case must be rejected with the
//! expected lines; any other case must assemble and survive `dis` → `asm` byte for byte) and,
//! when the case has run expectations, the *run* (`viua run`, see [`run`]). Cases needing
//! parts of the VM that do not exist yet fail their run but keep their tools result.

mod run;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A tool that runs longer than this is considered hung (the README's "generous timeout").
const TOOL_TIMEOUT: Duration = Duration::from_secs(30);

/// `VIUA_LIBRARY_PATH` for every tool run. The README asks for the standard library followed
/// by `.`; our standard modules are built into the VM, so the directory holding the
/// test-fixture native modules (RUNTIME.md §9.8, installed once per run by [`run`]) comes
/// first instead. Until [`run`] sets it: `.` alone.
static LIBRARY_PATH: OnceLock<String> = OnceLock::new();

fn library_path() -> &'static str {
    LIBRARY_PATH.get().map_or(".", String::as_str)
}

/// How many output lines a failure report quotes.
const EXCERPT_LINES: usize = 12;

/// Totals of a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// Cases whose tools checks pass (the tools floor).
    pub tools_ok: usize,
    pub tools_failed: usize,
    /// Cases with a run whose run passes (the run floor).
    pub ran_ok: usize,
    pub run_failed: usize,
    /// Cases passing completely: tools checks and, if there is one, the run.
    pub fully_passed: usize,
}

impl Summary {
    fn add(&mut self, outcome: &Outcome) {
        let tools_ok = matches!(outcome.tools, Check::Passed);
        if tools_ok {
            self.tools_ok += 1;
        } else {
            self.tools_failed += 1;
        }
        match outcome.run {
            Check::Passed => self.ran_ok += 1,
            Check::Failed(_) => self.run_failed += 1,
            Check::Absent => {}
        }
        if tools_ok && !matches!(outcome.run, Check::Failed(_)) {
            self.fully_passed += 1;
        }
    }

    fn line(&self) -> String {
        let mut line = format!(
            "{} tools ok, {} ran ok, {} run failures",
            self.tools_ok, self.ran_ok, self.run_failed
        );
        if self.tools_failed > 0 {
            line.push_str(&format!(", {} tools failures", self.tools_failed));
        }
        line
    }
}

/// `cargo xtask conformance [-v] [--keep] [--viua PATH] [DIR...]`.
pub fn command(args: &[String]) -> Result<()> {
    let mut verbose = false;
    let mut keep = false;
    let mut viua = None;
    let mut dirs = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-v" | "--verbose" => verbose = true,
            "--keep" => keep = true,
            "--viua" => viua = Some(PathBuf::from(args.next().context("--viua needs a path")?)),
            flag if flag.starts_with('-') => bail!("unknown option: {flag}"),
            dir => dirs.push(PathBuf::from(dir)),
        }
    }
    if dirs.is_empty() {
        dirs = default_suites();
    }
    let viua = match viua {
        Some(path) => path,
        None => crate::build_viua(false)?,
    };
    run(&viua, &dirs, verbose, keep)?;
    Ok(())
}

/// The project's own `conformance/` and the shared suite beside the repository, when present.
pub fn default_suites() -> Vec<PathBuf> {
    let root = crate::root();
    [root.join("conformance"), root.join("../shared/conformance")]
        .into_iter()
        .filter(|dir| dir.is_dir())
        .map(|dir| dir.canonicalize().unwrap_or(dir))
        .collect()
}

/// Runs every case under `dirs` with the `viua` binary at `viua`; prints one line per folder
/// and a closing total.
pub fn run(viua: &Path, dirs: &[PathBuf], verbose: bool, keep: bool) -> Result<Summary> {
    let mut folders = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            bail!("{}: not a directory", dir.display());
        }
        folders.extend(find_folders(dir)?);
    }
    let cases: Vec<Case> = folders
        .iter()
        .enumerate()
        .map(|(index, folder)| find_cases(index, folder))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if cases.is_empty() {
        bail!("no conformance cases under {dirs:?}");
    }

    let scratch = crate::scratch_dir("conformance")?;
    let fixtures = scratch.join("fixtures");
    crate::fixtures::install(&fixtures)?;
    let _ = LIBRARY_PATH.set(format!("{}:.", fixtures.display()));
    let started = Instant::now();
    let outcomes = run_in_parallel(viua, &scratch, &cases);

    let mut total = Summary::default();
    for (index, folder) in folders.iter().enumerate() {
        let mut summary = Summary::default();
        let mut failures = Vec::new();
        for (case, outcome) in cases
            .iter()
            .zip(&outcomes)
            .filter(|(case, _)| case.folder == index)
        {
            summary.add(outcome);
            total.add(outcome);
            for (half, check) in [("tools", &outcome.tools), ("run", &outcome.run)] {
                if let Check::Failed(reason) = check {
                    failures.push((case, half, reason));
                }
            }
        }
        println!("{}: {}", folder.label, summary.line());
        if verbose {
            for (case, half, reason) in failures {
                println!(
                    "  FAILED {} {}/{}: {}",
                    half,
                    folder.label,
                    case.name,
                    reason.replace('\n', "\n    ")
                );
            }
        }
    }
    println!(
        "total: {}; {} cases fully pass ({:.1} s)",
        total.line(),
        total.fully_passed,
        started.elapsed().as_secs_f64()
    );
    if keep {
        println!("scratch copies kept in {}", scratch.display());
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(total)
}

/// A folder of cases (`basics`, `linking`, …).
struct Folder {
    label: String,
    path: PathBuf,
}

/// One case: `NAME.asm` with sidecars, or a multi-file folder `NAME/` with a `build` file.
struct Case {
    folder: usize,
    name: String,
    kind: CaseKind,
    /// Where the sidecar files (`NAME.flags`, `NAME.asmerr`, …) sit.
    dir: PathBuf,
}

enum CaseKind {
    Single,
    Built,
}

/// The result of one half of a case.
enum Check {
    Passed,
    Failed(String),
    /// Nothing to check: an `.asmerr` case or a build without a `run` step has no run.
    Absent,
}

struct Outcome {
    tools: Check,
    run: Check,
}

/// `dir` is either a folder of cases itself, or a suite whose subdirectories are folders.
fn find_folders(dir: &Path) -> Result<Vec<Folder>> {
    let label = |path: &Path| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    if is_case_folder(dir)? {
        return Ok(vec![Folder {
            label: label(dir),
            path: dir.to_path_buf(),
        }]);
    }
    let mut folders = Vec::new();
    for path in sorted_entries(dir)? {
        if path.is_dir() && is_case_folder(&path)? {
            folders.push(Folder {
                label: label(&path),
                path,
            });
        }
    }
    Ok(folders)
}

fn is_case_folder(dir: &Path) -> Result<bool> {
    Ok(sorted_entries(dir)?
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "asm") || p.join("build").is_file()))
}

fn find_cases(index: usize, folder: &Folder) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for path in sorted_entries(&folder.path)? {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let kind = if path.is_dir() && path.join("build").is_file() {
            CaseKind::Built
        } else if path.is_file() && path.extension().is_some_and(|e| e == "asm") {
            CaseKind::Single
        } else {
            continue;
        };
        let name = name.strip_suffix(".asm").unwrap_or(&name).to_string();
        cases.push(Case {
            folder: index,
            name,
            kind,
            dir: folder.path.clone(),
        });
    }
    Ok(cases)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("could not read {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

/// Runs the cases on as many threads as there are cores; outcomes come back in case order.
fn run_in_parallel(viua: &Path, scratch: &Path, cases: &[Case]) -> Vec<Outcome> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(cases.len());
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..cases.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(index) else { break };
                let work = scratch.join(format!("{index:04}-{}", case.name));
                let outcome = run_case(viua, case, &work).unwrap_or_else(|e| Outcome {
                    tools: Check::Failed(format!("runner error: {e:#}")),
                    run: Check::Absent,
                });
                outcomes.lock().unwrap()[index] = Some(outcome);
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|o| o.expect("every case ran"))
        .collect()
}

fn run_case(viua: &Path, case: &Case, work: &Path) -> Result<Outcome> {
    std::fs::create_dir_all(work)?;
    let sidecar = |extension: &str| case.dir.join(format!("{}.{extension}", case.name));
    let expected_error = read_optional(&sidecar("asmerr"))?;
    let expected_run = run::Expectation::read(sidecar)?;
    let tools = Tools { viua, dir: work };
    match case.kind {
        CaseKind::Single => {
            let source = format!("{}.asm", case.name);
            std::fs::copy(case.dir.join(&source), work.join(&source))?;
            let flags: Vec<String> = read_optional(&sidecar("flags"))?
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect();
            let bytecode = format!("{}.bc", case.name);
            let mut args = vec!["asm".to_string()];
            args.extend(flags.iter().cloned());
            args.extend(["-o".to_string(), bytecode.clone(), source.clone()]);
            let assembled = tools.run(&args)?;
            if let Some(expected) = expected_error {
                // The README's FILE substitution: the source path as we passed it.
                let output = assembled.output.replace(&source, "FILE");
                return Ok(Outcome {
                    tools: expect_rejection(&assembled, &output, &expected),
                    run: Check::Absent,
                });
            }
            if assembled.code != Some(0) {
                return Ok(Outcome {
                    tools: failed(
                        &format!("assembly failed ({})", assembled.status()),
                        &assembled.output,
                    ),
                    run: not_run(expected_run.as_ref()),
                });
            }
            let round_trip = round_trip(&tools, &bytecode, &flags, &[], &source)?;
            let run_args: Vec<String> = read_optional(&sidecar("args"))?
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect();
            let run = match &expected_run {
                Some(expected) => run::check_run(viua, work, &bytecode, &run_args, expected)?,
                None => Check::Absent,
            };
            Ok(Outcome {
                tools: round_trip,
                run,
            })
        }
        CaseKind::Built => {
            copy_tree(&case.dir.join(&case.name), work)?;
            run_build(
                &tools,
                &std::fs::read_to_string(work.join("build"))?,
                expected_error.as_deref(),
                expected_run.as_ref(),
            )
        }
    }
}

/// The run half of a case whose tools checks stopped before there was anything to run.
fn not_run(expected: Option<&run::Expectation>) -> Check {
    match expected {
        Some(_) => Check::Failed("not run: the tools checks failed first".into()),
        None => Check::Absent,
    }
}

/// A multi-file case: its `asm` steps in order; the executable of the final `run` step is
/// round-tripped through `dis` (reassembled with its producing step's flags), then run.
fn run_build(
    tools: &Tools,
    build: &str,
    expected_error: Option<&str>,
    expected_run: Option<&run::Expectation>,
) -> Result<Outcome> {
    let mut run_step = None;
    let built = build_steps(tools, build, expected_error, &mut run_step)?;
    let run = match (&built, run_step, expected_run) {
        (Check::Failed(_), _, expected) => not_run(expected),
        (_, Some(step), Some(expected)) => {
            run::check_run(tools.viua, tools.dir, &step[1], &step[2..], expected)?
        }
        (_, None, Some(_)) => Check::Failed("the build has no `run FILE.bc` step".into()),
        (_, _, None) => Check::Absent,
    };
    Ok(Outcome { tools: built, run })
}

/// The `asm` steps of a build and the round trip of its executable; `run_step` receives the
/// words of the `run` step, if any.
fn build_steps(
    tools: &Tools,
    build: &str,
    expected_error: Option<&str>,
    run_step: &mut Option<Vec<String>>,
) -> Result<Check> {
    let mut steps: Vec<Vec<String>> = Vec::new();
    let mut run_target = None;
    for line in build
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        match words[0].as_str() {
            "asm" => {
                let assembled = tools.run(&words)?;
                if assembled.code != Some(0) {
                    return Ok(match expected_error {
                        Some(expected) => expect_rejection(&assembled, &assembled.output, expected),
                        None => failed(
                            &format!("`{line}` failed ({})", assembled.status()),
                            &assembled.output,
                        ),
                    });
                }
                steps.push(words);
            }
            "run" => {
                run_target = words.get(1).cloned();
                if run_target.is_some() {
                    *run_step = Some(words.clone());
                }
            }
            other => return Ok(Check::Failed(format!("unknown build step `{other}`"))),
        }
    }
    if expected_error.is_some() {
        return Ok(Check::Failed(
            "every asm step succeeded, but an assembler error was expected".into(),
        ));
    }
    let Some(target) = run_target else {
        return Ok(Check::Passed);
    };
    let Some(producer) = steps
        .iter()
        .find(|step| output_of(step) == Some(target.as_str()))
    else {
        return Ok(Check::Failed(format!("no asm step builds {target}")));
    };
    // Reassemble with the producing step's flags, the listing in place of its source. The
    // modules it linked are not given again: the listing carries the linked code itself
    // (`[[linked_from{"PATH"}]]` definitions), so linking them again would duplicate it.
    let mut flags = Vec::new();
    let mut source = None;
    let mut words = producer[1..].iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "-o" | "--out" => {
                words.next();
            }
            w if w.starts_with("--out=") => {}
            w if w.starts_with('-') => flags.push(w.to_string()),
            w if source.is_none() => source = Some(w.to_string()),
            _ => {}
        }
    }
    round_trip(
        tools,
        &target,
        &flags,
        &[],
        source.as_deref().unwrap_or("its source"),
    )
}

/// The `-o` value of an `asm` step.
fn output_of(step: &[String]) -> Option<&str> {
    let mut words = step.iter();
    while let Some(word) = words.next() {
        if word == "-o" || word == "--out" {
            return words.next().map(String::as_str);
        }
        if let Some(path) = word.strip_prefix("--out=") {
            return Some(path);
        }
    }
    None
}

/// `dis -o RT.asm BC` then `asm --no-sa FLAGS -o RT.bc RT.asm [MODULES]` must rebuild BC
/// exactly (`MODULES`: extra modules to link; none for listings, which are self-contained).
fn round_trip(
    tools: &Tools,
    bytecode: &str,
    flags: &[String],
    modules: &[String],
    source: &str,
) -> Result<Check> {
    let original = match std::fs::read(tools.dir.join(bytecode)) {
        Ok(bytes) => bytes,
        Err(_) => {
            return Ok(Check::Failed(format!(
                "the assembler reported success but wrote no {bytecode}"
            )))
        }
    };
    let dis = tools.run(&["dis", "-o", "RT.asm", bytecode].map(String::from))?;
    if dis.code != Some(0) {
        return Ok(failed(
            &format!("dis failed ({})", dis.status()),
            &dis.output,
        ));
    }
    let listing = std::fs::read_to_string(tools.dir.join("RT.asm")).unwrap_or_default();
    // Every executable has at least its main function, so an empty listing is a failure,
    // not a vacuous round trip.
    if !listing.contains(".function:") {
        return Ok(failed("the disassembly has no functions", &listing));
    }
    let mut args = vec!["asm".to_string(), "--no-sa".to_string()];
    args.extend(flags.iter().filter(|f| *f != "--no-sa").cloned());
    args.extend(["-o", "RT.bc", "RT.asm"].map(String::from));
    args.extend(modules.iter().cloned());
    let reassembled = tools.run(&args)?;
    if reassembled.code != Some(0) {
        return Ok(failed(
            &format!(
                "reassembling the disassembly of {source} failed ({})",
                reassembled.status()
            ),
            &reassembled.output,
        ));
    }
    let again = std::fs::read(tools.dir.join("RT.bc")).unwrap_or_default();
    if again != original {
        let at = original
            .iter()
            .zip(&again)
            .position(|(a, b)| a != b)
            .unwrap_or(original.len().min(again.len()));
        return Ok(Check::Failed(format!(
            "round trip differs: {bytecode} has {} bytes, RT.bc {} bytes, first difference at byte {at}",
            original.len(),
            again.len()
        )));
    }
    Ok(Check::Passed)
}

/// The assembler must exit with 1 and print every expected line, in order, as a whole line.
fn expect_rejection(run: &ToolRun, output: &str, expected: &str) -> Check {
    if run.code != Some(1) {
        return failed(
            &format!("expected the assembler to exit with 1, it {}", run.status()),
            output,
        );
    }
    let mut lines = output.lines().map(str::trim_end);
    for want in expected
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
    {
        if !lines.any(|line| line == want) {
            return failed(
                &format!("missing (or out of order) expected line: {want}"),
                output,
            );
        }
    }
    Check::Passed
}

fn failed(reason: &str, output: &str) -> Check {
    Check::Failed(format!("{reason}{}", excerpt(output)))
}

/// The first lines of an output, each on its own `| ` line.
fn excerpt(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let mut text = String::new();
    for line in lines.iter().take(EXCERPT_LINES) {
        text.push_str("\n| ");
        text.push_str(line);
    }
    if lines.len() > EXCERPT_LINES {
        text.push_str(&format!("\n| … {} more lines", lines.len() - EXCERPT_LINES));
    }
    text
}

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("could not read {}", path.display())),
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for path in sorted_entries(from)? {
        let target = to.join(path.file_name().expect("entries have names"));
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .with_context(|| format!("could not copy {}", path.display()))?;
        }
    }
    Ok(())
}

/// Runs `viua` in a case's scratch directory.
struct Tools<'a> {
    viua: &'a Path,
    dir: &'a Path,
}

struct ToolRun {
    /// `None` when killed (by a signal or our timeout).
    code: Option<i32>,
    timed_out: bool,
    /// Standard output and standard error together, interleaved as written.
    output: String,
}

impl ToolRun {
    fn status(&self) -> String {
        match (self.timed_out, self.code) {
            (true, _) => format!("timed out after {} s", TOOL_TIMEOUT.as_secs()),
            (false, Some(code)) => format!("exited with {code}"),
            (false, None) => "was killed by a signal".to_string(),
        }
    }
}

impl Tools<'_> {
    fn run(&self, args: &[String]) -> Result<ToolRun> {
        // Both streams go to one file through one shared descriptor, so their lines stay in
        // the order the tool wrote them (the README compares them together). The log sits
        // beside the working directory so the case cannot trip over it.
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let log_path = self
            .dir
            .with_extension(format!("{}.log", RUNS.fetch_add(1, Ordering::Relaxed)));
        let log = std::fs::File::create(&log_path)?;
        let mut child = Command::new(self.viua)
            .args(args)
            .current_dir(self.dir)
            .env("VIUA_LIBRARY_PATH", library_path())
            .env("VIUAVM_ASM_COLOUR", "never")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("could not start {}", self.viua.display()))?;
        let started = Instant::now();
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > TOOL_TIMEOUT {
                timed_out = true;
                let _ = child.kill();
                break child.wait()?;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let output = String::from_utf8_lossy(&std::fs::read(&log_path)?).into_owned();
        Ok(ToolRun {
            code: status.code(),
            timed_out,
            output,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_lines_must_appear_in_order_as_whole_lines() {
        let run = ToolRun {
            code: Some(1),
            timed_out: false,
            output: String::new(),
        };
        let output = "FILE:3:5: error: unknown instruction\n            ^ did you mean 'print'?\n\nFILE:1:12: error: in function main/0\n";
        assert!(matches!(
            expect_rejection(
                &run,
                output,
                "FILE:3:5: error: unknown instruction\nFILE:1:12: error: in function main/0\n"
            ),
            Check::Passed
        ));
        assert!(matches!(
            expect_rejection(
                &run,
                output,
                "FILE:1:12: error: in function main/0\nFILE:3:5: error: unknown instruction\n"
            ),
            Check::Failed(_)
        ));
        assert!(matches!(
            expect_rejection(&run, output, "error: unknown instruction"),
            Check::Failed(_)
        ));
        let accepted = ToolRun {
            code: Some(0),
            timed_out: false,
            output: String::new(),
        };
        assert!(matches!(
            expect_rejection(&accepted, output, "FILE:3:5: error: unknown instruction"),
            Check::Failed(_)
        ));
    }

    #[test]
    fn output_of_finds_the_o_value() {
        let step: Vec<String> = "asm -c -o greeter.module greeter.asm"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(output_of(&step), Some("greeter.module"));
        let step: Vec<String> = "asm --out=x.bc x.asm"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(output_of(&step), Some("x.bc"));
    }
}
