//! Encoding and decoding of modules: `MAGIC`, then the postcard encoding of
//! `(FORMAT_VERSION, Module)`.
//!
//! postcard replaces the bincode named in the design card: bincode is unmaintained (its last
//! release is only a compile error), postcard has a specified wire format.
//!
//! Encoding is postcard's derive output as is. Decoding reads the same bytes section by
//! section (postcard encodes a struct as its fields in declaration order with no framing, and a
//! sequence as a varint length followed by its elements), for two reasons:
//!
//! - errors: postcard's errors carry no position, so the reader says which section, element
//!   and instruction it was reading and at which byte that item starts;
//! - memory: every length prefix is checked against its bound in [`crate::limits`] and against
//!   the bytes that remain (every element takes at least one byte) before anything is
//!   allocated, so a file claiming a 2^60-element table fails at once.
//!
//! The decoder builds each struct with a struct literal, so adding a field to the container
//! fails to compile here until the reader learns it; a test checks the reader accepts exactly
//! what postcard's derived decoder accepts.

use serde::de::DeserializeOwned;

use crate::limits;
use crate::module::{Block, Function, Instruction, Module, ModuleKind, FORMAT_VERSION, MAGIC};
use crate::opcode::Opcode;
use crate::verify::{verify, VerifyError};

/// Why a byte string is not a module.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    #[error("not a Viua bytecode file (bad magic number)")]
    BadMagic,
    #[error("unsupported bytecode format version {found} (this build reads version {expected})")]
    UnsupportedVersion { found: u16, expected: u16 },
    /// The file ends in the middle of `what`, which starts at byte `offset`.
    #[error("truncated bytecode: the file ends inside {what} (starting at byte {offset:#x})")]
    Truncated { what: String, offset: usize },
    /// `what`, starting at byte `offset`, is not a valid encoding.
    #[error("malformed bytecode: {what} (at byte {offset:#x}): {reason}")]
    Malformed {
        what: String,
        offset: usize,
        reason: String,
    },
    /// A length prefix claims more entries than the bound of [`crate::limits`] allows.
    #[error(
        "malformed bytecode: {what} (at byte {offset:#x}) claims {count} entries, at most \
         {limit} allowed"
    )]
    TooLarge {
        what: String,
        offset: usize,
        count: u64,
        limit: usize,
    },
    #[error("malformed bytecode: {0} trailing bytes after the module")]
    TrailingBytes(usize),
}

/// Why a file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

/// Serialises a module. Deterministic: equal modules give equal bytes.
pub fn encode(module: &Module) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    let body =
        postcard::to_allocvec(&(FORMAT_VERSION, module)).expect("serialising to a Vec cannot fail");
    out.extend_from_slice(&body);
    out
}

/// Decodes a module without verifying it.
pub fn decode(bytes: &[u8]) -> Result<Module, DecodeError> {
    let mut r = Reader::header(bytes)?;
    let kind = r.take(|| "the module kind".into())?;
    let meta = r.take_vec(limits::MAX_META_ENTRIES, "the meta-information table")?;
    let signatures = r.take_vec(limits::MAX_NAME_LIST_ENTRIES, "the signature table")?;
    let block_signatures =
        r.take_vec(limits::MAX_NAME_LIST_ENTRIES, "the block signature table")?;
    let dynamic_imports = r.take_vec(limits::MAX_NAME_LIST_ENTRIES, "the dynamic import table")?;
    let imported_functions =
        r.take_vec(limits::MAX_NAME_LIST_ENTRIES, "the imported function table")?;
    let linked = r.take_vec(limits::MAX_LINKED_MODULES, "the linked module table")?;
    let constants = r.take_vec(limits::MAX_CONSTANTS, "the constant pool")?;

    let count = r.take_len(limits::MAX_BLOCKS, || "the block table".into())?;
    let mut blocks = Vec::with_capacity(count);
    for i in 0..count {
        blocks.push(r.block(i)?);
    }
    let count = r.take_len(limits::MAX_FUNCTIONS, || "the function table".into())?;
    let mut functions = Vec::with_capacity(count);
    for i in 0..count {
        functions.push(r.function(i)?);
    }
    let entry = r.take(|| "the entry function index".into())?;

    if r.pos != bytes.len() {
        return Err(DecodeError::TrailingBytes(bytes.len() - r.pos));
    }
    Ok(Module {
        kind,
        meta,
        signatures,
        block_signatures,
        dynamic_imports,
        imported_functions,
        linked,
        constants,
        blocks,
        functions,
        entry,
    })
}

