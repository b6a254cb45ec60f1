//! The secmap core behind the WIT interface in `wit/secmap.wit`. Mechanical: decode the
//! WIT arguments, call [`secmap_core::transform`], encode the result. No logic of its own.
//!
//! Built for `wasm32-unknown-unknown` and encoded as a component, it imports nothing.

// The generated ABI glue is the only unsafe code in secmap.
#[allow(unsafe_code)]
mod bindings {
    wit_bindgen::generate!({ world: "secmap", path: "../../wit" });
    // Exported only in the wasm build: the export names (`secmap:mapping/...#...`) are
    // not valid ELF symbol names, so a native build of the workspace
    // (`cargo build --workspace --all-targets`) would fail to link them. Natively the
    // crate still type-checks every `Guest` implementation.
    #[cfg(target_family = "wasm")]
    use super::Component;
    #[cfg(target_family = "wasm")]
    export!(Component);
}

mod delivery;

/// Talc instead of Rust's default dlmalloc: smaller, and faster on the many small
/// allocations of a mapping.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use bindings::exports::secmap::mapping::mapper as wit;
use secmap_core as core;

struct Component;

// The `delivery` interface: mechanical glue around `secmap-delivery`, in delivery.rs.
impl bindings::exports::secmap::mapping::delivery::Guest for Component {
    type Engine = delivery::Engine;

    fn redact(text: String, token: String) -> String {
        secmap_delivery::text::redact(&text, &token)
    }

    fn escape_control(text: String) -> String {
        secmap_delivery::text::escape_control(&text).into_owned()
    }
}

impl wit::Guest for Component {
    fn transform(
        provider: String,
        payload: Vec<u8>,
        options: wit::Options,
    ) -> Result<wit::Output, wit::TransformError> {
        let out = core::transform(&provider, &payload, &options_from(options)).map_err(error)?;
        // The events own their data: the payload's memory goes back before they are
        // written, and each event's as soon as it is (the guest memory limit must hold
        // the payload or the events, not both, and each event in one form).
        drop(payload);
        Ok(wit::Output {
            events: out.events.into_iter().map(|e| e.to_json()).collect(),
            outcomes: out.outcomes.into_iter().map(outcome).collect(),
            warnings: out.warnings.into_iter().map(warning).collect(),
        })
    }

