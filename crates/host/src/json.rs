//! The WIT types as the core's types, and so in the core's JSON: outputs and errors out
//! (so that the golden `.report.json` files compare across engines), options in.
//!
//! Each WIT type converts into its `secmap_core` counterpart (`From`), and the core's serde
//! writes the JSON: there is no second table of names here. The matches are exhaustive,
//! without catch-alls, in both directions (the component converts the core's types into
//! the WIT ones), so a code added on either side is a compile error until both know it,
//! and a code the component sends arrives under its own name.

use secmap_core as core;
use serde_json::Value;

use crate::wit::{
    ErrorCategory, ErrorCode, Outcome, Output, RecordOutcome, SkipReason, TransformError, Warning,
    WarningCode,
};
use crate::{HostError, Options};

/// The report part of an output (`{"outcomes", "warnings"}`), as the core serializes it.
pub fn report_json(output: &Output) -> Value {
    serde_json::json!({ "outcomes": outcomes(&output.outcomes), "warnings": warnings(&output.warnings) })
}

/// A transform error (`{"code", "category", "message", "limit"?, "pointer"?, "line"?,
/// "column"?}`), as the core serializes it.
pub fn error_json(error: &TransformError) -> Value {
    serde_json::to_value(core::Error::from(error)).unwrap_or(Value::Null)
}

/// A host error as JSON: the component's error as [`error_json`]; timeouts, traps and
/// the like as `{"code", "message"}` with the codes of [`HostError::code`].
pub fn host_error_json(error: &HostError) -> Value {
    match error {
        HostError::Transform(e) => error_json(e),
        other => serde_json::json!({ "code": other.code(), "message": other.message() }),
    }
}

/// The outcomes, as the core's [`core::RecordOutcome`]s (which serialize as the core does).
pub fn outcomes(outcomes: &[RecordOutcome]) -> Vec<core::RecordOutcome> {
    outcomes.iter().map(core::RecordOutcome::from).collect()
}

/// The warnings, as the core's [`core::Warning`]s.
pub fn warnings(warnings: &[Warning]) -> Vec<core::Warning> {
    warnings.iter().map(core::Warning::from).collect()
}

/// How many records were mapped, skipped and rejected, and how many events: the one count
/// every summary and total of the CLI prints.
pub fn counts(output: &Output) -> core::Counts {
    let mut c = core::Counts {
        events: output.events.len(),
        ..core::Counts::default()
    };
    for o in &output.outcomes {
        match o.outcome {
            Outcome::Mapped(_) => c.mapped += 1,
            Outcome::Skipped(_) => c.skipped += 1,
            Outcome::Rejected(_) => c.rejected += 1,
        }
    }
    c
}

/// The kebab-case name of an error code, as in the WIT and the core.
pub fn error_code(code: ErrorCode) -> &'static str {
    core::ErrorCode::from(code).as_str()
}

/// The kebab-case name of a skip reason, as in the WIT and the core.
pub fn skip_reason(reason: SkipReason) -> &'static str {
    core::SkipReason::from(reason).as_str()
}

/// The kebab-case name of a warning code, as in the WIT and the core.
pub fn warning_code(code: WarningCode) -> &'static str {
    core::WarningCode::from(code).as_str()
}

impl From<&RecordOutcome> for core::RecordOutcome {
    fn from(o: &RecordOutcome) -> core::RecordOutcome {
        core::RecordOutcome {
            index: o.index,
            pointer: o.pointer.clone(),
            line: o.line,
            provider: o.provider.clone(),
            outcome: match &o.outcome {
                Outcome::Mapped(events) => core::Outcome::Mapped { events: *events },
                Outcome::Skipped(s) => core::Outcome::Skipped {
                    reason: s.reason.into(),
                    message: s.message.clone(),
                },
                Outcome::Rejected(e) => core::Outcome::Rejected { error: e.into() },
            },
            unmapped: o.unmapped.clone(),
        }
    }
}

impl From<&Warning> for core::Warning {
    fn from(w: &Warning) -> core::Warning {
        core::Warning {
            record: w.record,
            code: w.code.into(),
            message: w.message.clone(),
            pointer: w.pointer.clone(),
        }
    }
}

