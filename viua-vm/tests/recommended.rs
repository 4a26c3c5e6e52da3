//! The behaviours the spec recommends where 0.13 crashes or hangs (ISA-DATA §6, ISA-CONTROL §4),
//! which the conformance suite cannot record.
mod support;
use support::*;

fn exc(body: &str) -> String {
    uncaught(8, body)
}

#[test]
fn register_references() {
    assert_eq!(
        exc("print @1 local"),
        "uncaught object: Exception = read from null register: 1"
    );
    assert_eq!(
        exc("integer %1 local -1\nprint @1 local"),
        "uncaught object: Invalid_register_index = registers cannot be negative"
    );
    assert_eq!(
        main_output(4, "integer %1 local 2\ninteger %2 local 77\nprint @1 local\ntext %3 local @1 local\nprint %3 local"),
        "77\n77\n"
    );
}

#[test]
fn integer_division_of_min_by_minus_one_wraps() {
    let out = main_output(
        4,
        "integer %1 local -2147483648\nmul %1 local %1 local %1 local\ninteger %2 local -2\nmul %1 local %1 local %2 local\ninteger %3 local -1\ndiv %1 local %1 local %3 local\nprint %1 local",
    );
    assert_eq!(out, "-9223372036854775808\n");
}

#[test]
fn container_errors() {
    assert_eq!(
        exc("vector %1 local %0 local %0\nvpush %1 local %2 local"),
        "uncaught object: Exception = read from null register: 2"
    );
    assert_eq!(
        exc("vector %1 local %0 local %0\nizero %2 local\nvat %3 local %1 local %2 local"),
        "uncaught object: Out_of_bounds = positive index 0 with empty vector"
    );
    assert_eq!(
        main_output(
            6,
            "integer %1 local 10\ninteger %2 local 20\nvector %3 local %1 local %2\ninteger %4 local 30\ninteger %5 local -1\nvinsert %3 local %4 local %5 local\nprint %3 local"
        ),
        "[10, 30, 20]\n"
    );
    assert_eq!(
        exc("integer %3 local 1\nvector %2 local %1 local %3"),
        "uncaught object: Exception = vector would pack itself"
    );
}

#[test]
fn text_edge_cases() {
    let out = main_output(
        5,
        "text %1 local \"ab\"\ntext %2 local \"abc\"\ntextcommonprefix %3 local %1 local %2 local\nprint %3 local\ntext %1 local \"\"\ntextcommonsuffix %3 local %1 local %2 local\nprint %3 local",
    );
    assert_eq!(out, "2\n0\n");
    assert_eq!(
        exc("text %1 local \"Hello World!\"\ninteger %2 local 12\ntextat %3 local %1 local %2 local"),
        "uncaught object: Out_of_range = index 12 is out of range for string of 12 characters"
    );
}

#[test]
fn bits_edge_cases() {
    assert_eq!(
        exc("bits %1 local 0b101\ninteger %2 local 8\nbitat %3 local %1 local %2 local"),
        "uncaught object: Out_of_range = bit index 8 out of range for width 8"
    );
    assert_eq!(
        main_output(
            4,
            "bits %1 local 0b10011101\ninteger %2 local 10\nrol %1 local %2 local\nprint %1 local"
        ),
        "01110110\n"
    );
    assert_eq!(
        exc("izero %1 local\nbits %2 local %1 local\nashl void %2 local %1 local"),
        "uncaught object: Exception = zero-width bits"
    );
    assert_eq!(
        main_output(
            6,
            "bits %1 local 0b1\nbits %2 local 0b11111111\nbitaeq %3 local %2 local %1 local\nprint %3 local\nbitalt %3 local %2 local %1 local\nprint %3 local\nbitslt %3 local %2 local %1 local\nprint %3 local\nbitswidth %4 local %2 local\nprint %4 local\nbool %4 local\nprint %4 local"
        ),
        "false\ntrue\nfalse\n8\ntrue\n"
    );
}

#[test]
fn control_defects() {
    assert_eq!(
        exc("frame %1\nframe %1"),
        "uncaught object: Exception = requested new frame while last one is unused"
    );
    assert_eq!(
        exc("draw %1 local"),
        "uncaught object: Exception = no caught object"
    );
    assert_eq!(
        exc("tailcall main/0"),
        "uncaught object: Exception = function call without a frame: use `frame 0' in source code if the function takes no parameters"
    );
    assert_eq!(
        exc("leave"),
        "uncaught object: Exception = bad leave: no block has been entered"
    );
    assert_eq!(
        exc("frame %0\ncall void nowhere/0"),
        "uncaught object: Exception = call to undefined function: nowhere/0"
    );
}

#[test]
fn exception_objects() {
    let body =
        "atom %1 local 'Tag'\nexception %2 local %1 local void\nexception_value %3 local %2 local";
    assert_eq!(
        exc(body),
        "uncaught object: Empty_exception = exception has no value"
    );
    let copy = "atom %1 local 'Tag'\nexception %2 local %1 local void\ncopy %3 local %2 local";
    assert_eq!(exc(copy), "uncaught object: Exception = not copyable");
    let source = r#"
.block: handler
draw %1 local
copy %2 local %1 local
vector %3 local %0 local %0
vpush %3 local %1 local
print %2 local
print %3 local
leave
.end
.function: main/0
allocate_registers %5 local
try
catch "Zero_division" handler
izero %1 local
enter divide
izero %0 local
return
.end
.block: divide
div %1 local %1 local %1 local
leave
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!(
        (out.as_str(), code),
        ("zero division\n[Zero_division: \"\"]\n", 0),
        "{err}"
    );
}

#[test]
fn deferred_closure_and_catch_in_callee() {
    let source = r#"
.closure: later/0
print %1 local
return
.end
.function: main/0
allocate_registers %3 local
closure %1 local later/0
text %2 local "from the closure"
capturemove %1 local %1 %2 local
frame %0
defer %1 local
text %2 local "main body"
print %2 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!(
        (out.as_str(), code),
        ("main body\nfrom the closure\n", 0),
        "{err}"
    );
}

#[test]
fn return_inside_a_block_drops_its_try_frames() {
    let source = r#"
.block: inner
izero %0 local
return
.end
.block: handler
text %1 local "wrongly caught"
print %1 local
leave
.end
.function: f/0
allocate_registers %2 local
try
catch "Integer" handler
enter inner
.end
.function: main/0
allocate_registers %2 local
frame %0
call void f/0
integer %1 local 1
throw %1 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("uncaught object: Integer = 1"));
}
