//! `cargo xtask fixtures DIR`: builds the test-fixture native modules (RUNTIME.md §9.8,
//! `viua-ffi/fixtures/`) and installs each `libNAME.so` as `DIR/NAME.so`, the file the VM's
//! module search looks for once DIR is in `VIUA_LIBRARY_PATH`. Tests do the same through
//! `viua_ffi::fixtures::install`; keep the two lists in step.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};

/// (package, module name): `libNAME.so` becomes `NAME.so`.
const FIXTURES: &[(&str, &str)] = &[
    ("viua-fixture-world", "World"),
    ("viua-fixture-math", "math"),
    ("viua-fixture-printer", "printer"),
    ("viua-fixture-sleeper", "sleeper"),
    ("viua-fixture-throwing", "throwing"),
    ("viua-fixture-probe", "probe"),
    ("viua-fixture-bad-abi", "bad_abi"),
    ("viua-fixture-no-interface", "no_interface"),
];

pub fn command(rest: &[String]) -> Result<()> {
    let [dir] = rest else {
        bail!("usage: cargo xtask fixtures DIR");
    };
    for path in install(Path::new(dir))? {
        println!("{}", path.display());
    }
    Ok(())
}

/// Builds the fixtures and copies them into `dir`; returns the installed files.
pub fn install(dir: &Path) -> Result<Vec<PathBuf>> {
    install_built(dir, false)
}

/// [`install`], optionally of a release build (for benchmarks).
pub fn install_built(dir: &Path, release: bool) -> Result<Vec<PathBuf>> {
    let mut command = crate::cargo();
    command.args(["build", "--message-format=json-render-diagnostics"]);
    if release {
        command.arg("--release");
    }
    for (package, _) in FIXTURES {
        command.args(["--package", package]);
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start {command:?}"))?;
    if !output.status.success() {
        bail!("building the native fixtures failed ({})", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let mut installed = Vec::new();
    for (package, module) in FIXTURES {
        let file = format!("lib{module}.so");
        let built = stdout
            .lines()
            .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
            .find_map(|l| {
                let end = l.find(&format!("/{file}\""))? + file.len() + 1;
                let start = l[..end].rfind('"')? + 1;
                Some(PathBuf::from(&l[start..end]))
            })
            .with_context(|| format!("cargo did not report {file} for {package}"))?;
        let target = dir.join(format!("{module}.so"));
        std::fs::copy(&built, &target).with_context(|| {
            format!("could not copy {} to {}", built.display(), target.display())
        })?;
        installed.push(target);
    }
    Ok(installed)
}
