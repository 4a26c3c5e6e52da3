mod support;
use support::*;

#[test]
fn catch_draw_and_leave() {
    let source = r#"
.block: handler
draw %2 local
print %2 local
exception_value %3 local %2 local
iinc %3 local
print %3 local
leave
.end
.block: body
integer %1 local 41
throw %1 local
.end
.function: main/0
allocate_registers %4 local
try
catch "Integer" handler
enter body
text %1 local "after"
print %1 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!((out.as_str(), code), ("41\n42\nafter\n", 0), "{err}");
}

#[test]
fn rethrow_from_catcher_propagates() {
    let source = r#"
.block: handler
draw %2 local
throw %2 local
.end
.block: body
integer %1 local 7
throw %1 local
.end
.function: main/0
allocate_registers %4 local
try
catch "Integer" handler
enter body
izero %0 local
return
.end
"#;
    let (_, err, code) = run(source);
    assert_eq!(code, 1);
    assert!(err.contains("uncaught object: Integer = 7"), "{err}");
}

#[test]
fn deferred_calls_run_in_reverse_and_on_unwinding() {
    let source = r#"
.function: say/1
allocate_registers %2 local
print %0 parameters
return
.end
.function: thrower/0
allocate_registers %2 local
frame %1
text %1 local "deferred in thrower"
move %0 arguments %1 local
defer say/1
integer %1 local 5
throw %1 local
return
.end
.block: handler
draw %1 local
print %1 local
leave
.end
.block: body
frame %0
call void thrower/0
leave
.end
.function: main/0
allocate_registers %3 local
frame %1
text %1 local "first"
move %0 arguments %1 local
defer say/1
frame %1
text %1 local "second"
move %0 arguments %1 local
defer say/1
try
catch "Integer" handler
enter body
frame %0
call void work/0
izero %0 local
return
.end
.function: work/0
allocate_registers %2 local
frame %1
text %1 local "work deferred"
move %0 arguments %1 local
defer say/1
text %1 local "work body"
print %1 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!(
        (out.as_str(), code),
        (
            "deferred in thrower\n5\nwork body\nwork deferred\nsecond\nfirst\n",
            0
        ),
        "{err}"
    );
}

#[test]
fn closures_capture_modes() {
    let source = r#"
.closure: counter/0
iinc %1 local
copy %0 local %1 local
return
.end
.closure: show/0
print %1 local
print %2 local
izero %0 local
return
.end
.function: main/0
allocate_registers %5 local
closure %1 local counter/0
izero %2 local
capturecopy %1 local %1 %2 local
frame %0
call %3 local %1 local
frame %0
call %3 local %1 local
print %3 local
closure %4 local show/0
integer %2 local 10
capture %4 local %1 %2 local
text %3 local "moved"
capturemove %4 local %2 %3 local
iinc %2 local
frame %0
call void %4 local
isnull %3 local %3 local
print %3 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!((out.as_str(), code), ("2\n11\nmoved\ntrue\n", 0), "{err}");
}

#[test]
fn pointers_expire_and_vat_points_into_vectors() {
    let out = main_output(
        6,
        r#"
integer %1 local 5
ptr %2 local %1 local
iinc *2 local
print %1 local
ptrlive %3 local %2 local
print %3 local
integer %1 local 9
ptrlive %3 local %2 local
print %3 local
vector %4 local %0 local %0
integer %1 local 10
vpush %4 local %1 local
integer %1 local 20
vpush %4 local %1 local
izero %1 local
vat %5 local %4 local %1 local
iinc *5 local
print %4 local
print *5 local
"#,
    );
    assert_eq!(out, "6\ntrue\nfalse\n[11, 20]\n11\n");
}

#[test]
fn tailcall_keeps_the_frame_name() {
    let source = r#"
.function: bar/0
allocate_registers %2 local
integer %1 local 3
throw %1 local
return
.end
.function: foo/0
allocate_registers %1 local
frame %0
tailcall bar/0
.end
.function: main/0
allocate_registers %2 local
frame %0
call void foo/0
izero %0 local
return
.end
"#;
    let (_, err, code) = run(source);
    assert_eq!(code, 1);
    assert!(
        err.contains("\n  main/0/0()\n  foo/0/0()\n\nuncaught object: Integer = 3"),
        "{err}"
    );
}

#[test]
fn deep_recursion_raises_stack_overflow() {
    let source = r#"
.function: rec/0
allocate_registers %1 local
frame %0
call void rec/0
return
.end
.function: main/0
allocate_registers %2 local
frame %0
call void rec/0
izero %0 local
return
.end
"#;
    let (_, err, code) = run(source);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "uncaught object: Exception = stack size (8192) exceeded with call to 'rec/0'"
        ),
        "{err}"
    );
}

