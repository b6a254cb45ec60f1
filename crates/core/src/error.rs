//! The one error type: a payload that cannot be read at all, or a record that was rejected.

use std::fmt;

use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::codes::codes;

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
/// `limit` names the option (`maxEvents`, ...) of a `limit-exceeded` error.
///
/// It serializes as `{"code", "category", "message", "limit"?, "pointer"?, "line"?,
/// "column"?}`: the category is written for hosts (so that none derives it from the code
/// or the message) and ignored when read back, since the code determines it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Error {
    code: ErrorCode,
    message: String,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    pointer: Option<String>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    column: Option<u32>,
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", &self.code)?;
        m.serialize_entry("category", &self.category())?;
        m.serialize_entry("message", &self.message)?;
        if let Some(limit) = &self.limit {
            m.serialize_entry("limit", limit)?;
        }
        if let Some(pointer) = &self.pointer {
            m.serialize_entry("pointer", pointer)?;
        }
        if let Some(line) = self.line {
            m.serialize_entry("line", &line)?;
        }
        if let Some(column) = self.column {
            m.serialize_entry("column", &column)?;
        }
        m.end()
    }
}

codes! {
    /// The kind of an [`Error`], stable across releases and hosts (WIT enum, JS `code`).
    pub enum ErrorCode {
        /// The provider name is not one of the known ids (the message lists them).
        UnknownProvider = "unknown-provider",
        /// The payload bytes are not valid UTF-8.
        InvalidUtf8 = "invalid-utf8",
        /// The payload (or one NDJSON line, or one string-encoded message body) is not JSON.
        InvalidJson = "invalid-json",
        /// The payload holds no record at all.
        EmptyPayload = "empty-payload",
        /// A limit was exceeded; `limit` names the option, the message its value.
        LimitExceeded = "limit-exceeded",
        /// A field the mapping needs is missing.
        MissingField = "missing-field",
        /// A field has the wrong type or an unusable value.
        InvalidValue = "invalid-value",
        /// No provider recognises the record (with provider `auto`), or it is not a JSON object.
        UnrecognizedRecord = "unrecognized-record",
        /// The options are inconsistent or malformed.
        InvalidOptions = "invalid-options",
        /// A bug in secmap; please report it with the payload.
        Internal = "internal",
    }
}

codes! {
    /// Coarse classes of [`ErrorCode`]: whose fault it is, and so what a host does about
    /// it (retry after fixing its settings, answer 413, dead-letter the record, ...).
    pub enum Category {
        /// The call itself is wrong: an unknown provider or malformed options, which come
        /// from the host's settings or its caller, not from the payload.
        Usage = "usage",
        /// The payload cannot be read: not UTF-8, not JSON, or empty.
        Input = "input",
        /// The payload exceeds a limit (`limit` names it).
        Limit = "limit",
        /// A record is well-formed JSON but does not carry what the mapping needs.
        Mapping = "mapping",
        /// secmap itself failed.
        Internal = "internal",
    }
}

impl ErrorCode {
    /// Whose fault an error of this kind is.
    pub fn category(self) -> Category {
        match self {
            ErrorCode::UnknownProvider | ErrorCode::InvalidOptions => Category::Usage,
            ErrorCode::InvalidUtf8 | ErrorCode::InvalidJson | ErrorCode::EmptyPayload => {
                Category::Input
            }
            ErrorCode::LimitExceeded => Category::Limit,
            ErrorCode::MissingField | ErrorCode::InvalidValue | ErrorCode::UnrecognizedRecord => {
                Category::Mapping
            }
            ErrorCode::Internal => Category::Internal,
        }
    }
}

impl Error {
    /// An error of `code` with a lowercase message and no location.
    #[cold]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            limit: None,
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

    /// Sets (or clears) the location parts one by one, as a host reading an error back
    /// from the WIT or JSON form has them.
    #[must_use]
    pub fn with_location(
        mut self,
        pointer: Option<String>,
        line: Option<u32>,
        column: Option<u32>,
    ) -> Error {
        self.pointer = pointer;
        self.line = line;
        self.column = column;
        self
    }

    /// Names the exceeded limit (the option's camelCase name, e.g. `maxEvents`).
    #[must_use]
    pub fn with_limit(mut self, limit: impl Into<String>) -> Error {
        self.limit = Some(limit.into());
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

    /// For `limit-exceeded`: the option whose limit was exceeded (`maxPayloadBytes`,
    /// `maxRecords`, `maxDepth`, `maxEvents`, `maxOutputBytes`); absent for a bound that is no
    /// option.
    pub fn exceeded_limit(&self) -> Option<&str> {
        self.limit.as_deref()
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
        .with_limit(name)
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
            r#"{"code":"unknown-provider","category":"usage","message":"no such provider"}"#
        );
        let e = Error::limit("maxEvents", 3, "events").with_pointer("/0");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"code":"limit-exceeded","category":"limit","message":"limit `maxEvents` exceeded: more than 3 events","limit":"maxEvents","pointer":"/0"}"#
        );
        // The category is derived, so reading it back ignores it.
        assert_eq!(serde_json::from_str::<Error>(&json).unwrap(), e);
    }

    #[test]
    fn every_code_has_a_category_and_kebab_case_names() {
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(Category::ALL.contains(&c.category()));
        }
    }
}
