//! `std::functional` (RUNTIME.md §10.2; map, filter, foreach and invoke with the intended
//! behaviour, DECISIONS.md), linked statically into each program.

mod support;

use support::{output, run, uncaught};

const LINK: &[&str] = &["std::functional"];

const SHOUT: &str = r#"
.function: shout/1
    allocate_registers %2 local
    move %1 local %0 parameters
    textconcat %0 local %1 local (text %0 local "!") local
    return
.end
"#;

#[test]
fn apply_returns_the_result() {
    // conformance stdlib/functional_apply
    let source = format!(
        r#"{SHOUT}
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (function %1 local shout/1) local) (move %1 arguments (text %1 local "hey") local)]
    print (call %1 local std::functional::apply/2) local
    izero %0 local
    return
.end
"#
    );
    assert_eq!(output(&source, LINK), "hey!\n");
}

#[test]
fn apply_accepts_a_closure() {
    let source = r#"
.closure: greet/1
    move %2 local %0 parameters
    textconcat %0 local %1 local %2 local
    return
.end

.function: main/0
    allocate_registers %3 local
    closure %2 local greet/1
    capturecopy %2 local %1 (text %1 local "hello, ") local
    frame ^[(move %0 arguments %2 local) (move %1 arguments (text %1 local "world") local)]
    print (call %1 local std::functional::apply/2) local
    izero %0 local
    return
.end
"#;
    assert_eq!(output(source, LINK), "hello, world\n");
}

const SAY: &str = r#"
.function: say/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    return
.end
"#;

#[test]
fn apply_of_a_function_returning_nothing_with_a_void_target() {
    let source = format!(
        r#"{SAY}
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (function %1 local say/1) local) (move %1 arguments (text %1 local "side effect") local)]
    call void std::functional::apply/2
    print (text %1 local "after") local
    izero %0 local
    return
.end
"#
    );
    assert_eq!(output(&source, LINK), "side effect\nafter\n");
}

#[test]
fn apply_of_a_function_returning_nothing_with_a_target_fails_in_apply() {
    let source = format!(
        r#"{SAY}
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (function %1 local say/1) local) (move %1 arguments (text %1 local "x") local)]
    print (call %1 local std::functional::apply/2) local
    izero %0 local
    return
.end
"#
    );
    let run = run(&source, LINK);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.starts_with("x\n"), "{run:#?}");
    assert_eq!(
        run.uncaught(),
        Some(
            "uncaught object: Exception = return value requested by frame but function did \
             not set return register"
        )
    );
    // The failing `return` is apply's own.
    let trace = format!("{}{}", run.stdout, run.stderr);
    assert!(trace.contains("  std::functional::apply/2/2("), "{trace}");
}

/// `fails/1` throws an exception tagged with its parameter (an Atom).
const FAILS: &str = r#"
.function: fails/1
    allocate_registers %3 local
    move %1 local %0 parameters
    text %2 local "failure"
    throw (exception %0 local %1 local %2 local) local
    return
.end
"#;

fn apply_failing(tag: &str) -> String {
    format!(
        r#"{FAILS}
.block: handler
    print (draw %1 local) local
    leave
.end

.block: attempt
    frame ^[(move %0 arguments (function %1 local fails/1) local) (move %1 arguments (atom %1 local '{tag}') local)]
    call void std::functional::apply/2
    print (text %1 local "apply returned") local
    leave
.end

.function: main/0
    allocate_registers %2 local
    try
    catch "Other" handler
    enter attempt
    print (text %1 local "done") local
    izero %0 local
    return
.end
"#
    )
}

#[test]
fn apply_swallows_exception_tagged_errors() {
    assert_eq!(
        output(&apply_failing("Exception"), LINK),
        "apply returned\ndone\n"
    );
}

#[test]
fn apply_propagates_errors_with_other_tags() {
    assert_eq!(output(&apply_failing("Other"), LINK), "failure\ndone\n");
    let source = format!(
        r#"{FAILS}
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (function %1 local fails/1) local) (move %1 arguments (atom %1 local 'Nope') local)]
    call void std::functional::apply/2
    izero %0 local
    return
.end
"#
    );
    assert_eq!(uncaught(&source, LINK), "uncaught object: Nope = failure");
}

