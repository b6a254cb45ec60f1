//! The invariants every call of `transform` keeps, whatever the input: shared by the fuzz
//! targets (fuzz/src/lib.rs) and the property tests (crates/core/tests/properties.rs
//! includes this file), so both check exactly the same thing. Depends only on
//! `secmap_core`, `serde` and `serde_json`.
//!
//! - no whole-payload error other than the input classes (`unknown-provider`,
//!   `invalid-utf8`, `invalid-json`, `empty-payload`, `limit-exceeded` naming its limit,
//!   `invalid-options`);
//! - one outcome per record, indices `0..n` in order, `mapped` counts adding up to the
//!   events, no `internal` error anywhere, every rejection located (pointer or line);
//! - the outcomes are the records `secmap_core::split_records` finds, at the same index,
//!   pointer and line, and a record it could not read is rejected with its error;
//! - every finding event carries the nine fields Dynatrace's apps filter on (non-empty), a
//!   risk level from the enum and a finite score in 0..=10; scan events carry no risk,
//!   finding, vulnerability or component field; every number is finite; no duplicate keys;
//! - the limits hold (records, events, output bytes, string bytes, original-content cap);
//! - an event id is a UUID; two events with the same id have the same identity (provider,
//!   finding id, object id, finding time; or scan id): no collisions; and one record never
//!   yields two events with the same id.

#![allow(dead_code)]

use std::collections::HashMap;

use secmap_core::{
    Error, ErrorCode, EventType, Options, Outcome, Output, Value, split_records, transform,
};

/// The nine fields every finding event must carry (design.md §3).
pub const REQUIRED_FINDING_FIELDS: [&str; 9] = [
    "event.id",
    "event.provider",
    "finding.type",
    "finding.id",
    "finding.time.created",
    "finding.title",
    "dt.security.risk.level",
    "object.id",
    "object.type",
];

/// The values `dt.security.risk.level` may take (NOT_AVAILABLE: the vendor gave no usable
/// severity, e.g. a Defender alert without one).
pub const LEVELS: [&str; 6] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE", "NOT_AVAILABLE"];

/// Field prefixes a scan event never carries (design.md §3).
pub const NOT_ON_SCANS: [&str; 4] = [
    "dt.security.risk.",
    "finding.",
    "vulnerability.",
    "component.",
];

/// Runs `transform` and checks every invariant; returns the output for further checks.
pub fn run(provider: &str, data: &[u8], options: &Options) -> Result<Output, Error> {
    let result = transform(provider, data, options);
    check(data, options, &result);
    result
}

