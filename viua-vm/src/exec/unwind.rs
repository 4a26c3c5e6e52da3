//! Control flow and exceptions (ISA-CONTROL §1.10, §2.3–§2.4, §2.16–§2.24): jumps, try frames,
//! throwing, and the unwinding algorithm with deferred calls run innermost first.

use super::frame::{Catch, Continuation, TryFrame};
use super::{Death, Process, StepOutcome};
use crate::exception::{Exception, Fault};
use crate::load::{BlockRef, CodeRef, Reg};
use crate::value::Value;

impl Process {
    pub(super) fn op_jump(&mut self, at: CodeRef, ip: u32, target: u32) -> Result<(), Fault> {
        if target == ip {
            let byte = self
                .program
                .code(at)
                .offsets
                .get(ip as usize)
                .copied()
                .unwrap_or(0);
            return Err(Exception::error(format!(
                "aborting: JUMP instruction pointing to itself at byte {byte} (0x{byte:08x})"
            )));
        }
        self.stack_mut()?.ip = target;
        Ok(())
    }

    pub(super) fn op_if(
        &mut self,
        ip: u32,
        c: Reg,
        on_true: u32,
        on_false: u32,
    ) -> Result<(), Fault> {
        let truth = self.read(c)?.value().truthy();
        let target = if truth { on_true } else { on_false };
        if target == ip {
            return Err(Exception::new("InstructionUnchanged", ""));
        }
        self.stack_mut()?.ip = target;
        Ok(())
    }

    pub(super) fn op_throw(&mut self, r: Reg) -> Result<(), Fault> {
        let value = self
            .take(r)?
            .ok_or_else(|| Exception::error("throw from null register"))?;
        let value = value.into_plain().unwrap_or_else(|shared| shared);
        match value {
            Value::Exception(e) => Err(e),
            v => Err(Exception::wrapping(v.type_name(), Some(v))),
        }
    }

    pub(super) fn op_try(&mut self) -> Result<(), Fault> {
        let stack = self.stack_mut()?;
        if stack.pending_try.is_some() {
            return Err(Exception::error(
                "new try frame requested while last one is unused",
            ));
        }
        stack.pending_try = Some(Vec::new());
        Ok(())
    }

    fn label(&self, id: u32) -> &str {
        self.program
            .labels
            .get(id as usize)
            .map_or("", String::as_str)
    }

    pub(super) fn op_catch(&mut self, tag: u32, block: BlockRef) -> Result<(), Fault> {
        let block = match block {
            BlockRef::Block(b) => b,
            BlockRef::Unknown(name) => match self.resolve_unknown_block(name) {
                Some(b) => b,
                None => {
                    return Err(Exception::error(format!(
                        "registering undefined handler block '{}' to handle {}",
                        self.label(name),
                        self.label(tag)
                    )))
                }
            },
        };
        let catchers = self.stack_mut()?.pending_try.get_or_insert_with(Vec::new);
        match catchers.iter_mut().find(|(t, _)| *t == tag) {
            Some(entry) => entry.1 = block,
            None => catchers.push((tag, block)),
        }
        Ok(())
    }

    pub(super) fn op_enter(&mut self, block: BlockRef) -> Result<(), Fault> {
        let block = match block {
            BlockRef::Block(b) => b,
            BlockRef::Unknown(name) => match self.resolve_unknown_block(name) {
                Some(b) => b,
                None => {
                    return Err(Exception::error(format!(
                        "cannot enter undefined block: {}",
                        self.label(name)
                    )))
                }
            },
        };
        let stack = self.stack_mut()?;
        let catchers = stack.pending_try.take().unwrap_or_default();
        let frame = stack.frames.len().saturating_sub(1);
        stack.try_frames.push(TryFrame {
            frame,
            resume: (stack.code, stack.ip),
            catchers,
            handling: false,
        });
        stack.code = CodeRef::Block(block);
        stack.ip = 0;
        Ok(())
    }

    pub(super) fn op_leave(&mut self) -> Result<(), Fault> {
        let stack = self.stack_mut()?;
        let tf = stack
            .try_frames
            .pop()
            .ok_or_else(|| Exception::error("bad leave: no block has been entered"))?;
        (stack.code, stack.ip) = tf.resume;
        Ok(())
    }

