//! The VM's standard streams (RUNTIME.md §13): every process — and every foreign function —
//! appends whole pieces (a `print`'s text and newline together) to one shared buffer; the
//! thread that started the VM drains it into the real writers. So output of different
//! processes interleaves at piece granularity, never inside a line, and a process never
//! blocks on a slow terminal or pipe while holding anything another process needs.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Which stream a piece goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Debug, Default)]
struct Pending {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    closed: bool,
}

/// The shared output buffer. Writers call [`Output::write`]; one drainer calls
/// [`Output::drain`] until it returns `false`.
#[derive(Debug, Default)]
pub struct Output {
    pending: Mutex<Pending>,
    ready: Condvar,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding this lock cannot leave the buffers inconsistent (they are
        // only ever extended or swapped), so a poisoned lock is still usable.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends one piece. Wakes the drainer only when the buffer was empty, so a burst of
    /// prints costs one wake-up.
    pub fn write(&self, stream: Stream, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut p = self.lock();
        let was_empty = p.stdout.is_empty() && p.stderr.is_empty();
        match stream {
            Stream::Stdout => p.stdout.extend_from_slice(bytes),
            Stream::Stderr => p.stderr.extend_from_slice(bytes),
        }
        drop(p);
        if was_empty {
            self.ready.notify_one();
        }
    }

    /// No more pieces will come; the drainer finishes after writing what is buffered.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    /// Waits for buffered pieces, writes them, returns whether more may come.
    pub fn drain(&self, stdout: &mut dyn std::io::Write, stderr: &mut dyn std::io::Write) -> bool {
        let (out, err, closed) = {
            let mut p = self.lock();
            while p.stdout.is_empty() && p.stderr.is_empty() && !p.closed {
                p = self.ready.wait(p).unwrap_or_else(|e| e.into_inner());
            }
            (
                std::mem::take(&mut p.stdout),
                std::mem::take(&mut p.stderr),
                p.closed,
            )
        };
        // Write errors (a closed pipe) are ignored: the program keeps running as 0.13 does.
        if !out.is_empty() {
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
        }
        if !err.is_empty() {
            let _ = stderr.write_all(&err);
            let _ = stderr.flush();
        }
        !closed
    }

    /// Takes everything buffered so far without waiting (for tests and single-threaded use).
    pub fn take(&self) -> (Vec<u8>, Vec<u8>) {
        let mut p = self.lock();
        (std::mem::take(&mut p.stdout), std::mem::take(&mut p.stderr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn pieces_from_threads_arrive_whole_and_drain_ends_on_close() {
        let out = Arc::new(Output::new());
        let writers: Vec<_> = (0..4)
            .map(|t| {
                let out = Arc::clone(&out);
                std::thread::spawn(move || {
                    for i in 0..500 {
                        out.write(Stream::Stdout, format!("thread {t} line {i}\n").as_bytes());
                    }
                })
            })
            .collect();
        let closer = {
            let out = Arc::clone(&out);
            std::thread::spawn(move || {
                for w in writers {
                    w.join().unwrap();
                }
                out.write(Stream::Stderr, b"done\n");
                out.close();
            })
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        while out.drain(&mut stdout, &mut stderr) {}
        closer.join().unwrap();
        let text = String::from_utf8(stdout).unwrap();
        assert_eq!(text.lines().count(), 2000);
        for line in text.lines() {
            assert!(
                line.starts_with("thread ") && line.contains(" line "),
                "{line}"
            );
        }
        assert_eq!(stderr, b"done\n");
    }
}
