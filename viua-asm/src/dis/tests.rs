//! Unit tests on hand-built modules.

use viua_bytecode::{
    Access, Block, Constant, Function, FunctionKind, Instruction, LinkedModule, Module, ModuleKind,
    Opcode, Operand, RegisterRef, RegisterSet, Timeout,
};

use super::{disassemble, DisOptions};

fn reg(index: u16, set: RegisterSet) -> Operand {
    Operand::Register(RegisterRef {
        access: Access::Direct,
        set,
        index,
    })
}

fn local(index: u16) -> Operand {
    reg(index, RegisterSet::Local)
}

fn ins(opcode: Opcode, operands: Vec<Operand>) -> Instruction {
    Instruction { opcode, operands }
}

fn function(name: &str, code: Vec<Instruction>) -> Function {
    Function {
        name: name.into(),
        arity: None,
        kind: FunctionKind::Function,
        linked_from: None,
        code,
        debug: vec![],
    }
}

fn block(name: &str, code: Vec<Instruction>) -> Block {
    Block {
        name: name.into(),
        linked_from: None,
        code,
        debug: vec![],
    }
}

fn entry_for_main0() -> Function {
    let main = Operand::Function(u32::MAX); // patched by `with_entry_function`
    function(
        "__entry",
        vec![
            ins(Opcode::Frame, vec![Operand::Count(0)]),
            ins(Opcode::Call, vec![local(1), main]),
            ins(Opcode::Move, vec![local(0), local(1)]),
            ins(Opcode::Halt, vec![]),
        ],
    )
}

/// Appends `__entry` calling `main/0` and marks it as the entry.
fn with_entry_function(mut module: Module) -> Module {
    let main = module.intern(Constant::Name("main/0".into()));
    let mut entry = entry_for_main0();
    entry.code[1].operands[1] = Operand::Function(main);
    module.functions.push(entry);
    module.entry = Some(module.functions.len() as u32 - 1);
    module
}

fn main0(body: Vec<Instruction>) -> Module {
    let mut module = Module::new(ModuleKind::Executable);
    module.functions.push(function("main/0", body));
    with_entry_function(module)
}

fn dis(module: &Module) -> String {
    disassemble(module, &DisOptions::default()).unwrap()
}

/// The body of the only non-entry function, one instruction a line, without indentation.
fn body_of(module: &Module) -> Vec<String> {
    let text = dis(module);
    text.lines()
        .filter(|l| l.starts_with("    "))
        .map(|l| l[4..].to_string())
        .collect()
}

fn count_down() -> Module {
    let mut module = Module::new(ModuleKind::Executable);
    module.functions.push(function(
        "count_down/1",
        vec![
            ins(Opcode::AllocateRegisters, vec![Operand::Count(3)]),
            ins(
                Opcode::Move,
                vec![local(1), reg(0, RegisterSet::Parameters)],
            ),
            ins(Opcode::Print, vec![local(1)]),
            ins(Opcode::Izero, vec![local(0)]),
            ins(Opcode::Lte, vec![local(2), local(1), local(0)]),
            ins(
                Opcode::If,
                vec![local(2), Operand::Jump(8), Operand::Jump(6)],
            ),
            ins(Opcode::Idec, vec![local(1)]),
            ins(Opcode::Jump, vec![Operand::Jump(2)]),
            ins(Opcode::Return, vec![]),
        ],
    ));
    module.functions.push(function(
        "main/0",
        vec![
            ins(
                Opcode::Izero,
                vec![Operand::Register(RegisterRef {
                    access: Access::Direct,
                    set: RegisterSet::Local,
                    index: 0,
                })],
            ),
            ins(Opcode::Return, vec![]),
        ],
    ));
    with_entry_function(module)
}

#[test]
fn count_down_example_of_section_8_2_1() {
    let expected = "\
.function: count_down/1
    allocate_registers %3 local
    move %1 local %0 parameters
    print %1 local
    izero %0 local
    lte %2 local %1 local %0 local
    if %2 local 0x48 0x3a
    idec %1 local
    jump 0xe
    return
.end

.function: main/0
    izero %0 local
    return
.end
";
    assert_eq!(dis(&count_down()), expected);
}

#[test]
fn entry_only_with_e_and_empty_lines_between_elements() {
    let options = DisOptions {
        with_entry: true,
        ..Default::default()
    };
    let text = disassemble(&count_down(), &options).unwrap();
    assert!(text.ends_with(".end\n\n.function: __entry\n    frame %0 local\n    call %1 local main/0\n    move %0 local %1 local\n    halt\n.end\n"), "{text}");
    assert!(!text.ends_with("\n\n"));
}

