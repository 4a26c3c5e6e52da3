//! The verifier (stub; see verify/ once written).

use crate::module::Module;

/// Why a decoded module is not safe to run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct VerifyError(pub String);

/// Checks everything the VM relies on.
pub fn verify(_module: &Module) -> Result<(), VerifyError> {
    Ok(())
}
