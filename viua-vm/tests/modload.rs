//! Extending a program with bytecode modules (RUNTIME.md §7.3): stable indexes, name
//! resolution order, literals, blocks, repeated imports and bad modules.

use std::sync::Arc;

use viua_bytecode::{Module, Operand};
use viua_vm::exec::{Process, StepOutcome};
use viua_vm::load::{BlockRef, Callee, CodeRef, Insn, Program, MAIN_MODULE};

fn assemble(name: &str, source: &str, library: bool) -> Module {
    let options = viua_asm::Options {
        library,
        ..Default::default()
    };
    viua_asm::assemble(name, source, &options)
        .unwrap_or_else(|d| panic!("{name}: {}", viua_asm::diag::render_plain(name, &d)))
        .module
}

const EXECUTABLE: &str = r#"
.signature: lib::twice/1
.bsignature: lib::handler

.function: common/0
    allocate_registers %1 local
    integer %0 local 1
    return
.end

.function: main/0
    allocate_registers %3 local
    text %1 local "exec text"
    print %1 local
    atom %2 local 'exec_atom'
    print %2 local
    frame %1
    move %0 arguments (integer %1 local 21) local
    call %1 local lib::twice/1
    print %1 local
    try
    catch "Integer" lib::handler
    enter lib::handler
    izero %0 local
    return
.end
"#;

const LIBRARY: &str = r#"
.block: lib::handler
    leave
.end

.function: lib::twice/1
    allocate_registers %2 local
    move %1 local %0 parameters
    add %0 local %1 local %1 local
    return
.end

.function: common/0
    allocate_registers %1 local
    integer %0 local 2
    return
.end

.function: lib::show/0
    allocate_registers %4 local
    .name: 1 counter
    .name: 2 zero
    .name: 3 more
    text %3 local "lib text"
    print %3 local
    atom %3 local 'lib_atom'
    print %3 local
    float %3 local 2.5
    print %3 local
    frame %0
    call %3 local common/0
    print %3 local
    integer %counter local 3
    izero %zero local
    .mark: loop
    if (gt %more local %counter local %zero local) local +1 finished
    print %counter local
    idec %counter local
    jump loop
    .mark: finished
    frame %1
    move %0 arguments (integer %3 local 5) local
    call %0 local lib::twice/1
    return
.end
"#;

const OTHER: &str = r#"
.function: lib::twice/1
    allocate_registers %1 local
    integer %0 local 999
    return
.end

.function: other::only/0
    allocate_registers %1 local
    integer %0 local 7
    return
.end
"#;

fn base() -> Program {
    Program::load(&assemble("prog.asm", EXECUTABLE, false), "prog.bin").unwrap()
}

fn library() -> Module {
    assemble("lib.asm", LIBRARY, true)
}

fn function(p: &Program, name: &str) -> u32 {
    p.resolve_function(name)
        .unwrap_or_else(|| panic!("{name} unresolved"))
}

/// Runs a function of the program with no parameters; its output and returned value's text.
fn run(p: &Arc<Program>, f: u32) -> (String, Option<String>) {
    let mut process = Process::new(Arc::clone(p), 1, f, Vec::new());
    let mut output = Vec::new();
    loop {
        let outcome = process.step(10_000);
        output.extend(process.take_output());
        match outcome {
            StepOutcome::Yielded => continue,
            StepOutcome::Returned(v) => {
                return (
                    String::from_utf8(output).unwrap(),
                    v.map(|v| format!("{v:?}")),
                )
            }
            other => panic!("unexpected outcome {other:?}"),
        }
    }
}

fn call_targets(code: &[Insn]) -> Vec<Callee> {
    code.iter()
        .filter_map(|i| match i {
            Insn::Call(_, c) => Some(*c),
            _ => None,
        })
        .collect()
}

#[test]
fn indexes_of_the_old_program_stay_valid() {
    let old = base();
    let new = old
        .with_module(&library(), "lib", "/lib/lib.module")
        .unwrap();
    assert_eq!(new.functions.len(), old.functions.len() + 3);
    assert_eq!(new.blocks.len(), old.blocks.len() + 1);
    for (a, b) in old.functions.iter().zip(&new.functions) {
        assert_eq!(a.name, b.name);
        assert!(Arc::ptr_eq(&a.code, &b.code), "code is shared, not copied");
        assert_eq!(b.module, 0);
    }
    for (a, b) in old.names.iter().zip(&new.names) {
        assert_eq!(a.name, b.name);
    }
    assert_eq!(old.texts[..], new.texts[..old.texts.len()]);
    assert_eq!(old.atoms[..], new.atoms[..old.atoms.len()]);
    assert_eq!(old.labels[..], new.labels[..old.labels.len()]);
    assert_eq!(old.entry, new.entry);
    assert_eq!(
        old.resolve_function("main/0"),
        new.resolve_function("main/0")
    );
    assert_eq!(
        old.resolve_function("__entry"),
        new.resolve_function("__entry")
    );
}

