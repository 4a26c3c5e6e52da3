//! End-to-end tests of the back end over canonical sources (no cooking needed).

use viua_bytecode::{encode, size, FunctionKind, Module, Opcode, Operand};

use super::test_support::canonical;
use super::{assemble_cooked, Options, Output};
use crate::diag::render_plain;

fn assemble(source: &str, options: &Options) -> Result<Output, String> {
    assemble_cooked("f.asm", source, &canonical(source), options)
        .map_err(|d| render_plain("f.asm", &d))
}

fn exe(source: &str) -> Module {
    assemble(
        source,
        &Options {
            no_sa: true,
            ..Options::default()
        },
    )
    .unwrap()
    .module
}

const HELLO: &str = "
.block: b
    leave
.end
.closure: c/0
    return
.end
.function: main/0
    allocate_registers %2 local
    text %1 local \"hi\"
    print %1 local
    .mark: again
    izero %0 local
    return
.end
.function: helper/1
    nop
    jump +1
    return
.end
";

#[test]
fn layout_and_entry() {
    let m = exe(HELLO);
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["main/0", "helper/1", "c/0", "__entry"]);
    assert_eq!(m.entry, Some(3));
    assert_eq!(m.functions[2].kind, FunctionKind::Closure);
    assert_eq!(m.blocks[0].name, "b");
    let entry: Vec<Opcode> = m.functions[3].code.iter().map(|i| i.opcode).collect();
    assert_eq!(
        entry,
        [Opcode::Frame, Opcode::Call, Opcode::Move, Opcode::Halt]
    );
    assert!(m.functions[0].debug.is_empty());
    viua_bytecode::verify(&m).unwrap();
    // Deterministic.
    assert_eq!(encode(&m), encode(&exe(HELLO)));
}

#[test]
fn byte_offset_targets() {
    let m = exe(HELLO);
    let (_, offsets, _) = size::layout(&m);
    let target = size::instruction_offsets(&m, &m.functions[1].code, offsets[1])[2];
    let src = HELLO.replace("jump +1", &format!("jump {target:#x}"));
    let m = exe(&src);
    assert_eq!(m.functions[1].code[1].operands[0], Operand::Jump(2));
    let err = assemble(&HELLO.replace("jump +1", "jump 0x3"), &Options::default()).unwrap_err();
    assert!(err.starts_with("f.asm:18:10: error: jump target 0x3 is not the byte offset of an instruction of function helper/1"), "{err}");
}

