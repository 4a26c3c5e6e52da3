//! The I/O instructions (ISA-CONTROL §2.33) on descriptors the test process owns: socket
//! pairs named by number (Integer ports), invalid descriptors, cancellation, timeouts, a
//! peer that disconnects, and a process blocked in `io_wait` next to one that runs.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

fn run_cfg(source: &str, config: viua_vm::RunConfig) -> (String, String, i32) {
    let out = viua_asm::assemble("io.asm", source, &viua_asm::Options::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let code =
        viua_vm::run_executable_with(&out.module, "io.bc", Vec::new(), config, &mut o, &mut e);
    (
        String::from_utf8_lossy(&o).into_owned(),
        String::from_utf8_lossy(&e).into_owned(),
        code,
    )
}

fn run(source: &str) -> (String, String, i32) {
    run_cfg(source, viua_vm::RunConfig::default())
}

/// `main/0` with `registers` locals running `body`.
fn main_of(registers: u16, body: &str) -> String {
    format!(
        ".function: main/0\n    allocate_registers %{registers} local\n{body}\n    izero %0 local\n    return\n.end\n"
    )
}

fn uncaught(err: &str) -> &str {
    err.lines()
        .find(|l| l.starts_with("uncaught object:"))
        .unwrap_or("")
}

#[test]
fn read_and_write_on_a_borrowed_socket() {
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    ours.write_all(b"hello").unwrap();
    let fd = theirs.as_raw_fd();
    let (out, err, code) = run(&main_of(
        6,
        &format!(
            r#"
    integer %1 local {fd}
    integer %2 local 64
    io_read %3 local %1 local %2 local
    io_wait %4 local %3 local 5s
    print %4 local
    text %2 local "back"
    io_write %3 local %1 local %2 local
    io_wait %4 local %3 local 5s
    echo (text %5 local "unwritten: [") local
    echo %4 local
    print (text %5 local "]") local
"#
        ),
    ));
    assert_eq!((out.as_str(), code), ("hello\nunwritten: []\n", 0), "{err}");
    let mut buf = [0; 4];
    ours.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"back");
}

#[test]
fn an_invalid_descriptor_completes_with_ebadf() {
    let (_, err, code) = run(&main_of(
        5,
        r#"
    integer %1 local 987654
    integer %2 local 16
    io_read %3 local %1 local %2 local
    io_wait %4 local %3 local 5s
"#,
    ));
    assert_eq!(code, 1);
    assert_eq!(uncaught(&err), "uncaught object: Integer = 9", "{err}");
}

#[test]
fn a_pending_read_times_out_and_can_be_cancelled() {
    let (_ours, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let body = |wait: &str| {
        main_of(
            5,
            &format!(
                r#"
    integer %1 local {fd}
    integer %2 local 16
    io_read %3 local %1 local %2 local
{wait}
    io_wait %4 local %3 local 5s
"#
            ),
        )
    };
    let (_, err, code) = run(&body("    io_wait %4 local %3 local 50ms"));
    assert_eq!(code, 1);
    assert_eq!(
        uncaught(&err),
        "uncaught object: Exception = I/O not completed"
    );
    let (_, err, code) = run(&body("    io_cancel %3 local"));
    assert_eq!(code, 1);
    assert_eq!(uncaught(&err), "uncaught object: IO_cancel = I/O cancelled");
}

#[test]
fn a_peer_disconnecting_mid_read_gives_end_of_file() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let closer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        drop(ours);
    });
    let (out, err, code) = run(&main_of(
        5,
        &format!(
            r#"
    integer %1 local {fd}
    integer %2 local 16
    io_read %3 local %1 local %2 local
    io_wait %4 local %3 local infinity
    echo (text %2 local "read ") local
    echo (textlength %1 local (text %4 local %4 local) local) local
    print (text %2 local " bytes") local
"#
        ),
    ));
    closer.join().unwrap();
    assert_eq!((out.as_str(), code), ("read 0 bytes\n", 0), "{err}");
}

#[test]
fn a_process_blocked_in_io_wait_does_not_stall_others() {
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let source = format!(
        r#"
.function: reader/0
    allocate_registers %5 local
    integer %1 local {fd}
    integer %2 local 16
    io_read %3 local %1 local %2 local
    io_wait %4 local %3 local infinity
    echo (text %2 local "reader got ") local
    print %4 local
    izero %0 local
    return
.end

.function: main/0
    allocate_registers %4 local
    frame %0
    process %1 local reader/0
    integer %2 local 0
    integer %3 local 200000
    .mark: loop
    iinc %2 local
    if (lt %0 local %2 local %3 local) local loop
    print (text %0 local "main ran") local
    join void %1 local
    izero %0 local
    return
.end
"#
    );
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        ours.write_all(b"ping").unwrap();
        ours
    });
    let config = viua_vm::RunConfig {
        proc_schedulers: Some(1),
        io_schedulers: Some(1),
        ..Default::default()
    };
    let (out, err, code) = run_cfg(&source, config);
    drop(writer.join().unwrap());
    assert_eq!(
        (out.as_str(), code),
        ("main ran\nreader got ping\n", 0),
        "{err}"
    );
}

#[test]
fn requests_have_unique_ids_and_are_collected_once() {
    let (_ours, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let (out, err, code) = run(&main_of(
        6,
        &format!(
            r#"
    integer %1 local {fd}
    text %2 local "a"
    io_write %3 local %1 local %2 local
    text %2 local "b"
    io_write %4 local %1 local %2 local
    print %3 local
    print %4 local
    io_wait void %3 local 5s
    io_wait void %3 local 20ms
"#
        ),
    ));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("<I/O request: {fd}.0>\n<I/O request: {fd}.1>\n"),
        "{err}"
    );
    assert_eq!(
        uncaught(&err),
        "uncaught object: Exception = I/O not completed"
    );
}

#[test]
fn operands_of_the_wrong_type_raise() {
    let cases = [
        (
            "text %1 local \"x\"\n    io_read %3 local %1 local %1 local",
            "fetched invalid type: expected 'IO_port' but got 'Text'",
        ),
        (
            "integer %1 local 1\n    io_close %3 local %1 local",
            "fetched invalid type: expected 'IO_port' but got 'Integer'",
        ),
        (
            "integer %1 local 1\n    io_wait %3 local %1 local 1s",
            "fetched invalid type: expected 'IO_request' but got 'Integer'",
        ),
        (
            "integer %1 local 1\n    io_cancel %1 local",
            "fetched invalid type: expected 'IO_request' but got 'Integer'",
        ),
    ];
    for (body, message) in cases {
        let (_, err, code) = run(&main_of(5, body));
        assert_eq!(code, 1);
        assert_eq!(
            uncaught(&err),
            format!("uncaught object: Exception = {message}"),
            "{body}"
        );
    }
}

#[test]
fn copy_of_a_request_raises() {
    let (_, err, _) = run(&main_of(
        5,
        "integer %1 local 1\n    text %2 local \"\"\n    io_write %3 local %1 local %2 local\n    copy %4 local %3 local",
    ));
    assert_eq!(uncaught(&err), "uncaught object: IO_request = not copyable");
}
