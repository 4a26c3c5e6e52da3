//! One test per verifier rule: a valid hand-built module passes, and each mutation fails with
//! the expected kind (and, where the text matters, the expected message).

mod common;

use common::*;
use viua_bytecode::*;

#[track_caller]
fn fails(m: &Module, kind: VerifyErrorKind) -> VerifyError {
    match verify(m) {
        Ok(()) => panic!("expected {kind:?}, but the module verified"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "wrong kind: {e}");
            e
        }
    }
}

#[track_caller]
fn passes(m: &Module) {
    if let Err(e) = verify(m) {
        panic!("expected the module to verify: {e}");
    }
}

/// Index of `function` and of its first instruction with `opcode`.
fn find(m: &Module, function: &str, opcode: Opcode) -> (usize, usize) {
    let f = m.function_index(function).unwrap();
    let i = m.functions[f]
        .code
        .iter()
        .position(|i| i.opcode == opcode)
        .unwrap();
    (f, i)
}

fn name_constant(m: &mut Module, name: &str) -> ConstIndex {
    m.intern(Constant::Name(name.into()))
}

#[test]
fn samples_pass() {
    for (_, m) in samples() {
        passes(&m);
    }
}

#[test]
fn operand_count() {
    let mut m = hello();
    m.functions[0].code[2].operands.push(r(1));
    let e = fails(&m, VerifyErrorKind::OperandCount);
    assert_eq!(
        e.to_string(),
        "in function 'main/0' at instruction 2: 'print' takes 1 operand, found 2"
    );
    let mut m = hello();
    m.functions[0].code[1].operands.pop();
    fails(&m, VerifyErrorKind::OperandCount);
    let mut m = hello();
    m.functions[0].code[4].operands.push(Operand::Void);
    fails(&m, VerifyErrorKind::OperandCount);
}

#[test]
fn operand_kind() {
    let mut cases: Vec<(Opcode, usize, Operand)> = vec![
        (Opcode::Print, 0, Operand::Void),
        (Opcode::AllocateRegisters, 0, r(2)),
        (Opcode::Float, 1, Operand::Integer(1)),
        (Opcode::Bitset, 2, Operand::Integer(1)),
        (Opcode::Capturecopy, 1, r(1)),
        (Opcode::Join, 2, Operand::Integer(10)),
        (Opcode::Jump, 0, Operand::Integer(0)),
        (Opcode::Bits, 1, Operand::Text(0)),
        (Opcode::Atom, 1, Operand::Text(0)),
        (Opcode::String, 1, r(1)),
        (Opcode::Catch, 1, Operand::Function(0)),
    ];
    // `process` takes a function name only (ASSEMBLY.md §5.5 recommends rejecting registers).
    cases.push((Opcode::Process, 1, r(1)));
    for (opcode, position, operand) in cases {
        let mut m = rich();
        let f = if opcode == Opcode::Jump {
            "sum_to/1"
        } else {
            "main/1"
        };
        let (f, i) = find(&m, f, opcode);
        m.functions[f].code[i].operands[position] = operand;
        let e = fails(&m, VerifyErrorKind::OperandKind);
        assert_eq!(
            e.location(),
            &Location::Function {
                index: f,
                name: m.functions[f].name.clone(),
                instruction: Some(i)
            }
        );
    }
    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Call);
    m.functions[f].code[i].operands[1] = Operand::Text(0);
    let e = fails(&m, VerifyErrorKind::OperandKind);
    assert_eq!(
        e.message(),
        "operand 1 of 'call' must be a function name or a register, found a text literal"
    );
}

#[test]
fn or_register_positions_accept_registers() {
    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Bits);
    m.functions[f].code[i].operands[1] = r(2);
    let (_, j) = find(&m, "main/1", Opcode::Bitset);
    m.functions[f].code[j].operands[2] = r(2);
    let (w, k) = find(&m, "worker/0", Opcode::Tailcall);
    m.functions[w].code[k].operands[0] = r(1);
    passes(&m);
}

