//! Uncaught-exception reports (RUNTIME.md §5): captured when a process dies, rendered as
//! 0.13's plain text or as JSON.

use crate::exception::{Exception, ThrowPoint};
use crate::exec::Process;
use crate::load::CodeRef;
use crate::value::Value;

/// Everything a report shows, captured at the moment of death.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Invocation strings from the bottom frame to the top.
    pub trace: Vec<String>,
    /// Whether the bottom frame is `__entry` (hidden unless `VIUA_STACK_TRACES=full`).
    pub bottom_is_entry: bool,
    pub uncaught_type: String,
    pub uncaught_value: String,
    /// Rendered throw-point lines (without the trailing newline).
    pub throw_points: Vec<String>,
    /// The `frame details:` section, each line without its newline.
    pub details: Vec<String>,
}

fn register_line(out: &mut Vec<String>, label: &str, index: usize, value: &Value) {
    let text = String::from_utf8_lossy(&value.print_form()).into_owned();
    let kind = value.type_name();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(80).collect();
        out.push(format!("    {label}[{index:x}]: <{kind}> {cut}... <cut>"));
    } else {
        out.push(format!("    {label}[{index:x}]: <{kind}> {text}"));
        out.push(String::new());
    }
}

impl Report {
    pub(crate) fn build(process: &Process, exception: &Exception) -> Report {
        let program = &process.program;
        let stack = process.stacks.last();
        let frames = stack.map_or(&[][..], |s| &s.frames[..]);
        let name_of = |f: u32| {
            program
                .functions
                .get(f as usize)
                .map_or("<unknown>", |c| c.name.as_str())
        };
        let trace = frames
            .iter()
            .map(|f| {
                let args: Vec<String> = process.values
                    [f.params_base as usize..(f.params_base + f.params_len) as usize]
                    .iter()
                    .map(|slot| match slot {
                        Some(v) => String::from_utf8_lossy(&v.nested_form()).into_owned(),
                        None => "<moved or void>".to_string(),
                    })
                    .collect();
                format!(
                    "{}/{}({})",
                    name_of(f.function),
                    f.params_len,
                    args.join(", ")
                )
            })
            .collect();
        let throw_points = exception
            .throw_points
            .iter()
            .map(|tp| match tp {
                ThrowPoint::Named(name) => format!("    name:    {name}"),
                ThrowPoint::Code { code, instruction } => {
                    let (name, offsets) = match *code {
                        CodeRef::Function(i) => program.functions.get(i as usize),
                        CodeRef::Block(i) => program.blocks.get(i as usize),
                    }
                    .map_or(("<unknown>", &[][..]), |c| {
                        (c.name.as_str(), &c.offsets[..])
                    });
                    let off = offsets.get(*instruction as usize).copied().unwrap_or(0);
                    let place = match program.module_of(*code) {
                        Some(m) => {
                            format!("0x{:012x} [{name} => {} {{{}}}]", m.base, m.path, m.name)
                        }
                        None => format!("0x{:012x} [<unknown> => <unknown>]", 0),
                    };
                    format!("    address: 0x{off:04x} (byte {off}) inside {place}")
                }
            })
            .collect();
        let mut details = Vec::new();
        match frames.last() {
            None => details.push("no stack trace available".to_string()),
            Some(f) => {
                if f.closure().is_some() {
                    details.push("  this frame did not own its registers".to_string());
                } else if !f.has_locals || f.locals_len == 0 {
                    details.push("  no registers were allocated for this frame".to_string());
                } else {
                    let locals = &process.values
                        [f.locals_base as usize..(f.locals_base + f.locals_len) as usize];
                    let used = locals.iter().filter(|r| r.is_some()).count();
                    let colon = if used > 0 { ":" } else { "" };
                    details.push(format!(
                        "  non-empty registers: {used:x}/{:x}{colon}",
                        f.locals_len
                    ));
                    for (i, r) in locals.iter().enumerate() {
                        if let Some(v) = r {
                            register_line(&mut details, "registers", i, v);
                        }
                    }
                }
                if f.params_len == 0 {
                    details.push("  no arguments were passed to this frame".to_string());
                } else {
                    details.push(format!(
                        "  non-empty arguments (out of {:x}):",
                        f.params_len
                    ));
                    let params = &process.values
                        [f.params_base as usize..(f.params_base + f.params_len) as usize];
                    for (i, r) in params.iter().enumerate() {
                        match r {
                            Some(Value::Pointer(p)) => {
                                let kind = if p.check().is_some() {
                                    "Pointer"
                                } else {
                                    "ExpiredPointer"
                                };
                                details.push(format!("    arguments[{i:x}]: <{kind}>"));
                            }
                            Some(v) => register_line(&mut details, "arguments", i, v),
                            None => {}
                        }
                    }
                }
            }
        }
        Report {
            trace,
            bottom_is_entry: frames
                .first()
                .is_some_and(|f| name_of(f.function) == "__entry"),
            uncaught_type: exception.tag.clone(),
            uncaught_value: String::from_utf8_lossy(&exception.str_form()).into_owned(),
            throw_points,
            details,
        }
    }

    fn visible_trace(&self, full: bool) -> &[String] {
        if self.bottom_is_entry && !full && !self.trace.is_empty() {
            &self.trace[1..]
        } else {
            &self.trace
        }
    }

    /// The plain-text report (RUNTIME.md §5.1).
    pub fn render_plain(&self, full: bool) -> String {
        let mut out = String::from("stack trace: from entry point, most recent call last...\n");
        for line in self.visible_trace(full) {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("\nuncaught object: ");
        out.push_str(&self.uncaught_type);
        if !self.uncaught_value.is_empty() {
            out.push_str(" = ");
            out.push_str(&self.uncaught_value);
        }
        out.push_str("\n\nthrow points: ");
        if self.throw_points.is_empty() {
            out.push_str("none\n");
        } else {
            out.push('\n');
            for tp in &self.throw_points {
                out.push_str(tp);
                out.push('\n');
            }
        }
        out.push_str("\nframe details:\n");
        for line in &self.details {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// The JSON report (RUNTIME.md §5.3), one line.
    pub fn render_json(&self, full: bool) -> String {
        let trace: Vec<String> = self
            .visible_trace(full)
            .iter()
            .map(|t| json_string(t))
            .collect();
        format!(
            "{{\"trace\":[{}],\"uncaught\":{{\"type\":{},\"value\":{}}},\"frame\":{{}}}}\n",
            trace.join(","),
            json_string(&self.uncaught_type),
            json_string(&self.uncaught_value)
        )
    }
}

/// A JSON string literal with proper escaping.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