impl From<&TransformError> for core::Error {
    /// The core derives the category from the code; the component's must agree (the
    /// golden tests run every error through here).
    fn from(e: &TransformError) -> core::Error {
        let code = core::ErrorCode::from(e.code);
        debug_assert_eq!(
            core::Category::from(e.category),
            code.category(),
            "the component's category of {code}"
        );
        let error = core::Error::new(code, e.message.clone()).with_location(
            e.pointer.clone(),
            e.line,
            e.column,
        );
        match &e.limit {
            Some(limit) => error.with_limit(limit.clone()),
            None => error,
        }
    }
}

impl From<ErrorCode> for core::ErrorCode {
    fn from(c: ErrorCode) -> core::ErrorCode {
        use core::ErrorCode as C;
        match c {
            ErrorCode::UnknownProvider => C::UnknownProvider,
            ErrorCode::InvalidUtf8 => C::InvalidUtf8,
            ErrorCode::InvalidJson => C::InvalidJson,
            ErrorCode::EmptyPayload => C::EmptyPayload,
            ErrorCode::LimitExceeded => C::LimitExceeded,
            ErrorCode::MissingField => C::MissingField,
            ErrorCode::InvalidValue => C::InvalidValue,
            ErrorCode::UnrecognizedRecord => C::UnrecognizedRecord,
            ErrorCode::InvalidOptions => C::InvalidOptions,
            ErrorCode::Internal => C::Internal,
        }
    }
}

impl From<ErrorCategory> for core::Category {
    fn from(c: ErrorCategory) -> core::Category {
        use core::Category as C;
        match c {
            ErrorCategory::Usage => C::Usage,
            ErrorCategory::Input => C::Input,
            ErrorCategory::Limit => C::Limit,
            ErrorCategory::Mapping => C::Mapping,
            ErrorCategory::Internal => C::Internal,
        }
    }
}

impl From<SkipReason> for core::SkipReason {
    fn from(r: SkipReason) -> core::SkipReason {
        use core::SkipReason as C;
        match r {
            SkipReason::NotAFinding => C::NotAFinding,
            SkipReason::Resolved => C::Resolved,
            SkipReason::NotApplicable => C::NotApplicable,
            SkipReason::UnsupportedRecordType => C::UnsupportedRecordType,
            SkipReason::SampleFinding => C::SampleFinding,
            SkipReason::UnsupportedFindingType => C::UnsupportedFindingType,
            SkipReason::UnsupportedResourceType => C::UnsupportedResourceType,
        }
    }
}

impl From<WarningCode> for core::WarningCode {
    fn from(w: WarningCode) -> core::WarningCode {
        use core::WarningCode as C;
        match w {
            WarningCode::SeverityOutOfRange => C::SeverityOutOfRange,
            WarningCode::SeverityUnknown => C::SeverityUnknown,
            WarningCode::SeverityMissing => C::SeverityMissing,
            WarningCode::TimestampNormalized => C::TimestampNormalized,
            WarningCode::TimestampInvalid => C::TimestampInvalid,
            WarningCode::ValueCoerced => C::ValueCoerced,
            WarningCode::StringTruncated => C::StringTruncated,
            WarningCode::OriginalContentTruncated => C::OriginalContentTruncated,
            WarningCode::OriginalContentShared => C::OriginalContentShared,
            WarningCode::UnknownResourceType => C::UnknownResourceType,
            WarningCode::NotAContentDigest => C::NotAContentDigest,
            WarningCode::IdDerived => C::IdDerived,
            WarningCode::DanglingRef => C::DanglingRef,
            WarningCode::FieldsShared => C::FieldsShared,
            WarningCode::ScoreOutsideBand => C::ScoreOutsideBand,
            WarningCode::NoPackage => C::NoPackage,
            WarningCode::FieldMissing => C::FieldMissing,
            WarningCode::FindingSkipped => C::FindingSkipped,
        }
    }
}

