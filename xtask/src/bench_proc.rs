//! `cargo xtask bench proc [FILTER...]`: how do Viua processes compare with BEAM's?
//!
//! Runs the programs in `xtask/bench-proc/` with a release build of `viua run` (assembled
//! beforehand, so only the VM is timed) and, where `erl` and `erlc` are on the PATH, the same
//! computations in Erlang (`xtask/bench-proc/*.erl`, compiled once with `erlc`, run as
//! `erl +P 4194304 -noshell -pa DIR -run MODULE main ARGS…`). Then it prints one table row per
//! figure: ours, BEAM's, the ratio, the target and whether it is met. FILTER words keep only
//! the rows whose name contains one of them (`cargo xtask bench proc ring idle`).
//!
//! How each figure is measured:
//!
//! - **Wall times** (spawn + join, ping-pong, ring, scaling). Ours: the best of `RUNS` wall
//!   times of the whole `viua run`, minus the best of `RUNS` wall times of the same program
//!   with a count of 0 (start-up, loading and shut-down, a few milliseconds). BEAM's: the
//!   program times its own work with `erlang:monotonic_time` and prints the microseconds on a
//!   second output line; the best of `RUNS` is taken. The Erlang side is timed *inside* because
//!   `erl` takes 0.2–1 s to start on this machine, with a spread larger than some of the
//!   figures; BEAM's `halt()` frees nothing, so its shut-down is not measured either (ours is,
//!   in the subtraction above: freeing a million finished processes counts against us).
//! - **Memory per parked process**. Peak RSS (`ru_maxrss` from `wait4` of the child) of a run
//!   with 1 000 000 processes all parked in `receive` at once, minus the peak RSS of the same
//!   program run with 0, divided by 1 000 000. Both sides keep the PIDs (a vector, a list) to
//!   wake the processes later, so a PID's slot in it is part of the figure. For BEAM the RSS
//!   is that of the beam process (`erl` execs it, so it is the child we wait for). One run
//!   of each. (The Erlang main processes that collect a million replies keep their mailbox
//!   off-heap; with the default, every garbage collection walks the queue and 1M never ends.)
//! - **Scaling**. Two processes counting to 50 000 000 each, joined by main: wall time with
//!   one scheduler thread (`VIUA_PROC_SCHEDULERS=1`; `erl +S 1:1`) divided by the time with two
//!   (`=2`; `+S 2:2`), times as above.
//! - **Idle CPU**. Main waits 5 s in `receive` for a message that never comes. The user + sys
//!   CPU time of the whole child (`wait4` rusage) minus that of the same program waiting 0 ms,
//!   as a share of the 5 s; the least CPU time of `RUNS` runs is taken on each side of the
//!   subtraction (start-up CPU varies by a few tens of ms, which is ~1 % of the wait).
//!
//! Targets (issue 6): wall time ≤ 1.0× BEAM's; ≤ 1 KB per parked process (BEAM ~2.7 KB);
//! speed-up ≥ 1.8× on 2 cores; idle CPU ≤ 1 %. The machine is noisy and has 2 cores: the
//! figures are information, never asserted by tests. A run that fails (exit code, or not the
//! expected output) is reported with its exit status and an excerpt of its standard error, and
//! the remaining benchmarks go on. Each run is killed after `VIUA_BENCH_TIMEOUT` seconds
//! (default 300); `VIUA_BENCH_RUNS` overrides the number of runs per figure (default 3);
//! `VIUA_BENCH_KEEP=1` leaves the scratch folder (programs, bytecode, `.beam` files) in place.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

const RUNS: usize = 3;
const TIMEOUT_SECONDS: u64 = 300;
/// Room for 1 000 000 Erlang processes (the default limit is 262 144). `+P` presizes the
/// process table, which only moves the 0-process baseline that the memory figure subtracts.
const ERL_FLAGS: &[&str] = &["+P", "4194304", "-noshell"];
const IDLE_WAIT: Duration = Duration::from_secs(5);
const PARKED: u64 = 1_000_000;
const COUNT_TO: &str = "50000000";

