//! Hostile files that claim huge tables fail at once with bounded memory. One test function,
//! so that the peak-memory reading is not disturbed by tests running in parallel threads.

use viua_bytecode::*;

/// Appends `value` as a postcard varint.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The header and the given number of empty tables (each a zero length).
fn prefix(empty_tables: usize) -> Vec<u8> {
    let mut b = b"VIUA\x01\x01".to_vec(); // Version 1, library.
    b.resize(b.len() + empty_tables, 0);
    b
}

/// Peak resident set size in KiB (Linux only).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn huge_claims_are_rejected_with_bounded_memory() {
    let before = peak_kib();
    let huge = 1u64 << 60;
    // Every table position, claiming 2^60 entries.
    for tables_before in 0..9 {
        let mut b = prefix(tables_before);
        varint(&mut b, huge);
        b.extend_from_slice(&[0; 64]);
        match decode(&b) {
            Err(DecodeError::TooLarge { count, .. }) => assert_eq!(count, huge),
            other => panic!("table {tables_before}: {other:?}"),
        }
    }
    // Within the limit but beyond the file: the file is truncated.
    let mut b = prefix(8);
    varint(&mut b, 1000);
    assert!(
        matches!(decode(&b), Err(DecodeError::Truncated { .. })),
        "{:?}",
        decode(&b)
    );

    // A function whose code claims 2^60 instructions: name "f/0", arity None, kind, linked_from.
    let mut b = prefix(8);
    b.extend_from_slice(&[1, 3, b'f', b'/', b'0', 0, 0, 0]);
    varint(&mut b, huge);
    let e = decode(&b).unwrap_err();
    assert!(
        e.to_string().contains("the code of function #0 ('f/0')"),
        "{e}"
    );

    // A bytes constant claiming 2^60 bytes: serde pre-allocates at most a cautious amount and
    // postcard stops at the end of the input.
    let mut b = prefix(6);
    b.extend_from_slice(&[1, 0]); // One constant, `Constant::Bytes`.
    varint(&mut b, huge);
    b.extend_from_slice(&[7; 1000]);
    assert!(
        matches!(decode(&b), Err(DecodeError::Truncated { .. })),
        "{:?}",
        decode(&b)
    );

    // A text (a name) claiming 2^60 bytes.
    let mut b = prefix(1);
    b.push(1);
    varint(&mut b, huge);
    assert!(decode(&b).is_err());

    // Many real but tiny entries: memory stays proportional to the input.
    let mut b = prefix(8);
    let n = 200_000;
    varint(&mut b, n);
    for _ in 0..n {
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // Empty name, no arity, function, no link, no code, no debug.
    }
    b.push(0);
    let m = decode(&b).expect("decodes");
    assert_eq!(m.functions.len(), n as usize);
    assert!(load(&b).is_err());
    drop(m);

    if let (Some(before), Some(after)) = (before, peak_kib()) {
        // 200 000 functions of ~100 bytes are ~20 MiB; a 2^60-element allocation would abort.
        assert!(
            after.saturating_sub(before) < 128 * 1024,
            "peak grew by {} KiB",
            after - before
        );
    }
}
