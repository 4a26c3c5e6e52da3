mod support;
use support::*;

#[test]
fn hello_and_arithmetic() {
    let out = main_output(
        4,
        r#"
text %1 local "Hello World!"
print %1 local
integer %1 local 2
float %2 local 1.9
add %3 local %1 local %2 local
print %3 local
add %3 local %2 local %1 local
print %3 local
div %3 local %1 local %1 local
print %3 local
"#,
    );
    assert_eq!(out, "Hello World!\n3\n3.900000\n1\n");
}

#[test]
fn fib_recursion_and_loop() {
    let source = r#"
.function: fib/1
allocate_registers %4 local
move %1 local %0 parameters
integer %2 local 2
lt %3 local %1 local %2 local
if %3 local :base
idec %1 local
frame %1
copy %0 arguments %1 local
call %2 local fib/1
idec %1 local
frame %1
copy %0 arguments %1 local
call %3 local fib/1
add %0 local %2 local %3 local
return
.mark: base
move %0 local %1 local
return
.end
.function: main/0
allocate_registers %4 local
integer %1 local 20
frame %1
move %0 arguments %1 local
call %2 local fib/1
print %2 local
izero %1 local
integer %3 local 1000
.mark: loop
iinc %1 local
lt %2 local %1 local %3 local
if %2 local :loop
print %1 local
izero %0 local
return
.end
"#;
    let (out, err, code) = run(source);
    assert_eq!((out.as_str(), code), ("6765\n1000\n", 0), "{err}");
}

#[test]
fn uncaught_report_plain_and_json() {
    let source = r#"
.function: f/2
allocate_registers %3 local
move %2 local %1 parameters
integer %1 local 42
throw %1 local
izero %0 local
return
.end
.function: main/0
allocate_registers %3 local
frame %2
integer %1 local 7
copy %0 arguments %1 local
text %1 local "hello"
move %1 arguments %1 local
call %1 local f/2
izero %0 local
return
.end
"#;
    let (_, err, code) = run(source);
    assert_eq!(code, 1);
    assert!(err.starts_with("stack trace: from entry point, most recent call last...\n  main/0/0()\n  f/2/2(7, <moved or void>)\n\nuncaught object: Integer = 42\n\nthrow points: \n    address: 0x"), "{err}");
    assert!(err.contains("frame details:\n  non-empty registers: 1/3:\n    registers[2]: <Text> hello\n\n  non-empty arguments (out of 2):\n    arguments[0]: <Integer> 7\n\n"), "{err}");
    let config = viua_vm::RunConfig {
        trace_format: viua_vm::TraceFormat::Json,
        ..Default::default()
    };
    let (out, _, code) = run_with(source, config, &[]);
    assert_eq!(code, 1);
    assert_eq!(out, "{\"trace\":[\"main/0/0()\",\"f/2/2(7, <moved or void>)\"],\"uncaught\":{\"type\":\"Integer\",\"value\":\"42\"},\"frame\":{}}\n");
}

#[test]
fn main_arguments() {
    let source = r#"
.function: main/2
allocate_registers %3 local
print %0 parameters
print %1 parameters
izero %0 local
return
.end
"#;
    let (out, _, code) = run_with(source, Default::default(), &["a", "b c"]);
    assert_eq!((out.as_str(), code), ("test.bc\n[b\"a\", b\"b c\"]\n", 0));
}

#[test]
fn common_errors() {
    assert_eq!(
        uncaught(2, "print %1 local"),
        "uncaught object: Exception = read from null register: 1"
    );
    assert_eq!(
        uncaught(2, "print %5 local"),
        "uncaught object: Exception = register access out of bounds: read from 5"
    );
    assert_eq!(
        uncaught(
            3,
            "integer %1 local 1\ntext %2 local \"x\"\nadd %1 local %1 local %2 local"
        ),
        "uncaught object: Exception = fetched invalid type: expected 'Number' but got 'Text'"
    );
    assert_eq!(
        uncaught(
            3,
            "integer %1 local 1\nizero %2 local\ndiv %1 local %1 local %2 local"
        ),
        "uncaught object: Zero_division = zero division"
    );
}

#[test]
fn full_traces_show_entry_and_json_goes_where_asked() {
    let source = ".function: main/0\nallocate_registers %2 local\nthrow %1 local\nreturn\n.end\n";
    let config = viua_vm::RunConfig {
        full_traces: true,
        ..Default::default()
    };
    let (_, err, code) = run_with(source, config, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("\n  __entry/0()\n  main/0/0()\n\nuncaught object: Exception = throw from null register\n"), "{err}");
    let config = viua_vm::RunConfig {
        trace_format: viua_vm::TraceFormat::Json,
        trace_stream: viua_vm::TraceStream::Stderr,
        full_traces: false,
        ..Default::default()
    };
    let (out, err, _) = run_with(source, config, &[]);
    assert_eq!(out, "");
    assert_eq!(err, "{\"trace\":[\"main/0/0()\"],\"uncaught\":{\"type\":\"Exception\",\"value\":\"throw from null register\"},\"frame\":{}}\n");
    let from_env = viua_vm::RunConfig::from_vars(|k| match k {
        "VIUA_STACKTRACE_SERIALISATION" => Some("json".into()),
        "VIUA_STACKTRACE_PRINT_TO" => Some("stderr".into()),
        _ => None,
    });
    assert_eq!(from_env, config);
}