/// (module name, Viua source, Erlang source).
const PROGRAMS: &[(&str, &str, &str)] = &[
    (
        "spawn_join",
        include_str!("../bench-proc/spawn_join.asm"),
        include_str!("../bench-proc/spawn_join.erl"),
    ),
    (
        "ping_pong",
        include_str!("../bench-proc/ping_pong.asm"),
        include_str!("../bench-proc/ping_pong.erl"),
    ),
    (
        "ring",
        include_str!("../bench-proc/ring.asm"),
        include_str!("../bench-proc/ring.erl"),
    ),
    (
        "memory",
        include_str!("../bench-proc/memory.asm"),
        include_str!("../bench-proc/memory.erl"),
    ),
    (
        "scaling",
        include_str!("../bench-proc/scaling.asm"),
        include_str!("../bench-proc/scaling.erl"),
    ),
    (
        "idle",
        include_str!("../bench-proc/idle.asm"),
        include_str!("../bench-proc/idle.erl"),
    ),
];

/// Wall-time rows: (row name, program, arguments, baseline arguments). Every program prints
/// its first argument.
const TIMED: &[(&str, &str, &[&str], &[&str])] = &[
    ("spawn+join 100k", "spawn_join", &["100000"], &["0"]),
    ("spawn+join 1M", "spawn_join", &["1000000"], &["0"]),
    ("ping-pong 100k", "ping_pong", &["100000"], &["0"]),
    ("ping-pong 1M", "ping_pong", &["1000000"], &["0"]),
    ("ring 1k x100", "ring", &["1000", "100"], &["0", "1"]),
    ("ring 10k x100", "ring", &["10000", "100"], &["0", "1"]),
];

pub fn proc(filters: &[String]) -> Result<()> {
    let wanted =
        |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let viua = crate::build_viua(true)?;
    let dir = crate::scratch_dir("bench-proc")?;
    let mut bench = Bench {
        viua,
        erl: None,
        dir,
        runs: env_number("VIUA_BENCH_RUNS", RUNS as u64).max(1) as usize,
        timeout: Duration::from_secs(env_number("VIUA_BENCH_TIMEOUT", TIMEOUT_SECONDS)),
        failures: Vec::new(),
        baselines: HashMap::new(),
    };
    println!("{}", machine());
    bench.prepare()?;

    let mut rows = Vec::new();
    for &(name, program, args, baseline) in TIMED {
        if wanted(name) {
            eprintln!("bench proc: {name}…");
            rows.push(bench.timed(name, program, args, baseline));
        }
    }
    if wanted("memory") {
        eprintln!("bench proc: memory…");
        rows.push(bench.memory());
    }
    if wanted("scaling") {
        eprintln!("bench proc: scaling…");
        rows.push(bench.scaling());
    }
    if wanted("idle") {
        eprintln!("bench proc: idle…");
        rows.push(bench.idle());
    }

    print_table(&rows);
    if !bench.failures.is_empty() {
        println!("\nfailed runs:");
        for failure in &bench.failures {
            println!("{failure}");
        }
    }
    if std::env::var_os("VIUA_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&bench.dir);
    }
    Ok(())
}

/// `nproc`, the CPU model and the load average (other work skews the figures) for the header.
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string());
    format!("machine: {cores} hardware threads (nproc), {model}; load average {load} at start")
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(default)
}

struct Bench {
    viua: PathBuf,
    /// The directory holding the compiled Erlang modules, when `erl` and `erlc` are there.
    erl: Option<PathBuf>,
    dir: PathBuf,
    runs: usize,
    timeout: Duration,
    failures: Vec<String>,
    /// Best baseline wall time per (program, arguments), so that each is measured once.
    baselines: HashMap<String, Option<Duration>>,
}

/// What one run of a child gave.
struct Measured {
    wall: Duration,
    /// User + system CPU time of the child, if the platform reports it.
    cpu: Option<Duration>,
    /// Peak resident set size in bytes, if the platform reports it.
    max_rss: Option<u64>,
    stdout: String,
}

