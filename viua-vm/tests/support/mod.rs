//! Test-only helpers: a tiny assembler for canonical instruction syntax (one instruction per
//! line, operand kinds taken from the opcode table) and a runner capturing output.
#![allow(dead_code)]

use viua_bytecode::{
    Access, Block, Constant, Function, FunctionKind, Instruction, Module, ModuleKind, Opcode,
    Operand, OperandKind, RegisterRef, RegisterSet, Timeout,
};

fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ';' {
            break;
        } else if c == '"' || c == '\'' {
            let quote = c;
            let mut tok = String::new();
            tok.push(chars.next().unwrap());
            while let Some(d) = chars.next() {
                tok.push(d);
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        tok.push(e);
                    }
                } else if d == quote {
                    break;
                }
            }
            out.push(tok);
        } else {
            let mut tok = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                tok.push(d);
                chars.next();
            }
            out.push(tok);
        }
    }
    out
}

fn bits_bytes(lit: &str) -> Vec<u8> {
    let digits = lit.trim_start_matches("0b");
    let mut bits: Vec<bool> = digits.chars().map(|c| c == '1').collect();
    let width = bits.len().max(8).div_ceil(8) * 8;
    while bits.len() < width {
        bits.insert(0, false);
    }
    bits.chunks(8)
        .map(|c| c.iter().fold(0u8, |a, &b| (a << 1) | u8::from(b)))
        .collect()
}

struct Def {
    name: String,
    kind: Option<FunctionKind>,
    lines: Vec<Vec<String>>,
    marks: Vec<(String, u32)>,
}

/// Assembles the mini syntax into an executable module with a generated `__entry`.
pub fn assemble(source: &str) -> Module {
    let mut defs: Vec<Def> = Vec::new();
    let mut current: Option<Def> = None;
    for line in source.lines() {
        let toks = tokens(line);
        if toks.is_empty() {
            continue;
        }
        match toks[0].as_str() {
            ".function:" | ".closure:" | ".block:" => {
                let kind = match toks[0].as_str() {
                    ".function:" => Some(FunctionKind::Function),
                    ".closure:" => Some(FunctionKind::Closure),
                    _ => None,
                };
                current = Some(Def {
                    name: toks[1].clone(),
                    kind,
                    lines: Vec::new(),
                    marks: Vec::new(),
                });
            }
            ".end" => defs.push(current.take().expect("end without def")),
            ".mark:" => {
                let d = current.as_mut().unwrap();
                d.marks.push((toks[1].clone(), d.lines.len() as u32));
            }
            _ => current
                .as_mut()
                .expect("instruction outside def")
                .lines
                .push(toks),
        }
    }
    let main = defs
        .iter()
        .find(|d| d.name.starts_with("main/"))
        .map(|d| d.name.clone());
    if let Some(main) = main {
        let body: &[&str] = match main.as_str() {
            "main/0" => &[
                "frame %0",
                "call %1 local main/0",
                "move %0 local %1 local",
                "halt",
            ],
            "main/1" => &[
                "frame %1",
                "copy %0 arguments %1 local",
                "call %1 local main/1",
                "move %0 local %1 local",
                "halt",
            ],
            _ => &[
                "frame %2",
                "izero %0 local",
                "vpop %0 local %1 local %0 local",
                "copy %0 arguments %0 local",
                "copy %1 arguments %1 local",
                "call %1 local main/2",
                "move %0 local %1 local",
                "halt",
            ],
        };
        defs.push(Def {
            name: "__entry".into(),
            kind: Some(FunctionKind::Function),
            lines: body.iter().map(|l| tokens(l)).collect(),
            marks: Vec::new(),
        });
    }
    let mut module = Module::new(ModuleKind::Executable);
    let mut blocks = Vec::new();
    let mut functions = Vec::new();
    for d in &defs {
        let code: Vec<Instruction> = d
            .lines
            .iter()
            .enumerate()
            .map(|(n, l)| instruction(&mut module, l, &d.marks, n as u32))
            .collect();
        match d.kind {
            None => blocks.push(Block {
                name: d.name.clone(),
                linked_from: None,
                code,
                debug: Vec::new(),
            }),
            Some(kind) => {
                let arity = d.name.rsplit('/').next().and_then(|a| a.parse().ok());
                functions.push(Function {
                    name: d.name.clone(),
                    arity,
                    kind,
                    linked_from: None,
                    code,
                    debug: Vec::new(),
                })
            }
        }
    }
    module.blocks = blocks;
    module.functions = functions;
    module.entry = module
        .functions
        .iter()
        .position(|f| f.name == "__entry")
        .map(|i| i as u32);
    module
}

fn set_of(word: Option<&String>) -> Option<RegisterSet> {
    word.and_then(|w| RegisterSet::from_name(w))
}

