//! Exception objects (ISA-DATA §2.15, ISA-CONTROL §1.10) and the fault type handlers return.

use crate::value::Value;

/// Where an exception was raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrowPoint {
    /// An instruction: the definition and instruction index.
    Code {
        code: crate::load::CodeRef,
        instruction: u32,
    },
    /// A foreign function (RUNTIME.md §5.1 "named throw point").
    Named(std::sync::Arc<str>),
}

/// An exception object: a tag and either a message or a wrapped value.
#[derive(Debug)]
pub struct Exception {
    pub tag: String,
    /// What `print` shows when there is no value.
    pub message: String,
    /// Whether the message is also the description shown in the nested form (false for
    /// `Zero_division`, `Invalid_field_access`, wrapped values and `exception`-made objects).
    pub described: bool,
    pub value: Option<Value>,
    /// Only `Zero_division` and `Invalid_field_access` can be copied.
    pub copyable: bool,
    pub throw_points: Vec<ThrowPoint>,
}

/// What a failing instruction returns: the exception to raise. Boxed so that `Result`s on the
/// hot path stay two words.
pub type Fault = Box<Exception>;

impl Exception {
    /// A VM exception with an explicit message.
    #[cold]
    pub fn new(tag: &str, message: impl Into<String>) -> Fault {
        Box::new(Exception {
            tag: tag.to_string(),
            message: message.into(),
            described: true,
            value: None,
            copyable: false,
            throw_points: Vec::new(),
        })
    }

    /// A generic VM error (tag `Exception`).
    #[cold]
    pub fn error(message: impl Into<String>) -> Fault {
        Exception::new("Exception", message)
    }

    #[cold]
    pub fn zero_division() -> Fault {
        Box::new(Exception {
            tag: "Zero_division".into(),
            message: "zero division".into(),
            described: false,
            value: None,
            copyable: true,
            throw_points: Vec::new(),
        })
    }

    #[cold]
    pub fn invalid_field_access(key: &[u8]) -> Fault {
        Box::new(Exception {
            tag: "Invalid_field_access".into(),
            message: format!("invalid field access: '{}'", String::from_utf8_lossy(key)),
            described: false,
            value: None,
            copyable: true,
            throw_points: Vec::new(),
        })
    }

    /// `throw` of a non-exception value, or `exception TAG VALUE`.
    pub fn wrapping(tag: String, value: Option<Value>) -> Fault {
        Box::new(Exception {
            tag,
            message: String::new(),
            described: false,
            value,
            copyable: false,
            throw_points: Vec::new(),
        })
    }

    #[cold]
    pub fn type_error(expected: &str, got: &Value) -> Fault {
        Exception::error(format!(
            "fetched invalid type: expected '{expected}' but got '{}'",
            got.type_name()
        ))
    }

    /// The description shown in the nested form.
    pub fn description(&self) -> &str {
        if self.described {
            &self.message
        } else {
            ""
        }
    }

    /// The `str` of the exception: the value's print form, or the message.
    pub fn str_form(&self) -> Vec<u8> {
        match &self.value {
            Some(v) => v.print_form(),
            None => self.message.as_bytes().to_vec(),
        }
    }

    /// Everything but the value, for copies.
    pub fn clone_header(e: &Exception) -> Exception {
        Exception {
            tag: e.tag.clone(),
            message: e.message.clone(),
            described: e.described,
            value: None,
            copyable: e.copyable,
            throw_points: e.throw_points.clone(),
        }
    }
}