impl Bench {
    /// Assembles every Viua program (`NAME.bc`, plus `idle0.bc` waiting 0 ms) and compiles the
    /// Erlang ones. An assembly failure is a failed run of every row of that program.
    fn prepare(&mut self) -> Result<()> {
        for (name, asm, erl) in PROGRAMS {
            std::fs::write(self.dir.join(format!("{name}.asm")), asm)?;
            std::fs::write(self.dir.join(format!("{name}.erl")), erl)?;
        }
        let idle = PROGRAMS
            .iter()
            .find(|(name, ..)| *name == "idle")
            .map(|(_, asm, _)| asm.replace("receive %1 local 5s", "receive %1 local 0ms"))
            .context("no idle program")?;
        std::fs::write(self.dir.join("idle0.asm"), idle)?;
        let names = PROGRAMS.iter().map(|(name, ..)| *name).chain(["idle0"]);
        for name in names {
            let output = Command::new(&self.viua)
                .args(["asm", "-o", &format!("{name}.bc"), &format!("{name}.asm")])
                .current_dir(&self.dir)
                .output()
                .context("could not start viua asm")?;
            if !output.status.success() {
                self.failures.push(format!(
                    "viua asm {name}.asm: {}\n{}",
                    output.status,
                    excerpt(&output.stderr)
                ));
            }
        }

        let found = |tool: &str| {
            Command::new(tool)
                .arg("-version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok()
        };
        if !found("erl") || !found("erlc") {
            println!("erl not found: timing viua only (apt-get install erlang-base)");
            return Ok(());
        }
        let beams = self.dir.join("beam");
        std::fs::create_dir_all(&beams)?;
        let mut erlc = Command::new("erlc");
        erlc.arg("-o").arg(&beams).current_dir(&self.dir);
        for (name, ..) in PROGRAMS {
            erlc.arg(format!("{name}.erl"));
        }
        let output = erlc.output().context("could not start erlc")?;
        if !output.status.success() {
            println!(
                "erlc failed ({}): timing viua only\n{}",
                output.status,
                excerpt(&output.stderr)
            );
            return Ok(());
        }
        let release = Command::new("erl")
            .args(["-noshell", "-eval"])
            .arg("io:format(\"~s\", [erlang:system_info(otp_release)]), halt().")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!("Erlang/OTP {release}: erl {}", ERL_FLAGS.join(" "));
        self.erl = Some(beams);
        Ok(())
    }

    fn viua_command(&self, program: &str, args: &[&str], schedulers: Option<&str>) -> Command {
        let mut command = Command::new(&self.viua);
        command.arg("run").arg(format!("{program}.bc")).args(args);
        if let Some(count) = schedulers {
            command.env("VIUA_PROC_SCHEDULERS", count);
        }
        command
    }

    fn erl_command(&self, beams: &Path, program: &str, args: &[&str], extra: &[&str]) -> Command {
        let mut command = Command::new("erl");
        command
            .args(ERL_FLAGS)
            .args(extra)
            .arg("-pa")
            .arg(beams)
            .args(["-run", program, "main"])
            .args(args);
        command
    }

    /// Runs `command` once; `Err` holds the report of a failed run (already recorded).
    fn run(&mut self, what: &str, mut command: Command, expected: &str) -> Result<Measured, ()> {
        command.current_dir(&self.dir);
        let result = run_measured(command, self.timeout);
        let failure = match result {
            Ok((measured, status, stderr)) => {
                let first = measured.stdout.lines().next().unwrap_or("");
                if status.success() && first == expected {
                    return Ok(measured);
                }
                format!(
                    "{what}: {status}, printed {:?} (expected {expected:?})\n{}",
                    measured.stdout.trim_end(),
                    excerpt(&stderr)
                )
            }
            Err(error) => format!("{what}: {error:#}"),
        };
        self.failures.push(failure);
        Err(())
    }

    /// The best of `self.runs` runs by `key`, or `None` after a failed run.
    fn best(
        &mut self,
        what: &str,
        expected: &str,
        command: impl Fn(&Self) -> Command,
        key: impl Fn(&Measured) -> Option<Duration>,
    ) -> Option<Duration> {
        let mut best: Option<Duration> = None;
        for _ in 0..self.runs {
            let measured = self.run(what, command(self), expected).ok()?;
            let Some(value) = key(&measured) else {
                self.failures.push(format!(
                    "{what}: printed {:?}; no time or CPU figure (second output line, rusage)",
                    measured.stdout.trim_end()
                ));
                return None;
            };
            best = Some(best.map_or(value, |b| b.min(value)));
        }
        best
    }

    /// Our time for `args`: best wall time minus the best wall time of the baseline arguments.
    fn ours(
        &mut self,
        program: &str,
        args: &[&str],
        baseline: &[&str],
        sched: Option<&str>,
    ) -> Option<f64> {
        let key = format!("{program} {} {sched:?}", baseline.join(" "));
        let base = match self.baselines.get(&key) {
            Some(base) => *base,
            None => {
                let what = format!("viua {program} {} (baseline)", baseline.join(" "));
                let base = self.best(
                    &what,
                    baseline[0],
                    |b| b.viua_command(program, baseline, sched),
                    wall,
                );
                self.baselines.insert(key, base);
                base
            }
        };
        let base = base?;
        let what = format!("viua {program} {}", args.join(" "));
        let time = self.best(
            &what,
            args[0],
            |b| b.viua_command(program, args, sched),
            wall,
        )?;
        Some(time.saturating_sub(base).as_secs_f64())
    }

    /// BEAM's time for `args`, as the program itself reports it.
    fn theirs(&mut self, program: &str, args: &[&str], extra: &[&str]) -> Option<f64> {
        let beams = self.erl.clone()?;
        let what = format!("erl {program} {}", args.join(" "));
        let time = self.best(
            &what,
            args[0],
            |b| b.erl_command(&beams, program, args, extra),
            inside,
        )?;
        Some(time.as_secs_f64())
    }

    fn timed(&mut self, name: &str, program: &str, args: &[&str], baseline: &[&str]) -> Row {
        let ours = self.ours(program, args, baseline, None);
        let theirs = self.theirs(program, args, &[]);
        let ratio = ours.zip(theirs).map(|(o, t)| o / t.max(1e-9));
        Row {
            name: name.to_string(),
            ours: ours.map(|s| format!("{s:.3} s")),
            theirs: theirs.map(|s| format!("{s:.3} s")),
            beam: self.erl.is_some(),
            ratio: ratio.map(|r| format!("{r:.2}×")),
            target: "≤ 1.0× BEAM".to_string(),
            met: ratio.map(|r| r <= 1.0),
        }
    }

    /// Peak RSS of `count` parked processes minus that of none, per process.
    fn rss_per_process(
        &mut self,
        who: &str,
        command: impl Fn(&Self, &str) -> Command,
    ) -> Option<f64> {
        let count = PARKED.to_string();
        let peak = |bench: &mut Self, n: &str| {
            let measured = bench
                .run(&format!("{who} memory {n}"), command(bench, n), n)
                .ok()?;
            if measured.max_rss.is_none() {
                bench
                    .failures
                    .push(format!("{who} memory: no peak RSS on this platform"));
            }
            measured.max_rss
        };
        let empty = peak(self, "0")?;
        let full = peak(self, &count)?;
        Some(full.saturating_sub(empty) as f64 / PARKED as f64)
    }

    fn memory(&mut self) -> Row {
        let ours = self.rss_per_process("viua", |b, n| b.viua_command("memory", &[n], None));
        let theirs = self.erl.clone().and_then(|beams| {
            self.rss_per_process("erl", |b, n| b.erl_command(&beams, "memory", &[n], &[]))
        });
        Row {
            name: "memory per parked process".to_string(),
            ours: ours.map(|b| format!("{b:.0} B")),
            theirs: theirs.map(|b| format!("{b:.0} B")),
            beam: self.erl.is_some(),
            ratio: ours
                .zip(theirs)
                .map(|(o, t)| format!("{:.2}×", o / t.max(1e-9))),
            target: "≤ 1024 B".to_string(),
            met: ours.map(|b| b <= 1024.0),
        }
    }

    fn scaling(&mut self) -> Row {
        let args = [COUNT_TO];
        let ours = self
            .ours("scaling", &args, &["0"], Some("1"))
            .zip(self.ours("scaling", &args, &["0"], Some("2")))
            .map(|(one, two)| one / two.max(1e-9));
        let theirs = self
            .theirs("scaling", &args, &["+S", "1:1"])
            .zip(self.theirs("scaling", &args, &["+S", "2:2"]))
            .map(|(one, two)| one / two.max(1e-9));
        Row {
            name: "scaling 2×50M, 1→2 schedulers".to_string(),
            ours: ours.map(|s| format!("{s:.2}× faster")),
            theirs: theirs.map(|s| format!("{s:.2}× faster")),
            beam: self.erl.is_some(),
            ratio: ours
                .zip(theirs)
                .map(|(o, t)| format!("{:.2}×", o / t.max(1e-9))),
            target: "≥ 1.8×".to_string(),
            met: ours.map(|s| s >= 1.8),
        }
    }

    /// CPU time used while waiting, as a share of the wait: the best (least) CPU time of
    /// `runs` waiting runs minus the best of `runs` runs that do not wait.
    fn idle_share(
        &mut self,
        who: &str,
        waiting: impl Fn(&Self) -> Command,
        baseline: impl Fn(&Self) -> Command,
        expected: &str,
    ) -> Option<f64> {
        let cpu = |measured: &Measured| measured.cpu;
        let base = self.best(&format!("{who} idle 0ms"), expected, baseline, cpu)?;
        let idle = self.best(&format!("{who} idle 5s"), expected, waiting, cpu)?;
        Some(100.0 * idle.saturating_sub(base).as_secs_f64() / IDLE_WAIT.as_secs_f64())
    }

    fn idle(&mut self) -> Row {
        let expected = "no message received";
        let ours = self.idle_share(
            "viua",
            |b| b.viua_command("idle", &[], None),
            |b| b.viua_command("idle0", &[], None),
            expected,
        );
        let theirs = self.erl.clone().and_then(|beams| {
            let ms = IDLE_WAIT.as_millis().to_string();
            self.idle_share(
                "erl",
                |b| b.erl_command(&beams, "idle", &[&ms], &[]),
                |b| b.erl_command(&beams, "idle", &["0"], &[]),
                "timeout",
            )
        });
        Row {
            name: "idle CPU in receive 5s".to_string(),
            ours: ours.map(|p| format!("{p:.2} %")),
            theirs: theirs.map(|p| format!("{p:.2} %")),
            beam: self.erl.is_some(),
            ratio: None,
            target: "≤ 1 %".to_string(),
            met: ours.map(|p| p <= 1.0),
        }
    }
}

fn wall(measured: &Measured) -> Option<Duration> {
    Some(measured.wall)
}

/// The microseconds on the second line of an Erlang program's output.
fn inside(measured: &Measured) -> Option<Duration> {
    let micros = measured.stdout.lines().nth(1)?.trim().parse().ok()?;
    Some(Duration::from_micros(micros))
}

/// The first lines of a failed run's standard error (an uncaught-exception report starts with
/// the stack and the exception; the frame details after them are left out).
fn excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(6) {
        let line: String = line.chars().take(125).collect();
        let _ = writeln!(out, "    | {line}");
    }
    if out.is_empty() {
        out.push_str("    | (nothing on standard error)\n");
    }
    out.trim_end().to_string()
}

