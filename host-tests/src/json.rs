//! The JSON forms the core's serde gives its types, for the WIT types: outputs and errors
//! out (so the golden `.report.json` files compare across engines), options in.
//!
//! Shapes, as the core serializes them (codes in kebab-case, absent options left out):
//! - report: `{"outcomes": [outcome...], "warnings": [warning...]}`;
//! - outcome: `{"index", "pointer", "line"?, "provider"?, "outcome": "mapped", "events"}`, or
//!   `"outcome": "skipped", "reason", "message"`, or `"outcome": "rejected", "error"`, then
//!   `"unmapped"` when not empty;
//! - error: `{"code", "message", "pointer"?, "line"?, "column"?}`;
//! - warning: `{"record", "code", "message", "pointer"}`.
//!
//! The views ([`Report`], [`ErrorJson`], ...) serialize in that key order; the functions
//! returning [`Value`] are for comparisons.

use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::wit::{
    ErrorCode, Outcome, Output, RecordOutcome, SkipReason, TransformError, Warning, WarningCode,
};
use crate::{HostError, Options};

/// The report part of an output (`{"outcomes", "warnings"}`), as a JSON value.
pub fn report_json(output: &Output) -> Value {
    serde_json::to_value(Report(output)).unwrap_or(Value::Null)
}

/// A transform error (`{"code", "message", "pointer"?, "line"?, "column"?}`), as a JSON value.
pub fn error_json(error: &TransformError) -> Value {
    serde_json::to_value(ErrorJson(error)).unwrap_or(Value::Null)
}

/// A host error as JSON: the component's error as [`error_json`]; timeouts, traps and
/// the like as `{"code", "message"}` with the codes of [`HostError::code`].
pub fn host_error_json(error: &HostError) -> Value {
    match error {
        HostError::Transform(e) => error_json(e),
        other => serde_json::json!({ "code": other.code(), "message": other.message() }),
    }
}

/// Serializes the outcomes and warnings of an [`Output`], in the core's key order.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(pub &'a Output);

/// Serializes one [`RecordOutcome`].
#[derive(Debug, Clone, Copy)]
pub struct OutcomeJson<'a>(pub &'a RecordOutcome);

/// Serializes one [`TransformError`].
#[derive(Debug, Clone, Copy)]
pub struct ErrorJson<'a>(pub &'a TransformError);

/// Serializes one [`Warning`].
#[derive(Debug, Clone, Copy)]
pub struct WarningJson<'a>(pub &'a Warning);

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("outcomes", &Seq(&self.0.outcomes, OutcomeJson))?;
        m.serialize_entry("warnings", &Seq(&self.0.warnings, WarningJson))?;
        m.end()
    }
}

/// Serializes outcomes as a JSON array of [`OutcomeJson`].
pub fn outcomes(outcomes: &[RecordOutcome]) -> impl Serialize + '_ {
    Seq(outcomes, OutcomeJson)
}

/// Serializes warnings as a JSON array of [`WarningJson`].
pub fn warnings(warnings: &[Warning]) -> impl Serialize + '_ {
    Seq(warnings, WarningJson)
}

/// A slice serialized through a view.
struct Seq<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<'a, T, V: Serialize> Serialize for Seq<'a, T, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("index", &o.index)?;
        m.serialize_entry("pointer", &o.pointer)?;
        if let Some(line) = o.line {
            m.serialize_entry("line", &line)?;
        }
        if let Some(provider) = &o.provider {
            m.serialize_entry("provider", provider)?;
        }
        match &o.outcome {
            Outcome::Mapped(events) => {
                m.serialize_entry("outcome", "mapped")?;
                m.serialize_entry("events", events)?;
            }
            Outcome::Skipped(skip) => {
                m.serialize_entry("outcome", "skipped")?;
                m.serialize_entry("reason", skip_reason(skip.reason))?;
                m.serialize_entry("message", &skip.message)?;
            }
            Outcome::Rejected(error) => {
                m.serialize_entry("outcome", "rejected")?;
                m.serialize_entry("error", &ErrorJson(error))?;
            }
        }
        if !o.unmapped.is_empty() {
            m.serialize_entry("unmapped", &o.unmapped)?;
        }
        m.end()
    }
}

impl Serialize for ErrorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", error_code(e.code))?;
        m.serialize_entry("message", &e.message)?;
        if let Some(pointer) = &e.pointer {
            m.serialize_entry("pointer", pointer)?;
        }
        if let Some(line) = e.line {
            m.serialize_entry("line", &line)?;
        }
        if let Some(column) = e.column {
            m.serialize_entry("column", &column)?;
        }
        m.end()
    }
}

impl Serialize for WarningJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("record", &w.record)?;
        m.serialize_entry("code", warning_code(w.code))?;
        m.serialize_entry("message", &w.message)?;
        m.serialize_entry("pointer", &w.pointer)?;
        m.end()
    }
}

/// The kebab-case name of an error code, as in the WIT.
pub fn error_code(code: ErrorCode) -> &'static str {
    match code {
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

/// The kebab-case name of a skip reason, as in the WIT.
pub fn skip_reason(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::NotAFinding => "not-a-finding",
        SkipReason::Resolved => "resolved",
        SkipReason::NotApplicable => "not-applicable",
        SkipReason::UnsupportedRecordType => "unsupported-record-type",
        SkipReason::SampleFinding => "sample-finding",
    }
}

