//! `std::vector` (RUNTIME.md §10.1), linked statically into each program.

mod support;

use support::{output, uncaught};

const LINK: &[&str] = &["std::vector"];

/// A program calling `std::vector::of_ints/1` with `n` and printing the result.
fn of_ints(n: i64) -> String {
    let source = format!(
        r#"
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (integer %1 local {n}) local)]
    print (call %1 local std::vector::of_ints/1) local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

#[test]
fn of_ints_counts_from_zero() {
    // conformance stdlib/vector_of_ints
    assert_eq!(of_ints(6), "[0, 1, 2, 3, 4, 5]\n");
    assert_eq!(of_ints(2), "[0, 1]\n");
}

#[test]
fn of_ints_runs_its_loop_at_least_once() {
    assert_eq!(of_ints(1), "[0]\n");
    assert_eq!(of_ints(0), "[0]\n");
    assert_eq!(of_ints(-3), "[0]\n");
}

const TIMES_TEN: &str = r#"
.function: times_ten/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    mul %0 local %1 local (integer %0 local 10) local
    return
.end
"#;

fn of_times_ten(n: i64) -> String {
    let source = format!(
        r#"{TIMES_TEN}
.function: main/0
    allocate_registers %2 local
    frame ^[(move %0 arguments (integer %1 local {n}) local) (move %1 arguments (function %1 local times_ten/1) local)]
    print (call %1 local std::vector::of/2) local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

#[test]
fn of_calls_the_generator_with_each_index() {
    // conformance stdlib/vector_of_generator (the generator also prints its argument)
    assert_eq!(of_times_ten(4), "0\n1\n2\n3\n[0, 10, 20, 30]\n");
}

#[test]
fn of_calls_the_generator_at_least_once() {
    assert_eq!(of_times_ten(0), "0\n[0]\n");
    assert_eq!(of_times_ten(1), "0\n[0]\n");
}

#[test]
fn of_accepts_a_closure() {
    let source = r#"
.closure: offset/1
    move %2 local %0 parameters
    add %0 local %2 local %1 local
    return
.end

.function: main/0
    allocate_registers %3 local
    closure %2 local offset/1
    capturecopy %2 local %1 (integer %1 local 100) local
    frame ^[(move %0 arguments (integer %1 local 3) local) (move %1 arguments %2 local)]
    print (call %1 local std::vector::of/2) local
    izero %0 local
    return
.end
"#;
    assert_eq!(output(source, LINK), "[100, 101, 102]\n");
}

/// `[a, b, c, d]` in %5, then `body`.
fn with_letters(body: &str) -> String {
    let source = format!(
        r#"
.function: main/0
    allocate_registers %6 local
    text %1 local "a"
    text %2 local "b"
    text %3 local "c"
    text %4 local "d"
    vector %5 local %1 local %4
{body}
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

#[test]
fn reverse_and_reverse_in_place() {
    // conformance stdlib/vector_reverse
    let out = with_letters(
        "    frame ^[(copy %0 arguments %5 local)]
    print (call %1 local std::vector::reverse/1) local
    frame ^[(move %0 arguments %5 local)]
    print (call %1 local std::vector::reverse_in_place/1) local",
    );
    assert_eq!(
        out,
        "[\"d\", \"c\", \"b\", \"a\"]\n[\"d\", \"c\", \"b\", \"a\"]\n"
    );
}

#[test]
fn reverse_leaves_a_copied_argument_alone() {
    let out = with_letters(
        "    frame ^[(copy %0 arguments %5 local)]
    print (call %1 local std::vector::reverse/1) local
    print %5 local",
    );
    assert_eq!(
        out,
        "[\"d\", \"c\", \"b\", \"a\"]\n[\"a\", \"b\", \"c\", \"d\"]\n"
    );
}

/// Calls `function` on the vector of the given integers and prints the result.
fn on_integers(function: &str, items: &[i64]) -> String {
    source_on_integers(function, items, "print (call %1 local FUNCTION) local")
}

fn source_on_integers(function: &str, items: &[i64], call: &str) -> String {
    let mut body = String::from("    vector %1 local\n");
    for item in items {
        body.push_str(&format!(
            "    vpush %1 local (integer %2 local {item}) local\n"
        ));
    }
    let call = call.replace("FUNCTION", function);
    let registers = if items.is_empty() { 2 } else { 3 };
    format!(
        r#"
.function: main/0
    allocate_registers %{registers} local
{body}    frame ^[(move %0 arguments %1 local)]
    {call}
    izero %0 local
    return
.end
"#
    )
}

#[test]
fn reverse_of_short_and_odd_vectors() {
    let reverse = |items: &[i64]| output(&on_integers("std::vector::reverse/1", items), LINK);
    assert_eq!(reverse(&[7]), "[7]\n");
    assert_eq!(reverse(&[1, 2]), "[2, 1]\n");
    assert_eq!(reverse(&[1, 2, 3, 4, 5]), "[5, 4, 3, 2, 1]\n");
}

#[test]
fn reverse_of_an_empty_vector_fails_in_vpop() {
    let line = uncaught(&on_integers("std::vector::reverse/1", &[]), LINK);
    assert_eq!(
        line,
        "uncaught object: Out_of_bounds = positive index -1 with empty vector"
    );
}

#[test]
fn reverse_in_place_of_various_lengths() {
    let reverse =
        |items: &[i64]| output(&on_integers("std::vector::reverse_in_place/1", items), LINK);
    assert_eq!(reverse(&[1, 2]), "[2, 1]\n");
    assert_eq!(reverse(&[1, 2, 3]), "[3, 2, 1]\n");
    assert_eq!(reverse(&[1, 2, 3, 4, 5, 6]), "[6, 5, 4, 3, 2, 1]\n");
    assert_eq!(reverse(&[1, 2, 3, 4, 5, 6, 7]), "[7, 6, 5, 4, 3, 2, 1]\n");
}

#[test]
fn reverse_in_place_returns_short_vectors_unchanged() {
    let reverse =
        |items: &[i64]| output(&on_integers("std::vector::reverse_in_place/1", items), LINK);
    assert_eq!(reverse(&[42]), "[42]\n");
    assert_eq!(reverse(&[]), "[]\n");
}

/// `is_positive/1` prints each element it is given.
const IS_POSITIVE: &str = r#"
.function: is_positive/1
    allocate_registers %2 local
    move %1 local %0 parameters
    print %1 local
    gt %0 local %1 local (izero %0 local) local
    return
.end
"#;

/// Calls `function` (every/2 or any/2) with the integers and `is_positive/1`.
fn predicate(function: &str, items: &[i64]) -> String {
    let mut body = String::from("    vector %1 local\n");
    for item in items {
        body.push_str(&format!(
            "    vpush %1 local (integer %2 local {item}) local\n"
        ));
    }
    let source = format!(
        r#"{IS_POSITIVE}
.function: main/0
    allocate_registers %3 local
{body}    function %2 local is_positive/1
    frame ^[(move %0 arguments %1 local) (move %1 arguments %2 local)]
    print (call %1 local {function}) local
    izero %0 local
    return
.end
"#
    );
    output(&source, LINK)
}

#[test]
fn every_and_any_conformance() {
    // conformance stdlib/vector_every_any
    let source = r#"
.function: is_positive/1
    allocate_registers %2 local
    move %1 local %0 parameters
    gt %0 local %1 local (izero %0 local) local
    return
.end

.function: main/0
    allocate_registers %6 local
    integer %1 local 3
    integer %2 local 8
    integer %3 local -1
    vector %4 local %1 local %3
    function %5 local is_positive/1
    frame ^[(copy %0 arguments %4 local) (copy %1 arguments %5 local)]
    print (call %1 local std::vector::every/2) local
    frame ^[(copy %0 arguments %4 local) (copy %1 arguments %5 local)]
    print (call %1 local std::vector::any/2) local
    vpop void %4 local
    frame ^[(copy %0 arguments %4 local) (copy %1 arguments %5 local)]
    print (call %1 local std::vector::every/2) local
    izero %0 local
    return
.end
"#;
    assert_eq!(output(source, LINK), "false\ntrue\ntrue\n");
}

#[test]
fn every_stops_at_the_first_falsy_result() {
    let every = "std::vector::every/2";
    assert_eq!(predicate(every, &[1, 2, 3]), "1\n2\n3\ntrue\n");
    assert_eq!(predicate(every, &[1, -2, 3]), "1\n-2\nfalse\n");
    assert_eq!(predicate(every, &[0]), "0\nfalse\n");
}

#[test]
fn every_of_an_empty_vector_is_true() {
    assert_eq!(predicate("std::vector::every/2", &[]), "true\n");
}

#[test]
fn any_stops_at_the_first_truthy_result() {
    let any = "std::vector::any/2";
    assert_eq!(predicate(any, &[-1, 2, 3]), "-1\n2\ntrue\n");
    assert_eq!(predicate(any, &[-1, 0, -3]), "-1\n0\n-3\nfalse\n");
    assert_eq!(predicate(any, &[5]), "5\ntrue\n");
}

#[test]
fn any_of_an_empty_vector_is_true_as_in_0_13() {
    assert_eq!(predicate("std::vector::any/2", &[]), "true\n");
}

#[test]
fn every_and_any_accept_closures_and_pass_copies() {
    // The closure increments its parameter: the caller's vector is not affected, and the
    // element received is a value, not a pointer.
    let source = r#"
.closure: above/1
    move %2 local %0 parameters
    iinc %2 local
    gt %0 local %2 local %1 local
    return
.end

.function: main/0
    allocate_registers %4 local
    vector %1 local
    vpush %1 local (integer %2 local 5) local
    vpush %1 local (integer %2 local 9) local
    closure %3 local above/1
    capturecopy %3 local %1 (integer %2 local 9) local
    frame ^[(copy %0 arguments %1 local) (copy %1 arguments %3 local)]
    print (call %2 local std::vector::every/2) local
    frame ^[(copy %0 arguments %1 local) (copy %1 arguments %3 local)]
    print (call %2 local std::vector::any/2) local
    print %1 local
    izero %0 local
    return
.end
"#;
    assert_eq!(output(source, LINK), "false\ntrue\n[5, 9]\n");
}
