//! Module → Program translation (one pass per definition).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use viua_bytecode::{size, Instruction, Module, Opcode, Operand};

use super::hot::hot_forms;
use super::insn::*;
use super::{Code, LoadError, ModuleInfo, Program, MAIN_MODULE};
use crate::ops::bits::{Bits, Bitwise, Shift};
use crate::ops::bits_arith::{ArithOp, Flavour};
use crate::ops::text::validate_utf8;
use crate::value::FunctionName;
use viua_bytecode::escapes::{decode_atom_escapes, decode_text_escapes};

pub(super) struct Translator<'m> {
    module: &'m Module,
    pub(super) program: Program,
    /// Every function name defined so far (earlier programs and this module) → index.
    pub(super) function_by_name: HashMap<String, u32>,
    pub(super) block_by_name: HashMap<String, u32>,
    /// `program.names` entries by name.
    pub(super) name_ids: HashMap<String, u32>,
    /// `program.labels` entries by text.
    pub(super) label_ids: HashMap<String, u32>,
    /// (kind tag, constant index of this module) → table index.
    constant_ids: HashMap<(u8, u32), u32>,
    /// Index into `program.modules` of the module being translated.
    module_index: u32,
}

/// Name → index of the definitions of a table, the first definition of a name winning.
pub(super) fn first_wins<'a>(
    names: impl Iterator<Item = &'a str>,
    offset: u32,
    into: &mut HashMap<String, u32>,
) {
    for (i, name) in names.enumerate() {
        into.entry(name.to_string()).or_insert(offset + i as u32);
    }
}

pub(super) fn translate(module: &Module, path: &str) -> Result<Program, LoadError> {
    if let Some(e) = module.entry {
        if e as usize >= module.functions.len() {
            return Err(LoadError("entry function index out of range".into()));
        }
    }
    let program = Program {
        path: path.to_string(),
        functions: Vec::with_capacity(module.functions.len()),
        blocks: Vec::with_capacity(module.blocks.len()),
        names: Vec::new(),
        floats: Vec::new(),
        strings: Vec::new(),
        texts: Vec::new(),
        atoms: Vec::new(),
        bits: Vec::new(),
        labels: Vec::new(),
        entry: module.entry,
        modules: vec![ModuleInfo {
            name: MAIN_MODULE.to_string(),
            path: path.to_string(),
            base: 0,
        }],
        loaded_modules: HashSet::new(),
        foreign: Arc::default(),
        generation: 0,
        function_names: Arc::default(),
        block_names: Arc::default(),
    };
    let mut function_by_name = HashMap::with_capacity(module.functions.len());
    first_wins(
        module.functions.iter().map(|f| f.name.as_str()),
        0,
        &mut function_by_name,
    );
    let mut block_by_name = HashMap::with_capacity(module.blocks.len());
    first_wins(
        module.blocks.iter().map(|b| b.name.as_str()),
        0,
        &mut block_by_name,
    );
    let mut t = Translator::new(module, program, 0, function_by_name, block_by_name);
    t.definitions()?;
    Ok(t.finish())
}

fn bad(what: &str) -> LoadError {
    LoadError(format!("malformed instruction: {what}"))
}