#[test]
fn constant_index_and_kind() {
    let mut m = hello();
    m.functions[0].code[1].operands[1] = Operand::Text(99);
    let e = fails(&m, VerifyErrorKind::ConstantIndex);
    assert!(e.message().contains("constant 99"), "{e}");

    let mut m = hello();
    let n = name_constant(&mut m, "main/0");
    m.functions[0].code[1].operands[1] = Operand::Text(n);
    fails(&m, VerifyErrorKind::ConstantKind);

    let mut m = hello();
    let e = m.entry.unwrap() as usize;
    m.functions[e].code[1].operands[1] = Operand::Function(0); // 0 holds "Hello World!" bytes
    fails(&m, VerifyErrorKind::ConstantKind);
}

#[test]
fn operand_names_well_formed() {
    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Process);
    let c = name_constant(&mut m, "worker");
    m.functions[f].code[i].operands[1] = Operand::Function(c);
    fails(&m, VerifyErrorKind::BadFunctionName);

    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Enter);
    let c = name_constant(&mut m, "two words");
    m.functions[f].code[i].operands[0] = Operand::Block(c);
    fails(&m, VerifyErrorKind::BadBlockName);

    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Import);
    let c = name_constant(&mut m, "std/io");
    m.functions[f].code[i].operands[0] = Operand::Module(c);
    fails(&m, VerifyErrorKind::BadModuleName);
}

#[test]
fn timeouts() {
    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Join);
    m.functions[f].code[i].operands[2] = Operand::Timeout(Timeout::Millis(limits::MAX_TIMEOUT_MS));
    passes(&m);
    m.functions[f].code[i].operands[2] = Operand::Timeout(Timeout::Millis(u32::MAX));
    fails(&m, VerifyErrorKind::BadTimeout);
}

#[test]
fn jumps_stay_inside_their_body() {
    let mut m = rich();
    let f = m.function_index("sum_to/1").unwrap();
    m.functions[f].code[8].operands[0] = Operand::Jump(9);
    passes(&m);
    m.functions[f].code[8].operands[0] = Operand::Jump(10);
    let e = fails(&m, VerifyErrorKind::JumpOutOfRange);
    assert_eq!(
        e.to_string(),
        "in function 'sum_to/1' at instruction 8: jump target 10 is outside the function (10 \
         instructions)"
    );
    let mut m = rich();
    m.functions[f].code[5].operands[2] = Operand::Jump(u32::MAX);
    fails(&m, VerifyErrorKind::JumpOutOfRange);

    let mut m = rich();
    m.blocks[0]
        .code
        .insert(0, ins(Opcode::Jump, vec![Operand::Jump(3)]));
    passes(&m);
    m.blocks[0].code[0].operands[0] = Operand::Jump(4);
    let e = fails(&m, VerifyErrorKind::JumpOutOfRange);
    assert_eq!(
        e.to_string(),
        "in block 'main/1__nested__handler' at instruction 0: jump target 4 is outside the \
         block (4 instructions)"
    );
}

#[test]
fn referenced_functions_exist() {
    let mut m = rich();
    let (f, i) = find(&m, "main/1", Opcode::Call);
    let c = name_constant(&mut m, "nowhere/0");
    m.functions[f].code[i].operands[1] = Operand::Function(c);
    let e = fails(&m, VerifyErrorKind::UndefinedFunction);
    assert!(e.message().contains("'nowhere/0'"), "{e}");
    m.signatures.push("nowhere/0".into());
    passes(&m);
    m.signatures.pop();
    m.imported_functions.push("nowhere/0".into());
    passes(&m);

    for opcode in [Opcode::Process, Opcode::Closure, Opcode::Defer] {
        let mut m = rich();
        let (f, i) = find(&m, "main/1", opcode);
        let c = name_constant(&mut m, "nowhere/0");
        let pos = m.functions[f].code[i].operands.len() - 1;
        m.functions[f].code[i].operands[pos] = Operand::Function(c);
        fails(&m, VerifyErrorKind::UndefinedFunction);
    }
    let mut m = library();
    let c = name_constant(&mut m, "nowhere/");
    m.functions[0].code[3].operands[0] = Operand::Function(c);
    fails(&m, VerifyErrorKind::UndefinedFunction);
}