#[test]
fn function_filter_keeps_the_positional_empty_line() {
    let module = count_down();
    let first = DisOptions {
        function: Some("count_down/1".into()),
        ..Default::default()
    };
    let text = disassemble(&module, &first).unwrap();
    assert!(text.starts_with(".function: count_down/1\n"));
    assert!(text.ends_with("    return\n.end\n\n"), "{text:?}");
    let last = DisOptions {
        function: Some("main/0".into()),
        ..Default::default()
    };
    assert_eq!(
        disassemble(&module, &last).unwrap(),
        ".function: main/0\n    izero %0 local\n    return\n.end\n"
    );
    let entry = DisOptions {
        function: Some("__entry".into()),
        ..Default::default()
    };
    assert_eq!(disassemble(&module, &entry).unwrap(), "");
    let nothing = DisOptions {
        function: Some("nope/0".into()),
        ..Default::default()
    };
    assert_eq!(disassemble(&module, &nothing).unwrap(), "");
}

#[test]
fn info_header_lists_every_function_with_0_13_sizes() {
    let options = DisOptions {
        info: true,
        function: Some("main/0".into()),
        ..Default::default()
    };
    let text = disassemble(&count_down(), &options).unwrap();
    // count_down/1 is 73 bytes, main/0 6, __entry 5 + 12 + 9 + 1 = 27.
    let expected_header = "\
-- bytecode size: 106
--
-- functions:
--   count_down/1 -> 73 bytes at byte 0
--   main/0 -> 6 bytes at byte 73
--   __entry -> 27 bytes at byte 79


.function: main/0
";
    assert!(text.starts_with(expected_header), "{text}");
}

#[test]
fn declaration_sections_and_blocks_first() {
    let mut module = main0(vec![
        ins(Opcode::Izero, vec![local(0)]),
        ins(Opcode::Return, vec![]),
    ]);
    module.meta = vec![
        ("author".into(), "a \"b\" \\ c\nd\te".into()),
        ("license".into(), "MIT".into()),
    ];
    module.signatures = vec!["ext::f/1".into(), "g/".into()];
    module.block_signatures = vec!["shared_cleanup".into()];
    module.dynamic_imports = vec!["codec::json".into()];
    module
        .blocks
        .push(block("main/0__handler", vec![ins(Opcode::Leave, vec![])]));
    let expected = "\
; meta information
.info: author \"a \\\"b\\\" \\\\ c\\nd\\te\"
.info: license \"MIT\"

; external function signatures
.signature: ext::f/1
.signature: g/

; external block signatures
.bsignature: shared_cleanup

; dynamic imports
.import: [[dynamic]] codec::json

.block: main/0__handler
    leave
.end

.function: main/0
    izero %0 local
    return
.end
";
    assert_eq!(dis(&module), expected);
}

