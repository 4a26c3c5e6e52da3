use viua_vm::value::Value;

use crate::testing::{call, call_full, fault, s, string};

const M: &str = "std::os";

#[test]
fn system_returns_the_raw_wait_status_and_forwards_output() {
    let (r, out, err) = call_full(
        M,
        "std::os::system/1",
        vec![s("echo out; echo err >&2; exit 3")],
        1,
    );
    assert!(matches!(r, Ok(Some(Value::Integer(768)))), "{r:?}");
    assert_eq!(out, b"out\n");
    assert_eq!(err, b"err\n");
    assert!(matches!(
        call(M, "std::os::system/1", vec![s("true")]).0,
        Ok(Some(Value::Integer(0)))
    ));
    assert_eq!(
        fault(call(M, "std::os::system/1", vec![]).0),
        "Exception: expected command to launch (string) as parameter 0"
    );
}

fn argv(items: &[&str]) -> Option<Value> {
    Some(Value::Vector(Box::new(
        items
            .iter()
            .map(|a| Value::string(a.as_bytes().to_vec()))
            .collect(),
    )))
}

#[test]
fn exec_pipe_stdout_runs_without_path_search_or_environment() {
    let r = call(
        M,
        "std::os::exec_pipe_stdout/1",
        vec![argv(&["/bin/echo", "a", "b c"])],
    )
    .0;
    assert_eq!(string(r), b"a b c\n");
    let r = call(
        M,
        "std::os::exec_pipe_stdout/1",
        vec![argv(&["/usr/bin/env"])],
    )
    .0;
    assert_eq!(string(r), b"");
    // No PATH search: a bare name is not found.
    let r = call(M, "std::os::exec_pipe_stdout/1", vec![argv(&["echo", "x"])]).0;
    assert_eq!(string(r), b"");
    // The exit status is ignored.
    let r = call(
        M,
        "std::os::exec_pipe_stdout/1",
        vec![argv(&["/bin/sh", "-c", "echo partial; exit 4"])],
    )
    .0;
    assert_eq!(string(r), b"partial\n");
    let r = call(M, "std::os::exec_pipe_stdout/1", vec![argv(&[])]).0;
    assert_eq!(string(r), b"");
    assert_eq!(
        fault(call(M, "std::os::exec_pipe_stdout/1", vec![]).0),
        "Exception: expected command to launch (vector of string) as parameter 0"
    );
    assert_eq!(
        fault(call(M, "std::os::exec_pipe_stdout/1", vec![s("/bin/echo")]).0),
        "Exception: fetched invalid type: expected 'Vector' but got 'String'"
    );
}

#[test]
fn lsdir_lists_entries_as_structs() {
    let dir = std::env::temp_dir().join(format!("viua-ffi-lsdir-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("file"), b"x").unwrap();
    let d = dir.to_str().unwrap();
    let listed = |arg: &str| -> Vec<Vec<u8>> {
        match call(M, "std::os::lsdir/1", vec![s(arg)]).0 {
            Ok(Some(Value::Vector(v))) => {
                let mut forms: Vec<Vec<u8>> = v.iter().map(Value::print_form).collect();
                forms.sort();
                forms
            }
            other => panic!("{other:?}"),
        }
    };
    let expected = vec![
        format!("{{'is_directory': false, 'is_regular_file': true, 'path': b\"{d}/file\"}}")
            .into_bytes(),
        format!("{{'is_directory': true, 'is_regular_file': false, 'path': b\"{d}/sub\"}}")
            .into_bytes(),
    ];
    assert_eq!(listed(d), expected);
    assert_eq!(listed(&format!("{d}/")), expected);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        fault(call(M, "std::os::lsdir/1", vec![s(d)]).0),
        format!(
            "Exception: filesystem error: directory iterator cannot open directory: \
             No such file or directory [{d}]"
        )
    );
}

#[test]
fn lexical_paths() {
    let r = call(
        M,
        "std::os::fs::path::lexically_normal/1",
        vec![s("/usr/./local/../lib//viua/")],
    );
    assert_eq!(string(r.0), b"/usr/lib/viua/");
    let rel = |a: &str, b: &str| {
        string(
            call(
                M,
                "std::os::fs::path::lexically_relative/2",
                vec![s(a), s(b)],
            )
            .0,
        )
    };
    assert_eq!(rel("a/b/c/d", "a/b"), b"c/d");
    assert_eq!(rel("a/x", "a/b/c"), b"../../x");
    assert_eq!(rel("/a", "b"), b"");
    let t = call(
        M,
        "std::os::fs::path::lexically_normal/1",
        vec![Some(Value::text(b"a/./b".to_vec()))],
    );
    assert_eq!(string(t.0), b"a/b");
    assert_eq!(
        fault(call(M, "std::os::fs::path::lexically_relative/2", vec![s("a")]).0),
        "Exception: expected a base path as parameter 1"
    );
}