    fn providers() -> Vec<wit::ProviderInfo> {
        core::providers()
            .map(|p| wit::ProviderInfo {
                id: p.id.into(),
                name: p.name.into(),
                vendor: p.vendor.into(),
                summary: p.summary.into(),
                event_types: p.event_types.iter().map(|t| t.as_str().into()).collect(),
                examples: p
                    .examples
                    .iter()
                    .map(|e| wit::Example {
                        name: e.name.into(),
                        title: e.title.into(),
                        payload: e.payload.into(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn mapping_version() -> String {
        core::MAPPING_VERSION.into()
    }
}

fn options_from(o: wit::Options) -> core::Options {
    let mut out = core::Options::new();
    if let Some(v) = o.original_content {
        out.original_content = v;
    }
    out.original_content_max_bytes = o.original_content_max_bytes;
    if let Some(v) = o.report_unmapped {
        out.report_unmapped = v;
    }
    if let Some(v) = o.skip_sample_findings {
        out.skip_sample_findings = v;
    }
    out.now = o.now;
    if let Some(l) = o.limits {
        let d = &mut out.limits;
        d.max_payload_bytes = l.max_payload_bytes.unwrap_or(d.max_payload_bytes);
        d.max_records = l.max_records.unwrap_or(d.max_records);
        d.max_depth = l.max_depth.unwrap_or(d.max_depth);
        d.max_string_bytes = l.max_string_bytes.unwrap_or(d.max_string_bytes);
        d.max_events = l.max_events.unwrap_or(d.max_events);
        d.max_output_bytes = l.max_output_bytes.unwrap_or(d.max_output_bytes);
    }
    out
}

// Exhaustive matches, no catch-all: a code the core gains is a compile error here until
// wit/secmap.wit has its case (the core's enums are not `#[non_exhaustive]` for this).

fn outcome(o: core::RecordOutcome) -> wit::RecordOutcome {
    wit::RecordOutcome {
        index: o.index,
        pointer: o.pointer,
        line: o.line,
        provider: o.provider,
        outcome: match o.outcome {
            core::Outcome::Mapped { events } => wit::Outcome::Mapped(events),
            core::Outcome::Skipped { reason, message } => wit::Outcome::Skipped(wit::Skipped {
                reason: skip_reason(reason),
                message,
            }),
            core::Outcome::Rejected { error: e } => wit::Outcome::Rejected(error(e)),
        },
        unmapped: o.unmapped,
    }
}

fn error(e: core::Error) -> wit::TransformError {
    use core::ErrorCode as C;
    use wit::ErrorCode as W;
    wit::TransformError {
        code: match e.code() {
            C::UnknownProvider => W::UnknownProvider,
            C::InvalidUtf8 => W::InvalidUtf8,
            C::InvalidJson => W::InvalidJson,
            C::EmptyPayload => W::EmptyPayload,
            C::LimitExceeded => W::LimitExceeded,
            C::MissingField => W::MissingField,
            C::InvalidValue => W::InvalidValue,
            C::UnrecognizedRecord => W::UnrecognizedRecord,
            C::InvalidOptions => W::InvalidOptions,
            C::Internal => W::Internal,
        },
        category: category(e.category()),
        message: e.message().into(),
        limit: e.exceeded_limit().map(Into::into),
        pointer: e.pointer().map(Into::into),
        line: e.line(),
        column: e.column(),
    }
}

fn category(c: core::Category) -> wit::ErrorCategory {
    use core::Category as C;
    use wit::ErrorCategory as W;
    match c {
        C::Usage => W::Usage,
        C::Input => W::Input,
        C::Limit => W::Limit,
        C::Mapping => W::Mapping,
        C::Internal => W::Internal,
    }
}

fn skip_reason(r: core::SkipReason) -> wit::SkipReason {
    use core::SkipReason as C;
    use wit::SkipReason as W;
    match r {
        C::NotAFinding => W::NotAFinding,
        C::Resolved => W::Resolved,
        C::NotApplicable => W::NotApplicable,
        C::UnsupportedRecordType => W::UnsupportedRecordType,
        C::SampleFinding => W::SampleFinding,
        C::UnsupportedFindingType => W::UnsupportedFindingType,
        C::UnsupportedResourceType => W::UnsupportedResourceType,
    }
}

fn warning(w: core::Warning) -> wit::Warning {
    use core::WarningCode as C;
    use wit::WarningCode as W;
    wit::Warning {
        record: w.record,
        code: match w.code {
            C::SeverityOutOfRange => W::SeverityOutOfRange,
            C::SeverityUnknown => W::SeverityUnknown,
            C::SeverityMissing => W::SeverityMissing,
            C::TimestampNormalized => W::TimestampNormalized,
            C::TimestampInvalid => W::TimestampInvalid,
            C::ValueCoerced => W::ValueCoerced,
            C::StringTruncated => W::StringTruncated,
            C::OriginalContentTruncated => W::OriginalContentTruncated,
            C::OriginalContentShared => W::OriginalContentShared,
            C::UnknownResourceType => W::UnknownResourceType,
            C::NotAContentDigest => W::NotAContentDigest,
            C::IdDerived => W::IdDerived,
            C::DanglingRef => W::DanglingRef,
            C::FieldsShared => W::FieldsShared,
            C::ScoreOutsideBand => W::ScoreOutsideBand,
            C::NoPackage => W::NoPackage,
            C::FieldMissing => W::FieldMissing,
            C::FindingSkipped => W::FindingSkipped,
        },
        message: w.message,
        pointer: w.pointer,
    }
}