impl<'m> Translator<'m> {
    pub(super) fn new(
        module: &'m Module,
        program: Program,
        module_index: u32,
        function_by_name: HashMap<String, u32>,
        block_by_name: HashMap<String, u32>,
    ) -> Translator<'m> {
        Translator {
            module,
            program,
            function_by_name,
            block_by_name,
            name_ids: HashMap::new(),
            label_ids: HashMap::new(),
            constant_ids: HashMap::new(),
            module_index,
        }
    }

    /// Appends the module's blocks, then its functions, to the program's tables (in the
    /// order `function_by_name` and `block_by_name` were computed for).
    pub(super) fn definitions(&mut self) -> Result<(), LoadError> {
        let module = self.module;
        let (block_offsets, function_offsets, _) = size::layout(module);
        for (i, b) in module.blocks.iter().enumerate() {
            let code = self.translate_code(&b.code)?;
            let offsets = size::instruction_offsets(module, &b.code, block_offsets[i]);
            self.program.blocks.push(Code {
                name: b.name.clone(),
                hot: hot_forms(&code).into(),
                code: code.into(),
                offsets: offsets.into(),
                module: self.module_index,
            });
        }
        for (i, f) in module.functions.iter().enumerate() {
            let code = self.translate_code(&f.code)?;
            let offsets = size::instruction_offsets(module, &f.code, function_offsets[i]);
            self.program.functions.push(Code {
                name: f.name.clone(),
                hot: hot_forms(&code).into(),
                code: code.into(),
                offsets: offsets.into(),
                module: self.module_index,
            });
        }
        Ok(())
    }

    /// The program, with the name tables it was translated against.
    pub(super) fn finish(self) -> Program {
        let mut program = self.program;
        program.function_names = Arc::new(self.function_by_name);
        program.block_names = Arc::new(self.block_by_name);
        program
    }

    fn translate_code(&mut self, code: &[Instruction]) -> Result<Vec<Insn>, LoadError> {
        if code.is_empty() {
            return Err(LoadError("empty function or block".into()));
        }
        let len = code.len() as u32;
        let mut out = Vec::with_capacity(code.len());
        for ins in code {
            let insn = self.translate_one(ins)?;
            let check = |t: u32| {
                if t < len {
                    Ok(())
                } else {
                    Err(bad("jump target out of range"))
                }
            };
            match insn {
                Insn::Jump(t) => check(t)?,
                Insn::If(_, a, b) => {
                    check(a)?;
                    check(b)?;
                }
                _ => {}
            }
            out.push(insn);
        }
        Ok(out)
    }

    fn name_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.program.names.len() as u32;
        let function = self.function_by_name.get(name).copied();
        self.program.names.push(Arc::new(FunctionName {
            name: name.to_string(),
            function,
        }));
        self.name_ids.insert(name.to_string(), id);
        id
    }

    fn label_id(&mut self, label: String) -> u32 {
        if let Some(&id) = self.label_ids.get(&label) {
            return id;
        }
        let id = self.program.labels.len() as u32;
        self.program.labels.push(label.clone());
        self.label_ids.insert(label, id);
        id
    }

    fn bytes(&self, c: u32) -> Result<&'m [u8], LoadError> {
        self.module
            .bytes(c)
            .ok_or_else(|| bad("constant is not a byte literal"))
    }

    fn name(&self, c: u32) -> Result<&'m str, LoadError> {
        self.module
            .name(c)
            .ok_or_else(|| bad("constant is not a name"))
    }

    /// Index into one of the decoded-literal tables, decoding each constant once.
    fn literal(&mut self, kind: u8, c: u32) -> Result<u32, LoadError> {
        if let Some(&id) = self.constant_ids.get(&(kind, c)) {
            return Ok(id);
        }
        let bytes = self.bytes(c)?;
        let p = &mut self.program;
        let id = match kind {
            0 => {
                p.strings.push(decode_text_escapes(bytes));
                p.strings.len()
            }
            1 => {
                let decoded = decode_text_escapes(bytes);
                p.texts.push(if validate_utf8(&decoded) {
                    Some(decoded)
                } else {
                    None
                });
                p.texts.len()
            }
            2 => {
                p.atoms.push(decode_atom_escapes(bytes));
                p.atoms.len()
            }
            _ => {
                p.bits.push(Bits::from_bytes(bytes));
                p.bits.len()
            }
        } as u32
            - 1;
        self.constant_ids.insert((kind, c), id);
        Ok(id)
    }

    fn callee(&mut self, op: &Operand) -> Result<Callee, LoadError> {
        match *op {
            Operand::Register(r) => Ok(Callee::Register(reg_of(r))),
            Operand::Function(c) => {
                let name = self.name(c)?;
                Ok(match self.function_by_name.get(name) {
                    Some(&f) => Callee::Function(f),
                    None => Callee::Unknown(self.name_id(name)),
                })
            }
            _ => Err(bad("callee")),
        }
    }

    fn block(&mut self, op: &Operand) -> Result<BlockRef, LoadError> {
        match *op {
            Operand::Block(c) => {
                let name = self.name(c)?;
                Ok(match self.block_by_name.get(name) {
                    Some(&b) => BlockRef::Block(b),
                    None => BlockRef::Unknown(self.label_id(name.to_string())),
                })
            }
            _ => Err(bad("block")),
        }
    }

    fn translate_one(&mut self, ins: &Instruction) -> Result<Insn, LoadError> {
        use Opcode as O;
        let ops = &ins.operands;
        let get = |i: usize| ops.get(i).ok_or_else(|| bad("missing operand"));
        let r = |i: usize| match get(i)? {
            Operand::Register(r) => Ok(reg_of(*r)),
            _ => Err(bad("expected a register")),
        };
        let rv = |i: usize| match get(i)? {
            Operand::Register(r) => Ok(Some(reg_of(*r))),
            Operand::Void => Ok(None),
            _ => Err(bad("expected a register or void")),
        };
        let count = |i: usize| match get(i)? {
            Operand::Count(n) | Operand::ClosureSlot(n) => Ok(*n),
            _ => Err(bad("expected a count")),
        };
        let jump = |i: usize| match get(i)? {
            Operand::Jump(t) => Ok(*t),
            _ => Err(bad("expected a jump target")),
        };
        let const_of = |i: usize| match get(i)? {
            Operand::Text(c) | Operand::Atom(c) | Operand::Bits(c) | Operand::Function(c) => Ok(*c),
            _ => Err(bad("expected a literal")),
        };
        let fixed =
            |flavour, op| Ok::<_, LoadError>(Insn::FixedArith(flavour, op, r(0)?, r(1)?, r(2)?));
        let step = |flavour, up| {
            Ok::<_, LoadError>(Insn::FixedStep {
                flavour,
                up,
                target: r(0)?,
            })
        };
        let cmp_bits = |op, signed| {
            Ok::<_, LoadError>(Insn::BitsCompare {
                op,
                signed,
                target: r(0)?,
                lhs: r(1)?,
                rhs: r(2)?,
            })
        };
        Ok(match ins.opcode {
            O::Nop => Insn::Nop,
            O::Izero => Insn::Izero(r(0)?),
            O::Integer => match get(1)? {
                Operand::Integer(v) => Insn::Integer(r(0)?, *v),
                _ => return Err(bad("integer literal")),
            },
            O::Iinc => Insn::Iinc(r(0)?),
            O::Idec => Insn::Idec(r(0)?),
            O::Float => match get(1)? {
                Operand::Float(v) => {
                    self.program.floats.push(*v);
                    Insn::Float(r(0)?, self.program.floats.len() as u32 - 1)
                }
                _ => return Err(bad("float literal")),
            },
            O::Itof => Insn::Convert(Conversion::Itof, r(0)?, r(1)?),
            O::Ftoi => Insn::Convert(Conversion::Ftoi, r(0)?, r(1)?),
            O::Stoi => Insn::Convert(Conversion::Stoi, r(0)?, r(1)?),
            O::Stof => Insn::Convert(Conversion::Stof, r(0)?, r(1)?),
            O::Add => Insn::Arith(ArithOp::Add, r(0)?, r(1)?, r(2)?),
            O::Sub => Insn::Arith(ArithOp::Sub, r(0)?, r(1)?, r(2)?),
            O::Mul => Insn::Arith(ArithOp::Mul, r(0)?, r(1)?, r(2)?),
            O::Div => Insn::Arith(ArithOp::Div, r(0)?, r(1)?, r(2)?),
            O::Lt => Insn::Compare(Comparison::Lt, r(0)?, r(1)?, r(2)?),
            O::Lte => Insn::Compare(Comparison::Lte, r(0)?, r(1)?, r(2)?),
            O::Gt => Insn::Compare(Comparison::Gt, r(0)?, r(1)?, r(2)?),
            O::Gte => Insn::Compare(Comparison::Gte, r(0)?, r(1)?, r(2)?),
            O::Eq => Insn::Compare(Comparison::Eq, r(0)?, r(1)?, r(2)?),
            O::String => Insn::String(r(0)?, self.literal(0, const_of(1)?)?),
            O::Streq => Insn::Streq(r(0)?, r(1)?, r(2)?),
            O::Text => match get(1)? {
                Operand::Text(c) => Insn::TextLiteral(r(0)?, self.literal(1, *c)?),
                Operand::Register(_) => Insn::TextOf(r(0)?, r(1)?),
                _ => return Err(bad("text operand")),
            },
            O::Texteq => Insn::Text(TextBinary::Eq, r(0)?, r(1)?, r(2)?),
            O::Textat => Insn::Text(TextBinary::At, r(0)?, r(1)?, r(2)?),
            O::Textsub => Insn::Textsub(r(0)?, r(1)?, r(2)?, r(3)?),
            O::Textlength => Insn::Textlength(r(0)?, r(1)?),
            O::Textcommonprefix => Insn::Text(TextBinary::CommonPrefix, r(0)?, r(1)?, r(2)?),
            O::Textcommonsuffix => Insn::Text(TextBinary::CommonSuffix, r(0)?, r(1)?, r(2)?),
            O::Textconcat => Insn::Text(TextBinary::Concat, r(0)?, r(1)?, r(2)?),
            O::Vector => Insn::Vector(r(0)?, r(1)?, count(2)?),
            O::Vinsert => Insn::Vinsert(r(0)?, r(1)?, rv(2)?),
            O::Vpush => Insn::Vpush(r(0)?, r(1)?),
            O::Vpop => Insn::Vpop(rv(0)?, r(1)?, rv(2)?),
            O::Vat => Insn::Vat(r(0)?, r(1)?, r(2)?),
            O::Vlen => Insn::Vlen(r(0)?, r(1)?),
            O::Bool => Insn::Bool(r(0)?),
            O::Not => Insn::Not(r(0)?, r(1)?),
            O::And => Insn::And(r(0)?, r(1)?, r(2)?),
            O::Or => Insn::Or(r(0)?, r(1)?, r(2)?),
            O::BitsOfInteger => Insn::BitsOfInteger(r(0)?, r(1)?),
            O::IntegerOfBits => Insn::IntegerOfBits(r(0)?, r(1)?),
            O::Bits => match get(1)? {
                Operand::Bits(c) => Insn::BitsLiteral(r(0)?, self.literal(3, *c)?),
                Operand::Register(_) => Insn::BitsOfWidth(r(0)?, r(1)?),
                _ => return Err(bad("bits operand")),
            },
            O::Bitand => Insn::Bitwise(Bitwise::And, r(0)?, r(1)?, r(2)?),
            O::Bitor => Insn::Bitwise(Bitwise::Or, r(0)?, r(1)?, r(2)?),
            O::Bitxor => Insn::Bitwise(Bitwise::Xor, r(0)?, r(1)?, r(2)?),
            O::Bitnot => Insn::Bitnot(r(0)?, r(1)?),
            O::Bitswidth => Insn::Bitswidth(r(0)?, r(1)?),
            O::Bitat => Insn::Bitat(r(0)?, r(1)?, r(2)?),
            O::Bitset => Insn::Bitset(
                r(0)?,
                r(1)?,
                match get(2)? {
                    Operand::Bool(b) => BoolOperand::Literal(*b),
                    Operand::Register(x) => BoolOperand::Register(reg_of(*x)),
                    _ => return Err(bad("bitset value")),
                },
            ),
            O::Shl => Insn::Shift(Shift::Shl, rv(0)?, r(1)?, r(2)?),
            O::Shr => Insn::Shift(Shift::Shr, rv(0)?, r(1)?, r(2)?),
            O::Ashl => Insn::Shift(Shift::Ashl, rv(0)?, r(1)?, r(2)?),
            O::Ashr => Insn::Shift(Shift::Ashr, rv(0)?, r(1)?, r(2)?),
            O::Rol => Insn::Rotate {
                left: true,
                target: r(0)?,
                count: r(1)?,
            },
            O::Ror => Insn::Rotate {
                left: false,
                target: r(0)?,
                count: r(1)?,
            },
            O::Bitseq => cmp_bits(Comparison::Eq, false)?,
            O::Bitslt => cmp_bits(Comparison::Lt, false)?,
            O::Bitslte => cmp_bits(Comparison::Lte, false)?,
            O::Bitsgt => cmp_bits(Comparison::Gt, false)?,
            O::Bitsgte => cmp_bits(Comparison::Gte, false)?,
            O::Bitaeq => cmp_bits(Comparison::Eq, true)?,
            O::Bitalt => cmp_bits(Comparison::Lt, true)?,
            O::Bitalte => cmp_bits(Comparison::Lte, true)?,
            O::Bitagt => cmp_bits(Comparison::Gt, true)?,
            O::Bitagte => cmp_bits(Comparison::Gte, true)?,
            O::Wrapincrement => step(Flavour::Wrapping, true)?,
            O::Wrapdecrement => step(Flavour::Wrapping, false)?,
            O::Wrapadd => fixed(Flavour::Wrapping, ArithOp::Add)?,
            O::Wrapsub => fixed(Flavour::Wrapping, ArithOp::Sub)?,
            O::Wrapmul => fixed(Flavour::Wrapping, ArithOp::Mul)?,
            O::Wrapdiv => fixed(Flavour::Wrapping, ArithOp::Div)?,
            O::Checkedsincrement => step(Flavour::CheckedSigned, true)?,
            O::Checkedsdecrement => step(Flavour::CheckedSigned, false)?,
            O::Checkedsadd => fixed(Flavour::CheckedSigned, ArithOp::Add)?,
            O::Checkedssub => fixed(Flavour::CheckedSigned, ArithOp::Sub)?,
            O::Checkedsmul => fixed(Flavour::CheckedSigned, ArithOp::Mul)?,
            O::Checkedsdiv => fixed(Flavour::CheckedSigned, ArithOp::Div)?,
            O::Checkeduincrement => step(Flavour::CheckedUnsigned, true)?,
            O::Checkedudecrement => step(Flavour::CheckedUnsigned, false)?,
            O::Checkeduadd => fixed(Flavour::CheckedUnsigned, ArithOp::Add)?,
            O::Checkedusub => fixed(Flavour::CheckedUnsigned, ArithOp::Sub)?,
            O::Checkedumul => fixed(Flavour::CheckedUnsigned, ArithOp::Mul)?,
            O::Checkedudiv => fixed(Flavour::CheckedUnsigned, ArithOp::Div)?,
            O::Saturatingsincrement => step(Flavour::SaturatingSigned, true)?,
            O::Saturatingsdecrement => step(Flavour::SaturatingSigned, false)?,
            O::Saturatingsadd => fixed(Flavour::SaturatingSigned, ArithOp::Add)?,
            O::Saturatingssub => fixed(Flavour::SaturatingSigned, ArithOp::Sub)?,
            O::Saturatingsmul => fixed(Flavour::SaturatingSigned, ArithOp::Mul)?,
            O::Saturatingsdiv => fixed(Flavour::SaturatingSigned, ArithOp::Div)?,
            O::Saturatinguincrement => step(Flavour::SaturatingUnsigned, true)?,
            O::Saturatingudecrement => step(Flavour::SaturatingUnsigned, false)?,
            O::Saturatinguadd => fixed(Flavour::SaturatingUnsigned, ArithOp::Add)?,
            O::Saturatingusub => fixed(Flavour::SaturatingUnsigned, ArithOp::Sub)?,
            O::Saturatingumul => fixed(Flavour::SaturatingUnsigned, ArithOp::Mul)?,
            O::Saturatingudiv => fixed(Flavour::SaturatingUnsigned, ArithOp::Div)?,
            O::Move => Insn::Move(rv(0)?, r(1)?),
            O::Copy => Insn::Copy(r(0)?, r(1)?),
            O::Ptr => Insn::Ptr(r(0)?, r(1)?),
            O::Ptrlive => Insn::Ptrlive(r(0)?, r(1)?),
            O::Swap => Insn::Swap(r(0)?, r(1)?),
            O::Delete => Insn::Delete(r(0)?),
            O::Isnull => Insn::Isnull(r(0)?, r(1)?),
            O::Print => Insn::Print(r(0)?),
            O::Echo => Insn::Echo(r(0)?),
            O::Capture => Insn::Capture(CaptureMode::Reference, r(0)?, count(1)?, r(2)?),
            O::Capturecopy => Insn::Capture(CaptureMode::Copy, r(0)?, count(1)?, r(2)?),
            O::Capturemove => Insn::Capture(CaptureMode::Move, r(0)?, count(1)?, r(2)?),
            O::Closure => Insn::Closure(r(0)?, self.name_id(self.name(const_of(1)?)?)),
            O::Function => Insn::Function(r(0)?, self.name_id(self.name(const_of(1)?)?)),
            O::Frame => Insn::Frame(count(0)?),
            O::Call => Insn::Call(rv(0)?, self.callee(get(1)?)?),
            O::Tailcall => Insn::Tailcall(self.callee(get(0)?)?),
            O::Defer => Insn::Defer(self.callee(get(0)?)?),
            O::AllocateRegisters => Insn::AllocateRegisters(count(0)?),
            O::Jump => Insn::Jump(jump(0)?),
            O::If => Insn::If(r(0)?, jump(1)?, jump(2)?),
            O::Throw => Insn::Throw(r(0)?),
            O::Catch => {
                let tag = match get(0)? {
                    Operand::Text(c) => String::from_utf8_lossy(self.bytes(*c)?).into_owned(),
                    _ => return Err(bad("catch tag")),
                };
                let tag = self.label_id(tag);
                Insn::Catch(tag, self.block(get(1)?)?)
            }
            O::Draw => Insn::Draw(rv(0)?),
            O::Try => Insn::Try,
            O::Enter => Insn::Enter(self.block(get(0)?)?),
            O::Leave => Insn::Leave,
            O::Atom => Insn::Atom(r(0)?, self.literal(2, const_of(1)?)?),
            O::Atomeq => Insn::Atomeq(r(0)?, r(1)?, r(2)?),
            O::Struct => Insn::Struct(r(0)?),
            O::Structinsert => Insn::Structinsert(r(0)?, r(1)?, r(2)?),
            O::Structremove => Insn::Structremove(rv(0)?, r(1)?, r(2)?),
            O::Structat => Insn::Structat(r(0)?, r(1)?, r(2)?),
            O::Structkeys => Insn::Structkeys(r(0)?, r(1)?),
            O::Exception => Insn::Exception(r(0)?, r(1)?, rv(2)?),
            O::ExceptionTag => Insn::ExceptionTag(r(0)?, r(1)?),
            O::ExceptionValue => Insn::ExceptionValue(r(0)?, r(1)?),
            O::Return => Insn::Return,
            O::Halt => Insn::Halt,
            O::Process => Insn::Process(rv(0)?, self.callee(get(1)?)?),
            O::SelfPid => Insn::SelfPid(r(0)?),
            O::Pideq => Insn::Pideq(r(0)?, r(1)?, r(2)?),
            O::Send => Insn::Send(r(0)?, r(1)?),
            O::Receive => Insn::Receive(rv(0)?, timeout(get(1)?)?),
            O::Join => Insn::Join(rv(0)?, r(1)?, timeout(get(2)?)?),
            O::Watchdog => Insn::Watchdog(self.callee(get(0)?)?),
            O::Import => match get(0)? {
                Operand::Module(c) => Insn::Import(self.label_id(self.name(*c)?.to_string())),
                _ => return Err(bad("module")),
            },
            O::IoRead => Insn::IoRead(r(0)?, r(1)?, r(2)?),
            O::IoWrite => Insn::IoWrite(r(0)?, r(1)?, r(2)?),
            O::IoClose => Insn::IoClose(r(0)?, r(1)?),
            O::IoWait => Insn::IoWait(rv(0)?, r(1)?, timeout(get(2)?)?),
            O::IoCancel => Insn::IoCancel(r(0)?),
        })
    }
}

fn reg_of(r: viua_bytecode::RegisterRef) -> Reg {
    Reg {
        index: r.index,
        set: r.set,
        access: r.access,
    }
}

/// A timeout operand in milliseconds, [`INFINITE`] for none.
fn timeout(op: &Operand) -> Result<u32, LoadError> {
    match *op {
        Operand::Timeout(viua_bytecode::Timeout::Infinity) => Ok(INFINITE),
        Operand::Timeout(viua_bytecode::Timeout::Millis(ms)) => Ok(ms.min(INFINITE - 1)),
        _ => Err(bad("timeout")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_compact() {
        assert!(
            std::mem::size_of::<Insn>() <= 20,
            "{}",
            std::mem::size_of::<Insn>()
        );
        assert_eq!(std::mem::size_of::<Reg>(), 4);
    }
}
