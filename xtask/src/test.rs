//! `cargo xtask test`: what CI runs after fmt and clippy.
//!
//! The workspace tests, then the conformance suites against two floors kept in the repository:
//! the number of cases whose tools checks pass (`xtask/conformance-floor.txt`) and the number
//! of cases whose run passes (`xtask/conformance-run-floor.txt`). Whoever lands work that passes
//! more cases raises the floor in the same change, so a regression cannot slip in unnoticed.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::conformance;

const TOOLS_FLOOR_FILE: &str = "xtask/conformance-floor.txt";
const RUN_FLOOR_FILE: &str = "xtask/conformance-run-floor.txt";

pub fn run() -> Result<()> {
    crate::run_inherited(crate::cargo().args(["test", "--workspace", "--no-fail-fast"]))?;
    let viua = crate::build_viua(false)?;
    let suites = conformance::default_suites();
    if suites.is_empty() {
        bail!("no conformance suites found (expected conformance/ or ../shared/conformance)");
    }
    let tools_floor = read_floor(TOOLS_FLOOR_FILE)?;
    let run_floor = read_floor(RUN_FLOOR_FILE)?;
    let summary = conformance::run(&viua, &suites, false, false)?;
    let mut below = Vec::new();
    for (what, count, floor, file) in [
        (
            "tools checks",
            summary.tools_ok,
            tools_floor,
            TOOLS_FLOOR_FILE,
        ),
        ("runs", summary.ran_ok, run_floor, RUN_FLOOR_FILE),
    ] {
        if count < floor {
            below.push(format!(
                "{count} cases pass their {what}, below the floor of {floor} in {file}"
            ));
        } else if count > floor {
            println!(
                "conformance: {count} cases pass their {what}; raise the floor in {file} from \
                 {floor} to {count}"
            );
        }
    }
    if !below.is_empty() {
        bail!(
            "conformance: {} (`cargo xtask conformance -v` lists the failures)",
            below.join("; ")
        );
    }
    Ok(())
}

/// A floor: the first line that is not empty or a `#` comment, as a number.
fn read_floor(file: &str) -> Result<usize> {
    let path = crate::root().join(file);
    let text = std::fs::read_to_string(Path::new(&path))
        .with_context(|| format!("could not read {}", path.display()))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .with_context(|| format!("{file} holds no number"))?;
    line.parse()
        .with_context(|| format!("{file}: `{line}` is not a number"))
}
