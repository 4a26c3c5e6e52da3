//! Tests of the whole chain: the spec's examples end to end, every conformance program, the
//! cooking errors of the `asm-errors` cases, and random input.

use std::path::{Path, PathBuf};

use super::tests::{cook_error, cooked};
use super::*;
use crate::diag::Pos;

#[test]
fn iota_example_of_the_spec() {
    let source = ".function: sum_demo/0\n    allocate_registers %4 local\n    .name: iota a             ; a is register 1\n    .name: iota b             ; b is register 2\n    integer %a local 8\n    integer %b local 9\n    print (add %iota local %a local %b local) local   ; %iota is 3 here\n    return\n.end\n";
    assert_eq!(
        cooked(source),
        ".function: sum_demo/0\nallocate_registers %4 local\n.name: 1 a\n.name: 2 b\ninteger %1 local 8\ninteger %2 local 9\nadd %3 local %1 local %2 local\nprint %3 local\nreturn\n.end\n"
    );
}

#[test]
fn frame_example_of_the_spec() {
    let source = ".function: f/0\nframe ^[(copy %iota arguments %5 local) (move %iota arguments (text %6 local \"ok\") local)]\ncall void report/2\n.end\n";
    assert_eq!(
        cooked(source),
        ".function: f/0\nframe %2\ncopy %0 arguments %5 local\ntext %6 local \"ok\"\nmove %1 arguments %6 local\ncall void report/2\n.end\n"
    );
}

#[test]
fn name_directive_in_a_wrap_example() {
    let source = ".function: f/0\nvector (.name: %iota items) local\nvpush %items local (integer %iota local 5) local\n.end\n";
    assert_eq!(
        cooked(source),
        ".function: f/0\n.name: %1 items\nvector %1 local %0 local %0\ninteger %2 local 5\nvpush %1 local %2 local\n.end\n"
    );
}

#[test]
fn nested_blocks_see_and_export_names_and_are_canonicalised() {
    let source = ".function: [[no_sa]] main/0\n.name: 1 x\nenter .block: b\nprint %x\n.name: 2 y\nleave\n.end\nprint %y\nreturn\n.end\n";
    assert_eq!(
        cooked(source),
        ".block: main/0__nested__b\nprint %1 local\n.name: 2 y\nleave\n.end\n.function: [[ no_sa ]] main/0\n.name: 1 x\nenter main/0__nested__b\nprint %2 local\nreturn\n.end\n"
    );
}

#[test]
fn default_then_canonicalisation() {
    assert_eq!(
        cooked("integer %1 default\nfloat %3 local default\njoin %2 %1 default\n"),
        "integer %1 local 0\nfloat %3 local 0.0\njoin %2 local %1 local infinity\n"
    );
}

#[test]
fn tabs_are_whitespace() {
    assert_eq!(
        cooked(".function:\tmain/0\n\tizero\t%0\n\treturn\n.end\n"),
        ".function: main/0\nizero %0 local\nreturn\n.end\n"
    );
}

#[test]
fn errors_come_in_processing_order() {
    // A glue error anywhere beats an iota error earlier in the file, and so on down the chain.
    assert_eq!(
        cook_error("x iota\n.name 1 a\n").0,
        "missing ':' after `name'"
    );
    assert_eq!(
        cook_error("if\nprint (nop) local\n").0,
        "at least two tokens are required in a wrapped instruction"
    );
    assert_eq!(
        cook_error("end\n.function: f/0\n.name: 1 void\n.end\n").0,
        "invalid register name: 'void' is a registered keyword"
    );
    assert_eq!(cook_error("\"abc\n").0, "unterminated text literal");
    assert_eq!(cook_error("  print (nop) local").1, Pos { line: 1, col: 9 });
}

fn conformance_root() -> PathBuf {
    PathBuf::from("/work/shared/conformance")
}

fn asm_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            asm_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "asm") {
            found.push(path);
        }
    }
}

