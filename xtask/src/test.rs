//! `cargo xtask test`: what CI runs after fmt and clippy.
//!
//! The workspace tests, then the conformance suites. The number of passing cases may not fall
//! below the floor kept in `xtask/conformance-floor.txt`; whoever lands work that passes more
//! cases raises the floor in the same change, so a regression cannot slip in unnoticed.

use anyhow::{bail, Context, Result};

use crate::conformance;

const FLOOR_FILE: &str = "xtask/conformance-floor.txt";

pub fn run() -> Result<()> {
    crate::run_inherited(crate::cargo().args(["test", "--workspace", "--no-fail-fast"]))?;
    let viua = crate::build_viua(false)?;
    let suites = conformance::default_suites();
    if suites.is_empty() {
        bail!("no conformance suites found (expected conformance/ or ../shared/conformance)");
    }
    let floor = read_floor()?;
    let summary = conformance::run(&viua, &suites, false, false)?;
    if summary.passed < floor {
        bail!(
            "conformance: {} cases passed, below the floor of {floor} in {FLOOR_FILE} \
             (`cargo xtask conformance -v` lists the failures)",
            summary.passed
        );
    }
    if summary.passed > floor {
        println!(
            "conformance: {} cases pass; raise the floor in {FLOOR_FILE} from {floor} to {}",
            summary.passed, summary.passed
        );
    }
    Ok(())
}

/// The floor: the first line that is not empty or a `#` comment, as a number.
fn read_floor() -> Result<usize> {
    let path = crate::root().join(FLOOR_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .with_context(|| format!("{FLOOR_FILE} holds no number"))?;
    line.parse()
        .with_context(|| format!("{FLOOR_FILE}: `{line}` is not a number"))
}
