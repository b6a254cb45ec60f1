//! What one call returns: the events, one outcome per input record, and warnings.

use serde::{Deserialize, Serialize};

use crate::codes::codes;
use crate::error::Error;
use crate::event::Event;

/// The result of mapping one payload.
///
/// Every input record has exactly one entry in `outcomes`, in input order. The events of
/// record `i` are contiguous in `events` and come after those of records `0..i`, so the
/// `Mapped` counts locate them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Output {
    /// Dynatrace security events, ready to POST as a JSON array.
    pub events: Vec<Event>,
    /// One outcome per input record, in input order.
    pub outcomes: Vec<RecordOutcome>,
    /// Things that were mapped but deserve a look (normalized values, clamped severities).
    pub warnings: Vec<Warning>,
}

/// What happened to one input record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordOutcome {
    /// 0-based position of the record in the payload, counting every record.
    pub index: u32,
    /// JSON pointer to the record in the payload (`""` for a single-record payload, `/3`
    /// for the fourth array element, `/records/0`, ...). Relative to its line for NDJSON.
    pub pointer: String,
    /// 1-based line of the record for NDJSON payloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The provider that handled the record, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Mapped, skipped or rejected.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Source paths (JSON pointers relative to the record, array positions as `*`) that no
    /// mapping read. Filled only with [`Options::report_unmapped`](crate::Options).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<String>,
}

/// Mapped, skipped or rejected: every record ends in exactly one of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// The record produced `events` events.
    Mapped {
        /// How many events this record produced (0 is possible only for finding records
        /// whose affected objects were all filtered out).
        events: u32,
    },
    /// The record was understood and deliberately not mapped.
    Skipped {
        /// Why, as a stable code.
        reason: SkipReason,
        /// Why, in words.
        message: String,
    },
    /// The record could not be mapped; the error locates the offending field.
    Rejected {
        /// What was wrong, and where.
        error: Error,
    },
}

codes! {
    /// Why a record was skipped.
    pub enum SkipReason {
        /// Not a finding at all (secure scores, compliance state, scan notifications).
        NotAFinding = "not-a-finding",
        /// The finding is resolved (healthy, deleted or archived).
        Resolved = "resolved",
        /// The provider says the check does not apply (`NotApplicable`, exempt).
        NotApplicable = "not-applicable",
        /// A record this provider sends that secmap does not map (yet).
        UnsupportedRecordType = "unsupported-record-type",
        /// A provider-generated sample finding, skipped by option.
        SampleFinding = "sample-finding",
        /// A finding type the provider sends that secmap maps to no event type (a Security
        /// Hub `Types[0]` outside the documented routing table, Inspector network reachability).
        UnsupportedFindingType = "unsupported-finding-type",
        /// A finding on a kind of resource secmap has no object mapping for.
        UnsupportedResourceType = "unsupported-resource-type",
    }
}

/// Something that was mapped but deserves a look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Index of the record it concerns.
    pub record: u32,
    /// What kind of warning, as a stable code.
    pub code: WarningCode,
    /// What happened, in words.
    pub message: String,
    /// JSON pointer (from the payload root) of the source value it concerns.
    pub pointer: String,
}