/// The core's options as WIT options: every field set, so the component uses exactly them.
impl From<&core::Options> for Options {
    fn from(o: &core::Options) -> Options {
        let core::Options {
            original_content,
            original_content_max_bytes,
            report_unmapped,
            skip_sample_findings,
            now,
            limits,
        } = o;
        let core::Limits {
            max_payload_bytes,
            max_records,
            max_depth,
            max_string_bytes,
            max_events,
            max_output_bytes,
        } = *limits;
        Options {
            original_content: Some(*original_content),
            original_content_max_bytes: *original_content_max_bytes,
            report_unmapped: Some(*report_unmapped),
            skip_sample_findings: Some(*skip_sample_findings),
            now: now.clone(),
            limits: Some(crate::wit::Limits {
                max_payload_bytes: Some(max_payload_bytes),
                max_records: Some(max_records),
                max_depth: Some(max_depth),
                max_string_bytes: Some(max_string_bytes),
                max_events: Some(max_events),
                max_output_bytes: Some(max_output_bytes),
            }),
        }
    }
}

/// Options in the core's JSON form, read by the core's serde (camelCase, every key
/// optional, unknown keys refused): `{"originalContent": false, "limits": {"maxRecords":
/// 5}}`. `null` means the defaults.
///
/// # Errors
/// [`HostError::Transform`] with code `invalid-options` and serde's message.
pub fn options_from_json(value: &Value) -> Result<Options, HostError> {
    if value.is_null() {
        return Ok(crate::default_options());
    }
    let options: core::Options = serde_json::from_value(value.clone()).map_err(|e| {
        HostError::Transform(TransformError {
            code: ErrorCode::InvalidOptions,
            category: ErrorCategory::Usage,
            message: format!("invalid options: {e}"),
            limit: None,
            pointer: None,
            line: None,
            column: None,
        })
    })?;
    Ok(Options::from(&options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::Skipped;

    #[test]
    fn outcomes_serialize_as_the_core_does() {
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
                        reason: SkipReason::UnsupportedFindingType,
                        message: "a network reachability finding".into(),
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
                        category: ErrorCategory::Mapping,
                        message: "no id".into(),
                        limit: None,
                        pointer: Some("/2/id".into()),
                        line: Some(3),
                        column: None,
                    }),
                    unmapped: vec![],
                },
            ],
            warnings: vec![Warning {
                record: 0,
                code: WarningCode::DanglingRef,
                message: "no $id 7".into(),
                pointer: "/0".into(),
            }],
        };
        // In the core's key order (`report_json` is a `Value`, whose keys are sorted).
        let (o, w) = (outcomes(&out.outcomes), warnings(&out.warnings));
        let report = core::Report {
            outcomes: &o,
            warnings: &w,
        };
        assert_eq!(report_json(&out), serde_json::to_value(&report).unwrap());
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            concat!(
                r#"{"outcomes":[{"index":0,"pointer":"/0","provider":"guardduty","outcome":"mapped","events":2,"unmapped":["/x"]},"#,
                r#"{"index":1,"pointer":"","line":2,"outcome":"skipped","reason":"unsupported-finding-type","message":"a network reachability finding"},"#,
                r#"{"index":2,"pointer":"/2","outcome":"rejected","error":{"code":"missing-field","category":"mapping","message":"no id","pointer":"/2/id","line":3}}],"#,
                r#""warnings":[{"record":0,"code":"dangling-ref","message":"no $id 7","pointer":"/0"}]}"#
            )
        );
    }

    #[test]
    fn limit_errors_name_the_limit() {
        let e = TransformError {
            code: ErrorCode::LimitExceeded,
            category: ErrorCategory::Limit,
            message: "limit `maxEvents` exceeded: more than 3 events".into(),
            limit: Some("maxEvents".into()),
            pointer: None,
            line: None,
            column: None,
        };
        assert_eq!(
            error_json(&e),
            serde_json::json!({
                "code": "limit-exceeded", "category": "limit",
                "message": "limit `maxEvents` exceeded: more than 3 events", "limit": "maxEvents"
            })
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
        let limits = o.limits.unwrap();
        assert_eq!(limits.max_depth, Some(6));
        assert_eq!(
            limits.max_records,
            Some(core::Limits::default().max_records)
        );
        assert_eq!(o.report_unmapped, Some(false));
        let e = options_from_json(&serde_json::json!({"original_content": false})).unwrap_err();
        assert_eq!(e.code(), "invalid-options");
        assert!(options_from_json(&Value::Null).unwrap().limits.is_none());
    }
}
