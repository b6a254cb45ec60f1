//! The one error type: a payload that cannot be read at all, or a record that was rejected.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a payload (or one record of it) could not be mapped.
///
/// The same type serves two levels:
/// - returned by [`transform`](crate::transform) when the payload fails as a whole
///   (unknown provider, not UTF-8, not JSON, a limit exceeded);
/// - carried inside [`Outcome::Rejected`](crate::Outcome::Rejected) when one record of an
///   otherwise readable payload is bad. The other records are still mapped.
///
/// `pointer` is an RFC 6901 JSON pointer from the root of the payload to the offending
/// value. `line` and `column` (1-based) locate the error in the payload text: the exact
/// spot for JSON syntax errors; the start of the record for a rejected record (whose
/// `pointer` names the value); absent when the record came from a decoded message body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    code: ErrorCode,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
}

/// The kind of an [`Error`], stable across releases and hosts (WIT enum, JS `code`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The provider name is not one of the known ids (the message lists them).
    UnknownProvider,
    /// The payload bytes are not valid UTF-8.
    InvalidUtf8,
    /// The payload (or one NDJSON line, or one string-encoded message body) is not JSON.
    InvalidJson,
    /// The payload holds no record at all.
    EmptyPayload,
    /// A configured limit was exceeded; the message names the limit and its value.
    LimitExceeded,
    /// A field the mapping needs is missing.
    MissingField,
    /// A field has the wrong type or an unusable value.
    InvalidValue,
    /// No provider recognises the record (with provider `auto`), or it is not a JSON object.
    UnrecognizedRecord,
    /// The options are inconsistent or malformed.
    InvalidOptions,
    /// A bug in secmap; please report it with the payload.
    Internal,
}

/// Coarse classes of [`ErrorCode`]: whose fault it is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The caller's input (payload, provider name or options) is bad.
    Input,
    /// The input is well-formed JSON but a record does not carry what the mapping needs.
    Mapping,
    /// secmap itself failed.
    Internal,
}

impl ErrorCode {
    /// The stable kebab-case name, as used in JSON, WIT and JS.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnknownProvider => "unknown-provider",
            ErrorCode::InvalidUtf8 => "invalid-utf8",
            ErrorCode::InvalidJson => "invalid-json",
            ErrorCode::EmptyPayload => "empty-payload",
            ErrorCode::LimitExceeded => "limit-exceeded",
            ErrorCode::MissingField => "missing-field",
            ErrorCode::InvalidValue => "invalid-value",
            ErrorCode::UnrecognizedRecord => "unrecognized-record",
            ErrorCode::InvalidOptions => "invalid-options",
            ErrorCode::Internal => "internal",
        }
    }

    /// Whose fault an error of this kind is.
    pub fn category(self) -> Category {
        match self {
            ErrorCode::UnknownProvider
            | ErrorCode::InvalidUtf8
            | ErrorCode::InvalidJson
            | ErrorCode::EmptyPayload
            | ErrorCode::LimitExceeded
            | ErrorCode::InvalidOptions => Category::Input,
            ErrorCode::MissingField | ErrorCode::InvalidValue | ErrorCode::UnrecognizedRecord => {
                Category::Mapping
            }
            ErrorCode::Internal => Category::Internal,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// An error of `code` with a lowercase message and no location.
    #[cold]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            pointer: None,
            line: None,
            column: None,
        }
    }

    /// Sets the JSON pointer of the offending value.
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Error {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets the 1-based line and column in the payload text.
    #[must_use]
    pub fn with_position(mut self, line: u32, column: u32) -> Error {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The kind of error.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What went wrong, lowercase, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON pointer of the offending value, from the root of the payload.
    pub fn pointer(&self) -> Option<&str> {
        self.pointer.as_deref()
    }

    /// The 1-based line in the payload text.
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// The 1-based column (in characters) in the payload text.
    pub fn column(&self) -> Option<u32> {
        self.column
    }

    /// Shorthand for `self.code().category()`.
    pub fn category(&self) -> Category {
        self.code.category()
    }

    #[cold]
    pub(crate) fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Internal, message)
    }

    #[cold]
    pub(crate) fn limit(name: &str, limit: usize, unit: &str) -> Error {
        Error::new(
            ErrorCode::LimitExceeded,
            format!("limit `{name}` exceeded: more than {limit} {unit}"),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        match (&self.pointer, self.line, self.column) {
            (Some(p), Some(l), Some(c)) => write!(f, " (at {p}, line {l} column {c})"),
            (Some(p), _, _) => write!(f, " (at {p})"),
            (None, Some(l), Some(c)) => write!(f, " (at line {l} column {c})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_every_location_part() {
        let e = Error::new(ErrorCode::InvalidValue, "expected a number")
            .with_pointer("/detail/severity")
            .with_position(3, 17);
        assert_eq!(
            e.to_string(),
            "invalid-value: expected a number (at /detail/severity, line 3 column 17)"
        );
        let e = Error::new(ErrorCode::InvalidJson, "expected value").with_position(1, 2);
        assert_eq!(
            e.to_string(),
            "invalid-json: expected value (at line 1 column 2)"
        );
    }

    #[test]
    fn serializes_with_kebab_case_code_and_no_empty_location() {
        let e = Error::new(ErrorCode::UnknownProvider, "no such provider");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"unknown-provider","message":"no such provider"}"#
        );
    }
}
