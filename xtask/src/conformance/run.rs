//! The run half of a case: `viua run NAME.bc ARGS` against `.out`, `.code` and `.err`
//! (`../shared/conformance/README.md`, "Compare").

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};

use super::{excerpt, library_path, Check, TOOL_TIMEOUT};

/// What a run must produce.
pub struct Expectation {
    pub stdout: Vec<u8>,
    pub code: i32,
    /// Lines that must each appear as a whole line in standard error.
    pub stderr_lines: Vec<String>,
}

impl Expectation {
    /// Reads the sidecars of a case; `None` when the case has no run (no `.out`).
    pub fn read(sidecar: impl Fn(&str) -> std::path::PathBuf) -> Result<Option<Expectation>> {
        let Some(stdout) = read_bytes(&sidecar("out"))? else {
            return Ok(None);
        };
        let code = match read_bytes(&sidecar("code"))? {
            Some(text) => {
                let text = String::from_utf8_lossy(&text);
                text.trim()
                    .parse()
                    .with_context(|| format!("bad .code: {text:?}"))?
            }
            None => 0,
        };
        let stderr_lines = read_bytes(&sidecar("err"))?
            .map(|text| {
                String::from_utf8_lossy(&text)
                    .lines()
                    .map(|l| l.trim_end().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(Expectation {
            stdout,
            code,
            stderr_lines,
        }))
    }
}

/// Runs `viua run EXECUTABLE ARGS` in `dir` and checks it against `expected`.
pub fn check_run(
    viua: &Path,
    dir: &Path,
    executable: &str,
    args: &[String],
    expected: &Expectation,
) -> Result<Check> {
    let out_path = dir.with_extension("run.out");
    let err_path = dir.with_extension("run.err");
    let mut child = Command::new(viua)
        .arg("run")
        .arg(executable)
        .args(args)
        .current_dir(dir)
        .env("VIUA_LIBRARY_PATH", library_path())
        .env("VIUAVM_ASM_COLOUR", "never")
        .env_remove("VIUA_STACKTRACE_SERIALISATION")
        .env_remove("VIUA_STACK_TRACES")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()
        .with_context(|| format!("could not start {}", viua.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > TOOL_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    let stdout = std::fs::read(&out_path)?;
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path)?).into_owned();
    let Some(status) = status else {
        return Ok(Check::Failed(format!(
            "run timed out after {} s",
            TOOL_TIMEOUT.as_secs()
        )));
    };
    if trim_end(&stdout) != trim_end(&expected.stdout) {
        return Ok(Check::Failed(format!(
            "standard output differs\n  expected:{}\n  got:{}{}",
            excerpt(&String::from_utf8_lossy(&expected.stdout)),
            excerpt(&String::from_utf8_lossy(&stdout)),
            if stderr.is_empty() {
                String::new()
            } else {
                format!("\n  stderr:{}", excerpt(&stderr))
            }
        )));
    }
    match status.code() {
        Some(code) if code == expected.code => {}
        code => {
            let got = code.map_or("killed by a signal".to_string(), |c| format!("{c}"));
            return Ok(Check::Failed(format!(
                "exit code {got}, expected {}\n  stderr:{}",
                expected.code,
                excerpt(&stderr)
            )));
        }
    }
    for want in &expected.stderr_lines {
        if !stderr.lines().any(|line| line.trim_end() == want) {
            return Ok(Check::Failed(format!(
                "standard error lacks the line: {want}\n  stderr:{}",
                excerpt(&stderr)
            )));
        }
    }
    Ok(Check::Passed)
}

/// The README strips trailing whitespace from both outputs before comparing bytes.
fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("could not read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::trim_end;

    #[test]
    fn trailing_whitespace_is_ignored_but_inner_control_characters_are_kept() {
        assert_eq!(trim_end(b"a\r\nb \n\n"), b"a\r\nb");
        assert_eq!(trim_end(b" \n"), b"");
    }
}
