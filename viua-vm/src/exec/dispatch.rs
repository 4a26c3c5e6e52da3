//! The dispatch loop: fetch, match to a handler, count the budget, record the throw point of
//! a failing instruction and hand its exception to the unwinder.

use std::sync::Arc;

use super::{fast, Process, StepOutcome};
use crate::exception::{Exception, Fault, ThrowPoint};
use crate::load::{CodeRef, Insn};

impl Process {
    /// Runs at most `budget` instructions; returns early when the process finishes or dies.
    ///
    /// The hot loop ([`fast::run`]) runs the instructions that have a hot form; each one it
    /// cannot run (and every case its forms do not cover, e.g. a reference register or a Float
    /// operand) goes through [`Process::execute`], after which the hot loop picks up again.
    pub fn step(&mut self, budget: u32) -> StepOutcome {
        if self.terminated {
            return StepOutcome::Finished;
        }
        if let Some(done) = self.finished.take() {
            self.terminated = true;
            return done;
        }
        let mut program = Arc::clone(&self.program);
        let mut budget = budget;
        loop {
            let Some(stack) = self.stacks.last_mut() else {
                self.terminated = true;
                return StepOutcome::Finished;
            };
            if fast::run(&mut self.values, stack, &program, &mut budget) {
                return StepOutcome::Yielded;
            }
            budget -= 1;
            let (at, ip) = (stack.code, stack.ip);
            stack.ip = ip + 1;
            let result = match program.code(at).code.get(ip as usize) {
                Some(&insn) => self.execute(insn, at, ip),
                None => Err(Exception::error(
                    "instruction pointer beyond the end of the code",
                )),
            };
            if let Err(mut e) = result {
                e.throw_points.push(ThrowPoint::Code {
                    code: at,
                    instruction: ip,
                });
                self.raise(e);
            }
            if let Some(done) = self.finished.take() {
                self.terminated = !matches!(done, StepOutcome::Waiting(_));
                return done;
            }
            // `import` or a late-bound call may have switched to a newer program.
            if !Arc::ptr_eq(&program, &self.program) {
                program = Arc::clone(&self.program);
            }
        }
    }

