use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};

use viua_vm::value::{Cell, Pointer, Value};

use crate::testing::{call, fault, s};

const M: &str = "std::posix::network";

fn net(name: &str, args: Vec<Option<Value>>) -> viua_vm::foreign::ForeignResult {
    call(M, &format!("std::posix::network::{name}"), args).0
}

fn pointer(cell: &Cell) -> Option<Value> {
    Some(Value::Pointer(Box::new(Pointer {
        target: Arc::downgrade(cell),
        origin: 1,
        nulled: AtomicBool::new(false),
    })))
}

fn new_socket() -> Cell {
    let v = net("socket/0", vec![]).unwrap().unwrap();
    assert_eq!(v.type_name(), "IO_fd");
    Arc::new(RwLock::new(v))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_server_accepts_reads_writes_and_sees_the_peer_disconnect() {
    let listener = new_socket();
    let port = free_port();
    let p = i64::from(port);
    let back = net(
        "bind/3",
        vec![pointer(&listener), s("127.0.0.1"), Some(Value::Integer(p))],
    )
    .unwrap()
    .unwrap();
    assert!(matches!(back, Value::Pointer(_)));
    net(
        "listen/2",
        vec![pointer(&listener), Some(Value::Integer(8))],
    )
    .unwrap();
    let client = std::thread::spawn(move || {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.write_all(b"ping").unwrap();
        let mut buf = [0; 4];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"pong");
        // Disconnects mid-conversation: the server's next read sees the end.
    });
    let conn = net("accept/1", vec![pointer(&listener)]).unwrap().unwrap();
    let conn = Arc::new(RwLock::new(conn));
    let got = net("read/1", vec![pointer(&conn)]).unwrap().unwrap();
    assert_eq!(got.print_form(), b"ping");
    let n = net("write/2", vec![pointer(&conn), s("pong")])
        .unwrap()
        .unwrap();
    assert!(matches!(n, Value::Integer(4)));
    client.join().unwrap();
    assert_eq!(
        fault(net(
            "recv/2",
            vec![pointer(&conn), Some(Value::Integer(16))]
        )),
        "Eof: end of file reached"
    );
    assert_eq!(
        fault(net("read/1", vec![pointer(&conn)])),
        "Eof: end of file reached"
    );
    // Receiving the socket did not close it; close/1 does, once.
    net("shutdown/1", vec![pointer(&conn)]).unwrap();
    net("close/1", vec![pointer(&conn)]).unwrap();
    assert_eq!(
        fault(net("close/1", vec![pointer(&conn)])),
        "Exception: EBADF"
    );
    assert_eq!(
        fault(net("read/1", vec![pointer(&conn)])),
        "Exception: EBADF"
    );
    // The socket itself (not a pointer) is accepted too, and bind hands it back.
    let own = net("socket/0", vec![]).unwrap().unwrap();
    let back = net(
        "bind/3",
        vec![Some(own), s("127.0.0.1"), Some(Value::Integer(0))],
    )
    .unwrap()
    .unwrap();
    assert_eq!(back.type_name(), "IO_fd");
}

#[test]
fn connection_and_address_errors() {
    let sock = new_socket();
    let port = i64::from(free_port());
    assert_eq!(
        fault(net(
            "connect/3",
            vec![pointer(&sock), s("127.0.0.1"), Some(Value::Integer(port))]
        )),
        "Exception: ECONNREFUSED"
    );
    assert_eq!(
        fault(net(
            "connect/3",
            vec![
                pointer(&sock),
                s("not.an.address"),
                Some(Value::Integer(port))
            ]
        )),
        "Misformatted_address: "
    );
    assert_eq!(
        fault(net("read/1", vec![Some(Value::Integer(3))])),
        "Exception: fetched invalid type: expected 'IO_fd' but got 'Integer'"
    );
    assert_eq!(
        fault(net("read/1", vec![pointer(&sock)])),
        "Exception: ENOTCONN"
    );
}

#[test]
fn every_function_is_there() {
    let mut names: Vec<String> = crate::testing::functions(M);
    names.sort();
    assert_eq!(
        names,
        [
            "accept/1",
            "bind/3",
            "close/1",
            "connect/3",
            "listen/2",
            "read/1",
            "recv/2",
            "shutdown/1",
            "socket/0",
            "write/2"
        ]
        .map(|n| format!("std::posix::network::{n}"))
    );
}