/// Calls `function` with `fn_setup` (which leaves the fn in %2) and the vector of the given
/// integers; `call` is the calling instruction (FUNCTION stands for the name).
fn on_vector(prelude: &str, fn_setup: &str, items: &[i64], call: &str, function: &str) -> String {
    let mut body = String::from("    vector %1 local\n");
    for item in items {
        body.push_str(&format!(
            "    vpush %1 local (integer %3 local {item}) local\n"
        ));
    }
    let call = call.replace("FUNCTION", function);
    let uses_3 = !items.is_empty() || call.contains("%3") || fn_setup.contains("%3");
    let registers = if uses_3 { 4 } else { 3 };
    let source = format!(
        r#"{prelude}
.function: main/0
    allocate_registers %{registers} local
{body}    {fn_setup}
    frame ^[(move %0 arguments %2 local) (copy %1 arguments %1 local)]
    {call}
    print %1 local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

/// `square/1` prints and squares its argument; `is_big/1` prints it and tells whether it is above 2; both
/// receive the element itself, not a pointer.
const HELPERS: &str = r#"
.function: square/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    mul %0 local %1 local %1 local
    return
.end

.function: is_big/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    gt %0 local %1 local (integer %0 local 2) local
    return
.end
"#;

const PRINT_RESULT: &str = "print (call %3 local FUNCTION) local";

#[test]
fn map_applies_fn_to_each_element() {
    let fn_setup = "function %2 local square/1";
    let map = |items: &[i64]| {
        on_vector(
            HELPERS,
            fn_setup,
            items,
            PRINT_RESULT,
            "std::functional::map/2",
        )
    };
    assert_eq!(map(&[1, 2, 3]), "1\n2\n3\n[1, 4, 9]\n[1, 2, 3]\n");
    assert_eq!(map(&[-5]), "-5\n[25]\n[-5]\n");
}

#[test]
fn map_of_an_empty_vector_is_empty() {
    let out = on_vector(
        HELPERS,
        "function %2 local square/1",
        &[],
        PRINT_RESULT,
        "std::functional::map/2",
    );
    assert_eq!(out, "[]\n[]\n");
}

#[test]
fn filter_keeps_the_elements_for_which_fn_is_truthy() {
    let fn_setup = "function %2 local is_big/1";
    let filter = |items: &[i64]| {
        on_vector(
            HELPERS,
            fn_setup,
            items,
            PRINT_RESULT,
            "std::functional::filter/2",
        )
    };
    assert_eq!(
        filter(&[1, 2, 3, 4, 5]),
        "1\n2\n3\n4\n5\n[3, 4, 5]\n[1, 2, 3, 4, 5]\n"
    );
    assert_eq!(filter(&[2, 1]), "2\n1\n[]\n[2, 1]\n");
    assert_eq!(filter(&[]), "[]\n[]\n");
}

#[test]
fn foreach_calls_fn_for_each_element() {
    let fn_setup = "function %2 local square/1";
    let call = "call void FUNCTION";
    let foreach =
        |items: &[i64]| on_vector(HELPERS, fn_setup, items, call, "std::functional::foreach/2");
    assert_eq!(foreach(&[3, 1, 2]), "3\n1\n2\n[3, 1, 2]\n");
    assert_eq!(foreach(&[]), "[]\n");
}

/// A closure adding its captured %1 to its parameter; also prints the parameter.
const ADDER: &str = r#"
.closure: adder/1
    move %2 local %0 parameters
    print %2 local
    add %0 local %2 local %1 local
    return
.end
"#;

const ADDER_SETUP: &str = "closure %2 local adder/1
    capturecopy %2 local %1 (integer %3 local 10) local";

#[test]
fn map_filter_and_foreach_accept_closures() {
    let map = on_vector(
        ADDER,
        ADDER_SETUP,
        &[1, 2],
        PRINT_RESULT,
        "std::functional::map/2",
    );
    assert_eq!(map, "1\n2\n[11, 12]\n[1, 2]\n");
    let filter = on_vector(
        ADDER,
        ADDER_SETUP,
        &[-10, 5],
        PRINT_RESULT,
        "std::functional::filter/2",
    );
    assert_eq!(filter, "-10\n5\n[5]\n[-10, 5]\n");
    let foreach = on_vector(
        ADDER,
        ADDER_SETUP,
        &[7],
        "call void FUNCTION",
        "std::functional::foreach/2",
    );
    assert_eq!(foreach, "7\n[7]\n");
}

#[test]
fn map_passes_copies_of_nested_vectors() {
    // fn modifies the element it receives; the vector given to map is unaffected.
    let source = r#"
.function: grow/1
    allocate_registers %2 local
    move %0 local %0 parameters
    vpush %0 local (integer %1 local 0) local
    return
.end

.function: main/0
    allocate_registers %4 local
    vector %1 local
    vpush %1 local (vector %2 local) local
    vpush %1 local (vector %2 local) local
    vpush *(vat %3 local %1 local (integer %2 local 1) local) local (integer %2 local 9) local
    frame ^[(move %0 arguments (function %2 local grow/1) local) (copy %1 arguments %1 local)]
    print (call %2 local std::functional::map/2) local
    print %1 local
    izero %0 local
    return
.end
"#;
    assert_eq!(output(source, LINK), "[[0], [9, 0]]\n[[], [9]]\n");
}

/// Calls invoke/2 with `fn` and the vector of `items` (Integers).
fn invoke(prelude: &str, fn_setup: &str, items: &[i64]) -> String {
    let mut body = String::from("    vector %1 local\n");
    for item in items {
        body.push_str(&format!(
            "    vpush %1 local (integer %3 local {item}) local\n"
        ));
    }
    let source = format!(
        r#"{prelude}
.function: main/0
    allocate_registers %4 local
{body}    {fn_setup}
    frame ^[(move %0 arguments %2 local) (copy %1 arguments %1 local)]
    print (call %3 local std::functional::invoke/2) local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

const INVOKE_HELPERS: &str = r#"
.function: answer/0
    allocate_registers %1 local
    integer %0 local 42
    return
.end

.function: negate/1
    allocate_registers %2 local
    move %1 local %0 parameters
    sub %0 local (izero %0 local) local %1 local
    return
.end

; 100 * a + 10 * b + c: shows the order of the arguments.
.function: digits/3
    allocate_registers %5 local
    move %1 local %0 parameters
    move %2 local %1 parameters
    move %3 local %2 parameters
    mul %1 local %1 local (integer %4 local 100) local
    mul %2 local %2 local (integer %4 local 10) local
    add %0 local %1 local %2 local
    add %0 local %0 local %3 local
    return
.end

; Returns its arguments as a vector (arity left open: any number of arguments).
.function: [[no_sa]] collect/
    allocate_registers %17 local
    move %1 local %0 parameters
    move %2 local %1 parameters
    move %3 local %2 parameters
    move %4 local %3 parameters
    move %5 local %4 parameters
    move %6 local %5 parameters
    move %7 local %6 parameters
    move %8 local %7 parameters
    move %9 local %8 parameters
    move %10 local %9 parameters
    move %11 local %10 parameters
    move %12 local %11 parameters
    move %13 local %12 parameters
    move %14 local %13 parameters
    move %15 local %14 parameters
    move %16 local %15 parameters
    vector %0 local %1 local %16
    return
.end
"#;

#[test]
fn invoke_passes_the_elements_as_arguments() {
    let inv = |setup: &str, items: &[i64]| invoke(INVOKE_HELPERS, setup, items);
    assert_eq!(inv("function %2 local answer/0", &[]), "42\n");
    assert_eq!(inv("function %2 local negate/1", &[5]), "-5\n");
    assert_eq!(inv("function %2 local digits/3", &[1, 2, 3]), "123\n");
    let sixteen: Vec<i64> = (1..=16).collect();
    assert_eq!(
        inv("function %2 local collect/", &sixteen),
        format!("{sixteen:?}\n")
    );
}

#[test]
fn invoke_accepts_a_closure() {
    assert_eq!(invoke(ADDER, ADDER_SETUP, &[32]), "32\n42\n");
}

#[test]
fn invoke_rejects_more_than_sixteen_arguments() {
    let mut body = String::from("    vector %1 local\n");
    for item in 0..17 {
        body.push_str(&format!(
            "    vpush %1 local (integer %3 local {item}) local\n"
        ));
    }
    let source = format!(
        r#"{INVOKE_HELPERS}
.function: main/0
    allocate_registers %4 local
{body}    function %2 local collect/
    frame ^[(move %0 arguments %2 local) (move %1 arguments %1 local)]
    print (call %3 local std::functional::invoke/2) local
    izero %0 local
    return
.end
"#
    );
    assert_eq!(
        uncaught(&source, LINK),
        "uncaught object: Exception = std::functional::invoke/2: more than 16 arguments"
    );
}
