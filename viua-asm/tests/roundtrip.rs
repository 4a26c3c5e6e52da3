//! The assemble → disassemble → assemble round trip (ASSEMBLY.md §8.4, conformance README):
//! for every conformance program that assembles, and for the tricky sources below,
//! `encode(assemble(src)) == encode(assemble(disassemble(assemble(src))))`, both assemblies
//! with `--no-sa` (attributes such as `[[no_sa]]` do not survive assembly).
//!
//! Programs that do not assemble in the first place (assembler gaps, `std::*` imports without a
//! standard library) are counted and skipped: they are not round-trip failures.

use std::path::{Path, PathBuf};

use viua_asm::{assemble, disassemble, DisOptions, Options};
use viua_bytecode::{encode, Module};

const CONFORMANCE: &str = "/work/shared/conformance";

/// Literals and layouts that 0.13's disassembler gets wrong, plus one of every operand kind.
const TRICKY_LITERALS: &str = r#"
.info: banner "two\nlines \"quoted\" back\\slash\ttab 'single'"
.info: license "MIT"
.signature: ext::f/1
.bsignature: shared_cleanup

.block: handler
    draw %1 local
    leave
.end

.function: main/0
    allocate_registers %8 local
    string %1 local "say \"hi\" twice: \"hi\""
    string %1 local 'single "quoted" literal'
    text %2 local "back\\slash\\"
    text %2 local 'it\'s "mixed"'
    text %2 local "multi
line; -- literal"
    text %2 local "żółw \x41B \101"
    text %2 local %1 local
    atom %3 local 'say "hi"'
    atom %3 local 'it\'s'
    float %4 local 98765.4321
    float %4 local 0.1
    float %4 local -0.0
    float %4 local 1000000.0
    float %4 local 123456789012345678901234567890.5
    float %4 local 0.000000000000000000001
    float %4 local 7
    bits %5 local 0x000000ff
    bits %5 local 0b000000000000000000000001
    bits %5 local 0b0000000000000000000000000000000011111111
    bits %5 local 0xdeadbeef
    bits %5 local 0o17
    bits %5 local 0b1
    integer %6 local -2147483648
    .mark: top
    try
    catch "Integer" handler
    enter handler
    receive void 3s
    receive %7 local infinity
    if %6 local top +1
    jump 0x6
    closure %7 local adder/1
    capture %7 local %1 %6 local
    capturecopy %7 local %2 %6 local
    capturemove %7 local %3 %6 local
    frame %1
    copy %0 arguments %6 local
    call %6 local %7 local
    frame %0
    call void tail/0
    frame %0
    process %6 local tail/0
    join void %6 local 250ms
    import some::module
    izero %0 local
    return
.end

.function: tail/0
    allocate_registers %2 local
    function %1 local main/0
    frame %0
    tailcall %1 local
.end

.closure: adder/1
    allocate_registers %2 local
    return
.end
"#;

/// Assembles, disassembles and reassembles; `Err` explains a round-trip failure.
fn round_trip(module: &Module, library_path: &[PathBuf]) -> Result<(), String> {
    let listing = disassemble(module, &DisOptions::default()).map_err(|e| format!("dis: {e}"))?;
    let options = Options {
        no_sa: true,
        library_path: library_path.to_vec(),
        ..Options::default()
    };
    let again = assemble("RT.asm", &listing, &options)
        .map_err(|d| format!("reassembly: {}\n--- listing ---\n{listing}", d.message()))?;
    if module.functions.iter().all(|f| f.code.is_empty()) {
        return Err(format!(
            "the module has no code to round-trip\n--- listing ---\n{listing}"
        ));
    }
    if encode(&again.module) != encode(module) {
        return Err(format!("bytes differ\n--- listing ---\n{listing}"));
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    round_tripped: usize,
    not_assembled: Vec<String>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, case: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.round_tripped += 1,
            Err(e) => self.failures.push(format!("{case}: {e}")),
        }
    }

    fn finish(self, what: &str) {
        eprintln!(
            "{what}: {} round-tripped, {} did not assemble, {} failed",
            self.round_tripped,
            self.not_assembled.len(),
            self.failures.len()
        );
        for case in &self.not_assembled {
            eprintln!("  did not assemble: {case}");
        }
        assert!(
            self.failures.is_empty(),
            "round-trip failures:\n{}",
            self.failures.join("\n\n")
        );
    }
}