#[test]
fn halt_and_jump_to_self() {
    assert_eq!(main_output(1, "halt"), "");
    assert!(uncaught(1, "jump 1").starts_with(
        "uncaught object: Exception = aborting: JUMP instruction pointing to itself at byte"
    ));
    assert_eq!(
        uncaught(2, "izero %1 local\nif %1 local 2 2"),
        "uncaught object: InstructionUnchanged"
    );
}

#[test]
fn structs_print_and_missing_keys_raise() {
    let body = r#"
struct %1 local
atom %2 local 'b'
integer %3 local 2
structinsert %1 local %2 local %3 local
atom %2 local 'a'
text %3 local "x"
structinsert %1 local %2 local %3 local
print %1 local
structkeys %4 local %1 local
print %4 local
"#;
    assert_eq!(main_output(6, body), "{'a': \"x\", 'b': 2}\n['a', 'b']\n");
    let failing = format!("{body}atom %2 local 'zz'\nstructremove void %1 local %2 local");
    assert_eq!(
        uncaught(6, &failing),
        "uncaught object: Invalid_field_access = invalid field access: 'zz'"
    );
}

#[test]
fn compare_and_branch_is_exact() {
    // The comparison still writes its Boolean; the branch goes where the `if` says.
    let body = "integer %1 local 3\nizero %2 local\nidec %1 local\ngt %3 local %1 local %2 local\nif %3 local 3 6\nprint %3 local\nprint %1 local";
    assert_eq!(main_output(4, body), "false\n0\n");
    // Jumping straight to the `if` (not through the comparison) still works.
    let body = "integer %1 local 2\nizero %2 local\ninteger %3 local 1\njump 7\nidec %1 local\nlt %3 local %2 local %1 local\nif %3 local 5 8\nprint %3 local\nprint %1 local";
    assert_eq!(main_output(4, body), "false\n0\n");
    // Non-Integer operands take the general path.
    let body = "float %1 local 1.5\ninteger %2 local 2\nlt %3 local %1 local %2 local\nif %3 local 5 6\nprint %2 local\nprint %3 local";
    assert_eq!(main_output(4, body), "2\ntrue\n");
    // An `if` whose branch is itself raises, fused or not.
    assert_eq!(
        uncaught(4, "integer %1 local 1\ninteger %2 local 2\nlt %3 local %1 local %2 local\nif %3 local 4 5"),
        "uncaught object: InstructionUnchanged"
    );
}

#[test]
fn fused_call_forms_fall_back_exactly() {
    // `frame` + `copy` of a Text (no hot copy), `allocate_registers` + `copy` and `move` of
    // parameters, a return value that is not a scalar.
    let source = r#"
.function: echo/2
allocate_registers %3 local
copy %1 local %0 parameters
move %2 local %1 parameters
textconcat %0 local %1 local %2 local
return
.end
.function: main/0
allocate_registers %4 local
text %1 local "ab"
text %2 local "cd"
frame %2
copy %0 arguments %1 local
move %1 arguments %2 local
call %3 local echo/2
print %3 local
print %1 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!((out.as_str(), code), ("abcd\nab\n", 0), "{err}");
}

/// The number of `step` calls a program needs when each may run `budget` instructions.
fn steps(source: &str, budget: u32) -> usize {
    use std::sync::Arc;
    use viua_vm::exec::{Process, StepOutcome};
    use viua_vm::load::Program;
    let program = Program::load(&assemble(source), "test.bc").expect("loads");
    let entry = program.function_index("__entry").expect("entry");
    let mut process = Process::main(Arc::new(program), entry, vec!["test.bc".into()]);
    for n in 1..100_000 {
        match process.step(budget) {
            StepOutcome::Yielded => continue,
            StepOutcome::Returned(_) | StepOutcome::Halted => return n,
            other => panic!("{other:?}"),
        }
    }
    panic!("did not finish");
}

#[test]
fn fused_pairs_count_each_instruction_against_the_budget() {
    // The same instructions with fused pairs (all `local`) and without (the comparison result
    // in a static register, which the hot loop leaves to the general handler).
    let program = |set: &str| {
        format!(
            r#"
.function: f/1
allocate_registers %2 local
move %1 local %0 parameters
move %0 local %1 local
return
.end
.function: main/0
allocate_registers %4 local
integer %1 local 0
integer %2 local 5
iinc %1 local
lt %3 {set} %1 local %2 local
if %3 {set} 3 6
frame %1
copy %0 arguments %1 local
call %1 local f/1
izero %0 local
return
.end
"#
        )
    };
    // __entry: frame, call, move, halt; main: 3 + 5 × 3 (the loop) + 3 (the call) + 2; f: 4.
    assert_eq!(steps(&program("local"), 1), 31);
    for budget in [1, 2, 3, 7] {
        assert_eq!(
            steps(&program("local"), budget),
            steps(&program("static"), budget),
            "budget {budget}"
        );
    }
}
