//! Unit tests through the whole assembler pipeline with the analyser installed.

use std::sync::Arc;

use viua_asm::{diag::render_plain, Options};

fn check_with(source: &str, warn_unused: bool) -> String {
    let options = Options {
        analyser: Some(Arc::new(crate::Analyser)),
        warn_unused_register: warn_unused,
        warn_unused_value: warn_unused,
        ..Options::default()
    };
    match viua_asm::assemble("f.asm", source, &options) {
        Ok(_) => String::new(),
        Err(d) => render_plain("f.asm", &d),
    }
}

fn check(source: &str) -> String {
    check_with(source, false)
}

fn main_of(body: &str) -> String {
    format!(".function: main/0\n{body}\n    izero %0 local\n    return\n.end\n")
}

#[test]
fn fault_reached_only_on_the_second_iteration_is_caught() {
    let src = main_of(
        "    allocate_registers %4 local\n    integer %1 local 2\n    text %2 local \"x\"\n    .mark: again\n    print %2 local\n    move %3 local %2 local\n    idec %1 local\n    if %1 local again",
    );
    let out = check(&src);
    assert!(
        out.starts_with("f.asm:6:11: error: use of erased local register \"2\"\n"),
        "{out}"
    );
    assert!(out.contains("f.asm:7:5: note: erased here:"), "{out}");
    assert!(out.contains("after taking true branch here:"), "{out}");
}

#[test]
fn correct_loop_is_accepted() {
    let src = main_of(
        "    allocate_registers %4 local\n    integer %1 local 3\n    .mark: again\n    text %2 local \"tick\"\n    print %2 local\n    idec %1 local\n    if %1 local again",
    );
    assert_eq!(check(&src), "");
}

#[test]
fn loop_with_backward_offset_and_absolute_index_is_followed() {
    // `if %1 local -4` jumps back to `print`, where %2 has been moved out.
    let src = main_of(
        "    allocate_registers %4 local\n    integer %1 local 2\n    text %2 local \"x\"\n    print %2 local\n    move %3 local %2 local\n    idec %1 local\n    if %1 local -3 +1",
    );
    assert!(check(&src).contains("use of erased local register \"2\""));
    // Absolute targets are instruction indices, as the code generator reads them.
    let src = main_of(
        "    allocate_registers %3 local\n    jump 2\n    izero %1 local\n    izero %1 local\n    print %1 local",
    );
    assert!(
        check(&src).contains("overwrite of unused value"),
        "{}",
        check(&src)
    );
}

#[test]
fn every_register_set() {
    let local = main_of("    allocate_registers %3 local\n    print %1 local");
    assert!(check(&local).contains("use of empty local register \"1\""));
    // Reads of global and static registers are not checked (ANALYSER.md §4.4).
    let global =
        main_of("    allocate_registers %2 local\n    print %1 global\n    print %1 static");
    assert_eq!(check_with(&global, true), "");
    let arguments = main_of("    allocate_registers %2 local\n    print %0 arguments");
    assert!(check(&arguments).contains("invalid use of arguments register set"));
    let parameters = ".function: f/1\n    allocate_registers %1 local\n    print %0 parameters\n    return\n.end\n";
    assert!(check(parameters).contains("invalid use of parameters register set"));
    let unused_parameter = ".function: f/2\n    allocate_registers %1 local\n    return\n.end\n";
    assert!(check(unused_parameter).contains("unused value in register \"1\""));
}

#[test]
fn suppressions() {
    let src = main_of("    allocate_registers %3 local\n    integer %2 local 1\n    .unused: %2\n    izero %1 local\n    print %1 local");
    assert_eq!(check(&src), "");
    let src = main_of("    allocate_registers %3 local\n    integer %2 local [[maybe_unused]] 1\n    izero %1 local\n    print %1 local");
    assert_eq!(check(&src), "");
    let src = main_of("    allocate_registers %5 local");
    assert!(check(&src).contains("unused local register 4"));
    assert_eq!(check_with(&src, true), "");
}

#[test]
fn deep_nesting_terminates() {
    let mut body = String::from("    allocate_registers %2 local\n    integer %1 local 1\n");
    for i in 0..3000 {
        body.push_str(&format!(
            "    if %1 local t{i} f{i}\n    .mark: t{i}\n    nop\n    .mark: f{i}\n"
        ));
    }
    body.push_str("    print %1 local");
    assert_eq!(check(&main_of(&body)), "");
}

#[test]
fn thousands_of_diverging_branches_terminate() {
    // Each branch defines a different register: 2^n distinct states, cut by the budget.
    let mut body = String::from("    allocate_registers %40 local\n    integer %1 local 1\n");
    for i in 0..2000 {
        let r = 2 + i % 30;
        body.push_str(&format!(
            "    if %1 local t{i} f{i}\n    .mark: t{i}\n    integer %{r} local [[maybe_unused]] 1\n    .mark: f{i}\n"
        ));
    }
    body.push_str("    print %1 local");
    let started = std::time::Instant::now();
    let _ = check_with(&main_of(&body), true);
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn self_entering_block_terminates() {
    let src = ".block: b\n    enter b\n    leave\n.end\n.function: main/0\n    allocate_registers %1 local\n    enter b\n    izero %0 local\n    return\n.end\n";
    assert_eq!(check(src), "");
}