#[test]
fn tricky_literals_round_trip() {
    let options = Options {
        no_sa: true,
        ..Options::default()
    };
    let mut tally = Tally::default();
    match assemble("tricky.asm", TRICKY_LITERALS, &options) {
        Ok(out) => tally.record("tricky.asm", round_trip(&out.module, &[])),
        Err(d) => tally
            .not_assembled
            .push(format!("tricky.asm: {}", d.message())),
    }
    tally.finish("tricky literals");
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

#[test]
fn conformance_programs_round_trip() {
    let root = Path::new(CONFORMANCE);
    if !root.is_dir() {
        eprintln!("{CONFORMANCE} is absent; skipping");
        return;
    }
    let options = Options {
        no_sa: true,
        ..Options::default()
    };
    let mut tally = Tally::default();
    for area in sorted_entries(root).into_iter().filter(|p| p.is_dir()) {
        for case in sorted_entries(&area) {
            if case.extension() != Some(std::ffi::OsStr::new("asm"))
                || case.with_extension("asmerr").exists()
            {
                continue;
            }
            let name = case
                .strip_prefix(root)
                .unwrap_or(&case)
                .display()
                .to_string();
            let Ok(source) = std::fs::read_to_string(&case) else {
                continue;
            };
            let library_path = vec![area.clone()];
            let options = Options {
                library_path: library_path.clone(),
                ..options.clone()
            };
            match assemble(&name, &source, &options) {
                Ok(out) => tally.record(&name, round_trip(&out.module, &library_path)),
                Err(d) => tally.not_assembled.push(format!("{name}: {}", d.message())),
            }
        }
    }
    tally.finish("conformance single-file cases");
}

/// The multi-file cases of `linking/`: run the `asm` steps of `build` in a scratch copy of the
/// case folder and round-trip the executable the last one produces.
#[test]
fn conformance_linking_round_trips() {
    let root = Path::new(CONFORMANCE).join("linking");
    if !root.is_dir() {
        eprintln!("{} is absent; skipping", root.display());
        return;
    }
    let scratch = std::env::temp_dir().join(format!("viua-dis-roundtrip-{}", std::process::id()));
    let mut tally = Tally::default();
    for case in sorted_entries(&root)
        .into_iter()
        .filter(|p| p.join("build").is_file())
    {
        let name = format!(
            "linking/{}",
            case.file_name().unwrap_or_default().to_string_lossy()
        );
        if case.with_extension("asmerr").exists() {
            continue;
        }
        let dir = scratch.join(case.file_name().unwrap_or_default());
        if let Err(e) = copy_dir(&case, &dir) {
            tally
                .failures
                .push(format!("{name}: could not copy the case: {e}"));
            continue;
        }
        match build_executable(&dir) {
            Ok(module) => tally.record(&name, round_trip(&module, std::slice::from_ref(&dir))),
            Err(e) => tally.not_assembled.push(format!("{name}: {e}")),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    tally.finish("conformance linking cases");
}

/// Runs every `asm` line of `dir/build`; returns the last executable assembled.
fn build_executable(dir: &Path) -> Result<Module, String> {
    let build = std::fs::read_to_string(dir.join("build")).map_err(|e| e.to_string())?;
    let mut executable = None;
    for line in build.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("asm") {
            continue;
        }
        let mut options = Options {
            no_sa: true,
            library_path: vec![dir.to_path_buf()],
            ..Options::default()
        };
        let (mut output, mut source) = (None, None);
        while let Some(word) = words.next() {
            match word {
                "-c" | "--lib" => options.library = true,
                "-o" | "--out" => output = words.next(),
                "--no-sa" => {}
                other if source.is_none() => source = Some(other),
                other => options.link.push(dir.join(other).display().to_string()),
            }
        }
        let source_name = source.ok_or_else(|| format!("no source in build step {line:?}"))?;
        let text = std::fs::read_to_string(dir.join(source_name))
            .map_err(|e| format!("{source_name}: {e}"))?;
        let out = assemble(source_name, &text, &options)
            .map_err(|d| format!("{line:?}: {}", d.message()))?;
        if let Some(output) = output {
            let path = dir.join(output);
            std::fs::write(&path, encode(&out.module))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if !options.library {
            executable = Some(out.module);
        }
    }
    executable.ok_or_else(|| "no executable in build".into())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
