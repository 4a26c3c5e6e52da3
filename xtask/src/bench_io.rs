//! `cargo xtask bench io`: an echo server in Viua assembly on `std::posix::network`
//! (`xtask/bench-io/echo.asm`, one process per connection) under a load generator: 100
//! client threads, each sending 10 000 requests of 32 bytes over its own connection and
//! waiting for the echo. Prints requests per second and p50/p99 latency. Where `escript` is
//! on the PATH (`apt-get install -y erlang-base`) the same server written with `gen_tcp`
//! (`xtask/bench-io/echo.erl`) runs side by side, and the ratio is checked against the
//! targets: throughput ≥ 1.0× Erlang's, p99 ≤ Erlang's. The machine and its load average
//! are printed (the clients share the CPUs with the server: on a small, busy machine the
//! figures are noisy). Then the foreign-call cost ([`crate::bench_calls`]).
//! `VIUA_BENCH_IO_REQUESTS` overrides the requests per client (for a quick run).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const CLIENTS: usize = 100;
const REQUESTS: usize = 10_000;
const SIZE: usize = 32;

struct Stats {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

pub fn io() -> Result<()> {
    let viua = crate::build_viua(true)?;
    let dir = crate::scratch_dir("bench-io")?;
    let port = free_port()?;
    let source = include_str!("../bench-io/echo.asm").replace("PORT", &port.to_string());
    std::fs::write(dir.join("echo.asm"), source)?;
    let assembled = Command::new(&viua)
        .args(["asm", "-o", "echo.bc", "echo.asm"])
        .current_dir(&dir)
        .output()?;
    if !assembled.status.success() {
        bail!(
            "viua asm failed:\n{}{}",
            String::from_utf8_lossy(&assembled.stdout),
            String::from_utf8_lossy(&assembled.stderr)
        );
    }
    println!("{}", crate::bench_proc::machine());
    println!(
        "{CLIENTS} clients x {} requests of {SIZE} bytes",
        requests()
    );
    println!(
        "{:<8} {:>12} {:>10} {:>10}",
        "server", "req/s", "p50 (µs)", "p99 (µs)"
    );
    let mut server = Command::new(&viua);
    server.args(["run", "echo.bc"]).current_dir(&dir);
    let ours = report("viua", bench(server, port));
    if Command::new("escript").arg("-h").output().is_ok() {
        std::fs::write(dir.join("echo.erl"), include_str!("../bench-io/echo.erl"))?;
        let port = free_port()?;
        let mut server = Command::new("escript");
        server
            .args(["echo.erl", &port.to_string()])
            .current_dir(&dir);
        let erlang = report("erlang", bench(server, port));
        if let (Some(o), Some(e)) = (ours, erlang) {
            let ratio = o.per_second / e.per_second;
            let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
            println!(
                "ratio    {ratio:>11.2}x {:>10} {:>10}   throughput ≥ 1.0x Erlang: {}; p99 ≤ Erlang's: {}",
                format!("{:.2}x", o.p50.as_secs_f64() / e.p50.as_secs_f64().max(1e-9)),
                format!("{:.2}x", o.p99.as_secs_f64() / e.p99.as_secs_f64().max(1e-9)),
                verdict(ratio >= 1.0),
                verdict(o.p99 <= e.p99),
            );
        }
    } else {
        println!("escript is not on the PATH: no Erlang gen_tcp server to compare with");
    }
    println!("load average at the end: {}", load_average());
    crate::bench_calls::calls(&viua)
}

fn requests() -> usize {
    std::env::var("VIUA_BENCH_IO_REQUESTS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(REQUESTS)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_string())
}

fn report(name: &str, stats: Result<Stats>) -> Option<Stats> {
    match stats {
        Ok(s) => {
            println!(
                "{name:<8} {:>12.0} {:>10} {:>10}",
                s.per_second,
                s.p50.as_micros(),
                s.p99.as_micros()
            );
            Some(s)
        }
        Err(e) => {
            println!("{name:<8} failed: {e:#}");
            None
        }
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts the server, waits for its `listening` line, runs the clients, stops the server.
fn bench(mut command: Command, port: u16) -> Result<Stats> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the server")?;
    let result = ready(&mut child).and_then(|()| load(port));
    let _ = child.kill();
    let output = child.wait_with_output()?;
    result.with_context(|| {
        format!(
            "server output:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn ready(child: &mut Child) -> Result<()> {
    let stdout = child.stdout.take().context("server stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    if line.trim() != "listening" {
        bail!("the server did not start (first line: {line:?})");
    }
    Ok(())
}

fn load(port: u16) -> Result<Stats> {
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| std::thread::spawn(move || client(port, i)))
        .collect();
    let mut latencies = Vec::with_capacity(CLIENTS * requests());
    for c in clients {
        let mut l = c
            .join()
            .map_err(|_| anyhow::anyhow!("a client panicked"))??;
        latencies.append(&mut l);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Stats {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    })
}

fn client(port: u16, index: usize) -> Result<Vec<Duration>> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = [b'a' + (index % 26) as u8; SIZE];
    let mut reply = [0u8; SIZE];
    let requests = requests();
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        s.write_all(&request)?;
        s.read_exact(&mut reply)?;
        latencies.push(t.elapsed());
        if reply != request {
            bail!("wrong echo");
        }
    }
    Ok(latencies)
}