#[test]
fn module_functions_resolve_by_name_and_know_their_module() {
    let old = base();
    assert_eq!(old.resolve_function("lib::twice/1"), None);
    let new = old
        .with_module(&library(), "lib", "/lib/lib.module")
        .unwrap();
    let twice = function(&new, "lib::twice/1");
    assert!(twice as usize >= old.functions.len());
    assert_eq!(new.functions[twice as usize].name, "lib::twice/1");
    let at = CodeRef::Function(twice);
    let info = new.module_of(at).unwrap();
    assert_eq!(
        (info.name.as_str(), info.path.as_str()),
        ("lib", "/lib/lib.module")
    );
    assert_ne!(info.base, new.modules[0].base);
    let main = new
        .module_of(CodeRef::Function(function(&new, "main/0")))
        .unwrap();
    assert_eq!(
        (main.name.as_str(), main.path.as_str()),
        (MAIN_MODULE, "prog.bin")
    );
    // Throw-point offsets are relative to the module's own code: its first definition
    // (the block) starts at 0.
    let handler = new.resolve_block("lib::handler").unwrap();
    assert_eq!(new.blocks[handler as usize].offsets[0], 0);
    assert!(new.functions[twice as usize].offsets[0] > 0);
}

#[test]
fn unknown_callees_of_the_executable_resolve_after_the_import() {
    let old = base();
    let main = &old.functions[function(&old, "main/0") as usize];
    let [Callee::Unknown(n)] = call_targets(&main.code)[..] else {
        panic!("expected one unresolved call in main/0");
    };
    assert_eq!(old.names[n as usize].name, "lib::twice/1");
    assert_eq!(old.resolve_name(n), None);
    let new = old.with_module(&library(), "lib", "lib.module").unwrap();
    let twice = function(&new, "lib::twice/1");
    assert_eq!(new.resolve_name(n), Some(twice));
    assert_eq!(new.names[n as usize].function, Some(twice));
    // The old program (still used by running processes until swapped) is unchanged.
    assert_eq!(old.names[n as usize].function, None);
}

#[test]
fn the_executables_definition_wins_also_inside_the_module() {
    let old = base();
    let common = function(&old, "common/0");
    let new = old.with_module(&library(), "lib", "lib.module").unwrap();
    assert_eq!(function(&new, "common/0"), common);
    let show = &new.functions[function(&new, "lib::show/0") as usize];
    let twice = function(&new, "lib::twice/1");
    assert_eq!(
        call_targets(&show.code),
        vec![Callee::Function(common), Callee::Function(twice)]
    );
}

#[test]
fn an_earlier_module_wins_over_a_later_one() {
    let lib = base().with_module(&library(), "lib", "lib.module").unwrap();
    let twice = function(&lib, "lib::twice/1");
    let other = assemble("other.asm", OTHER, true);
    let both = lib.with_module(&other, "other", "other.module").unwrap();
    assert_eq!(function(&both, "lib::twice/1"), twice);
    let only = function(&both, "other::only/0");
    assert_eq!(
        both.module_of(CodeRef::Function(only)).unwrap().name,
        "other"
    );
    assert_eq!(both.modules.len(), 3);
}

#[test]
fn module_code_runs_with_its_own_literals_jumps_and_calls() {
    let new = Arc::new(base().with_module(&library(), "lib", "lib.module").unwrap());
    let (out, result) = run(&new, function(&new, "lib::show/0"));
    assert_eq!(out, "lib text\n'lib_atom'\n2.500000\n1\n3\n2\n1\n");
    assert_eq!(
        result.as_deref().map(|r| r.contains("10")),
        Some(true),
        "{result:?}"
    );
}

#[test]
fn literals_of_both_decode() {
    let old = base();
    let new = old.with_module(&library(), "lib", "lib.module").unwrap();
    let texts = |p: &Program, f: &str| -> Vec<Vec<u8>> {
        p.functions[function(p, f) as usize]
            .code
            .iter()
            .filter_map(|i| match i {
                Insn::TextLiteral(_, t) => p.texts[*t as usize].clone(),
                _ => None,
            })
            .collect()
    };
    assert_eq!(texts(&new, "main/0"), vec![b"exec text".to_vec()]);
    assert_eq!(texts(&new, "lib::show/0"), vec![b"lib text".to_vec()]);
    let show = &new.functions[function(&new, "lib::show/0") as usize];
    let atoms: Vec<&[u8]> = show
        .code
        .iter()
        .filter_map(|i| match i {
            Insn::Atom(_, a) => Some(&new.atoms[*a as usize][..]),
            _ => None,
        })
        .collect();
    assert_eq!(atoms, vec![&b"lib_atom"[..]]);
    assert!(show
        .code
        .iter()
        .any(|i| matches!(i, Insn::Float(_, f) if new.floats[*f as usize] == 2.5)));
}