struct Row {
    name: String,
    ours: Option<String>,
    theirs: Option<String>,
    /// Whether Erlang was there (a missing BEAM figure then means a failed Erlang run).
    beam: bool,
    ratio: Option<String>,
    target: String,
    /// `None`: could not be judged (a run failed, or no BEAM figure for a relative target).
    met: Option<bool>,
}

fn print_table(rows: &[Row]) {
    let headers = ["benchmark", "ours", "BEAM", "ratio", "target", "verdict"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let verdict = match (row.met, &row.ours) {
                (Some(true), _) => "met",
                (Some(false), _) => "MISSED",
                (None, None) => "FAILED",
                (None, Some(_)) => "n/a",
            };
            [
                row.name.clone(),
                row.ours.clone().unwrap_or_else(|| "FAILED".into()),
                row.theirs
                    .clone()
                    .unwrap_or_else(|| if row.beam { "FAILED" } else { "no erl" }.into()),
                row.ratio.clone().unwrap_or_else(|| "-".into()),
                row.target.clone(),
                verdict.to_string(),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            if index == 0 || index >= 4 {
                let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{cell}  ", " ".repeat(pad));
            }
        }
        println!("{}", out.trim_end());
    };
    println!();
    line(&headers.map(String::from));
    for row in &cells {
        line(row);
    }
}