#[test]
fn referenced_blocks_exist() {
    for opcode in [Opcode::Enter, Opcode::Catch] {
        let mut m = rich();
        let (f, i) = find(&m, "main/1", opcode);
        let c = name_constant(&mut m, "missing");
        let pos = m.functions[f].code[i].operands.len() - 1;
        m.functions[f].code[i].operands[pos] = Operand::Block(c);
        fails(&m, VerifyErrorKind::UndefinedBlock);
        m.block_signatures.push("missing".into());
        passes(&m);
    }
    // A function of that name does not make a block.
    let mut m = library();
    let c = name_constant(&mut m, "util::run/0");
    m.functions[0].code[0].operands[0] = Operand::Block(c);
    fails(&m, VerifyErrorKind::UndefinedBlock);
}

#[test]
fn duplicate_names() {
    let mut m = rich();
    let dup = m.functions[0].clone();
    m.functions.insert(1, dup);
    m.entry = m.entry.map(|e| e + 1);
    let e = fails(&m, VerifyErrorKind::DuplicateName);
    assert_eq!(
        e.to_string(),
        "in function 'sum_to/1': function defined more than once"
    );

    let mut m = rich();
    let dup = m.blocks[1].clone();
    m.blocks.push(dup);
    fails(&m, VerifyErrorKind::DuplicateName);

    // Blocks and functions are looked up in separate tables, so sharing a name is harmless to
    // the VM (the assembler rejects it in source).
    let mut m = library();
    m.blocks[0].name = "util::run/0".into();
    passes(&m);
}

#[test]
fn code_tables() {
    let mut m = rich();
    m.functions[1].debug = vec![SourcePos { line: 1, column: 1 }];
    fails(&m, VerifyErrorKind::DebugTableMismatch);
    let mut m = rich();
    m.blocks[0].debug = vec![SourcePos { line: 1, column: 1 }; 4];
    fails(&m, VerifyErrorKind::DebugTableMismatch);

    let mut m = library();
    m.functions[1].linked_from = Some(1);
    fails(&m, VerifyErrorKind::BadLinkedFrom);
    let mut m = library();
    m.blocks[0].linked_from = Some(7);
    fails(&m, VerifyErrorKind::BadLinkedFrom);

    let mut m = hello();
    m.functions[0].code.clear();
    let e = fails(&m, VerifyErrorKind::EmptyCode);
    assert_eq!(
        e.to_string(),
        "in function 'main/0': the function has no instructions"
    );
    let mut m = library();
    m.blocks[0].code.clear();
    fails(&m, VerifyErrorKind::EmptyCode);
}

#[test]
fn arity_matches_name() {
    let mut m = rich();
    m.functions[0].arity = Some(2);
    let e = fails(&m, VerifyErrorKind::ArityMismatch);
    assert_eq!(e.message(), "the name gives arity 1, but 2 is stored");
    let mut m = library();
    m.functions[0].arity = None;
    fails(&m, VerifyErrorKind::ArityMismatch);

    let mut m = library();
    m.functions.push(Function {
        name: "anything/".into(),
        arity: None,
        kind: FunctionKind::Function,
        linked_from: None,
        code: vec![ins(Opcode::Return, vec![])],
        debug: vec![],
    });
    passes(&m);
    m.functions.last_mut().unwrap().kind = FunctionKind::Closure;
    fails(&m, VerifyErrorKind::ArityMismatch);

    let mut m = hello();
    let e = m.entry.unwrap() as usize;
    m.functions[e].arity = Some(0);
    fails(&m, VerifyErrorKind::ArityMismatch);
}

#[test]
fn function_table_names() {
    for bad in ["main", "9/0", "a b/0", "f/70000", ""] {
        let mut m = library();
        m.functions[0].name = bad.into();
        fails(&m, VerifyErrorKind::BadFunctionName);
    }
    let mut m = library();
    m.blocks[0].name = "with space".into();
    fails(&m, VerifyErrorKind::BadBlockName);
    let mut m = library();
    m.signatures.push("nope".into());
    fails(&m, VerifyErrorKind::BadFunctionName);
    let mut m = library();
    m.block_signatures.push(String::new());
    fails(&m, VerifyErrorKind::BadBlockName);
    let mut m = rich();
    m.dynamic_imports.push("std/io".into());
    fails(&m, VerifyErrorKind::BadModuleName);
    let mut m = rich();
    m.imported_functions.push("x".into());
    fails(&m, VerifyErrorKind::BadFunctionName);
    let mut m = library();
    m.linked[0].path.clear();
    fails(&m, VerifyErrorKind::BadLinkedModule);
}