    fn execute(&mut self, insn: Insn, at: CodeRef, ip: u32) -> Result<(), Fault> {
        match insn {
            Insn::Nop => Ok(()),
            Insn::Izero(t) => self.store(t, crate::value::Value::Integer(0)),
            Insn::Integer(t, v) => self.store(t, crate::value::Value::Integer(i64::from(v))),
            Insn::Iinc(r) => self.step_integer(r, 1),
            Insn::Idec(r) => self.step_integer(r, -1),
            Insn::Float(t, i) => self.op_float(t, i),
            Insn::Convert(kind, t, s) => self.op_convert(kind, t, s),
            Insn::Arith(op, t, a, b) => self.op_arith(op, t, a, b),
            Insn::Compare(op, t, a, b) => self.op_compare(op, t, a, b),
            Insn::String(t, i) => self.op_string(t, i),
            Insn::Streq(t, a, b) => self.op_streq(t, a, b),
            Insn::TextLiteral(t, i) => self.op_text_literal(t, i),
            Insn::TextOf(t, s) => self.op_text_of(t, s),
            Insn::Text(op, t, a, b) => self.op_text(op, t, a, b),
            Insn::Textsub(t, s, b, e) => self.op_textsub(t, s, b, e),
            Insn::Textlength(t, s) => self.op_textlength(t, s),
            Insn::Vector(t, s, n) => self.op_vector(t, s, n),
            Insn::Vinsert(v, x, i) => self.op_vinsert(v, x, i),
            Insn::Vpush(v, x) => self.op_vpush(v, x),
            Insn::Vpop(t, v, i) => self.op_vpop(t, v, i),
            Insn::Vat(t, v, i) => self.op_vat(t, v, i),
            Insn::Vlen(t, v) => self.op_vlen(t, v),
            Insn::Bool(r) => self.op_bool(r),
            Insn::Not(t, s) => self.op_not(t, s),
            Insn::And(t, a, b) => self.op_logic(t, a, b, true),
            Insn::Or(t, a, b) => self.op_logic(t, a, b, false),
            Insn::BitsOfInteger(t, s) => self.op_bits_of_integer(t, s),
            Insn::IntegerOfBits(t, s) => self.op_integer_of_bits(t, s),
            Insn::BitsLiteral(t, i) => self.op_bits_literal(t, i),
            Insn::BitsOfWidth(t, s) => self.op_bits_of_width(t, s),
            Insn::Bitwise(op, t, a, b) => self.op_bitwise(op, t, a, b),
            Insn::Bitnot(t, s) => self.op_bitnot(t, s),
            Insn::Bitswidth(t, s) => self.op_bitswidth(t, s),
            Insn::Bitat(t, s, i) => self.op_bitat(t, s, i),
            Insn::Bitset(s, i, v) => self.op_bitset(s, i, v),
            Insn::Shift(op, t, s, c) => self.op_shift(op, t, s, c),
            Insn::Rotate { left, target, count } => self.op_rotate(left, target, count),
            Insn::BitsCompare { op, signed, target, lhs, rhs } => self.op_bits_compare(op, signed, target, lhs, rhs),
            Insn::FixedStep { flavour, up, target } => self.op_fixed_step(flavour, up, target),
            Insn::FixedArith(flavour, op, t, a, b) => self.op_fixed_arith(flavour, op, t, a, b),
            Insn::Move(t, s) => self.op_move(t, s),
            Insn::Copy(t, s) => self.op_copy(t, s),
            Insn::Ptr(t, s) => self.op_ptr(t, s),
            Insn::Ptrlive(t, s) => self.op_ptrlive(t, s),
            Insn::Swap(a, b) => self.op_swap(a, b),
            Insn::Delete(r) => self.op_delete(r),
            Insn::Isnull(t, s) => self.op_isnull(t, s),
            Insn::Print(r) => self.op_print(r, true),
            Insn::Echo(r) => self.op_print(r, false),
            Insn::Capture(mode, c, slot, s) => self.op_capture(mode, c, slot, s),
            Insn::Closure(t, name) => self.op_closure(t, name),
            Insn::Function(t, name) => self.op_function(t, name),
            Insn::Frame(n) => self.op_frame(n),
            Insn::Call(t, callee) => self.op_call(t, callee),
            Insn::Tailcall(callee) => self.op_tailcall(callee),
            Insn::Defer(callee) => self.op_defer(callee),
            Insn::AllocateRegisters(n) => self.op_allocate_registers(n),
            Insn::Jump(target) => self.op_jump(at, ip, target),
            Insn::If(c, t, f) => self.op_if(ip, c, t, f),
            Insn::Throw(r) => self.op_throw(r),
            Insn::Catch(tag, block) => self.op_catch(tag, block),
            Insn::Draw(t) => self.op_draw(t),
            Insn::Try => self.op_try(),
            Insn::Enter(block) => self.op_enter(block),
            Insn::Leave => self.op_leave(),
            Insn::Atom(t, i) => self.op_atom(t, i),
            Insn::Atomeq(t, a, b) => self.op_atomeq(t, a, b),
            Insn::Struct(t) => self.store(t, crate::value::Value::Struct(Box::default())),
            Insn::Structinsert(s, k, v) => self.op_structinsert(s, k, v),
            Insn::Structremove(t, s, k) => self.op_structremove(t, s, k),
            Insn::Structat(t, s, k) => self.op_structat(t, s, k),
            Insn::Structkeys(t, s) => self.op_structkeys(t, s),
            Insn::Exception(t, tag, v) => self.op_exception(t, tag, v),
            Insn::ExceptionTag(t, e) => self.op_exception_tag(t, e),
            Insn::ExceptionValue(t, e) => self.op_exception_value(t, e),
            Insn::Return => self.op_return(),
            Insn::Halt => {
                self.finished = Some(StepOutcome::Halted);
                Ok(())
            }
            Insn::Process(t, callee) => self.op_process(t, callee),
            Insn::SelfPid(t) => self.op_self(t),
            Insn::Pideq(t, a, b) => self.op_pideq(t, a, b),
            Insn::Send(p, v) => self.op_send(p, v),
            Insn::Receive(t, timeout) => self.op_receive(t, timeout, ip),
            Insn::Join(t, p, timeout) => self.op_join(t, p, timeout, ip),
            Insn::Watchdog(callee) => self.op_watchdog(callee),
            Insn::Import(module) => self.op_import(module),
            Insn::IoRead(q, p, n) => self.op_io_read(q, p, n),
            Insn::IoWrite(q, p, d) => self.op_io_write(q, p, d),
            Insn::IoClose(q, p) => self.op_io_close(q, p),
            Insn::IoWait(t, q, timeout) => self.op_io_wait(t, q, timeout, ip),
            Insn::IoCancel(q) => self.op_io_cancel(q),
            Insn::NotYetSupported(op) => Err(Exception::error(format!(
                "instruction not supported by this VM yet (processes, I/O and modules come later): {op}"
            ))),
        }
    }
}