/// Runs a child to completion (killing it after `timeout`) and measures it: wall time from
/// spawn to reaping, and (on Linux) the user + system CPU time and peak RSS that `wait4`
/// reports for it. Returns the measurement, the exit status and the standard error.
fn run_measured(
    mut command: Command,
    timeout: Duration,
) -> Result<(Measured, ExitStatus, Vec<u8>)> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {command:?}"))?;
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );

    let (sender, receiver) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = sender.send(reap::wait(pid));
    });
    let (waited, timed_out) = match receiver.recv_timeout(timeout) {
        Ok(waited) => (waited, false),
        Err(_) => {
            // Not reaped yet (the reaper has not reported), so the PID is still our child's.
            let _ = child.kill();
            (receiver.recv().context("the reaper thread died")?, true)
        }
    };
    let wall = started.elapsed();
    let (status, cpu, max_rss) = waited.context("waiting for the child failed")?;
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if timed_out {
        anyhow::bail!(
            "killed after {} s (timeout; VIUA_BENCH_TIMEOUT)\n{}",
            timeout.as_secs(),
            excerpt(&stderr)
        );
    }
    let measured = Measured {
        wall,
        cpu,
        max_rss,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
    };
    Ok((measured, status, stderr))
}

#[cfg(target_os = "linux")]
mod reap {
    //! `wait4(2)`: std's `Child::wait` does not give the child's resource usage, and a
    //! per-child figure is needed (`getrusage(RUSAGE_CHILDREN)` only gives the largest peak
    //! RSS of all children so far). The declaration is written out to keep xtask free of
    //! dependencies.
    #![allow(unsafe_code)]

