//! Loader robustness: truncated, bit-flipped and byte-mutated encodings of valid modules give
//! `Ok` or `Err`, never a panic; the section-by-section decoder accepts exactly what postcard's
//! derived decoder accepts; and encoding is deterministic.

mod common;

use common::*;
use proptest::prelude::*;
use viua_bytecode::*;

/// What postcard's derived decoder makes of `bytes`, re-encoded (floats may be NaN, so
/// modules are compared by their encodings).
fn reference(bytes: &[u8]) -> Option<Vec<u8>> {
    let body = bytes.strip_prefix(&MAGIC[..])?;
    let ((version, m), rest): ((u16, Module), &[u8]) = postcard::take_from_bytes(body).ok()?;
    (version == FORMAT_VERSION && rest.is_empty()).then(|| encode(&m))
}

/// Decodes and loads `bytes`; checks the decoder agrees with postcard's.
fn check(bytes: &[u8]) {
    let ours = decode(bytes);
    if !matches!(ours, Err(DecodeError::TooLarge { .. })) {
        assert_eq!(
            ours.as_ref().ok().map(encode),
            reference(bytes),
            "decoders disagree: {ours:?}"
        );
    }
    if let Err(e) = &ours {
        // Every error renders (names from the file are escaped, so this cannot fail either).
        assert!(!e.to_string().is_empty());
    }
    if let Err(LoadError::Verify(e)) = load(bytes) {
        assert!(!e.to_string().is_empty());
    }
}

fn sample_bytes() -> Vec<Vec<u8>> {
    samples().iter().map(|(_, m)| encode(m)).collect()
}

#[test]
fn every_truncation_is_reported_as_truncated() {
    for (name, m) in samples() {
        let bytes = encode(&m);
        assert_eq!(load(&bytes).unwrap(), m, "{name}");
        for len in 0..bytes.len() {
            match decode(&bytes[..len]) {
                Err(DecodeError::BadMagic) if len < MAGIC.len() => {}
                Err(DecodeError::Truncated { offset, .. }) => assert!(offset <= len),
                other => panic!("{name}: prefix of {len} bytes gave {other:?}"),
            }
        }
    }
}

/// Every single-bit flip of every sample, exhaustively (about 10 000 files; roughly a quarter
/// load, a third fail verification, the rest fail decoding).
#[test]
fn every_single_bit_flip() {
    for bytes in sample_bytes() {
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                check(&flipped);
            }
        }
    }
}

#[test]
fn decode_errors_say_where() {
    let mut bytes = encode(&hello());
    let m = hello();
    // The opcode of `print` in `main/0`: find it by decoding from the known encoding of
    // `print %1 local` (opcode 102, one operand, Register tag 0, Direct 0, Local 0, index 1).
    let needle = [Opcode::Print as u8, 1, 0, 0, 0, 1];
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes[at] = 250;
    assert_eq!(
        decode(&bytes).unwrap_err().to_string(),
        format!(
            "malformed bytecode: instruction 2 of function #0 ('main/0') (at byte {at:#x}): \
             unknown opcode 250"
        )
    );
    assert_eq!(m.functions[0].code[2].opcode, Opcode::Print);
    bytes[at] = Opcode::Print as u8;
    bytes[at + 1] = 9;
    let e = decode(&bytes).unwrap_err();
    assert!(
        matches!(
            e,
            DecodeError::TooLarge {
                count: 9,
                limit: 4,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("malformed bytecode: the operands of instruction 2 of function #0"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn bit_flips(which in 0..3usize, flips in prop::collection::vec((any::<prop::sample::Index>(), 0..8u8), 1..4)) {
        let mut bytes = sample_bytes().swap_remove(which);
        for (i, bit) in flips {
            let i = i.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        check(&bytes);
    }

    #[test]
    fn byte_mutations(
        which in 0..3usize,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..4u8), 1..6),
    ) {
        let mut bytes = sample_bytes().swap_remove(which);
        for (i, byte, op) in edits {
            let i = i.index(bytes.len());
            match op {
                0 | 1 => bytes[i] = byte,
                2 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
            if bytes.is_empty() {
                break;
            }
        }
        check(&bytes);
    }

    #[test]
    fn garbage_after_the_header(tail in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut bytes = b"VIUA\x01".to_vec();
        bytes.extend_from_slice(&tail);
        check(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_modules_verify_and_encode_deterministically(m in valid_module()) {
        if let Err(e) = verify(&m) {
            panic!("generated module does not verify: {e}");
        }
        let bytes = encode(&m);
        let decoded = load(&bytes).unwrap();
        prop_assert_eq!(encode(&decoded), bytes.clone());
        prop_assert_eq!(reference(&bytes), Some(bytes));
    }

    #[test]
    fn mutated_random_modules(
        m in valid_module(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode(&m);
        let truncated = &bytes[..cut.index(bytes.len())];
        let truncated_ok =
            matches!(decode(truncated), Err(DecodeError::Truncated { .. } | DecodeError::BadMagic));
        prop_assert!(truncated_ok, "a truncation was not reported as one");
        for (i, byte) in edits {
            let i = i.index(bytes.len());
            bytes[i] = byte;
        }
        check(&bytes);
    }
}
