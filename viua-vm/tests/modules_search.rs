//! The module search (RUNTIME.md §7.2), `VIUA_LIBRARY_PATH` / `VIUA_IMPORT` parsing (§5A),
//! built-in bytecode modules and `modules::import`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use viua_vm::load::Program;
use viua_vm::modules::{
    import, library_path_from_env, locate, module_path, no_builtins, parse_import_list,
    parse_library_path, search, Found, Import, Source, BUILTIN_PATH,
};

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("viua-modules-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn touch(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn assemble(source: &str, library: bool) -> Vec<u8> {
    let options = viua_asm::Options {
        library,
        ..Default::default()
    };
    let out = viua_asm::assemble("x.asm", source, &options)
        .unwrap_or_else(|d| panic!("{}", viua_asm::diag::render_plain("x.asm", &d)));
    viua_bytecode::encode(&out.module)
}

const LIB: &str =
    ".function: m::f/0\n    allocate_registers %1 local\n    izero %0 local\n    return\n.end\n";
const EXE: &str =
    ".function: main/0\n    allocate_registers %1 local\n    izero %0 local\n    return\n.end\n";

fn program() -> Program {
    let module = viua_bytecode::load(&assemble(EXE, false)).unwrap();
    Program::load(&module, "prog.bin").unwrap()
}

#[test]
fn names_map_to_paths() {
    assert_eq!(module_path("World"), "World");
    assert_eq!(module_path("std::vector"), "std/vector");
    assert_eq!(module_path("a::b::c"), "a/b/c");
}

#[test]
fn bytecode_is_found_before_native_in_one_directory() {
    let d = scratch("order");
    touch(&d.join("std/posix/io.so"), b"");
    assert_eq!(
        search("std::posix::io", std::slice::from_ref(&d)),
        Some(Found::Native(d.join("std/posix/io.so")))
    );
    touch(&d.join("std/posix/io.module"), b"");
    let found = search("std::posix::io", std::slice::from_ref(&d)).unwrap();
    assert_eq!(found, Found::Bytecode(d.join("std/posix/io.module")));
    assert_eq!(found.path(), d.join("std/posix/io.module"));
}

#[test]
fn directories_are_searched_in_order() {
    let a = scratch("dir-a");
    let b = scratch("dir-b");
    touch(&a.join("m.so"), b"");
    touch(&b.join("m.module"), b"");
    assert_eq!(
        search("m", &[a.clone(), b.clone()]),
        Some(Found::Native(a.join("m.so")))
    );
    assert_eq!(
        search("m", &[b.clone(), a.clone()]),
        Some(Found::Bytecode(b.join("m.module")))
    );
    // An empty entry and a missing directory are skipped.
    let missing = a.join("no-such-dir");
    assert_eq!(
        search("m", &[PathBuf::new(), missing, b.clone()]),
        Some(Found::Bytecode(b.join("m.module")))
    );
}

#[test]
fn only_regular_files_count() {
    let d = scratch("regular");
    std::fs::create_dir_all(d.join("m.module")).unwrap();
    assert_eq!(search("m", std::slice::from_ref(&d)), None);
    touch(&d.join("m.so"), b"");
    assert_eq!(
        search("m", std::slice::from_ref(&d)),
        Some(Found::Native(d.join("m.so")))
    );
}

#[test]
fn missing_modules_are_not_found() {
    let d = scratch("missing");
    assert_eq!(search("nothing::here", std::slice::from_ref(&d)), None);
    assert_eq!(search("m", &[]), None);
    assert_eq!(search("", std::slice::from_ref(&d)), None);
    // A quoted name keeps its quotes and so is not found (ISA-CONTROL §2.32).
    touch(&d.join("m.module"), b"");
    assert_eq!(search("\"m\"", &[d]), None);
}

#[test]
fn a_name_cannot_leave_the_directory() {
    let d = scratch("escape");
    let outside = scratch("escape-outside");
    touch(&outside.join("x.module"), b"");
    let absolute = outside.join("x").to_string_lossy().into_owned();
    assert_eq!(search(&absolute, &[d]), None);
}

#[test]
fn library_path_splits_on_colons_and_drops_empty_parts() {
    let parse = |s: &str| parse_library_path(OsStr::new(s));
    assert_eq!(parse(""), Vec::<PathBuf>::new());
    assert_eq!(parse(":"), Vec::<PathBuf>::new());
    assert_eq!(parse("/a"), vec![PathBuf::from("/a")]);
    assert_eq!(
        parse("/a:rel/b::/c:"),
        vec![
            PathBuf::from("/a"),
            PathBuf::from("rel/b"),
            PathBuf::from("/c")
        ]
    );
}