#[test]
fn every_operand_kind() {
    let mut module = Module::new(ModuleKind::Executable);
    let text = module.intern(Constant::Bytes(b"hi\\n".to_vec()));
    let atom = module.intern(Constant::Bytes(b"ok".to_vec()));
    let bits = module.intern(Constant::Bytes(vec![0x05]));
    let callee = module.intern(Constant::Name("f/0".into()));
    let blk = module.intern(Constant::Name("handler".into()));
    let ty = module.intern(Constant::Bytes(b"Integer".to_vec()));
    let modname = module.intern(Constant::Name("std::io".into()));
    let ptr = Operand::Register(RegisterRef {
        access: Access::Pointer,
        set: RegisterSet::Local,
        index: 3,
    });
    let at = Operand::Register(RegisterRef {
        access: Access::Reference,
        set: RegisterSet::Static,
        index: 4,
    });
    let code = vec![
        ins(Opcode::Frame, vec![Operand::Count(2)]),
        ins(Opcode::Integer, vec![local(1), Operand::Integer(-42)]),
        ins(Opcode::Float, vec![local(1), Operand::Float(0.1)]),
        ins(Opcode::Text, vec![local(1), Operand::Text(text)]),
        ins(Opcode::Text, vec![local(1), local(2)]),
        ins(Opcode::String, vec![local(1), Operand::Text(text)]),
        ins(Opcode::Atom, vec![local(1), Operand::Atom(atom)]),
        ins(Opcode::Bits, vec![local(1), Operand::Bits(bits)]),
        ins(Opcode::Bits, vec![local(1), local(2)]),
        ins(
            Opcode::Bitset,
            vec![local(1), local(2), Operand::Bool(true)],
        ),
        ins(Opcode::Vector, vec![local(1), local(2), Operand::Count(3)]),
        ins(Opcode::Vpop, vec![Operand::Void, local(1), Operand::Void]),
        ins(Opcode::Print, vec![ptr]),
        ins(Opcode::Print, vec![at]),
        ins(
            Opcode::Capture,
            vec![local(1), Operand::ClosureSlot(2), local(3)],
        ),
        ins(
            Opcode::Capturecopy,
            vec![local(1), Operand::ClosureSlot(2), local(3)],
        ),
        ins(
            Opcode::Capturemove,
            vec![local(1), Operand::ClosureSlot(2), local(3)],
        ),
        ins(Opcode::Closure, vec![local(1), Operand::Function(callee)]),
        ins(Opcode::Call, vec![Operand::Void, Operand::Function(callee)]),
        ins(Opcode::Call, vec![local(1), local(4)]),
        ins(Opcode::Process, vec![local(1), Operand::Function(callee)]),
        ins(Opcode::Defer, vec![local(2)]),
        ins(
            Opcode::Join,
            vec![Operand::Void, local(1), Operand::Timeout(Timeout::Infinity)],
        ),
        ins(
            Opcode::Receive,
            vec![local(1), Operand::Timeout(Timeout::Millis(3000))],
        ),
        ins(Opcode::Catch, vec![Operand::Text(ty), Operand::Block(blk)]),
        ins(Opcode::Enter, vec![Operand::Block(blk)]),
        ins(Opcode::Import, vec![Operand::Module(modname)]),
        ins(
            Opcode::Copy,
            vec![reg(0, RegisterSet::Arguments), reg(1, RegisterSet::Global)],
        ),
        ins(Opcode::Tailcall, vec![local(2)]),
    ];
    module.functions.push(function("main/0", code));
    let module = with_entry_function(module);
    let expected = [
        "frame %2 local",
        "integer %1 local -42",
        "float %1 local 0.1",
        "text %1 local \"hi\\n\"",
        "text %1 local  %2 local",
        "string %1 local \"hi\\n\"",
        "atom %1 local 'ok'",
        "bits %1 local 0b00000101",
        "bits %1 local %2 local",
        "bitset %1 local %2 local true",
        "vector %1 local %2 local %3 local",
        "vpop void %1 local void",
        "print *3 local",
        "print @4 static",
        "capture %1 local %2  %3 local",
        "capturecopy %1 local @2  %3 local",
        "capturemove %1 local @2  %3 local",
        "closure %1 local f/0",
        "call void f/0",
        "call %1 local  %4 local",
        "process %1 local f/0",
        "defer  %2 local",
        "join void %1 local infinity",
        "receive %1 local 3000ms",
        "catch \"Integer\" handler",
        "enter handler",
        "import std::io",
        "copy %0 arguments %1 global",
        "tailcall  %2 local",
    ];
    assert_eq!(body_of(&module), expected);
}

fn literal_line(
    opcode: Opcode,
    operand: Operand,
    constant: Option<Constant>,
) -> Result<String, String> {
    let mut module = Module::new(ModuleKind::Executable);
    let operand = match (constant, operand) {
        (Some(c), Operand::Text(_)) => Operand::Text(module.intern(c)),
        (Some(c), Operand::Atom(_)) => Operand::Atom(module.intern(c)),
        (Some(c), Operand::Bits(_)) => Operand::Bits(module.intern(c)),
        (_, other) => other,
    };
    module.functions.push(function(
        "main/0",
        vec![
            ins(opcode, vec![local(1), operand]),
            ins(Opcode::Return, vec![]),
        ],
    ));
    let module = with_entry_function(module);
    disassemble(&module, &DisOptions::default()).map(|t| t.lines().nth(1).unwrap()[4..].to_string())
}

fn text_line(body: &[u8]) -> Result<String, String> {
    literal_line(
        Opcode::Text,
        Operand::Text(0),
        Some(Constant::Bytes(body.to_vec())),
    )
}