/// The messages reported by cooking and canonicalisation (ASSEMBLY.md §7.4), by prefix.
fn is_cooking_message(message: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "missing ':' after",
        "unbalanced parenthesis in wrapped instruction",
        "at least two tokens are required in a wrapped instruction",
        "'.iota:' directive used outside of iota scope",
        "invalid argument to '.iota:' directive",
        "invalid register name: '",
        "invalid register index:",
        "missing '.' character before 'end'",
        "branch without operands",
        "branch without a target",
        "missing second operand",
    ];
    PREFIXES.iter().any(|p| message.starts_with(p))
        || message.ends_with("used outside of iota scope")
}

#[test]
fn conformance_programs_cook_without_panicking_and_cooking_errors_match() {
    let mut files = Vec::new();
    asm_files(&conformance_root(), &mut files);
    files.sort();
    let mut checked_errors = 0;
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes);
        let result = cook(&source);
        let expected = std::fs::read_to_string(path.with_extension("asmerr")).ok();
        let first = expected
            .as_deref()
            .and_then(|e| e.lines().next())
            .and_then(|l| l.strip_prefix("FILE:"));
        let expected_cooking_error = first.and_then(|line| {
            let (line_no, rest) = line.split_once(':')?;
            let (col, rest) = rest.split_once(':')?;
            let message = rest.strip_prefix(" error: ")?;
            let pos = Pos {
                line: line_no.parse().ok()?,
                col: col.parse().ok()?,
            };
            is_cooking_message(message).then(|| (message.to_string(), pos))
        });
        match (expected_cooking_error, result) {
            (Some((message, pos)), Err(d)) => {
                assert_eq!(
                    (d.message(), d.entries[0].pos),
                    (message.as_str(), Some(pos)),
                    "{}",
                    path.display()
                );
                checked_errors += 1;
            }
            (Some(_), Ok(_)) => panic!("{}: expected a cooking error", path.display()),
            // Cooking runs first: had the reference met a cooking error, it would have reported
            // it instead of the recorded one.
            (None, Err(d)) => panic!("{}: unexpected cooking error {d:?}", path.display()),
            (None, Ok(tokens)) => assert_stream_shape(&tokens, path),
        }
    }
    if !files.is_empty() {
        assert!(
            checked_errors >= 2,
            "only {checked_errors} cooking-error cases found"
        );
    }
}

fn assert_stream_shape(tokens: &[Token], path: &Path) {
    if tokens.is_empty() {
        return;
    }
    assert!(!tokens[0].is_newline(), "{}", path.display());
    assert!(tokens.last().unwrap().is_newline(), "{}", path.display());
    assert!(
        tokens
            .windows(2)
            .all(|w| !(w[0].is_newline() && w[1].is_newline())),
        "{}",
        path.display()
    );
    assert!(
        tokens
            .iter()
            .all(|t| t.line > 0 && t.col > 0 && !t.text.is_empty()),
        "{}",
        path.display()
    );
}

proptest::proptest! {
    #[test]
    fn random_input_never_panics(source in "[ -~\t\n]{0,300}") {
        let _ = cook(&source);
    }

    #[test]
    fn assembly_like_input_never_panics(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                ".function:", ".block:", ".end", ".name:", ".iota:", "iota", "%iota", "default", "(", ")", "[", "]",
                "^", "*", "%1", "local", "call", "if", "move", "add", "vector", "frame", "text", "\n", "f/0", "x",
                "end", ".", "name", ":", "-", "1", "\"s\"", "[[", "]]", "capture", "join", "integer",
            ]),
            0..80,
        )
    ) {
        let source = words.join(" ");
        if let Ok(tokens) = cook(&source) {
            proptest::prop_assert!(tokens.is_empty() || tokens[tokens.len() - 1].is_newline());
        }
    }
}

/// Prints the cooked stream of `$COOK_DUMP` (a debugging aid: `COOK_DUMP=file.asm cargo test
/// dump_cooked -- --nocapture`).
#[test]
fn dump_cooked() {
    if let Ok(path) = std::env::var("COOK_DUMP") {
        let source = std::fs::read_to_string(path).unwrap();
        match cook(&source) {
            Ok(tokens) => print!("{}", super::tests::cooked_text(&tokens)),
            Err(d) => println!("{d:?}"),
        }
    }
}
