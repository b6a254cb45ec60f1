//! secmap's mapping core: cloud security findings in, Dynatrace security events out.
//!
//! One pure function, [`transform`], maps a provider payload (Microsoft Defender for Cloud
//! container image vulnerability assessments, Amazon GuardDuty findings) to events in the
//! Dynatrace Semantic Dictionary format (`security.events`), ready to POST to the
//! OpenPipeline security-events ingest API. Every host (the WebAssembly component, the
//! JavaScript package, the CLI) wraps this function and adds no logic of its own.
//!
//! The core is deterministic: no clock, no randomness, no I/O. The same payload and options
//! give the same bytes in every host. Every input record ends in exactly one
//! [`Outcome`]: mapped, skipped with a reason, or rejected with a located [`Error`].
//!
//! # Example
//!
//! Map a GuardDuty finding as Amazon EventBridge delivers it:
//!
//! ```
//! use secmap_core::{Options, Outcome, transform};
//!
//! let payload = r#"{
//!   "version": "0", "id": "11111111-2222-3333-4444-555555555555",
//!   "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
//!   "account": "123456789012", "time": "2026-07-22T18:47:18Z", "region": "us-west-2",
//!   "resources": [],
//!   "detail": {
//!     "schemaVersion": "2.0", "accountId": "123456789012", "region": "us-west-2",
//!     "partition": "aws", "id": "00000000000000000000000000000000",
//!     "type": "Backdoor:EC2/C&CActivity.B!DNS", "severity": 8.7,
//!     "title": "Command and control activity",
//!     "createdAt": "2026-07-22T18:42:17.000Z", "updatedAt": "2026-07-22T18:47:17.000Z",
//!     "resource": {
//!       "resourceType": "Instance",
//!       "instanceDetails": { "instanceId": "i-0123456789abcdef0", "instanceType": "t3.micro" }
//!     },
//!     "service": { "serviceName": "guardduty", "detectorId": "12abc34d567e8fa901bc2d34eexample" }
//!   }
//! }"#;
//!
//! let out = transform("auto", payload.as_bytes(), &Options::new().original_content(false))?;
//! assert_eq!(out.outcomes[0].outcome, Outcome::Mapped { events: 1 });
//!
//! let event = &out.events[0];
//! assert_eq!(event.get_str("event.type"), Some("DETECTION_FINDING"));
//! assert_eq!(event.get_str("finding.type"), Some("Backdoor:EC2/C&CActivity.B!DNS"));
//! assert_eq!(event.get_str("dt.security.risk.level"), Some("HIGH"));
//! assert_eq!(event.get_num("dt.security.risk.score"), Some(8.7));
//! assert_eq!(event.get_str("object.type"), Some("AwsEc2Instance"));
//! assert_eq!(
//!     event.get_str("object.id"),
//!     Some("arn:aws:ec2:us-west-2:123456789012:instance/i-0123456789abcdef0")
//! );
//!
//! // The body to POST to /platform/ingest/v1/security.events:
//! assert!(out.events_json().starts_with(r#"[{"event.id":""#));
//! # Ok::<(), secmap_core::Error>(())
//! ```

#![deny(missing_docs)]

mod aws;
mod budget;
mod codes;
mod cve;
mod cvss;
mod cx;
#[cfg(feature = "docs")]
mod docs;
mod error;
mod event;
mod ids;
mod image;
mod json;
mod k8s;
mod options;
mod output;
mod payload;
mod provider;
mod run;
mod severity;
mod time;

#[cfg(feature = "docs")]
pub use codes::FieldDoc;
#[cfg(feature = "docs")]
pub use docs::mapping_table_markdown;
pub use error::{Category, Error, ErrorCode};
pub use event::{Event, EventType, JsonDoc, MAPPING_VERSION_FIELD, Value};
pub use options::{DEFAULT_MAX_OUTPUT_BYTES, Limits, MIN_STRING_BYTES, Options};
pub use output::{
    Counts, Outcome, Output, RecordOutcome, Report, SkipReason, Warning, WarningCode,
};
pub use payload::{InputRecord, split_records};
#[cfg(feature = "docs")]
pub use provider::FieldRule;
pub use provider::{Example, ProviderInfo, providers};
pub use severity::{Band, Level, SeverityTable};

/// The version of the mappings, stamped into every event as `secmap.mapping.version`.
/// It changes whenever the output for some input changes.
pub const MAPPING_VERSION: &str = "2.0.0";

/// Maps one payload from `provider` to Dynatrace security events.
///
/// - `provider`: `defender-for-cloud`, `guardduty` or `auto` (detect per record from its
///   shape). Anything else fails with [`ErrorCode::UnknownProvider`], listing the known ids.
/// - `payload`: the bytes as the host received them, in any accepted shape: one record, a
///   JSON array, `{"records": [...]}`, `{"findings": [...]}`, `{"value": [...]}`, NDJSON,
///   or an Event Hubs batch whose elements are strings holding JSON.
/// - `options`: see [`Options`].
///
/// Returns `Err` only when the payload fails as a whole: unknown provider, invalid options,
/// not UTF-8, not JSON (with line and column), empty, or over a limit. A bad record inside
/// a readable payload is rejected on its own; the others are still mapped.
///
/// See the [crate documentation](crate) for an example.
pub fn transform(provider: &str, payload: &[u8], options: &Options) -> Result<Output, Error> {
    let selector = provider::Selector::parse(provider)?;
    let now = options.validate()?;
    payload::split(payload, &options.limits, |text, items| {
        let mut run = run::Run::new(options, now.as_deref(), text, items.len_hint());
        for item in items {
            // Over `maxRecords`: the payload fails as a whole, before its mapped records.
            run.item(item?, selector);
        }
        run.finish()
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_provider_lists_the_known_ones() {
        let e = transform("macie", b"{}", &Options::new()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownProvider);
        assert_eq!(
            e.message(),
            "unknown provider `macie`; known: auto, defender-alerts, defender-for-cloud, guardduty, inspector, security-hub"
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = transform("auto", b"{\n  \"a\": \"\xff\"}", &Options::new()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidUtf8);
        assert_eq!((e.line(), e.column()), (Some(2), Some(9)));
    }

    #[test]
    fn payload_size_limit_names_the_limit() {
        let mut o = Options::new();
        o.limits.max_payload_bytes = 4;
        let e = transform("auto", b"[{},{}]", &o).unwrap_err();
        assert_eq!(e.code(), ErrorCode::LimitExceeded);
        assert!(e.message().contains("maxPayloadBytes"), "{e}");
        assert_eq!(e.exceeded_limit(), Some("maxPayloadBytes"));
        assert_eq!(e.category(), Category::Limit);
    }
}
