//! Scheduler stress test: thousands of processes sending each other messages in a random
//! (seeded) pattern, with random deaths restarted by watchdogs, on 1 and 2 workers. Every
//! message is accounted for: each worker receives exactly the number of messages the plan
//! says it takes before it ends (so the rest of what is sent to it is dropped because its
//! receiver has ended — RUNTIME.md §4.1), and main checks the sum of what was received and
//! the number of watchdog restarts against the plan.

use std::fmt::Write as _;

/// A small deterministic generator (xorshift64*), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Plan {
    targets: Vec<usize>,
    takes: usize,
    doomed: bool,
}

fn plans(workers: usize, seed: u64) -> Vec<Plan> {
    let mut rng = Rng(seed);
    let mut plans: Vec<Plan> = (0..workers)
        .map(|_| Plan {
            targets: Vec::new(),
            takes: 0,
            doomed: rng.below(4) == 0,
        })
        .collect();
    let mut incoming = vec![0usize; workers];
    for plan in plans.iter_mut() {
        for _ in 0..rng.below(6) {
            let t = rng.below(workers as u64) as usize;
            plan.targets.push(t);
            incoming[t] += 1;
        }
    }
    for (i, plan) in plans.iter_mut().enumerate() {
        // A third of the workers end before taking everything sent to them.
        let dropped = if rng.below(3) == 0 {
            rng.below(incoming[i] as u64 + 1) as usize
        } else {
            0
        };
        plan.takes = incoming[i] - dropped;
    }
    plans
}

const WORKER: &str = r#"
; A worker: registers with main, gets its plan, waits for "go" (-1), sends 1 to each of
; its targets, takes at least as many messages as its plan says (more may arrive before its
; "go"), reports [index, taken, 0] to main and ends — or, if doomed, throws, and its
; watchdog reports [index, -1, 1].
.function: worker/2
    allocate_registers %20 local
    move %1 local %0 parameters
    move %2 local %1 parameters
    vector %3 local
    vpush %3 local (copy %4 local %1 local) local
    vpush %3 local (self %4 local) local
    send %2 local %3 local
    receive %6 local 10s
    vpop %7 local %6 local
    vpop %8 local %6 local
    frame %3
    copy %1 arguments %2 local
    copy %2 arguments %1 local
    watchdog on_death/3
    send %2 local (integer %9 local 0) local
    integer %10 local 0
    integer %11 local 0
    izero %14 local
    .mark: again
    if %11 local check_done wait
    .mark: check_done
    if (lte %13 local %8 local %10 local) local finished wait
    .mark: wait
    receive %12 local 10s
    if (lt %13 local %12 local %14 local) local go data
    .mark: go
    if (vlen %13 local %6 local) local send_one sent
    .mark: send_one
    vpop %15 local %6 local
    send %15 local (integer %16 local 1) local
    jump go
    .mark: sent
    integer %11 local 1
    jump again
    .mark: data
    iinc %10 local
    jump again
    .mark: finished
    vector %3 local
    vpush %3 local (copy %9 local %1 local) local
    vpush %3 local %10 local
    vpush %3 local (integer %9 local 0) local
    send %2 local %3 local
    if %7 local doomed report
    .mark: doomed
    throw (integer %9 local 13) local
    .mark: report
    izero %0 local
    return
.end

; The watchdog of a doomed worker: checks what killed it and reports for it.
.function: on_death/3
    allocate_registers %8 local
    move %1 local %0 parameters
    move %2 local %1 parameters
    move %3 local %2 parameters
    structremove %4 local %1 local (atom %5 local 'exception') local
    exception_tag %6 local %4 local
    if (atomeq %6 local %6 local (atom %7 local 'Integer') local) local right wrong
    .mark: wrong
    print %4 local
    integer %3 local -1000000
    izero %0 local
    return
    .mark: right
    vector %5 local
    vpush %5 local %3 local
    vpush %5 local (integer %7 local -1) local
    vpush %5 local (integer %7 local 1) local
    send %2 local %5 local
    izero %0 local
    return
.end
"#;

