//! `std::misc` (RUNTIME.md §10.3), linked statically into each program.

mod support;

use support::output;

const LINK: &[&str] = &["std::misc"];

/// Prints `misc::boolean/1` of the value made by `make` (an instruction writing %1).
fn boolean(make: &str) -> String {
    let source = format!(
        r#"
.function: main/0
    allocate_registers %2 local
    {make}
    frame ^[(move %0 arguments %1 local)]
    print (call %1 local misc::boolean/1) local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

#[test]
fn boolean_gives_the_truthiness() {
    assert_eq!(boolean("integer %1 local 7"), "true\n");
    assert_eq!(boolean("izero %1 local"), "false\n");
    assert_eq!(boolean("float %1 local 0.5"), "true\n");
    assert_eq!(boolean("float %1 local 0.0"), "false\n");
    // Text values are falsy (DECISIONS.md, kept from 0.13).
    assert_eq!(boolean("text %1 local \"yes\""), "false\n");
    assert_eq!(boolean("function %1 local main/0"), "true\n");
}

#[test]
fn cycle_returns_nothing() {
    // conformance stdlib/misc_cycle, plus counts below the loop's overhead.
    for n in [100, 10_000, 9, 0, -50] {
        let source = format!(
            r#"
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (integer %1 local {n}) local)]
    call void std::misc::cycle/1
    print (text %1 local "cycled") local
    izero %0 local
    return
.end
"#
        );
        assert_eq!(output(&source, LINK), "cycled\n", "n = {n}");
    }
}
