//! Hand-built realistic modules and a generator of random valid modules, shared by the
//! integration tests.
#![allow(dead_code)]

use proptest::prelude::*;
use viua_bytecode::*;

/// Builds modules the way the assembler would, interning constants on the way.
pub struct Builder {
    pub m: Module,
}

pub fn r(index: u16) -> Operand {
    Operand::Register(RegisterRef {
        access: Access::Direct,
        set: RegisterSet::Local,
        index,
    })
}

pub fn rs(index: u16, set: RegisterSet) -> Operand {
    Operand::Register(RegisterRef {
        access: Access::Direct,
        set,
        index,
    })
}

pub fn ins(opcode: Opcode, operands: Vec<Operand>) -> Instruction {
    Instruction { opcode, operands }
}

impl Builder {
    pub fn new(kind: ModuleKind) -> Builder {
        Builder {
            m: Module::new(kind),
        }
    }
    pub fn text(&mut self, s: &str) -> Operand {
        Operand::Text(self.m.intern(Constant::Bytes(s.as_bytes().to_vec())))
    }
    pub fn atom(&mut self, s: &str) -> Operand {
        Operand::Atom(self.m.intern(Constant::Bytes(s.as_bytes().to_vec())))
    }
    pub fn bits(&mut self, b: &[u8]) -> Operand {
        Operand::Bits(self.m.intern(Constant::Bytes(b.to_vec())))
    }
    pub fn func(&mut self, s: &str) -> Operand {
        Operand::Function(self.m.intern(Constant::Name(s.into())))
    }
    pub fn block(&mut self, s: &str) -> Operand {
        Operand::Block(self.m.intern(Constant::Name(s.into())))
    }
    pub fn module(&mut self, s: &str) -> Operand {
        Operand::Module(self.m.intern(Constant::Name(s.into())))
    }
    pub fn add_function(&mut self, name: &str, code: Vec<Instruction>) -> usize {
        let arity = name.rsplit_once('/').and_then(|(_, a)| a.parse().ok());
        self.m.functions.push(Function {
            name: name.into(),
            arity,
            kind: FunctionKind::Function,
            linked_from: None,
            code,
            debug: Vec::new(),
        });
        self.m.functions.len() - 1
    }
    pub fn add_block(&mut self, name: &str, code: Vec<Instruction>) {
        self.m.blocks.push(Block {
            name: name.into(),
            linked_from: None,
            code,
            debug: Vec::new(),
        });
    }
    /// Appends the generated `__entry` for `main/0` or `main/1` (ASSEMBLY.md §3.10).
    pub fn add_entry(&mut self, main: &str) {
        let callee = self.func(main);
        let mut code = vec![ins(
            Opcode::Frame,
            vec![Operand::Count(u16::from(main == "main/1"))],
        )];
        if main == "main/1" {
            code.push(ins(Opcode::Copy, vec![rs(0, RegisterSet::Arguments), r(1)]));
        }
        code.push(ins(Opcode::Call, vec![r(1), callee]));
        code.push(ins(Opcode::Move, vec![r(0), r(1)]));
        code.push(ins(Opcode::Halt, vec![]));
        let i = self.add_function(ENTRY_FUNCTION, code);
        self.m.entry = Some(i as u32);
    }
}

/// `print "Hello World!"`.
pub fn hello() -> Module {
    let mut b = Builder::new(ModuleKind::Executable);
    let t = b.text("Hello World!");
    b.add_function(
        "main/0",
        vec![
            ins(Opcode::AllocateRegisters, vec![Operand::Count(2)]),
            ins(Opcode::Text, vec![r(1), t]),
            ins(Opcode::Print, vec![r(1)]),
            ins(Opcode::Izero, vec![rs(0, RegisterSet::Local)]),
            ins(Opcode::Return, vec![]),
        ],
    );
    b.add_entry("main/0");
    b.m
}