#[test]
fn text_bodies_are_verbatim_with_a_delimiter_that_re_lexes() {
    assert_eq!(
        text_line(br#"say \"hi\""#).unwrap(),
        r#"text %1 local "say \"hi\"""#
    );
    assert_eq!(
        text_line(br#"single "quoted" literal"#).unwrap(),
        r#"text %1 local 'single "quoted" literal'"#
    );
    assert_eq!(text_line(br#"a\\"b"#).unwrap(), r#"text %1 local 'a\\"b'"#);
    assert_eq!(
        text_line(br"ends in \\").unwrap(),
        r#"text %1 local "ends in \\""#
    );
    assert_eq!(
        text_line(b"two\nlines; -- not a comment").unwrap(),
        "text %1 local \"two"
    );
    assert_eq!(text_line(b"").unwrap(), "text %1 local \"\"");
    assert_eq!(
        text_line("żółw".as_bytes()).unwrap(),
        "text %1 local \"żółw\""
    );
    // Neither delimiter works, or the body escapes the closing quote, or it is not UTF-8.
    assert!(text_line(br#"it's "x""#).is_err());
    assert!(text_line(br"odd \").is_err());
    assert!(text_line(&[0xff]).is_err());
}

#[test]
fn atoms_prefer_single_quotes_and_catch_types_are_double_quoted_only() {
    let atom = |body: &[u8]| {
        literal_line(
            Opcode::Atom,
            Operand::Atom(0),
            Some(Constant::Bytes(body.to_vec())),
        )
    };
    assert_eq!(atom(br#"say "hi""#).unwrap(), r#"atom %1 local 'say "hi"'"#);
    assert_eq!(atom(br"it\'s").unwrap(), r"atom %1 local 'it\'s'");
    assert_eq!(atom(b"it's").unwrap(), r#"atom %1 local "it's""#);

    let mut module = Module::new(ModuleKind::Executable);
    let ty = module.intern(Constant::Bytes(br#"A"B"#.to_vec()));
    let blk = module.intern(Constant::Name("h".into()));
    module.functions.push(function(
        "main/0",
        vec![ins(
            Opcode::Catch,
            vec![Operand::Text(ty), Operand::Block(blk)],
        )],
    ));
    let err = disassemble(&with_entry_function(module), &DisOptions::default()).unwrap_err();
    assert!(
        err.contains("in function 'main/0': instruction 0: 'catch' operand 1"),
        "{err}"
    );
}

#[test]
fn floats_print_at_full_precision_in_the_assembler_grammar() {
    let float = |f: f64| literal_line(Opcode::Float, Operand::Float(f), None);
    assert_eq!(float(98765.4321).unwrap(), "float %1 local 98765.4321");
    assert_eq!(float(42.0).unwrap(), "float %1 local 42.0");
    assert_eq!(float(-0.125).unwrap(), "float %1 local -0.125");
    assert_eq!(float(-0.0).unwrap(), "float %1 local -0.0");
    assert_eq!(float(1e6).unwrap(), "float %1 local 1000000.0");
    for value in [
        1e300,
        5e-324,
        0.1 + 0.2,
        f64::MAX,
        f64::MIN_POSITIVE,
        -123456789.000001,
    ] {
        let line = float(value).unwrap();
        let text = line.strip_prefix("float %1 local ").unwrap();
        assert!(!text.contains(['e', 'E']), "{text}");
        let (int, frac) = text.trim_start_matches('-').split_once('.').unwrap();
        assert!(
            int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit())
        );
        assert_eq!(text.parse::<f64>().unwrap().to_bits(), value.to_bits());
    }
    assert!(float(f64::NAN).is_err());
    assert!(float(f64::INFINITY).is_err());
}

#[test]
fn bits_keep_their_width() {
    let bits = |b: &[u8]| {
        literal_line(
            Opcode::Bits,
            Operand::Bits(0),
            Some(Constant::Bytes(b.to_vec())),
        )
    };
    assert_eq!(
        bits(&[0x00, 0x01]).unwrap(),
        "bits %1 local 0b0000000000000001"
    );
    assert_eq!(
        bits(&[0xde, 0xad, 0xbe, 0xef]).unwrap(),
        "bits %1 local 0xdeadbeef"
    );
    assert_eq!(bits(&[0x0f, 0x00, 0x00]).unwrap(), "bits %1 local 0x0f0000");
    assert_eq!(
        bits(&[0x00, 0x00, 0x01]).unwrap(),
        "bits %1 local 0b000000000000000000000001"
    );
    assert!(bits(&[]).is_err());
}

#[test]
fn closures_and_linked_definitions() {
    let mut module = main0(vec![
        ins(Opcode::Izero, vec![local(0)]),
        ins(Opcode::Return, vec![]),
    ]);
    let mut closure = function("adder/1", vec![ins(Opcode::Return, vec![])]);
    closure.kind = FunctionKind::Closure;
    module.functions.insert(1, closure);
    module.entry = Some(2);
    module.linked.push(LinkedModule {
        path: "mathlib.module".into(),
    });
    let mut linked = function(
        "math::sq/1",
        vec![
            ins(Opcode::Jump, vec![Operand::Jump(1)]),
            ins(Opcode::Return, vec![]),
        ],
    );
    linked.linked_from = Some(0);
    module.functions.push(linked);
    let mut linked_block = block("math::h", vec![ins(Opcode::Leave, vec![])]);
    linked_block.linked_from = Some(0);
    module.blocks.push(linked_block);
    let text = dis(&module);
    assert!(
        text.starts_with(
            ".block: [[linked_from{\"mathlib.module\"}]] math::h\n    leave\n.end\n\n"
        ),
        "{text}"
    );
    assert!(text.contains("\n\n.closure: adder/1\n    return\n.end\n\n.function: [[linked_from{\"mathlib.module\"}]] math::sq/1\n"));
    // Blocks (1) + main/0 (6) + adder/1 (1) + __entry (27) precede the linked function; its
    // `return` is 9 bytes further on.
    assert!(
        text.ends_with("    jump 0x2c\n    return\n.end\n"),
        "{text}"
    );

    module.functions[3].linked_from = Some(7);
    assert!(dis_err(&module).contains("linked module index 7"));
}

fn dis_err(module: &Module) -> String {
    disassemble(module, &DisOptions::default()).unwrap_err()
}

#[test]
fn malformed_modules_are_errors_not_panics() {
    assert_eq!(
        dis_err(&Module::new(ModuleKind::Library)),
        "not a executable file"
    );

    let bad_constant = main0(vec![ins(Opcode::Text, vec![local(1), Operand::Text(99)])]);
    assert!(dis_err(&bad_constant).contains("constant index 99 is out of range"));

    let mut wrong_kind = main0(vec![]);
    let name = wrong_kind.intern(Constant::Name("x".into()));
    wrong_kind.functions[0]
        .code
        .push(ins(Opcode::Text, vec![local(1), Operand::Text(name)]));
    assert!(dis_err(&wrong_kind).contains("is a name"));

    let arity = main0(vec![ins(Opcode::Add, vec![local(1)])]);
    assert!(dis_err(&arity).contains("has 1 operands, its shape needs 3"));

    let shape = main0(vec![ins(Opcode::Print, vec![Operand::Integer(1)])]);
    assert!(dis_err(&shape).contains("cannot stand where Reg is expected"));

    let jump = main0(vec![ins(Opcode::Jump, vec![Operand::Jump(1)])]);
    assert!(
        dis(&jump).contains("jump 0x9\n"),
        "a target just past the end is allowed"
    );
    let jump = main0(vec![ins(Opcode::Jump, vec![Operand::Jump(2)])]);
    assert!(dis_err(&jump).contains("jump target 2 is outside"));

    let mut entry = main0(vec![]);
    entry.entry = Some(9);
    assert!(dis_err(&entry).contains("entry function index 9"));

    let mut spaced = main0(vec![]);
    spaced.functions[0].name = "main 0".into();
    assert!(dis_err(&spaced).contains("single source token"));
}

mod relex {
    use proptest::prelude::*;

    use super::super::literal::{quoted_body, Quote};

    proptest! {
        /// Whatever delimiter is chosen, the lexer reads the literal back as one token whose
        /// body is exactly the stored bytes.
        #[test]
        fn quoted_bodies_re_lex_to_one_identical_token(body in "[a\\\\\"' ;\n-]{0,12}") {
            for (preferred, fallback) in [(Quote::Double, Some(Quote::Single)), (Quote::Single, Some(Quote::Double))] {
                if let Ok(literal) = quoted_body(body.as_bytes(), preferred, fallback) {
                    let tokens = crate::lexer::tokenize(&literal).expect("lexes");
                    prop_assert_eq!(tokens.len(), 1, "{:?} -> {:?}", literal, tokens);
                    prop_assert_eq!(&tokens[0].text[1..tokens[0].text.len() - 1], body.as_str());
                }
            }
        }
    }
}