/// The kebab-case name of a warning code, as in the WIT.
pub fn warning_code(code: WarningCode) -> &'static str {
    match code {
        WarningCode::SeverityOutOfRange => "severity-out-of-range",
        WarningCode::SeverityUnknown => "severity-unknown",
        WarningCode::SeverityMissing => "severity-missing",
        WarningCode::TimestampNormalized => "timestamp-normalized",
        WarningCode::TimestampInvalid => "timestamp-invalid",
        WarningCode::ValueCoerced => "value-coerced",
        WarningCode::StringTruncated => "string-truncated",
        WarningCode::OriginalContentTruncated => "original-content-truncated",
        WarningCode::OriginalContentShared => "original-content-shared",
        WarningCode::UnknownResourceType => "unknown-resource-type",
        WarningCode::NotAContentDigest => "not-a-content-digest",
        WarningCode::IdDerived => "id-derived",
    }
}

/// Options in the core's JSON form (camelCase, every key optional, unknown keys refused):
/// `{"originalContent": false, "reportUnmapped": true, "limits": {"maxRecords": 5}}`.
/// `null` means the defaults.
///
/// # Errors
/// [`HostError::Transform`] with code `invalid-options` and serde's message.
pub fn options_from_json(value: &Value) -> Result<Options, HostError> {
    if value.is_null() {
        return Ok(crate::default_options());
    }
    let o = OptionsJson::deserialize(value).map_err(|e| {
        HostError::Transform(TransformError {
            code: ErrorCode::InvalidOptions,
            message: format!("invalid options: {e}"),
            pointer: None,
            line: None,
            column: None,
        })
    })?;
    Ok(Options {
        original_content: o.original_content,
        original_content_max_bytes: o.original_content_max_bytes,
        report_unmapped: o.report_unmapped,
        skip_sample_findings: o.skip_sample_findings,
        now: o.now,
        limits: o.limits.map(|l| crate::wit::Limits {
            max_payload_bytes: l.max_payload_bytes,
            max_records: l.max_records,
            max_depth: l.max_depth,
            max_string_bytes: l.max_string_bytes,
            max_events: l.max_events,
        }),
    })
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct OptionsJson {
    original_content: Option<bool>,
    original_content_max_bytes: Option<u32>,
    report_unmapped: Option<bool>,
    skip_sample_findings: Option<bool>,
    now: Option<String>,
    limits: Option<LimitsJson>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct LimitsJson {
    max_payload_bytes: Option<u64>,
    max_records: Option<u32>,
    max_depth: Option<u32>,
    max_string_bytes: Option<u32>,
    max_events: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::Skipped;

    #[test]
    fn outcomes_serialize_in_the_core_key_order() {
        let out = Output {
            events: vec![],
            outcomes: vec![
                RecordOutcome {
                    index: 0,
                    pointer: "/0".into(),
                    line: None,
                    provider: Some("guardduty".into()),
                    outcome: Outcome::Mapped(2),
                    unmapped: vec!["/x".into()],
                },
                RecordOutcome {
                    index: 1,
                    pointer: "".into(),
                    line: Some(2),
                    provider: None,
                    outcome: Outcome::Skipped(Skipped {
                        reason: SkipReason::NotAFinding,
                        message: "a score".into(),
                    }),
                    unmapped: vec![],
                },
                RecordOutcome {
                    index: 2,
                    pointer: "/2".into(),
                    line: None,
                    provider: None,
                    outcome: Outcome::Rejected(TransformError {
                        code: ErrorCode::MissingField,
                        message: "no id".into(),
                        pointer: Some("/2/id".into()),
                        line: Some(3),
                        column: None,
                    }),
                    unmapped: vec![],
                },
            ],
            warnings: vec![Warning {
                record: 0,
                code: WarningCode::IdDerived,
                message: "derived".into(),
                pointer: "/0".into(),
            }],
        };
        assert_eq!(
            serde_json::to_string(&Report(&out)).unwrap(),
            concat!(
                r#"{"outcomes":[{"index":0,"pointer":"/0","provider":"guardduty","outcome":"mapped","events":2,"unmapped":["/x"]},"#,
                r#"{"index":1,"pointer":"","line":2,"outcome":"skipped","reason":"not-a-finding","message":"a score"},"#,
                r#"{"index":2,"pointer":"/2","outcome":"rejected","error":{"code":"missing-field","message":"no id","pointer":"/2/id","line":3}}],"#,
                r#""warnings":[{"record":0,"code":"id-derived","message":"derived","pointer":"/0"}]}"#
            )
        );
    }

    #[test]
    fn options_read_the_camel_case_form_and_refuse_unknown_keys() {
        let o = options_from_json(&serde_json::json!({
            "originalContent": false, "now": "2026-11-22T10:00:00Z", "limits": {"maxDepth": 6}
        }))
        .unwrap();
        assert_eq!(o.original_content, Some(false));
        assert_eq!(o.now.as_deref(), Some("2026-11-22T10:00:00Z"));
        assert_eq!(o.limits.unwrap().max_depth, Some(6));
        assert_eq!(o.report_unmapped, None);
        let e = options_from_json(&serde_json::json!({"original_content": false})).unwrap_err();
        assert_eq!(e.code(), "invalid-options");
        assert!(options_from_json(&Value::Null).unwrap().limits.is_none());
    }
}