/// An executable using most operand kinds: calls of every flavour, loops, texts, bits, atoms,
/// blocks with try/catch/enter, processes with timeouts, closures, imports and debug info.
pub fn rich() -> Module {
    let mut b = Builder::new(ModuleKind::Executable);
    b.m.meta = vec![
        ("author".into(), "viua".into()),
        ("license".into(), "GPL-3.0".into()),
    ];
    b.m.signatures = vec!["std::io::print/1".into()];
    b.m.dynamic_imports = vec!["std::misc".into()];
    b.m.imported_functions = vec!["misc::boolean/1".into(), "misc::cycle/0".into()];

    let int = b.text("Integer");
    b.add_block(
        "main/1__nested__handler",
        vec![
            ins(Opcode::Draw, vec![r(2)]),
            ins(Opcode::Print, vec![r(2)]),
            ins(Opcode::Leave, vec![]),
        ],
    );
    b.add_block(
        "main/1__nested__attempt",
        vec![
            ins(Opcode::Integer, vec![r(2), Operand::Integer(-7)]),
            ins(Opcode::Throw, vec![r(2)]),
            ins(Opcode::Leave, vec![]),
        ],
    );

    // An iterative loop: backward and forward jumps.
    b.add_function(
        "sum_to/1",
        vec![
            ins(Opcode::AllocateRegisters, vec![Operand::Count(4)]),
            ins(Opcode::Move, vec![r(1), rs(0, RegisterSet::Parameters)]),
            ins(Opcode::Izero, vec![r(0)]),
            ins(Opcode::Izero, vec![r(2)]),
            ins(Opcode::Lt, vec![r(3), r(2), r(1)]),
            ins(Opcode::If, vec![r(3), Operand::Jump(6), Operand::Jump(9)]),
            ins(Opcode::Iinc, vec![r(2)]),
            ins(Opcode::Add, vec![r(0), r(0), r(2)]),
            ins(Opcode::Jump, vec![Operand::Jump(4)]),
            ins(Opcode::Return, vec![]),
        ],
    );
    let print = b.func("std::io::print/1");
    b.add_function(
        "worker/0",
        vec![
            ins(Opcode::AllocateRegisters, vec![Operand::Count(2)]),
            ins(
                Opcode::Receive,
                vec![r(1), Operand::Timeout(Timeout::Millis(1500))],
            ),
            ins(Opcode::Frame, vec![Operand::Count(1)]),
            ins(Opcode::Move, vec![rs(0, RegisterSet::Arguments), r(1)]),
            ins(Opcode::Tailcall, vec![print]),
        ],
    );
    let ci = b.add_function(
        "adder/1",
        vec![
            ins(Opcode::AllocateRegisters, vec![Operand::Count(3)]),
            ins(Opcode::Move, vec![r(2), rs(0, RegisterSet::Parameters)]),
            ins(Opcode::Add, vec![r(0), r(1), r(2)]),
            ins(Opcode::Return, vec![]),
        ],
    );
    b.m.functions[ci].kind = FunctionKind::Closure;

    let (handler, attempt) = (
        b.block("main/1__nested__handler"),
        b.block("main/1__nested__attempt"),
    );
    let (sum, worker, adder) = (b.func("sum_to/1"), b.func("worker/0"), b.func("adder/1"));
    let (boolean, cycle, io) = (
        b.func("misc::boolean/1"),
        b.func("misc::cycle/0"),
        b.module("std::io"),
    );
    let (bits, atom, hello) = (b.bits(&[0b1010, 0xff]), b.atom("ok"), b.text("hello, "));
    let tag = b.text("Exception");
    let p = Operand::Register(RegisterRef {
        access: Access::Pointer,
        set: RegisterSet::Local,
        index: 9,
    });
    let at = Operand::Register(RegisterRef {
        access: Access::Reference,
        set: RegisterSet::Static,
        index: 3,
    });
    let code = vec![
        ins(Opcode::AllocateRegisters, vec![Operand::Count(12)]),
        ins(Opcode::Bits, vec![r(1), bits]),
        ins(Opcode::Atom, vec![r(2), atom]),
        ins(Opcode::Float, vec![r(3), Operand::Float(0.1)]),
        ins(Opcode::String, vec![r(4), hello]),
        ins(Opcode::Text, vec![r(5), r(4)]),
        ins(Opcode::Bitset, vec![r(1), r(3), Operand::Bool(true)]),
        ins(Opcode::Try, vec![]),
        ins(Opcode::Catch, vec![int, handler]),
        ins(Opcode::Enter, vec![attempt]),
        ins(Opcode::Frame, vec![Operand::Count(1)]),
        ins(
            Opcode::Integer,
            vec![rs(0, RegisterSet::Arguments), Operand::Integer(10)],
        ),
        ins(Opcode::Call, vec![r(6), sum]),
        ins(Opcode::Frame, vec![Operand::Count(0)]),
        ins(Opcode::Process, vec![r(7), worker]),
        ins(Opcode::Send, vec![r(7), r(6)]),
        ins(
            Opcode::Join,
            vec![Operand::Void, r(7), Operand::Timeout(Timeout::Infinity)],
        ),
        ins(Opcode::Closure, vec![r(8), adder]),
        ins(
            Opcode::Capturecopy,
            vec![r(8), Operand::ClosureSlot(1), r(6)],
        ),
        ins(Opcode::Frame, vec![Operand::Count(1)]),
        ins(Opcode::Copy, vec![rs(0, RegisterSet::Arguments), r(6)]),
        ins(Opcode::Call, vec![Operand::Void, r(8)]),
        ins(Opcode::Ptr, vec![r(9), r(6)]),
        ins(Opcode::Print, vec![p]),
        ins(Opcode::Print, vec![at]),
        ins(Opcode::Import, vec![io]),
        ins(Opcode::Frame, vec![Operand::Count(1)]),
        ins(Opcode::Copy, vec![rs(0, RegisterSet::Arguments), r(6)]),
        ins(Opcode::Call, vec![r(10), boolean]),
        ins(Opcode::Frame, vec![Operand::Count(0)]),
        ins(Opcode::Defer, vec![cycle]),
        ins(Opcode::Vector, vec![r(11), r(1), Operand::Count(3)]),
        ins(Opcode::Vpop, vec![Operand::Void, r(11), Operand::Void]),
        ins(Opcode::Text, vec![r(2), tag]),
        ins(Opcode::Exception, vec![r(2), r(2), Operand::Void]),
        ins(
            Opcode::IoWait,
            vec![Operand::Void, r(5), Operand::Timeout(Timeout::Millis(0))],
        ),
        ins(Opcode::Izero, vec![r(0)]),
        ins(Opcode::Return, vec![]),
    ];
    let debug = (0..code.len() as u32)
        .map(|i| SourcePos {
            line: i + 3,
            column: 5,
        })
        .collect();
    let mi = b.add_function("main/1", code);
    b.m.functions[mi].debug = debug;
    b.add_entry("main/1");
    b.m
}