    pub(super) fn op_draw(&mut self, t: Option<Reg>) -> Result<(), Fault> {
        let caught = self.stack_mut()?.caught.take();
        match (t, caught) {
            (Some(t), Some(e)) => self.store(t, Value::Exception(e)),
            (Some(_), None) => Err(Exception::error("no caught object")),
            (None, _) => Ok(()),
        }
    }

    pub(super) fn op_exception(
        &mut self,
        t: Reg,
        tag: Reg,
        value: Option<Reg>,
    ) -> Result<(), Fault> {
        let tag = String::from_utf8_lossy(&self.read_atom(tag)?).into_owned();
        let value = match value {
            Some(v) => self.take(v)?,
            None => None,
        };
        self.store(t, Value::Exception(Exception::wrapping(tag, value)))
    }

    pub(super) fn op_exception_tag(&mut self, t: Reg, e: Reg) -> Result<(), Fault> {
        let tag = {
            let source = self.read(e)?;
            let value = source.value();
            match &*value {
                Value::Exception(ex) => ex.tag.clone().into_bytes(),
                other => return Err(Exception::type_error("Exception", other)),
            }
        };
        self.store(t, Value::atom(tag))
    }

    pub(super) fn op_exception_value(&mut self, t: Reg, e: Reg) -> Result<(), Fault> {
        let value = self.modify(e, |v| match v {
            Value::Exception(ex) => match ex.value.take() {
                Some(inner) => Ok(inner),
                None if !ex.description().is_empty() => {
                    Ok(Value::text(ex.description().as_bytes().to_vec()))
                }
                None => Err(Exception::new("Empty_exception", "exception has no value")),
            },
            other => Err(Exception::type_error("Exception", other)),
        })?;
        self.store(t, value)
    }

    /// Starts unwinding the active stack with `exception` (its throw point already recorded).
    pub(crate) fn raise(&mut self, exception: Fault) {
        let Some(stack) = self.stacks.last_mut() else {
            return;
        };
        if let Some((base, _)) = stack.pending.take() {
            self.values.truncate(base as usize);
        }
        let stack = &self.stacks[self.stacks.len() - 1];
        let mut catch = None;
        'search: for (i, tf) in stack.try_frames.iter().enumerate().rev() {
            if tf.handling {
                continue;
            }
            for &(tag, block) in &tf.catchers {
                if self.label(tag) == exception.tag {
                    catch = Some(Catch {
                        try_frame: i,
                        frame: tf.frame,
                        block,
                    });
                    break 'search;
                }
            }
        }
        let next = stack.frames.len().saturating_sub(1);
        self.continue_unwind(exception, catch, next);
    }

    /// Runs the deferred calls of the frames being unwound (innermost first), then either
    /// enters the catcher or lets the process die.
    pub(super) fn continue_unwind(
        &mut self,
        exception: Fault,
        catch: Option<Catch>,
        mut next: usize,
    ) {
        let lowest = catch.map_or(0, |c| c.frame + 1);
        let Some(stack) = self.stacks.last_mut() else {
            return;
        };
        while next >= lowest && next < stack.frames.len() {
            if let Some(d) = stack.frames[next].pop_deferred() {
                stack.cont = Some(Continuation::Unwind {
                    exception,
                    catch,
                    next,
                });
                self.start_deferred(d);
                return;
            }
            if next == 0 {
                break;
            }
            next -= 1;
        }
        match catch {
            Some(c) => {
                while self
                    .stacks
                    .last()
                    .is_some_and(|s| s.frames.len() > c.frame + 1)
                {
                    self.pop_frame();
                }
                let Some(stack) = self.stacks.last_mut() else {
                    return;
                };
                stack.try_frames.truncate(c.try_frame + 1);
                if let Some(tf) = stack.try_frames.last_mut() {
                    tf.handling = true;
                }
                stack.caught = Some(exception);
                stack.code = CodeRef::Block(c.block);
                stack.ip = 0;
            }
            None => {
                let report = crate::report::Report::build(self, &exception);
                self.finished = Some(StepOutcome::Died(Box::new(Death { exception, report })));
            }
        }
    }
}