/// Reads the kind of a file from its header, without decoding the rest (for "not an
/// executable file" checks). A file whose header is fine may still fail to [`load`].
pub fn peek_kind(bytes: &[u8]) -> Result<ModuleKind, DecodeError> {
    Reader::header(bytes)?.take(|| "the module kind".into())
}

/// Decodes and verifies: the only way the VM and the linker should read a file.
pub fn load(bytes: &[u8]) -> Result<Module, LoadError> {
    let module = decode(bytes)?;
    verify(&module)?;
    Ok(module)
}

/// A position in the file being decoded.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Checks the magic and the version; the reader is left at the module.
    fn header(bytes: &'a [u8]) -> Result<Reader<'a>, DecodeError> {
        if !bytes.starts_with(&MAGIC) {
            return Err(DecodeError::BadMagic);
        }
        let mut r = Reader {
            bytes,
            pos: MAGIC.len(),
        };
        let version: u16 = r.take(|| "the format version".into())?;
        if version != FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        Ok(r)
    }

    /// Reads one value; `what` names it for errors (built only on failure).
    fn take<T: DeserializeOwned>(
        &mut self,
        what: impl FnOnce() -> String,
    ) -> Result<T, DecodeError> {
        let rest = &self.bytes[self.pos..];
        match postcard::take_from_bytes::<T>(rest) {
            Ok((value, left)) => {
                self.pos += rest.len() - left.len();
                Ok(value)
            }
            Err(e) => Err(self.error(e, what())),
        }
    }

    #[cold]
    fn error(&self, e: postcard::Error, what: String) -> DecodeError {
        use postcard::Error as E;
        let offset = self.pos;
        let reason = match e {
            E::DeserializeUnexpectedEnd => return DecodeError::Truncated { what, offset },
            E::DeserializeBadVarint => "integer encoding is too long",
            E::DeserializeBadBool => "boolean is neither 0 nor 1",
            E::DeserializeBadChar => "invalid character",
            E::DeserializeBadUtf8 => "text is not valid UTF-8",
            E::DeserializeBadOption => "optional value tag is neither 0 nor 1",
            E::DeserializeBadEnum => "unknown variant tag",
            E::SerdeDeCustom => "unknown variant tag",
            _ => "invalid encoding",
        };
        DecodeError::Malformed {
            what,
            offset,
            reason: reason.to_owned(),
        }
    }

    /// Reads a sequence length, bounded by `limit` and by the bytes that remain.
    fn take_len(&mut self, limit: usize, what: impl Fn() -> String) -> Result<usize, DecodeError> {
        let offset = self.pos;
        // A length is a varint usize; on every supported target that is the varint u64
        // encoding, and the bounds below keep it far from usize::MAX on 32-bit ones.
        let count: u64 = self.take(&what)?;
        if count > limit as u64 {
            return Err(DecodeError::TooLarge {
                what: what(),
                offset,
                count,
                limit,
            });
        }
        let left = self.bytes.len() - self.pos;
        if count > left as u64 {
            return Err(DecodeError::Truncated {
                what: format!("{} (claiming {count} entries, {left} bytes left)", what()),
                offset,
            });
        }
        Ok(count as usize)
    }

    /// Reads a whole table of `section`, element by element.
    fn take_vec<T: DeserializeOwned>(
        &mut self,
        limit: usize,
        section: &str,
    ) -> Result<Vec<T>, DecodeError> {
        let count = self.take_len(limit, || section.to_owned())?;
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            out.push(self.take(|| format!("entry {i} of {section}"))?);
        }
        Ok(out)
    }

    fn block(&mut self, i: usize) -> Result<Block, DecodeError> {
        let name: String = self.take(|| format!("the name of block #{i}"))?;
        let what = || format!("block #{i} ('{}')", crate::verify::Shown(&name));
        let linked_from = self.take(|| format!("the link origin of {}", what()))?;
        let code = self.code(&what)?;
        let debug = self.take_vec(
            limits::MAX_INSTRUCTIONS_PER_FUNCTION,
            &format!("the debug table of {}", what()),
        )?;
        Ok(Block {
            name,
            linked_from,
            code,
            debug,
        })
    }

    fn function(&mut self, i: usize) -> Result<Function, DecodeError> {
        let name: String = self.take(|| format!("the name of function #{i}"))?;
        let what = || format!("function #{i} ('{}')", crate::verify::Shown(&name));
        let arity = self.take(|| format!("the arity of {}", what()))?;
        let kind = self.take(|| format!("the kind of {}", what()))?;
        let linked_from = self.take(|| format!("the link origin of {}", what()))?;
        let code = self.code(&what)?;
        let debug = self.take_vec(
            limits::MAX_INSTRUCTIONS_PER_FUNCTION,
            &format!("the debug table of {}", what()),
        )?;
        Ok(Function {
            name,
            arity,
            kind,
            linked_from,
            code,
            debug,
        })
    }

    fn code(&mut self, owner: &dyn Fn() -> String) -> Result<Vec<Instruction>, DecodeError> {
        let count = self.take_len(limits::MAX_INSTRUCTIONS_PER_FUNCTION, || {
            format!("the code of {}", owner())
        })?;
        let mut code = Vec::with_capacity(count);
        for at in 0..count {
            let what = || format!("instruction {at} of {}", owner());
            let offset = self.pos;
            // The opcode is read as a byte here rather than through `Opcode`'s Deserialize,
            // whose error message postcard would drop.
            let byte: u8 = self.take(what)?;
            let Some(opcode) = Opcode::from_u8(byte) else {
                return Err(DecodeError::Malformed {
                    what: what(),
                    offset,
                    reason: format!("unknown opcode {byte}"),
                });
            };
            let count = self.take_len(limits::MAX_OPERANDS, || {
                format!("the operands of {}", what())
            })?;
            let mut operands = Vec::with_capacity(count);
            for n in 0..count {
                operands.push(self.take(|| format!("operand {n} of {}", what()))?);
            }
            code.push(Instruction { opcode, operands });
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_errors() {
        assert_eq!(decode(b""), Err(DecodeError::BadMagic));
        assert_eq!(decode(b"VIU"), Err(DecodeError::BadMagic));
        assert_eq!(
            decode(b"VIUA"),
            Err(DecodeError::Truncated {
                what: "the format version".into(),
                offset: 4
            })
        );
        assert_eq!(
            decode(b"VIUA\x02"),
            Err(DecodeError::UnsupportedVersion {
                found: 2,
                expected: FORMAT_VERSION
            })
        );
        let mut bytes = encode(&Module::new(ModuleKind::Library));
        assert_eq!(peek_kind(&bytes), Ok(ModuleKind::Library));
        assert!(decode(&bytes).is_ok());
        bytes.push(0);
        assert_eq!(decode(&bytes), Err(DecodeError::TrailingBytes(1)));
    }

    #[test]
    fn messages_name_the_section() {
        let e = decode(b"VIUA\x01\x00\x05").unwrap_err();
        assert_eq!(
            e.to_string(),
            "truncated bytecode: the file ends inside the meta-information table (claiming 5 \
             entries, 0 bytes left) (starting at byte 0x6)"
        );
        let e = decode(b"VIUA\x01\x07").unwrap_err();
        assert_eq!(
            e.to_string(),
            "malformed bytecode: the module kind (at byte 0x5): unknown variant tag"
        );
    }
}
