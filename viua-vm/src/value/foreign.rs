//! Host objects owned by values (`Fstream`, `IO_fd`, `IO_request`, …): native modules and
//! the I/O instructions put them in registers as [`Value::Foreign`](super::Value::Foreign).
//! The object is dropped with the value (closing a file, cancelling a request).

use std::any::Any;

use crate::exception::{Exception, Fault};

/// A host object owned by a value.
pub trait ForeignObject: Any + Send + Sync + std::fmt::Debug {
    /// The type name (`typeof`, error messages), e.g. `Fstream`.
    fn type_name(&self) -> String;
    /// The print form; by default the type name.
    fn str_form(&self) -> Vec<u8> {
        self.type_name().into_bytes()
    }
    fn truthy(&self) -> bool;
    /// What `copy` does; by default `Exception: T is not copyable`.
    fn copy(&self) -> Result<Box<dyn ForeignObject>, Fault> {
        Err(Exception::error(format!(
            "{} is not copyable",
            self.type_name()
        )))
    }
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}