#[test]
fn jumps_are_not_relocated() {
    let module = library();
    let new = base().with_module(&module, "lib", "lib.module").unwrap();
    let raw = &module.functions[module.function_index("lib::show/0").unwrap()].code;
    let raw_targets: Vec<u32> = raw
        .iter()
        .flat_map(|i| i.operands.iter())
        .filter_map(|o| match o {
            Operand::Jump(t) => Some(*t),
            _ => None,
        })
        .collect();
    let show = &new.functions[function(&new, "lib::show/0") as usize];
    let targets: Vec<u32> = show
        .code
        .iter()
        .flat_map(|i| match i {
            Insn::Jump(t) => vec![*t],
            Insn::If(_, a, b) => vec![*a, *b],
            _ => vec![],
        })
        .collect();
    assert!(!targets.is_empty());
    assert_eq!(targets, raw_targets);
}

#[test]
fn blocks_of_modules_resolve() {
    let old = base();
    let main = &old.functions[function(&old, "main/0") as usize];
    let labels: Vec<u32> = main
        .code
        .iter()
        .filter_map(|i| match i {
            Insn::Enter(BlockRef::Unknown(l)) | Insn::Catch(_, BlockRef::Unknown(l)) => Some(*l),
            _ => None,
        })
        .collect();
    assert_eq!(labels.len(), 2);
    assert_eq!(old.resolve_label(labels[0]), None);
    let new = old.with_module(&library(), "lib", "lib.module").unwrap();
    let handler = new.resolve_block("lib::handler").unwrap();
    assert_eq!(new.blocks[handler as usize].name, "lib::handler");
    assert_eq!(new.blocks[handler as usize].module, 1);
    for l in labels {
        assert_eq!(new.resolve_label(l), Some(handler));
    }
}

#[test]
fn a_second_import_of_the_same_module_is_detected() {
    let lib = base().with_module(&library(), "lib", "lib.module").unwrap();
    assert!(lib.is_loaded("lib"));
    assert!(lib.loaded_modules.contains("lib"));
    assert!(!lib.is_loaded("other"));
    assert!(lib.with_module(&library(), "lib", "lib.module").is_err());
    let bytes = viua_bytecode::encode(&library());
    assert!(lib
        .with_module_bytes(&bytes, "lib", "lib.module")
        .unwrap()
        .is_none());
    let fresh = base()
        .with_module_bytes(&bytes, "lib", "lib.module")
        .unwrap();
    assert!(fresh.unwrap().resolve_function("lib::twice/1").is_some());
}

#[test]
fn bad_modules_are_errors() {
    let old = base();
    let executable = assemble("prog.asm", EXECUTABLE, false);
    assert!(old.with_module(&executable, "prog", "prog.bin").is_err());
    let bytes = viua_bytecode::encode(&executable);
    assert!(old.with_module_bytes(&bytes, "prog", "prog.bin").is_err());
    assert!(old.with_module_bytes(b"", "x", "x.module").is_err());
    assert!(old
        .with_module_bytes(b"not bytecode", "x", "x.module")
        .is_err());
    let lib = viua_bytecode::encode(&library());
    for cut in [4, lib.len() / 2, lib.len() - 1] {
        assert!(old.with_module_bytes(&lib[..cut], "x", "x.module").is_err());
    }
    let mut flipped = lib.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    let _ = old.with_module_bytes(&flipped, "x", "x.module"); // must not panic
    assert!(!old.is_loaded("x"));
}

#[test]
fn a_later_module_can_satisfy_an_earlier_modules_unknown_calls() {
    let first = assemble(
        "first.asm",
        ".signature: other::only/0\n.function: first::f/0\n    allocate_registers %1 local\n    frame %0\n    call %0 local other::only/0\n    return\n.end\n",
        true,
    );
    let p = base().with_module(&first, "first", "first.module").unwrap();
    let f = &p.functions[function(&p, "first::f/0") as usize];
    let [Callee::Unknown(n)] = call_targets(&f.code)[..] else {
        panic!("expected an unresolved call");
    };
    assert_eq!(p.resolve_name(n), None);
    let p = Arc::new(
        p.with_module(&assemble("other.asm", OTHER, true), "other", "other.module")
            .unwrap(),
    );
    assert_eq!(p.resolve_name(n), Some(function(&p, "other::only/0")));
}

#[test]
fn the_standard_bytecode_modules_import_together() {
    let sources = [
        ("std::vector", include_str!("../../viua-std/asm/vector.asm")),
        (
            "std::functional",
            include_str!("../../viua-std/asm/functional.asm"),
        ),
        ("std::misc", include_str!("../../viua-std/asm/misc.asm")),
    ];
    let mut p = base();
    for (name, source) in sources {
        let bytes = viua_bytecode::encode(&assemble(name, source, true));
        p = p.with_module_bytes(&bytes, name, name).unwrap().unwrap();
    }
    for f in [
        "std::vector::of_ints/1",
        "std::vector::any/2",
        "std::functional::apply/2",
        "misc::boolean/1",
        "std::misc::cycle/1",
    ] {
        let i = function(&p, f);
        assert!(p.functions[i as usize].module >= 1, "{f}");
    }
    assert_eq!(p.loaded_modules.len(), 3);
}