/// The whole program: the worker above and a generated `main` that spawns, wires and
/// drives `plans.len()` workers and prints what it counted.
fn program(plans: &[Plan]) -> String {
    let n = plans.len();
    let mut main = String::new();
    let w = &mut main;
    let _ = writeln!(w, ".function: main/0");
    let _ = writeln!(w, "    allocate_registers %20 local");
    let _ = writeln!(w, "    self %2 local");
    let _ = writeln!(w, "    integer %4 local {n}");
    // Spawn every worker, detached, with its index and main's PID.
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: spawning");
    let _ = writeln!(w, "    frame %2");
    let _ = writeln!(w, "    copy %0 arguments %5 local");
    let _ = writeln!(w, "    copy %1 arguments %2 local");
    let _ = writeln!(w, "    process void worker/2");
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(w, "    if (lt %3 local %5 local %4 local) local spawning");
    // A table of PIDs by worker index, filled from the registrations as they arrive.
    let _ = writeln!(w, "    vector %1 local");
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: filling");
    let _ = writeln!(w, "    vpush %1 local (integer %3 local 0) local");
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(w, "    if (lt %3 local %5 local %4 local) local filling");
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: registering");
    let _ = writeln!(w, "    receive %6 local 10s");
    let _ = writeln!(w, "    vpop %8 local %6 local");
    let _ = writeln!(w, "    vpop %7 local %6 local");
    let _ = writeln!(w, "    vpop void %1 local %7 local");
    let _ = writeln!(w, "    vinsert %1 local %8 local %7 local");
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(
        w,
        "    if (lt %3 local %5 local %4 local) local registering"
    );
    // Each worker's plan: [target PIDs..., takes, doomed].
    for (i, plan) in plans.iter().enumerate() {
        let _ = writeln!(w, "    vector %9 local");
        for &t in &plan.targets {
            let _ = writeln!(
                w,
                "    vat %10 local %1 local (integer %11 local {t}) local"
            );
            let _ = writeln!(w, "    vpush %9 local (copy %12 local *10 local) local");
        }
        let _ = writeln!(
            w,
            "    vpush %9 local (integer %12 local {}) local",
            plan.takes
        );
        let _ = writeln!(
            w,
            "    vpush %9 local (bool (integer %12 local {}) local) local",
            u8::from(plan.doomed)
        );
        let _ = writeln!(
            w,
            "    vat %10 local %1 local (integer %11 local {i}) local"
        );
        let _ = writeln!(w, "    send (copy %12 local *10 local) local %9 local");
    }
    // Wait until every worker has its plan, then start them all.
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: readying");
    let _ = writeln!(w, "    receive void 10s");
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(w, "    if (lt %3 local %5 local %4 local) local readying");
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: starting");
    let _ = writeln!(w, "    vat %10 local %1 local %5 local");
    let _ = writeln!(
        w,
        "    send (copy %12 local *10 local) local (integer %13 local -1) local"
    );
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(w, "    if (lt %3 local %5 local %4 local) local starting");
    // Collect one report per worker and one notice per watchdog restart, printing each as
    // "index taken kind".
    let reports = n + plans.iter().filter(|p| p.doomed).count();
    let _ = writeln!(w, "    integer %4 local {reports}");
    let _ = writeln!(w, "    integer %5 local 0");
    let _ = writeln!(w, "    .mark: collecting");
    let _ = writeln!(w, "    receive %6 local 10s");
    let _ = writeln!(w, "    vpop %7 local %6 local");
    let _ = writeln!(w, "    vpop %8 local %6 local");
    let _ = writeln!(w, "    vpop %9 local %6 local");
    let _ = writeln!(w, "    echo %9 local");
    let _ = writeln!(w, "    echo (text %16 local \" \") local");
    let _ = writeln!(w, "    echo %8 local");
    let _ = writeln!(w, "    echo (text %16 local \" \") local");
    let _ = writeln!(w, "    print %7 local");
    let _ = writeln!(w, "    iinc %5 local");
    let _ = writeln!(w, "    if (lt %3 local %5 local %4 local) local collecting");
    let _ = writeln!(w, "    izero %0 local");
    let _ = writeln!(w, "    return");
    let _ = writeln!(w, ".end");
    format!("{WORKER}\n{main}")
}

fn run(workers: usize, seed: u64, schedulers: usize) {
    let plans = plans(workers, seed);
    let source = program(&plans);
    if let Some(path) = std::env::var_os("VIUA_STRESS_DUMP") {
        let _ = std::fs::write(path, &source);
    }
    let module = viua_asm::assemble("stress.asm", &source, &viua_asm::Options::default())
        .unwrap_or_else(|d| panic!("{d:?}"))
        .module;
    let config = viua_vm::RunConfig {
        proc_schedulers: Some(schedulers),
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code =
        viua_vm::run_executable_with(&module, "stress.bc", Vec::new(), config, &mut out, &mut err);
    let stdout = String::from_utf8_lossy(&out);
    let stderr = String::from_utf8_lossy(&err);
    let mut incoming = vec![0usize; plans.len()];
    for p in &plans {
        for &t in &p.targets {
            incoming[t] += 1;
        }
    }
    let (mut reported, mut restarted) = (vec![0; plans.len()], vec![0; plans.len()]);
    let (mut received, mut dropped) = (0, 0);
    for line in stdout.lines() {
        let fields: Vec<i64> = line
            .split(' ')
            .map(|f| {
                f.parse()
                    .unwrap_or_else(|_| panic!("bad line {line:?}; stderr: {stderr}"))
            })
            .collect();
        let (i, taken, kind) = (fields[0] as usize, fields[1], fields[2]);
        if kind == 1 {
            assert_eq!(taken, -1, "watchdog of {i} saw the wrong exception");
            restarted[i] += 1;
            continue;
        }
        reported[i] += 1;
        let taken = taken as usize;
        // Every message sent to worker i was received by it or dropped after it ended.
        assert!(
            plans[i].takes <= taken && taken <= incoming[i],
            "worker {i}: took {taken}, plan {} of {}",
            plans[i].takes,
            incoming[i]
        );
        received += taken;
        dropped += incoming[i] - taken;
    }
    for (i, p) in plans.iter().enumerate() {
        assert_eq!(reported[i], 1, "worker {i} reports; stderr: {stderr}");
        assert_eq!(restarted[i], usize::from(p.doomed), "worker {i} restarts");
    }
    let sent: usize = incoming.iter().sum();
    assert_eq!(received + dropped, sent);
    assert!(dropped > 0, "the plan must make some messages be dropped");
    assert!(err.is_empty(), "{stderr}");
    assert_eq!(code, 0);
}

#[test]
fn thousands_of_processes_on_one_worker() {
    run(2000, 0x5eed_0001, 1);
}

#[test]
fn thousands_of_processes_on_two_workers() {
    run(2000, 0x5eed_0002, 2);
}

#[test]
fn repeated_small_storms_on_two_workers() {
    for seed in 1..=10 {
        run(200, seed * 7919, 2);
    }
}