#[test]
fn import_lists_keep_double_colons_in_names() {
    assert_eq!(parse_import_list(""), Vec::<String>::new());
    assert_eq!(parse_import_list("World"), vec!["World"]);
    assert_eq!(parse_import_list("std::vector"), vec!["std::vector"]);
    assert_eq!(
        parse_import_list("std::vector:std::io"),
        vec!["std::vector", "std::io"]
    );
    assert_eq!(
        parse_import_list("a:std::posix::network:b:"),
        vec!["a", "std::posix::network", "b"]
    );
    assert_eq!(parse_import_list(":a::b"), vec!["a::b"]);
}

#[test]
fn environment_variables_are_read() {
    // The only test that touches these variables.
    std::env::set_var("VIUA_LIBRARY_PATH", "/x:/y/z:");
    assert_eq!(
        library_path_from_env(),
        vec![PathBuf::from("/x"), PathBuf::from("/y/z")]
    );
    std::env::remove_var("VIUA_LIBRARY_PATH");
    assert!(library_path_from_env().is_empty());
    std::env::set_var("VIUA_IMPORT", "World:std::io");
    assert_eq!(
        viua_vm::modules::import_list_from_env(),
        vec!["World", "std::io"]
    );
    std::env::remove_var("VIUA_IMPORT");
    assert!(viua_vm::modules::import_list_from_env().is_empty());
}

#[test]
fn built_in_modules_are_found_without_a_file_and_files_win() {
    static BYTES: &[u8] = b"builtin";
    let builtins = |name: &str| (name == "std::vector").then_some(BYTES);
    let d = scratch("builtin");
    assert_eq!(
        locate("std::vector", std::slice::from_ref(&d), &builtins),
        Some(Source::Builtin(BYTES))
    );
    assert_eq!(
        locate("std::other", std::slice::from_ref(&d), &builtins),
        None
    );
    assert_eq!(
        locate("std::vector", std::slice::from_ref(&d), &no_builtins),
        None
    );
    touch(&d.join("std/vector.module"), b"");
    assert_eq!(
        locate("std::vector", std::slice::from_ref(&d), &builtins),
        Some(Source::File(Found::Bytecode(d.join("std/vector.module"))))
    );
}

#[test]
fn import_loads_bytecode_modules_from_files() {
    let d = scratch("import-file");
    touch(&d.join("m.module"), &assemble(LIB, true));
    let p = program();
    let Import::Bytecode(q) = import(&p, "m", std::slice::from_ref(&d), &no_builtins).unwrap()
    else {
        panic!("expected a bytecode import");
    };
    let f = q.resolve_function("m::f/0").unwrap();
    let info = q.module_of(viua_vm::load::CodeRef::Function(f)).unwrap();
    assert_eq!(info.name, "m");
    assert_eq!(info.path, d.join("m.module").to_string_lossy());
    assert!(matches!(
        import(&q, "m", std::slice::from_ref(&d), &no_builtins),
        Ok(Import::AlreadyLoaded)
    ));
}

#[test]
fn import_reports_native_and_missing_modules() {
    let d = scratch("import-native");
    touch(&d.join("n.so"), b"");
    let p = program();
    match import(&p, "n", std::slice::from_ref(&d), &no_builtins) {
        Ok(Import::Native(path)) => assert_eq!(path, d.join("n.so")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        import(&p, "absent", &[d], &no_builtins),
        Ok(Import::NotFound)
    ));
}

#[test]
fn import_uses_built_in_bytecode() {
    let lib: &'static [u8] = Box::leak(assemble(LIB, true).into_boxed_slice());
    let builtins = move |name: &str| (name == "std::m").then_some(lib);
    let Import::Bytecode(q) = import(&program(), "std::m", &[], &builtins).unwrap() else {
        panic!("expected a bytecode import");
    };
    assert!(q.is_loaded("std::m"));
    assert_eq!(q.modules[1].path, BUILTIN_PATH);
    assert!(q.resolve_function("m::f/0").is_some());
}

#[test]
fn bad_module_files_are_errors() {
    let d = scratch("import-bad");
    touch(&d.join("corrupt.module"), b"VIUA\x01garbage");
    touch(&d.join("exe.module"), &assemble(EXE, false));
    touch(&d.join("empty.module"), b"");
    let p = program();
    for name in ["corrupt", "exe", "empty"] {
        let e = import(&p, name, std::slice::from_ref(&d), &no_builtins).unwrap_err();
        assert_eq!(e.name, name);
        assert!(e.path.ends_with(&format!("{name}.module")), "{e}");
    }
    let bad: &'static [u8] = b"nonsense";
    let e = import(&p, "b", &[], &move |_: &str| Some(bad)).unwrap_err();
    assert_eq!(e.path, BUILTIN_PATH);
}