/// The invariants of one call (see the module docs). Panics on a violation.
pub fn check(data: &[u8], options: &Options, result: &Result<Output, Error>) {
    let limits = &options.limits;
    let out = match result {
        Err(e) => {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::UnknownProvider
                        | ErrorCode::InvalidUtf8
                        | ErrorCode::InvalidJson
                        | ErrorCode::EmptyPayload
                        | ErrorCode::LimitExceeded
                        | ErrorCode::InvalidOptions
                ),
                "a whole-payload error of a record-level or internal kind: {e:?}"
            );
            if e.code() == ErrorCode::LimitExceeded {
                // Hosts read the limit from the field, people from the message.
                assert!(
                    e.exceeded_limit().is_some_and(|l| {
                        [
                            "maxPayloadBytes",
                            "maxRecords",
                            "maxDepth",
                            "maxEvents",
                            "maxOutputBytes",
                        ]
                        .contains(&l)
                            && e.message().contains(l)
                    }),
                    "a limit error that names no limit: {e:?}"
                );
            }
            return;
        }
        Ok(out) => out,
    };
    assert!(data.len() as u64 <= limits.max_payload_bytes);
    assert!(
        out.outcomes.len() <= limits.max_records as usize,
        "{} records over maxRecords {}",
        out.outcomes.len(),
        limits.max_records
    );
    assert!(
        out.events.len() <= limits.max_events as usize,
        "{} events over maxEvents {}",
        out.events.len(),
        limits.max_events
    );
    let output: u64 = out.events.iter().map(|e| e.to_json().len() as u64).sum();
    assert!(
        output <= limits.max_output_bytes,
        "{output} bytes of events over maxOutputBytes {}",
        limits.max_output_bytes
    );

    // One outcome per record, in order; the mapped counts locate every event.
    let mut mapped_events = 0usize;
    for (i, o) in out.outcomes.iter().enumerate() {
        assert_eq!(o.index as usize, i, "outcome indices out of order");
        match &o.outcome {
            Outcome::Mapped { events } => mapped_events += *events as usize,
            Outcome::Skipped { message, .. } => assert!(!message.is_empty()),
            Outcome::Rejected { error } => {
                assert_ne!(
                    error.code(),
                    ErrorCode::Internal,
                    "internal error: {error:?}"
                );
                // Located: a JSON pointer, or (a bad NDJSON line) a line.
                assert!(
                    error.pointer().is_some() || (error.line().is_some() && o.line.is_some()),
                    "a rejection without a location: {error:?}"
                );
            }
        }
    }
    assert_eq!(
        mapped_events,
        out.events.len(),
        "the mapped counts do not add up to the events"
    );
    // The mapping neither loses, invents nor moves a record of the splitting (the same
    // splitter `transform` runs; its own count is checked by `obvious_record_count`).
    let records = split_records(data, limits).expect("transform read this payload");
    assert_eq!(
        records.len(),
        out.outcomes.len(),
        "records lost or invented"
    );
    for (r, o) in records.iter().zip(&out.outcomes) {
        assert_eq!(
            (r.index, &r.pointer, r.line),
            (o.index, &o.pointer, o.line),
            "an outcome not at its record"
        );
        if let Err(e) = &r.json {
            assert_eq!(
                &o.outcome,
                &Outcome::Rejected { error: e.clone() },
                "an unreadable record not rejected as such"
            );
        }
    }
    for w in &out.warnings {
        assert!(
            (w.record as usize) < out.outcomes.len(),
            "a warning about record {} of {}",
            w.record,
            out.outcomes.len()
        );
    }

    // Every event, on its own.
    let mut identity_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut record_of_event = Vec::with_capacity(out.events.len());
    for (i, o) in out.outcomes.iter().enumerate() {
        if let Outcome::Mapped { events } = o.outcome {
            record_of_event.extend(std::iter::repeat_n(i, events as usize));
        }
    }
    let mut ids_in_record: HashMap<(usize, &str), usize> = HashMap::new();
    for (n, e) in out.events.iter().enumerate() {
        let json = e.to_json();
        let parsed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&json).expect("an event is a JSON object");
        assert_eq!(parsed.len(), e.fields().count(), "duplicate keys in {json}");
        assert_eq!(e.get_str("event.kind"), Some("SECURITY_EVENT"));
        assert_eq!(
            e.get_str("secmap.mapping.version"),
            Some(secmap_core::MAPPING_VERSION)
        );
        let id = e.get_str("event.id").expect("event.id");
        assert!(is_uuid(id), "event.id is not a UUID: {id:?}");
        for (k, v) in e.fields() {
            match v {
                Value::Num(x) => assert!(x.is_finite(), "{k} is not finite: {x}"),
                Value::Str(_) | Value::Shared(_) if k != "event.original_content" => {
                    let s = v.as_str().unwrap_or_default();
                    assert!(
                        s.len() <= limits.max_string_bytes as usize,
                        "{k}: {} bytes over maxStringBytes",
                        s.len()
                    );
                }
                Value::StrList(l) => {
                    for s in l {
                        assert!(s.len() <= limits.max_string_bytes as usize, "{k}");
                    }
                }
                _ => {}
            }
        }
        match (
            options.original_content,
            e.get_str("event.original_content"),
        ) {
            (false, Some(_)) => panic!("event.original_content although the option is off"),
            (true, Some(oc)) => {
                if let Some(cap) = options.original_content_max_bytes {
                    assert!(oc.len() <= cap as usize, "original content over its cap");
                }
            }
            _ => {}
        }
        let ty = e.event_type().expect("a known event.type");
        let identity = match ty {
            EventType::VulnerabilityScan => {
                for (k, _) in e.fields() {
                    assert!(
                        !NOT_ON_SCANS.iter().any(|p| k.starts_with(p)),
                        "a scan event carries {k}"
                    );
                }
                for k in ["event.provider", "object.id", "scan.id"] {
                    assert!(
                        e.get_str(k).is_some_and(|s| !s.is_empty()),
                        "scan without {k}"
                    );
                }
                vec![
                    "scan".to_owned(),
                    e.get_str("event.provider").unwrap_or("").to_owned(),
                    e.get_str("scan.id").unwrap_or("").to_owned(),
                ]
            }
            _ => {
                for k in REQUIRED_FINDING_FIELDS {
                    assert!(
                        e.get_str(k).is_some_and(|s| !s.is_empty()),
                        "a finding event without {k}: {json}"
                    );
                }
                let level = e.get_str("dt.security.risk.level").unwrap_or("");
                assert!(LEVELS.contains(&level), "risk level {level:?}");
                let score = e
                    .get_num("dt.security.risk.score")
                    .expect("a numeric risk score");
                assert!((0.0..=10.0).contains(&score), "risk score {score}");
                let id_fields = ["finding.id", "object.id", "finding.time.created"];
                std::iter::once("finding".to_owned())
                    .chain(std::iter::once(
                        e.get_str("event.provider").unwrap_or("").to_owned(),
                    ))
                    .chain(
                        id_fields
                            .iter()
                            .map(|k| e.get_str(k).unwrap_or("").to_owned()),
                    )
                    .collect()
            }
        };
        // Same id, same identity: a crafted finding cannot take over another one's id.
        let prev = identity_of
            .entry(id.to_owned())
            .or_insert_with(|| identity.clone());
        assert_eq!(*prev, identity, "two different events share the id {id}");
        // One record never yields two events that Dynatrace would merge into one.
        let record = record_of_event[n];
        if let Some(other) = ids_in_record.insert((record, id), n) {
            panic!("record {record} yields events {other} and {n} with the same id {id}");
        }
    }

    // The request body is the events, as one JSON array.
    let body: Vec<serde_json::Value> =
        serde_json::from_str(&out.events_json()).expect("events_json is a JSON array");
    assert_eq!(body.len(), out.events.len());
}

