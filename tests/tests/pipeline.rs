//! Source → module → bytes → module → source, through the library APIs.
//!
//! Needs the assembler and the disassembler (viua-asm is still being written): until they
//! land, the checks on what the listing contains fail.

use std::path::Path;

use viua_asm::{assemble, disassemble, DisOptions, Options};
use viua_bytecode::{decode, encode, load, ModuleKind};

fn example(name: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let source = std::fs::read_to_string(&path).unwrap();
    (path.display().to_string(), source)
}

#[test]
fn every_example_assembles_to_a_verifiable_executable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "asm") {
            let source = std::fs::read_to_string(&path).unwrap();
            let file = path.display().to_string();
            let output = assemble(&file, &source, &Options::default())
                .unwrap_or_else(|d| panic!("{}", viua_asm::diag::render_plain(&file, &d)));
            assert_eq!(output.module.kind, ModuleKind::Executable);
            load(&encode(&output.module)).unwrap();
            count += 1;
        }
    }
    assert!(count > 0, "examples/ has programs");
}

#[test]
fn hello_survives_encode_decode_and_disassembly() {
    let (file, source) = example("hello.asm");
    let first = assemble(&file, &source, &Options::default()).unwrap();
    let bytes = encode(&first.module);
    assert_eq!(
        decode(&bytes).unwrap(),
        first.module,
        "decode inverts encode"
    );
    assert_eq!(encode(&first.module), bytes, "encoding is deterministic");

    let listing = disassemble(&load(&bytes).unwrap(), &DisOptions::default()).unwrap();
    assert!(listing.contains(".function: main/0"), "{listing}");
    assert!(listing.contains("print %1 local"), "{listing}");

    let options = Options {
        no_sa: true,
        ..Options::default()
    };
    let again = assemble("rt.asm", &listing, &options)
        .unwrap_or_else(|d| panic!("{}\n{listing}", viua_asm::diag::render_plain("rt.asm", &d)));
    assert!(
        encode(&again.module) == bytes,
        "listing reassembles to other bytes:\n{listing}"
    );
}

#[test]
fn every_prefix_of_a_real_file_is_rejected_cleanly() {
    let (file, source) = example("hello.asm");
    let bytes = encode(
        &assemble(&file, &source, &Options::default())
            .unwrap()
            .module,
    );
    for cut in 0..bytes.len() {
        assert!(load(&bytes[..cut]).is_err(), "a {cut}-byte prefix loaded");
    }
    for (i, flip) in (0..bytes.len()).zip([0x01u8, 0x80, 0xff].iter().cycle()) {
        let mut mutated = bytes.clone();
        mutated[i] ^= flip;
        // Either outcome is fine; what matters is that there is one (no panic, no hang).
        let _ = load(&mutated);
    }
}