#[test]
fn sorted_tables() {
    let mut m = rich();
    m.meta.swap(0, 1);
    fails(&m, VerifyErrorKind::UnsortedTable);
    let mut m = rich();
    m.meta[1].0 = m.meta[0].0.clone();
    fails(&m, VerifyErrorKind::UnsortedTable);
    let mut m = rich();
    m.imported_functions.reverse();
    fails(&m, VerifyErrorKind::UnsortedTable);
}

#[test]
fn entry_point() {
    let mut m = hello();
    m.entry = None;
    fails(&m, VerifyErrorKind::BadEntry);
    let mut m = hello();
    m.entry = Some(2);
    fails(&m, VerifyErrorKind::BadEntry);
    let mut m = hello();
    m.entry = Some(0); // main/0
    let e = fails(&m, VerifyErrorKind::BadEntry);
    assert_eq!(
        e.to_string(),
        "in function 'main/0': the entry function must be called '__entry'"
    );
    let mut m = hello();
    m.functions[1].kind = FunctionKind::Closure;
    fails(&m, VerifyErrorKind::BadEntry);

    let mut m = library();
    m.entry = Some(0);
    fails(&m, VerifyErrorKind::BadEntry);
    let mut m = hello();
    m.kind = ModuleKind::Library;
    m.entry = None;
    fails(&m, VerifyErrorKind::BadEntry); // a library cannot carry `__entry`
}

#[test]
fn exactly_one_main() {
    let mut m = hello();
    m.functions[0].name = "main/3".into();
    m.functions[0].arity = Some(3);
    let e = fails(&m, VerifyErrorKind::BadMain);
    assert_eq!(e.to_string(), "main function is not defined");
    let mut m = hello();
    let mut other = m.functions[0].clone();
    other.name = "main/2".into();
    other.arity = Some(2);
    m.functions.push(other);
    let e = fails(&m, VerifyErrorKind::BadMain);
    assert_eq!(
        e.to_string(),
        "more than one candidate for main function: main/0, main/2"
    );
    // A library may define any number of them (ASSEMBLY.md §3.11).
    m.kind = ModuleKind::Library;
    m.functions.remove(1);
    m.entry = None;
    passes(&m);
}

#[test]
fn limits_on_tables() {
    let mut m = library();
    m.signatures = vec![String::new(); limits::MAX_NAME_LIST_ENTRIES + 1];
    fails(&m, VerifyErrorKind::TooLarge);
    let mut m = library();
    m.constants
        .push(Constant::Bytes(vec![0; limits::MAX_LITERAL_LEN + 1]));
    fails(&m, VerifyErrorKind::TooLarge);
    let mut m = library();
    m.constants
        .push(Constant::Name("a".repeat(limits::MAX_NAME_LEN + 1)));
    fails(&m, VerifyErrorKind::TooLarge);
}

/// Register indexes are not checked against `allocate_registers`: an access beyond the
/// allocated set is a defined run-time exception (conformance `registers/register_out_of_range`).
#[test]
fn registers_beyond_the_allocated_set_are_valid() {
    let mut m = hello();
    m.functions[0].code[2].operands[0] = rs(limits::MAX_REGISTER_INDEX, RegisterSet::Local);
    m.functions[0].code[1].operands[0] = rs(40_000, RegisterSet::Parameters);
    passes(&m);
}

#[test]
fn load_verifies() {
    let m = hello();
    assert_eq!(load(&encode(&m)).unwrap(), m);
    let mut bad = m;
    bad.functions[0].code[0].operands.clear();
    match load(&encode(&bad)) {
        Err(LoadError::Verify(e)) => assert_eq!(e.kind(), VerifyErrorKind::OperandCount),
        other => panic!("expected a verify error, got {other:?}"),
    }
}