    use std::io;
    use std::os::raw::{c_int, c_long};
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;
    use std::time::Duration;

    /// `struct timeval` on Linux: `time_t` and `suseconds_t` are both `long`.
    #[repr(C)]
    #[derive(Default)]
    struct Timeval {
        seconds: c_long,
        micros: c_long,
    }

    /// `struct rusage` on Linux: two timevals, then 14 longs (`ru_maxrss`, in KiB, first).
    #[repr(C)]
    #[derive(Default)]
    struct Rusage {
        user: Timeval,
        system: Timeval,
        max_rss: c_long,
        rest: [c_long; 13],
    }

    extern "C" {
        fn wait4(pid: c_int, status: *mut c_int, options: c_int, usage: *mut Rusage) -> c_int;
    }

    fn duration(time: &Timeval) -> Duration {
        Duration::from_secs(time.seconds.max(0) as u64)
            + Duration::from_micros(time.micros.max(0) as u64)
    }

    /// Reaps child `pid` and returns its status, CPU time (user + system) and peak RSS.
    pub fn wait(pid: u32) -> io::Result<(ExitStatus, Option<Duration>, Option<u64>)> {
        let pid = c_int::try_from(pid).map_err(|_| io::Error::other("PID out of range"))?;
        let mut status: c_int = 0;
        let mut usage = Rusage::default();
        loop {
            // SAFETY: `status` and `usage` are valid, writable and live across the call, and
            // `Rusage` has the layout of Linux's `struct rusage`; `pid` is our own child, which
            // nothing else waits for.
            let result = unsafe { wait4(pid, &mut status, 0, &mut usage) };
            if result == pid {
                break;
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
        let cpu = duration(&usage.user) + duration(&usage.system);
        let max_rss = usage.max_rss.max(0) as u64 * 1024;
        Ok((ExitStatus::from_raw(status), Some(cpu), Some(max_rss)))
    }
}

#[cfg(not(target_os = "linux"))]
mod reap {
    //! Elsewhere only the exit status is known: the CPU and memory figures are reported as
    //! unavailable.
    use std::io;
    use std::process::ExitStatus;
    use std::time::Duration;

    pub fn wait(pid: u32) -> io::Result<(ExitStatus, Option<Duration>, Option<u64>)> {
        let _ = pid;
        Err(io::Error::other("bench proc needs Linux (wait4)"))
    }
}
