//! The test-fixture native modules (RUNTIME.md §9.8) and how to put them on a library path.
//!
//! The fixtures are `cdylib` workspace members under `viua-ffi/fixtures/` (so a plain
//! `cargo build` produces `target/<profile>/libWorld.so` etc.). The VM's module search looks
//! for `DIR/World.so`, so [`install`] builds them (`cargo build -p …`, honouring
//! `CARGO_TARGET_DIR`; a no-op when they are up to date) and copies each
//! `libNAME.so` to `DIR/NAME.so`. Tests call it with a scratch directory that they then put
//! into `VIUA_LIBRARY_PATH`; from the shell:
//! `cargo build -p viua-fixture-world && cp target/debug/libWorld.so DIR/World.so`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// (package, module name) of every fixture: `libNAME.so` is installed as `NAME.so`.
pub const FIXTURES: &[(&str, &str)] = &[
    ("viua-fixture-world", "World"),
    ("viua-fixture-math", "math"),
    ("viua-fixture-printer", "printer"),
    ("viua-fixture-sleeper", "sleeper"),
    ("viua-fixture-throwing", "throwing"),
    ("viua-fixture-probe", "probe"),
    ("viua-fixture-bad-abi", "bad_abi"),
    ("viua-fixture-no-interface", "no_interface"),
];

/// The modules RUNTIME.md §9.8 lists (the others exist for viua-ffi's own tests).
pub const SPEC_FIXTURES: &[&str] = &["World", "math", "printer", "sleeper", "throwing"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("viua-ffi sits in the workspace")
        .to_path_buf()
}

/// The string items of the JSON array `"filenames":[…]` in one line of cargo's messages.
fn filenames(line: &str) -> Vec<String> {
    let Some(start) = line.find("\"filenames\":[") else {
        return Vec::new();
    };
    let rest = &line[start + "\"filenames\":[".len()..];
    let Some(end) = rest.find(']') else {
        return Vec::new();
    };
    rest[..end]
        .split(',')
        .map(|s| s.trim().trim_matches('"').replace("\\\\", "\\"))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Builds every fixture (once per process); returns the path of each `libNAME.so` by
/// module name.
pub fn build() -> Result<Vec<(String, PathBuf)>, String> {
    static BUILT: OnceLock<Result<Vec<(String, PathBuf)>, String>> = OnceLock::new();
    BUILT.get_or_init(build_now).clone()
}

fn build_now() -> Result<Vec<(String, PathBuf)>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace())
        .args(["build", "--message-format=json-render-diagnostics"]);
    for (package, _) in FIXTURES {
        command.args(["-p", package]);
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{command:?} failed ({})", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let files: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
        .flat_map(filenames)
        .collect();
    FIXTURES
        .iter()
        .map(|(package, module)| {
            let file = format!("lib{module}.so");
            files
                .iter()
                .find(|f| f.ends_with(&format!("/{file}")))
                .map(|f| (module.to_string(), PathBuf::from(f)))
                .ok_or_else(|| format!("cargo did not report {file} for {package}"))
        })
        .collect()
}

/// Builds the fixtures and installs each as `dir/NAME.so`; returns the installed paths.
pub fn install(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut installed = Vec::new();
    for (module, built) in build()? {
        let target = dir.join(format!("{module}.so"));
        let partial = dir.join(format!(".{module}.so.partial"));
        std::fs::copy(&built, &partial)
            .and_then(|_| std::fs::rename(&partial, &target))
            .map_err(|e| format!("{} → {}: {e}", built.display(), target.display()))?;
        installed.push(target);
    }
    Ok(installed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn filenames_are_read_from_cargo_messages() {
        let line =
            r#"{"reason":"compiler-artifact","filenames":["/t/debug/libWorld.so","/t/x"],"x":1}"#;
        assert_eq!(
            super::filenames(line),
            vec!["/t/debug/libWorld.so".to_string(), "/t/x".to_string()]
        );
        assert!(super::filenames("{}").is_empty());
    }
}