/// Whether `s` is a hyphenated lowercase UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// The record count of a raw payload when it can be told independently of the core: a
/// JSON array of plain objects, or one plain object (not a container). `None` otherwise.
///
/// Deliberately not `secmap_core::split_records`: this is the oracle that checks the
/// splitter itself (a record it drops or invents in an obvious payload), which comparing
/// `transform` with the splitter both run cannot see. Its key list is its own on purpose:
/// it declines every object that might be a container (or an Azure REST example) rather
/// than know which ones the core splits.
pub fn obvious_record_count(data: &[u8]) -> Option<usize> {
    let plain = |v: &serde_json::Value| {
        v.as_object().is_some_and(|o| {
            // `data`: an Azure Resource Graph page (or a record's field; not obvious);
            // `responses`: an Azure REST API example, read as its response body.
            ![
                "records",
                "findings",
                "Findings",
                "value",
                "data",
                "responses",
            ]
            .iter()
            .any(|k| o.contains_key(*k))
        })
    };
    // Duplicate keys are merged by serde_json::Value; the core keeps them: skip those.
    if has_duplicate_keys(data) {
        return None;
    }
    match serde_json::from_slice::<serde_json::Value>(data).ok()? {
        serde_json::Value::Array(items) if items.iter().all(plain) => Some(items.len()),
        v if plain(&v) => Some(1),
        _ => None,
    }
}

fn has_duplicate_keys(data: &[u8]) -> bool {
    struct Dup(bool);
    impl<'de> serde::de::Visitor<'de> for &mut Dup {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("json")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            while a.next_element_seed(&mut *self)?.is_some() {}
            Ok(())
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
            let mut keys = std::collections::HashSet::new();
            while let Some(k) = a.next_key::<String>()? {
                if !keys.insert(k) {
                    self.0 = true;
                }
                a.next_value_seed(&mut *self)?;
            }
            Ok(())
        }
    }
    impl<'de> serde::de::DeserializeSeed<'de> for &mut Dup {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    let mut dup = Dup(false);
    let mut de = serde_json::Deserializer::from_slice(data);
    let _ = serde::de::DeserializeSeed::deserialize(&mut dup, &mut de);
    dup.0
}
