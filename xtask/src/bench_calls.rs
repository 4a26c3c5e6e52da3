//! The foreign-call figure of `cargo xtask bench io`: what one `call` of a trivial
//! third-party foreign function costs, loaded through the C ABI from a test-fixture module
//! (`math::sqrt/1`, marked non-blocking, so it runs inline; `probe::complain/1` with an empty
//! message, not marked, so it makes the round trip through the FFI pool), beside a call of
//! an empty Viua function for reference. Each runs in a Viua loop (`xtask/bench-io/calls.asm`)
//! under a release build of `viua run`; the loop without a call is timed too and subtracted.
//! Best of 3 wall times. Target: ≤ 10 µs per round trip.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const RUNS: usize = 3;
const TARGET_US: f64 = 10.0;

/// (label, imported module, loop body, iterations).
const CASES: &[(&str, &str, &str, u64)] = &[
    (
        "Viua function noop/1",
        "",
        "frame %1\nmove %0 arguments (float %5 local 2.25) local\ncall void noop/1",
        1_000_000,
    ),
    (
        "math::sqrt/1 (C ABI, inline)",
        "import math",
        "frame %1\nmove %0 arguments (float %5 local 2.25) local\ncall %4 local math::sqrt/1",
        1_000_000,
    ),
    (
        "probe::complain/1 (C ABI, FFI pool)",
        "import probe",
        "frame %1\nmove %0 arguments (string %5 local \"\") local\ncall void probe::complain/1",
        100_000,
    ),
];

pub fn calls(viua: &Path) -> Result<()> {
    let dir = crate::scratch_dir("bench-calls")?;
    let library = dir.join("lib");
    crate::fixtures::install_built(&library, true)?;
    println!();
    println!(
        "{:<38} {:>12} {:>10}",
        "foreign-call cost", "calls/s", "µs/call"
    );
    for &(label, import, body, count) in CASES {
        let baseline = best(viua, &dir, &library, "", "", count)?;
        let timed = best(viua, &dir, &library, import, body, count)?;
        let per_call = timed.saturating_sub(baseline).as_secs_f64() / count as f64;
        let us = per_call * 1e6;
        let mark = if label.starts_with("Viua") {
            "(reference)".to_string()
        } else if us <= TARGET_US {
            format!("ok (target ≤ {TARGET_US} µs)")
        } else {
            format!("MISSED (target ≤ {TARGET_US} µs)")
        };
        println!(
            "{label:<38} {:>12.0} {:>10.3}  {mark}",
            1.0 / per_call.max(1e-12),
            us
        );
    }
    Ok(())
}

/// The best wall time of `viua run` over [`RUNS`] runs of the loop.
fn best(
    viua: &Path,
    dir: &Path,
    library: &Path,
    import: &str,
    body: &str,
    count: u64,
) -> Result<Duration> {
    let source = include_str!("../bench-io/calls.asm")
        .replace("COUNT", &count.to_string())
        .replace("IMPORT", import)
        .replace("BODY", body);
    std::fs::write(dir.join("calls.asm"), source)?;
    let assembled = Command::new(viua)
        .args(["asm", "-o", "calls.bc", "calls.asm"])
        .current_dir(dir)
        .output()?;
    if !assembled.status.success() {
        bail!(
            "viua asm failed:\n{}{}",
            String::from_utf8_lossy(&assembled.stdout),
            String::from_utf8_lossy(&assembled.stderr)
        );
    }
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        let run = Command::new(viua)
            .args(["run", "calls.bc"])
            .current_dir(dir)
            .env("VIUA_LIBRARY_PATH", format!("{}:.", library.display()))
            .output()
            .context("running viua")?;
        let elapsed = start.elapsed();
        if !run.status.success() || String::from_utf8_lossy(&run.stdout).trim() != count.to_string()
        {
            bail!(
                "the call loop failed:\n{}{}",
                String::from_utf8_lossy(&run.stdout),
                String::from_utf8_lossy(&run.stderr)
            );
        }
        best = best.min(elapsed);
    }
    Ok(best)
}