/// A linkable module with statically linked code and a block signature.
pub fn library() -> Module {
    let mut b = Builder::new(ModuleKind::Library);
    b.m.linked = vec![LinkedModule {
        path: "lib/util.module".into(),
    }];
    b.m.block_signatures = vec!["shared_cleanup".into()];
    b.m.signatures = vec!["log/".into()];
    let cleanup = b.block("shared_cleanup");
    let log = b.func("log/");
    let helper = b.func("util::helper/2");
    b.add_function(
        "util::run/0",
        vec![
            ins(Opcode::Enter, vec![cleanup]),
            ins(Opcode::Frame, vec![Operand::Count(2)]),
            ins(Opcode::Call, vec![Operand::Void, helper]),
            ins(Opcode::Watchdog, vec![log]),
            ins(Opcode::Return, vec![]),
        ],
    );
    let h = b.add_function(
        "util::helper/2",
        vec![
            ins(Opcode::Nop, vec![]),
            ins(Opcode::Jump, vec![Operand::Jump(0)]),
        ],
    );
    b.m.functions[h].linked_from = Some(0);
    b.add_block("util::cleanup", vec![ins(Opcode::Leave, vec![])]);
    b.m.blocks[0].linked_from = Some(0);
    b.m
}

pub fn samples() -> Vec<(&'static str, Module)> {
    vec![("hello", hello()), ("rich", rich()), ("library", library())]
}

/// Raw material for one random body: opcode picks and operand seeds.
pub type RawBody = Vec<(usize, [u64; 4])>;

/// Random valid modules: random bodies whose operands are repaired into valid ones (every
/// operand of the right kind, jumps in range, names defined).
pub fn valid_module() -> impl Strategy<Value = Module> {
    let body = || prop::collection::vec((0..Opcode::ALL.len(), any::<[u64; 4]>()), 1..10);
    (
        any::<bool>(),
        prop::collection::vec(body(), 0..3),
        prop::collection::vec((body(), any::<u8>(), any::<bool>()), 1..4),
    )
        .prop_map(|(executable, blocks, functions)| build_random(executable, blocks, functions))
}

