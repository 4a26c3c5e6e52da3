//! Bad programs never panic: random instruction sequences (well-formed operand shapes, random
//! registers, literals and jump targets) either load with an error or run into exceptions,
//! a finish, or the budget.

use std::sync::Arc;

use proptest::prelude::*;
use viua_bytecode::{
    Access, Block, Constant, Function, FunctionKind, Instruction, Module, ModuleKind, Opcode,
    Operand, OperandKind, RegisterRef, RegisterSet, Timeout,
};
use viua_vm::exec::{Process, StepOutcome};
use viua_vm::load::Program;

fn operand(kind: OperandKind, seed: u32, len: u32) -> Operand {
    let sets = [
        RegisterSet::Local,
        RegisterSet::Static,
        RegisterSet::Global,
        RegisterSet::Arguments,
        RegisterSet::Parameters,
    ];
    let accesses = [
        Access::Direct,
        Access::Direct,
        Access::Pointer,
        Access::Reference,
    ];
    let reg = Operand::Register(RegisterRef {
        access: accesses[(seed >> 4) as usize % 4],
        set: sets[(seed >> 8) as usize % 5],
        index: (seed % 6) as u16,
    });
    match kind {
        OperandKind::Reg => reg,
        OperandKind::RegOrVoid
        | OperandKind::TextOrReg
        | OperandKind::BitsOrReg
        | OperandKind::BoolOrReg
        | OperandKind::Callee
            if seed.checked_rem(3) != Some(0) =>
        {
            reg
        }
        OperandKind::RegOrVoid => Operand::Void,
        OperandKind::Count | OperandKind::ClosureSlot => Operand::Count((seed % 5) as u16),
        OperandKind::Int => Operand::Integer((seed as i32).wrapping_sub(1 << 20)),
        OperandKind::Float => Operand::Float(f64::from(seed) / 7.0 - 100.0),
        OperandKind::Text | OperandKind::TextOrReg | OperandKind::TypeName => {
            Operand::Text(seed % 2)
        }
        OperandKind::Atom => Operand::Atom(seed % 2),
        OperandKind::BitsOrReg => Operand::Bits(seed % 2),
        OperandKind::BoolOrReg => Operand::Bool(seed & 1 == 0),
        OperandKind::Timeout => Operand::Timeout(Timeout::Millis(1)),
        OperandKind::Function | OperandKind::Callee => Operand::Function(2 + seed % 2),
        OperandKind::Block => Operand::Block(4 + seed % 2),
        OperandKind::Module => Operand::Module(2),
        OperandKind::Jump => Operand::Jump(seed % len),
    }
}

fn module(program: &[(u8, u32)]) -> Module {
    let mut m = Module::new(ModuleKind::Executable);
    m.constants = vec![
        Constant::Bytes(b"ab\"c".to_vec()),
        Constant::Bytes(vec![0xff, 0x01]),
        Constant::Name("main/0".into()),
        Constant::Name("missing/1".into()),
        Constant::Name("blk".into()),
        Constant::Name("nope".into()),
    ];
    let len = program.len() as u32 + 2;
    let mut code: Vec<Instruction> = program
        .iter()
        .map(|&(op, seed)| {
            let opcode = Opcode::ALL[op as usize % Opcode::ALL.len()];
            let operands = opcode
                .shape()
                .iter()
                .enumerate()
                .map(|(i, k)| operand(*k, seed.rotate_left(i as u32 * 7), len))
                .collect();
            Instruction { opcode, operands }
        })
        .collect();
    code.insert(
        0,
        Instruction {
            opcode: Opcode::AllocateRegisters,
            operands: vec![Operand::Count(6)],
        },
    );
    code.push(Instruction {
        opcode: Opcode::Return,
        operands: vec![],
    });
    m.blocks.push(Block {
        name: "blk".into(),
        linked_from: None,
        code: code.clone(),
        debug: vec![],
    });
    m.functions.push(Function {
        name: "main/0".into(),
        arity: Some(0),
        kind: FunctionKind::Function,
        linked_from: None,
        code,
        debug: vec![],
    });
    m.entry = Some(0);
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
    #[test]
    fn random_programs_never_panic(program in proptest::collection::vec((any::<u8>(), any::<u32>()), 1..40)) {
        let m = module(&program);
        if let Ok(p) = Program::load(&m, "fuzz.bc") {
            let mut process = Process::main(Arc::new(p), 0, vec!["fuzz.bc".into()]);
            for _ in 0..20 {
                match process.step(500) {
                    StepOutcome::Yielded => continue,
                    StepOutcome::Died(d) => {
                        let _ = d.report.render_plain(true);
                        let _ = d.report.render_json(false);
                        break;
                    }
                    _ => break,
                }
            }
        }
    }
}
