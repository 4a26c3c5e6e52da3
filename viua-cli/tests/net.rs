//! End-to-end tests of `std::posix::network` under the scheduler (RUNTIME.md §6, §9.7):
//! Viua programs run by the `viua` binary against Rust clients and servers. Every wait is
//! bounded (socket timeouts, a watchdog that kills the VM), so a hang fails in seconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const VIUA: &str = env!("CARGO_BIN_EXE_viua");
const TIMEOUT: Duration = Duration::from_secs(10);

const ECHO: &str = include_str!("../../xtask/bench-io/echo.asm");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A VM running `source` (written to a scratch file), killed when dropped.
struct Vm {
    child: Child,
    stdout: BufReader<ChildStdout>,
    dir: PathBuf,
}

impl Vm {
    fn start(name: &str, source: &str, env: &[(&str, &str)]) -> Vm {
        let dir = std::env::temp_dir().join(format!("viua-cli-net-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("p.asm"), source).unwrap();
        let mut command = Command::new(VIUA);
        command
            .args(["run", "p.asm"])
            .current_dir(&dir)
            .env("VIUAVM_ASM_COLOUR", "never")
            .env_remove("VIUA_IMPORT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("viua runs");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Vm { child, stdout, dir }
    }

    /// The next line of standard output (the VM is killed if it takes longer than TIMEOUT).
    fn line(&mut self) -> String {
        let pid = self.child.id();
        let (done, watchdog) = std::sync::mpsc::channel::<()>();
        let killer = std::thread::spawn(move || {
            if watchdog.recv_timeout(TIMEOUT).is_err() {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        });
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let _ = done.send(());
        killer.join().unwrap();
        line.trim_end().to_string()
    }

    /// Waits (at most TIMEOUT) for the VM to end: its exit code and standard error.
    fn finish(mut self) -> (i32, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                self.child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                return (status.code().unwrap_or(-1), err);
            }
            assert!(start.elapsed() < TIMEOUT, "the VM did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.set_nodelay(true).unwrap();
    s
}

#[test]
fn the_echo_server_serves_concurrent_clients_while_one_dies_mid_request() {
    let port = free_port();
    // One FFI permit: a connection waiting in `read` must not hold it.
    let mut vm = Vm::start(
        "echo",
        &ECHO.replace("PORT", &port.to_string()),
        &[("VIUA_FFI_SCHEDULERS", "1"), ("VIUA_PROC_SCHEDULERS", "2")],
    );
    assert_eq!(vm.line(), "listening");
    // A client connects first, sends half a request and is killed (its socket dropped).
    let mut dying = connect(port);
    dying.write_all(b"half a req").unwrap();
    // Idle connections: each one's server process sits in `read`.
    let idle: Vec<TcpStream> = (0..4).map(|_| connect(port)).collect();
    let clients: Vec<_> = (0..6u8)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = connect(port);
                let request = vec![b'a' + i; 100 + usize::from(i) * 37];
                let mut reply = vec![0; request.len()];
                for _ in 0..200 {
                    s.write_all(&request).unwrap();
                    s.read_exact(&mut reply).unwrap();
                    assert_eq!(reply, request, "client {i} got someone else's bytes");
                }
                // Nothing more than what was sent comes back.
                s.shutdown(std::net::Shutdown::Write).unwrap();
                let mut rest = Vec::new();
                s.read_to_end(&mut rest).unwrap();
                assert!(rest.is_empty(), "client {i} got extra bytes: {rest:?}");
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(20));
    drop(dying);
    for c in clients {
        c.join().unwrap();
    }
    // The idle connections still work after all that.
    for mut s in idle {
        s.write_all(b"still here").unwrap();
        let mut reply = [0; 10];
        s.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"still here");
    }
}

const READER: &str = "\
.signature: std::posix::network::socket/0
.signature: std::posix::network::connect/3
.signature: std::posix::network::read/1
.signature: std::kitchensink::sleep/1

.function: reader/0
    allocate_registers %4 local
    frame %0
    call %1 local std::posix::network::socket/0
    frame %3
    move %0 arguments (ptr %2 local %1 local) local
    move %1 arguments (string %3 local \"127.0.0.1\") local
    move %2 arguments (integer %3 local PORT) local
    call void std::posix::network::connect/3
    frame %1
    move %0 arguments (ptr %2 local %1 local) local
    print (call %3 local std::posix::network::read/1) local
    return
.end

.function: main/0
    allocate_registers %2 local
    import std::posix::network
    import std::kitchensink
    frame %0
    process void reader/0
    frame %1
    move %0 arguments (integer %1 local 1) local
    call void std::kitchensink::sleep/1
    print (text %1 local \"tick\") local
    frame %1
    move %0 arguments (integer %1 local 1) local
    call void std::kitchensink::sleep/1
    print (text %1 local \"tock\") local
    izero %0 local
    return
.end
";

#[test]
fn a_process_blocked_in_a_network_read_delays_nobody() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // One process scheduler and one FFI permit: the pending read may hold neither.
    let mut vm = Vm::start(
        "reader",
        &READER.replace("PORT", &port.to_string()),
        &[("VIUA_FFI_SCHEDULERS", "1"), ("VIUA_PROC_SCHEDULERS", "1")],
    );
    let (mut conn, _) = listener.accept().unwrap();
    // The reader is connected and waits for data that does not come; main's foreign calls
    // (on the FFI pool) and output go on meanwhile — the second one surely while the read
    // is pending.
    let start = Instant::now();
    assert_eq!(vm.line(), "tick");
    assert_eq!(vm.line(), "tock");
    assert!(start.elapsed() < Duration::from_secs(5));
    conn.write_all(b"bye").unwrap();
    assert_eq!(vm.line(), "bye");
    let (code, err) = vm.finish();
    assert_eq!(code, 0, "{err}");
}

const CLOSED: &str = "\
.signature: std::posix::network::socket/0
.signature: std::posix::network::close/1
.signature: std::posix::network::read/1

.function: main/0
    allocate_registers %4 local
    import std::posix::network
    frame %0
    call %1 local std::posix::network::socket/0
    frame %1
    move %0 arguments (ptr %2 local %1 local) local
    call void std::posix::network::close/1
    print (text %3 local \"closed\") local
    frame %1
    move %0 arguments (ptr %2 local %1 local) local
    call void std::posix::network::read/1
    izero %0 local
    return
.end
";

#[test]
fn a_read_of_a_closed_socket_raises_ebadf_at_once() {
    let mut vm = Vm::start("closed", CLOSED, &[]);
    assert_eq!(vm.line(), "closed");
    let (code, err) = vm.finish();
    assert_eq!(code, 1);
    assert!(
        err.lines()
            .any(|l| l == "uncaught object: Exception = EBADF"),
        "{err}"
    );
}
