//! The embedded modules themselves: names, encoding, function tables, and the ways a program
//! can use them (command-line linking, `.import: [[static]]` through the library path).

mod support;

use support::{library_dir, output};
use viua_bytecode::ModuleKind;

/// Every function each module must define (RUNTIME.md §10).
const FUNCTIONS: &[(&str, &[&str])] = &[
    (
        "std::vector",
        &[
            "std::vector::of_ints/1",
            "std::vector::of/2",
            "std::vector::reverse/1",
            "std::vector::reverse_in_place/1",
            "std::vector::every/2",
            "std::vector::any/2",
        ],
    ),
    (
        "std::functional",
        &[
            "std::functional::apply/2",
            "std::functional::map/2",
            "std::functional::filter/2",
            "std::functional::foreach/2",
            "std::functional::invoke/2",
        ],
    ),
    ("std::misc", &["misc::boolean/1", "std::misc::cycle/1"]),
];

#[test]
fn names_are_the_three_bytecode_modules() {
    assert_eq!(
        viua_std::NAMES,
        ["std::vector", "std::functional", "std::misc"]
    );
    for name in viua_std::NAMES {
        assert!(viua_std::module(name).is_some(), "{name}");
        assert!(viua_std::source(name).is_some(), "{name}");
    }
    for name in ["std::io", "std", "vector", "std::vector::", ""] {
        assert_eq!(viua_std::module(name), None, "{name}");
        assert_eq!(viua_std::file_name(name), None, "{name}");
    }
    assert_eq!(
        viua_std::file_name("std::functional").as_deref(),
        Some("std/functional.module")
    );
}

#[test]
fn modules_load_as_linkable_modules_with_their_functions() {
    for (name, functions) in FUNCTIONS {
        let bytes = viua_std::module(name).unwrap();
        let module = viua_bytecode::load(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(module.kind, ModuleKind::Library, "{name}");
        assert!(module.dynamic_imports.is_empty(), "{name}");
        let defined: Vec<&str> = module.functions.iter().map(|f| f.name.as_str()).collect();
        let mut expected = functions.to_vec();
        expected.sort_unstable();
        let mut sorted = defined.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected, "{name}");
        assert_eq!(viua_bytecode::decode(bytes).unwrap(), module);
    }
}

#[test]
fn sources_pass_the_static_analyser_as_libraries() {
    // build.rs already refuses to build otherwise; this pins the options it uses.
    for name in viua_std::NAMES {
        let options = viua_asm::Options {
            library: true,
            analyser: Some(std::sync::Arc::new(viua_analyser::Analyser)),
            ..viua_asm::Options::default()
        };
        let source = viua_std::source(name).unwrap();
        let output = viua_asm::assemble("std.asm", source, &options)
            .unwrap_or_else(|d| panic!("{}", viua_asm::diag::render_plain("std.asm", &d)));
        assert!(output.warnings.is_empty(), "{name}");
        assert_eq!(
            viua_bytecode::encode(&output.module),
            viua_std::module(name).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn all_modules_link_together() {
    let source = r#"
.function: main/0
    allocate_registers %3 local
    frame ^[(move %0 arguments (integer %1 local 3) local)]
    call %1 local std::vector::of_ints/1
    frame ^[(move %0 arguments (function %2 local misc::boolean/1) local) (move %1 arguments %1 local)]
    print (call %1 local std::functional::map/2) local
    izero %0 local
    return
.end
"#;
    let link = ["std::vector", "std::functional", "std::misc"];
    assert_eq!(output(source, &link), "[false, true, true]\n");
}

#[test]
fn static_import_through_the_library_path() {
    // `.import: [[static]] std::vector` finds std/vector.module in the library path.
    let source = r#"
.import: [[static]] std::vector

.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (integer %1 local 3) local)]
    print (call %1 local std::vector::of_ints/1) local
    izero %0 local
    return
.end
"#;
    assert!(library_dir().join("std/vector.module").is_file());
    assert_eq!(output(source, &[]), "[0, 1, 2]\n");
}

#[test]
fn linked_code_survives_the_disassembler_round_trip() {
    let source = r#"
.function: main/0
    allocate_registers %3 local
    frame ^[(move %0 arguments (integer %1 local 3) local)]
    call %1 local std::vector::of_ints/1
    frame ^[(move %0 arguments (function %2 local std::vector::reverse/1) local) (move %1 arguments %1 local)]
    print (call %1 local std::functional::apply/2) local
    izero %0 local
    return
.end
"#;
    let link = ["std::vector", "std::functional", "std::misc"];
    let module = support::assemble(source, &link).unwrap();
    let bytes = viua_bytecode::encode(&module);
    let listing = viua_asm::disassemble(&module, &viua_asm::DisOptions::default()).unwrap();
    let again = support::assemble(&listing, &[]).unwrap_or_else(|e| panic!("{e}\n{listing}"));
    assert_eq!(viua_bytecode::encode(&again), bytes, "{listing}");
}
