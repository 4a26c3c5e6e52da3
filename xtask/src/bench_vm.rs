//! `cargo xtask bench vm`: how fast is the interpreter?
//!
//! Runs recursive fib(30) and a 10 000 000-iteration counting loop (`xtask/bench-vm/*.asm`)
//! with a release build of `viua run`, best of 3 wall times, assembly done beforehand so only
//! the VM is timed. Where `lua5.4` is on the PATH the same computations in Lua 5.4
//! (`xtask/bench-vm/*.lua`) run side by side and the ratio is printed; the target is ≤ 2×.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const RUNS: usize = 3;
const TARGET_RATIO: f64 = 2.0;

/// (name, Viua source, Lua source, expected standard output).
const PROGRAMS: &[(&str, &str, &str, &str)] = &[
    (
        "fib(30)",
        include_str!("../bench-vm/fib.asm"),
        include_str!("../bench-vm/fib.lua"),
        "832040",
    ),
    (
        "loop 10M",
        include_str!("../bench-vm/loop.asm"),
        include_str!("../bench-vm/loop.lua"),
        "10000000",
    ),
];

pub fn vm() -> Result<()> {
    let viua = crate::build_viua(true)?;
    let dir = crate::scratch_dir("bench-vm")?;
    let lua = lua_available();
    if !lua {
        println!("lua5.4 is not on the PATH: timing viua only");
    }
    println!(
        "{:<10} {:>10} {:>10} {:>8}",
        "program", "viua (s)", "lua (s)", "ratio"
    );
    for (index, (name, asm, lua_source, expected)) in PROGRAMS.iter().enumerate() {
        let source = format!("p{index}.asm");
        let bytecode = format!("p{index}.bc");
        std::fs::write(dir.join(&source), asm)?;
        let assembled = Command::new(&viua)
            .args(["asm", "-o", &bytecode, &source])
            .current_dir(&dir)
            .output()?;
        if !assembled.status.success() {
            bail!(
                "{name}: viua asm failed:\n{}",
                String::from_utf8_lossy(&assembled.stderr)
            );
        }
        let ours = best_of(&dir, expected, || {
            let mut command = Command::new(&viua);
            command.args(["run", &bytecode]);
            command
        })?;
        let (theirs, ratio) = if lua {
            let script = format!("p{index}.lua");
            std::fs::write(dir.join(&script), lua_source)?;
            let theirs = best_of(&dir, expected, || {
                let mut command = Command::new("lua5.4");
                command.arg(&script);
                command
            })?;
            let ratio = ours.as_secs_f64() / theirs.as_secs_f64().max(1e-9);
            let verdict = if ratio <= TARGET_RATIO {
                ""
            } else {
                " (target ≤ 2×: MISSED)"
            };
            (
                format!("{:.3}", theirs.as_secs_f64()),
                format!("{ratio:.2}×{verdict}"),
            )
        } else {
            ("-".to_string(), "-".to_string())
        };
        println!(
            "{name:<10} {:>10.3} {theirs:>10} {ratio:>8}",
            ours.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn lua_available() -> bool {
    Command::new("lua5.4")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The best wall time of [`RUNS`] runs; each run must print `expected`.
fn best_of(dir: &Path, expected: &str, command: impl Fn() -> Command) -> Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let mut command = command();
        let started = Instant::now();
        let output = command
            .current_dir(dir)
            .output()
            .with_context(|| format!("could not start {command:?}"))?;
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || stdout.trim_end() != expected {
            bail!(
                "{command:?} printed {:?} ({}), expected {expected:?}\n{}",
                stdout.trim_end(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        best = best.min(elapsed);
    }
    Ok(best)
}