#[test]
fn libraries_have_no_entry() {
    let out = assemble(
        ".function: f/0\n    return\n.end",
        &Options {
            library: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(out.module.entry, None);
    assert_eq!(out.unit_size, 1);
}

#[test]
fn generation_errors() {
    let missing = assemble(".function: f/0\n    return\n.end", &Options::default()).unwrap_err();
    assert_eq!(missing, "f.asm: error: main function is not defined\n");
    let undefined = assemble(
        ".function: main/0\n    allocate_registers %1 local\n    frame %0 local\n    call void g/0\n    izero %0 local\n    return\n.end",
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        undefined,
        "f.asm:4:15: error: call to undefined function g/0\n"
    );
    let info = assemble(
        ".info: k\n.function: main/0\n    izero %0 local\n    return\n.end",
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        info,
        "f.asm:1:1: error: missing value in .info: directive\n"
    );
}

#[test]
fn meta_information() {
    let m = exe(".info: b \"two\\nlines\"\n.info: a \"x\"\n.info: a \"y\"\n.function: main/0\n    izero %0 local\n    return\n.end");
    assert_eq!(
        m.meta,
        [
            ("a".to_string(), "x".to_string()),
            ("b".to_string(), "two\nlines".to_string())
        ]
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("viua-asm-back-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const LIBRARY: &str = "
.block: math::h
    leave
.end
.function: math::sq/1
    allocate_registers %2 local
    .mark: top
    nop
    if %1 local top +1
    return
.end
.closure: math::adder/1
    return
.end
";

const USER: &str = "
.signature: math::sq/1
.function: main/0
    allocate_registers %2 local
    izero %1 local
    frame %1 local
    copy %0 arguments %1 local
    call void math::sq/1
    jump +1
    izero %0 local
    return
.end
";

/// Links a library, disassembles the executable, reassembles the listing: same bytes.
#[test]
fn static_linking_round_trips_through_the_disassembler() {
    let dir = temp_dir("link");
    let lib = assemble(
        LIBRARY,
        &Options {
            library: true,
            ..Options::default()
        },
    )
    .unwrap()
    .module;
    let lib_path = dir.join("math.module").to_string_lossy().into_owned();
    std::fs::write(&lib_path, encode(&lib)).unwrap();

    // Give the user's jump a byte-offset target (its own fifth instruction).
    let probe = assemble(
        USER,
        &Options {
            link: vec![lib_path.clone()],
            ..Options::default()
        },
    )
    .unwrap()
    .module;
    let (_, offsets, _) = size::layout(&probe);
    let target = size::instruction_offsets(&probe, &probe.functions[0].code, offsets[0])[4];
    let user = USER.replace("jump +1", &format!("jump {target:#x}"));
    let options = Options {
        link: vec![lib_path.clone()],
        ..Options::default()
    };
    let linked = assemble(&user, &options).unwrap().module;
    assert_eq!(linked.linked.len(), 1);
    assert_eq!(
        linked
            .functions
            .iter()
            .filter(|f| f.linked_from == Some(0))
            .count(),
        2
    );
    viua_bytecode::verify(&linked).unwrap();

    let listing = crate::dis::disassemble(&linked, &crate::dis::DisOptions::default()).unwrap();
    let again = assemble(
        &listing,
        &Options {
            no_sa: true,
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{listing}"))
    .module;
    assert_eq!(encode(&again), encode(&linked), "{listing}");

    let twice = assemble(
        &user,
        &Options {
            link: vec![lib_path.clone(), lib_path.clone()],
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(twice.contains("more than once"), "{twice}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn imports_resolve_through_the_library_path() {
    let dir = temp_dir("import");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    let lib = assemble(
        ".function: a::b::f/0\n    return\n.end",
        &Options {
            library: true,
            ..Options::default()
        },
    )
    .unwrap()
    .module;
    std::fs::write(dir.join("a/b.module"), encode(&lib)).unwrap();
    std::fs::write(dir.join("native.so"), b"").unwrap();
    let src = ".import: [[dynamic]] a::b\n.import: [[dynamic]] native\n.function: main/0\n    allocate_registers %1 local\n    frame %0 local\n    call void a::b::f/0\n    izero %0 local\n    return\n.end";
    let options = Options {
        library_path: vec![dir.clone()],
        ..Options::default()
    };
    let m = assemble(src, &options).unwrap().module;
    assert_eq!(m.dynamic_imports, ["a::b", "native"]);
    assert_eq!(m.imported_functions, ["a::b::f/0"]);
    viua_bytecode::verify(&m).unwrap();
    let e = assemble(".import: [[static]] native\n", &options).unwrap_err();
    assert_eq!(
        e,
        "f.asm:error: only bytecode modules may be statically imported \"native\"\n"
    );
    let e = assemble(".import: [[x]] nowhere\n", &options).unwrap_err();
    assert_eq!(e, "f.asm:error: link mode not specified for module \"nowhere\"\nf.asm:note: expected either \"static\" or \"dynamic\"\n");
    let e = assemble(".import: [[dynamic]] nowhere\n", &options).unwrap_err();
    assert_eq!(e, "f.asm:error: did not find module \"nowhere\"\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Through the real front end (`cook`).
fn cooked(source: &str, options: &Options) -> Result<Output, String> {
    super::assemble("f.asm", source, options).map_err(|d| render_plain("f.asm", &d))
}

#[test]
fn cooked_sources() {
    let main = |body: &str| {
        format!(".function: main/0\n    allocate_registers %2 local\n{body}\n    return\n.end\n")
    };
    let e = cooked(&main("    izero %0"), &Options::default()).unwrap_err();
    assert_eq!(
        e,
        "f.asm:3:5: error: main function must explicitly return to local register set\n"
    );
    assert!(cooked(&main("    integer %0 9"), &Options::default()).is_ok());
    let e = cooked(
        &main("    prnt %1 local\n    izero %0 local"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(
        e.starts_with(
            "f.asm:3:5: error: unknown instruction\n           ^ did you mean 'print'?\n"
        ),
        "{e}"
    );
    let e = cooked(
        &main("    integer %1 local 2147483648\n    izero %0 local"),
        &Options {
            no_sa: true,
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(e, "f.asm: error: in function 'main/0': stoi\n");
    let src = main("    .name: 1 counter\n    integer %counter local 3\n    print %countr local\n    izero %0 local");
    let e = cooked(&src, &Options::default()).unwrap_err();
    assert!(e.starts_with("f.asm:5:11: error: unresolved name\n"), "{e}");
    let e = cooked(
        &src,
        &Options {
            no_sa: true,
            ..Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(e, "f.asm:5:11: error: invalid operand token: %countr\n");
    let debug = cooked(
        &main("    izero %0 local"),
        &Options {
            debug_info: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(
        debug.module.functions[0].debug[1],
        viua_bytecode::SourcePos { line: 3, column: 5 }
    );
    assert!(debug.module.functions[1].debug.is_empty());
}

mod no_panics {
    use proptest::prelude::*;

    use super::{assemble, cooked, Options};

    const WORDS: &[&str] = &[
        ".function:",
        ".closure:",
        ".block:",
        ".end",
        ".signature:",
        ".bsignature:",
        ".import:",
        ".info:",
        ".mark:",
        ".name:",
        ".unused:",
        "[[",
        "]]",
        "{",
        "}",
        ",",
        "no_sa",
        "main/0",
        "f/1",
        "f/",
        "b",
        "x",
        "%0",
        "%1",
        "@2",
        "*3",
        "%x",
        "%-1",
        "local",
        "static",
        "arguments",
        "current",
        "void",
        "true",
        "1",
        "-1",
        "+1",
        "-0",
        "0x0",
        "0x1d",
        "0b1",
        "1.5",
        "3s",
        "infinity",
        "\"t\"",
        "'a'",
        "izero",
        "integer",
        "frame",
        "call",
        "jump",
        "if",
        "return",
        "leave",
        "enter",
        "catch",
        "move",
        "copy",
        "vector",
        "capture",
        "allocate_registers",
        "halt",
        "tailcall",
        "process",
        "join",
        "receive",
        "\n",
    ];

    proptest! {
        #[test]
        fn any_token_sequence_gives_a_result(words in proptest::collection::vec(0..WORDS.len(), 0..60), lib: bool) {
            let source = words.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
            let options = Options { library: lib, no_sa: true, ..Options::default() };
            let _ = assemble(&source, &options);
            let _ = cooked(&source, &options);
        }
    }
}
