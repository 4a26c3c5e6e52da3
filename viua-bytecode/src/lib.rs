//! Viua bytecode: the opcode table, the module container, its postcard codec, the 0.13
//! instruction-size model used for byte-offset jump targets, and the verifier.

pub mod codec;
pub mod escapes;
pub mod limits;
pub mod module;
pub mod opcode;
pub mod size;
pub mod verify;

pub use codec::{decode, encode, load, DecodeError, LoadError};
pub use module::*;
pub use opcode::{Opcode, OperandKind};
pub use verify::{verify, Location, VerifyError, VerifyErrorKind, ENTRY_FUNCTION};