fn build_random(
    executable: bool,
    blocks: Vec<RawBody>,
    functions: Vec<(RawBody, u8, bool)>,
) -> Module {
    let kind = if executable {
        ModuleKind::Executable
    } else {
        ModuleKind::Library
    };
    let mut b = Builder::new(kind);
    b.m.block_signatures = vec!["ext::block".into()];
    b.m.signatures = vec!["ext::f/1".into()];
    let block_names: Vec<String> = (0..blocks.len())
        .map(|i| format!("b{i}"))
        .chain(["ext::block".into()])
        .collect();
    let mut fn_names: Vec<(String, Option<u16>, bool)> = functions
        .iter()
        .enumerate()
        .map(|(i, (_, a, closure))| {
            let arity = if *a > 200 && !closure {
                None
            } else {
                Some(u16::from(*a % 4))
            };
            let name = format!("f{i}/{}", arity.map_or(String::new(), |a| a.to_string()));
            (name, arity, *closure)
        })
        .collect();
    if executable {
        fn_names[0] = ("main/0".into(), Some(0), false);
    }
    let callable: Vec<String> = fn_names
        .iter()
        .map(|f| f.0.clone())
        .chain(["ext::f/1".into()])
        .collect();
    for (i, raw) in blocks.iter().enumerate() {
        let code = random_code(&mut b, raw, &callable, &block_names);
        b.add_block(&block_names[i], code);
    }
    for ((raw, _, _), (name, arity, closure)) in functions.iter().zip(fn_names) {
        let code = random_code(&mut b, raw, &callable, &block_names);
        let with_debug = raw[0].1[0] & 1 == 0;
        let debug = if with_debug {
            (0..code.len() as u32)
                .map(|l| SourcePos {
                    line: l + 1,
                    column: 1,
                })
                .collect()
        } else {
            Vec::new()
        };
        b.m.functions.push(Function {
            name,
            arity,
            kind: if closure {
                FunctionKind::Closure
            } else {
                FunctionKind::Function
            },
            linked_from: None,
            code,
            debug,
        });
    }
    if executable {
        b.add_entry("main/0");
    }
    b.m
}

fn random_code(
    b: &mut Builder,
    raw: &RawBody,
    fns: &[String],
    blocks: &[String],
) -> Vec<Instruction> {
    let len = raw.len() as u64;
    raw.iter()
        .map(|(op, seeds)| {
            let opcode = Opcode::ALL[*op];
            let operands = opcode
                .shape()
                .iter()
                .zip(seeds)
                .map(|(kind, &s)| random_operand(b, *kind, s, len, fns, blocks))
                .collect();
            ins(opcode, operands)
        })
        .collect()
}

fn random_operand(
    b: &mut Builder,
    kind: OperandKind,
    s: u64,
    len: u64,
    fns: &[String],
    blocks: &[String],
) -> Operand {
    use OperandKind as K;
    const SETS: [RegisterSet; 5] = [
        RegisterSet::Local,
        RegisterSet::Static,
        RegisterSet::Global,
        RegisterSet::Arguments,
        RegisterSet::Parameters,
    ];
    const ACCESS: [Access; 3] = [Access::Direct, Access::Pointer, Access::Reference];
    let reg = Operand::Register(RegisterRef {
        access: ACCESS[(s % 3) as usize],
        set: SETS[(s / 3 % 5) as usize],
        index: (s >> 16) as u16,
    });
    let bytes = (s >> 8).to_le_bytes()[..(s % 6) as usize].to_vec();
    let bytes_const = |b: &mut Builder| b.m.intern(Constant::Bytes(bytes.clone()));
    let pick = s >> 32;
    match kind {
        K::Reg => reg,
        K::RegOrVoid if s & 3 == 0 => Operand::Void,
        K::RegOrVoid => reg,
        K::Count => Operand::Count(s as u16),
        K::ClosureSlot => Operand::ClosureSlot(s as u16),
        K::Int => Operand::Integer(s as i32),
        K::Float => Operand::Float(f64::from_bits(s)),
        K::Text | K::TypeName => Operand::Text(bytes_const(b)),
        K::Atom => Operand::Atom(bytes_const(b)),
        K::TextOrReg | K::BitsOrReg | K::BoolOrReg | K::Callee if s & 1 == 0 => reg,
        K::TextOrReg => Operand::Text(bytes_const(b)),
        K::BitsOrReg => Operand::Bits(bytes_const(b)),
        K::BoolOrReg => Operand::Bool(s % 4 == 1),
        K::Timeout if s % 3 == 1 => Operand::Timeout(Timeout::Infinity),
        K::Timeout => Operand::Timeout(Timeout::Millis((s >> 8) as u32 % limits::MAX_TIMEOUT_MS)),
        K::Function | K::Callee => {
            let name = fns[(pick % fns.len() as u64) as usize].clone();
            b.func(&name)
        }
        K::Block => {
            let name = blocks[(pick % blocks.len() as u64) as usize].clone();
            b.block(&name)
        }
        K::Module => b.module(if s & 1 == 0 { "std::io" } else { "World" }),
        K::Jump => Operand::Jump((pick % len) as u32),
    }
}