codes! {
    /// The kind of a [`Warning`].
    pub enum WarningCode {
        /// A severity or score outside the provider's documented range was clamped.
        SeverityOutOfRange = "severity-out-of-range",
        /// A severity label the provider's table does not know; mapped to the table's fallback
        /// level (`NONE`, or `NOT_AVAILABLE` for Defender alerts).
        SeverityUnknown = "severity-unknown",
        /// No severity at all; mapped to the table's fallback level with score 0.
        SeverityMissing = "severity-missing",
        /// A timestamp was not RFC 3339 and had to be converted.
        TimestampNormalized = "timestamp-normalized",
        /// A timestamp could not be read and was left out.
        TimestampInvalid = "timestamp-invalid",
        /// A number arrived as a string (or similar) and was converted.
        ValueCoerced = "value-coerced",
        /// A string longer than `maxStringBytes` was cut.
        StringTruncated = "string-truncated",
        /// `event.original_content` was cut at `originalContentMaxBytes`.
        OriginalContentTruncated = "original-content-truncated",
        /// A record fanned out to more events than its `event.original_content` may be copied
        /// into (1 MiB per record): the first events carry it, the others not.
        OriginalContentShared = "original-content-shared",
        /// A resource type without a known Dynatrace object type; the vendor's name was kept.
        UnknownResourceType = "unknown-resource-type",
        /// An image reference that is not a content digest (`algorithm:hex`) was kept as an id.
        NotAContentDigest = "not-a-content-digest",
        /// An identifier was missing and derived from other fields.
        IdDerived = "id-derived",
        /// A JSON.NET `$ref` names no `$id` in its record (Defender alert entities); the
        /// reference was read as absent.
        DanglingRef = "dangling-ref",
        /// A record fanned out to more events than the fields they share (a Defender alert's
        /// description, entities, extended properties) may be copied into (1 MiB per record),
        /// or than its output budget holds (max(1 MiB, 16 × the record's bytes), any provider:
        /// strings over 256 bytes left out): the first events carry them, the others their
        /// finding identity, risk and object.
        FieldsShared = "fields-shared",
        /// A vendor score outside the band of the vendor's label: the label's fixed score was
        /// used instead (the label is authoritative).
        ScoreOutsideBand = "score-outside-band",
        /// A vulnerability without vulnerable packages: one event without `component.*`.
        NoPackage = "no-package",
        /// An optional field the mapping reads was missing; its target fields are left out.
        FieldMissing = "field-missing",
        /// One finding of a record holding several (an EventBridge event's `detail.findings`)
        /// was skipped while others were mapped; the message says why.
        FindingSkipped = "finding-skipped",
    }
}

impl Output {
    /// The events as one compact JSON array, ready to POST to the ingest API.
    ///
    /// Events are separated by `,` only; the bytes are identical in every host.
    pub fn events_json(&self) -> String {
        let mut out = String::with_capacity(self.events.iter().map(|e| e.json_len_hint()).sum());
        out.push('[');
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            e.write_json(&mut out);
        }
        out.push(']');
        out
    }

    /// The report part of the output (outcomes and warnings) as a serializable view.
    pub fn report(&self) -> Report<'_> {
        Report {
            outcomes: &self.outcomes,
            warnings: &self.warnings,
        }
    }
}

/// Outcomes and warnings, without the events: what the golden `.report.json` files hold.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// One per record.
    pub outcomes: &'a [RecordOutcome],
    /// All warnings.
    pub warnings: &'a [Warning],
}

/// Record and event counts of an output, or the sum over several. The hosts count the
/// component's output, so the one count lives there (`secmap_host::json::counts`, which
/// the CLI's summaries and `check` totals use); the core itself never needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Records mapped.
    pub mapped: usize,
    /// Records skipped.
    pub skipped: usize,
    /// Records rejected.
    pub rejected: usize,
    /// Events produced.
    pub events: usize,
}

impl Counts {
    /// Records of every outcome.
    pub fn records(&self) -> usize {
        self.mapped + self.skipped + self.rejected
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.mapped += other.mapped;
        self.skipped += other.skipped;
        self.rejected += other.rejected;
        self.events += other.events;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn outcomes_serialize_flat_with_a_tag() {
        let o = RecordOutcome {
            index: 2,
            pointer: "/2".into(),
            line: None,
            provider: Some("guardduty".into()),
            outcome: Outcome::Skipped {
                reason: SkipReason::Resolved,
                message: "finding is archived".into(),
            },
            unmapped: vec![],
        };
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"index":2,"pointer":"/2","provider":"guardduty","outcome":"skipped","reason":"resolved","message":"finding is archived"}"#
        );
        let r = Outcome::Rejected {
            error: Error::new(ErrorCode::MissingField, "missing field `id`").with_pointer("/id"),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"outcome":"rejected","error":{"code":"missing-field","category":"mapping","message":"missing field `id`","pointer":"/id"}}"#
        );
    }

    #[test]
    fn stable_names_match_serde() {
        for r in SkipReason::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        for w in WarningCode::ALL {
            assert_eq!(serde_json::to_value(w).unwrap(), w.as_str());
        }
        assert_eq!(WarningCode::ALL.len(), 18);
    }
}
