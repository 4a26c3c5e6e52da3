//! `cargo xtask`: project automation (STYLE.md §1: one module per subcommand, few deps).
//!
//! - `cargo xtask test`: the workspace tests, then the conformance suites, failing when fewer
//!   cases pass than the floor in `xtask/conformance-floor.txt`;
//! - `cargo xtask conformance [-v] [--keep] [--viua PATH] [DIR...]`: run case folders;
//! - `cargo xtask bench asm`: time the assembler on a generated 100 000-instruction program;
//! - `cargo xtask fixtures DIR`: build the test-fixture native modules into DIR as `NAME.so`;
//! - `cargo xtask bench vm`: time the interpreter (fib(30), a 10M loop) beside Lua 5.4;
//! - `cargo xtask bench proc [FILTER...]`: processes and messages beside Erlang's BEAM.

mod bench;
mod bench_calls;
mod bench_io;
mod bench_proc;
mod bench_vm;
mod conformance;
mod fixtures;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test                          workspace tests, then conformance against the floor
  conformance [-v] [--keep] [--viua PATH] [DIR...]
                                run conformance case folders (default: the project's
                                conformance/ and ../shared/conformance); -v lists failures,
                                --keep leaves the scratch copies in place, --viua runs that
                                binary instead of building viua-cli
  fixtures DIR                  build the test-fixture native modules (World, math, ...)
                                and install them as DIR/NAME.so for VIUA_LIBRARY_PATH
  bench asm                     time `viua asm` on a generated 100 000-instruction program
  bench analyse                 time the static analyser on the same program
  bench vm                      time `viua run` on fib(30) and a 10M loop, beside lua5.4
  bench proc [FILTER...]        processes beside Erlang (spawn+join, ping-pong, ring,
                                memory per parked process, scaling, idle CPU); FILTER
                                words keep the rows whose name contains one of them
  bench io                      echo server on std::posix::network under 100 clients x 10 000
                                requests (req/s, p50/p99), beside Erlang gen_tcp";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    match command {
        "test" if rest.is_empty() => test::run(),
        "conformance" => conformance::command(rest),
        "fixtures" => fixtures::command(rest),
        "bench" if rest == ["asm"] => bench::asm(),
        "bench" if rest == ["analyse"] => bench::analyse(),
        "bench" if rest == ["vm"] => bench_vm::vm(),
        "bench" if rest == ["io"] => bench_io::io(),
        "bench" if rest.first().is_some_and(|c| c == "proc") => bench_proc::proc(&rest[1..]),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("unknown command: {}\n\n{USAGE}", args.join(" "));
            std::process::exit(2);
        }
    }
}

/// The repository root (the workspace holding xtask).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// The cargo that runs us (so a `cargo +toolchain xtask` stays on that toolchain).
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs a command to completion with inherited output, failing if it fails.
pub fn run_inherited(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("could not start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

/// Builds the `viua` binary and returns its path. Cargo reports where it put the executable,
/// so this works with any target directory (`CARGO_TARGET_DIR`, `build.target-dir`, …).
pub fn build_viua(release: bool) -> Result<PathBuf> {
    let mut command = cargo();
    command.args([
        "build",
        "--package",
        "viua-cli",
        "--bin",
        "viua",
        "--message-format=json-render-diagnostics",
    ]);
    if release {
        command.arg("--release");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start {command:?}"))?;
    if !output.status.success() {
        bail!("building viua-cli failed ({})", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter(|line| {
            line.contains("\"reason\":\"compiler-artifact\"") && line.contains("\"name\":\"viua\"")
        })
        .find_map(|line| json_string_field(line, "executable"))
        .map(PathBuf::from)
        .context("cargo did not report where it put the viua executable")
}

/// The value of a string field `"NAME":"…"` in one line of cargo's JSON messages. Cargo's
/// messages are flat enough for this, and it saves a JSON dependency.
fn json_string_field(line: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\":\"");
    let start = line.find(&key)? + key.len();
    let mut value = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch_dir(purpose: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("viua-xtask-{purpose}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("could not clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::json_string_field;

    #[test]
    fn reads_string_fields_of_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"viua"},"executable":"/t/a \"b\"\\viua","fresh":true}"#;
        assert_eq!(
            json_string_field(line, "executable").as_deref(),
            Some("/t/a \"b\"\\viua")
        );
        assert_eq!(
            json_string_field(r#"{"executable":null}"#, "executable"),
            None
        );
    }
}