fn instruction(
    module: &mut Module,
    toks: &[String],
    marks: &[(String, u32)],
    here: u32,
) -> Instruction {
    let opcode =
        Opcode::from_mnemonic(&toks[0]).unwrap_or_else(|| panic!("unknown mnemonic {}", toks[0]));
    let mut i = 1;
    let mut operands = Vec::new();
    let reg = |i: &mut usize| -> Operand {
        let t = &toks[*i];
        let access = match t.chars().next() {
            Some('%') => Access::Direct,
            Some('*') => Access::Pointer,
            Some('@') => Access::Reference,
            _ => panic!("not a register: {t}"),
        };
        let index = t[1..].parse().unwrap();
        *i += 1;
        let set = match set_of(toks.get(*i)) {
            Some(s) => {
                *i += 1;
                s
            }
            None => RegisterSet::Local,
        };
        Operand::Register(RegisterRef { access, set, index })
    };
    for kind in opcode.shape() {
        let t = toks.get(i).cloned().unwrap_or_default();
        let is_reg = t.starts_with(['%', '*', '@']);
        let op = match kind {
            OperandKind::Reg => reg(&mut i),
            OperandKind::RegOrVoid if t == "void" => {
                i += 1;
                Operand::Void
            }
            OperandKind::RegOrVoid => {
                if t.is_empty() {
                    Operand::Void
                } else {
                    reg(&mut i)
                }
            }
            OperandKind::Count | OperandKind::ClosureSlot => {
                i += 1;
                if set_of(toks.get(i)).is_some() {
                    i += 1;
                }
                let n = t[1..].parse().unwrap();
                if *kind == OperandKind::Count {
                    Operand::Count(n)
                } else {
                    Operand::ClosureSlot(n)
                }
            }
            OperandKind::Int => {
                i += 1;
                Operand::Integer(t.parse().unwrap())
            }
            OperandKind::Float => {
                i += 1;
                Operand::Float(t.parse().unwrap())
            }
            OperandKind::Text | OperandKind::TypeName => {
                i += 1;
                let body = t.as_bytes()[1..t.len() - 1].to_vec();
                Operand::Text(module.intern(Constant::Bytes(body)))
            }
            OperandKind::TextOrReg if !is_reg => {
                i += 1;
                let body = t.as_bytes()[1..t.len() - 1].to_vec();
                Operand::Text(module.intern(Constant::Bytes(body)))
            }
            OperandKind::Atom => {
                i += 1;
                let body = t.as_bytes()[1..t.len() - 1].to_vec();
                Operand::Atom(module.intern(Constant::Bytes(body)))
            }
            OperandKind::BitsOrReg if !is_reg => {
                i += 1;
                Operand::Bits(module.intern(Constant::Bytes(bits_bytes(&t))))
            }
            OperandKind::BoolOrReg if !is_reg => {
                i += 1;
                Operand::Bool(t == "true")
            }
            OperandKind::TextOrReg | OperandKind::BitsOrReg | OperandKind::BoolOrReg => reg(&mut i),
            OperandKind::Timeout => {
                i += 1;
                Operand::Timeout(Timeout::Infinity)
            }
            OperandKind::Function | OperandKind::Callee if !is_reg => {
                i += 1;
                Operand::Function(module.intern(Constant::Name(t)))
            }
            OperandKind::Callee => reg(&mut i),
            OperandKind::Function => unreachable!(),
            OperandKind::Block => {
                i += 1;
                Operand::Block(module.intern(Constant::Name(t)))
            }
            OperandKind::Module => {
                i += 1;
                Operand::Module(module.intern(Constant::Name(t)))
            }
            OperandKind::Jump => {
                i += 1;
                let target = match t.strip_prefix(':') {
                    _ if t.is_empty() => here + 1,
                    Some(label) => marks.iter().find(|(m, _)| m == label).expect("mark").1,
                    None => t.parse().unwrap(),
                };
                Operand::Jump(target)
            }
        };
        operands.push(op);
    }
    Instruction { opcode, operands }
}

/// Runs a program written in the mini syntax; returns (stdout, stderr, exit code).
pub fn run_with(source: &str, config: viua_vm::RunConfig, args: &[&str]) -> (String, String, i32) {
    let module = assemble(source);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = viua_vm::run_executable_with(
        &module,
        "test.bc",
        args.iter().map(|s| s.to_string()).collect(),
        config,
        &mut out,
        &mut err,
    );
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        code,
    )
}

pub fn run(source: &str) -> (String, String, i32) {
    run_with(source, viua_vm::RunConfig::default(), &[])
}

/// Runs `body` as the instructions of `main/0` with `n` local registers; returns stdout.
pub fn main_output(registers: u16, body: &str) -> String {
    let source = format!(
        ".function: main/0\nallocate_registers %{registers} local\n{body}\nizero %0 local\nreturn\n.end\n"
    );
    let (out, err, code) = run(&source);
    assert_eq!(code, 0, "stderr: {err}");
    out
}

/// The `uncaught object:` line of a run that must fail.
pub fn uncaught(registers: u16, body: &str) -> String {
    let source = format!(
        ".function: main/0\nallocate_registers %{registers} local\n{body}\nizero %0 local\nreturn\n.end\n"
    );
    let (_, err, code) = run(&source);
    assert_eq!(code, 1, "expected a failure, stderr: {err}");
    err.lines()
        .find(|l| l.starts_with("uncaught object:"))
        .unwrap_or("")
        .to_string()
}
