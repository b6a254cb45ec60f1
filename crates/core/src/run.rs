//! One call: every record through its provider, then batch-level events, ids, limits and
//! the outcome of each record.

use crate::MAPPING_VERSION;
use crate::budget;
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{EventType, JsonLen, MAPPING_VERSION_FIELD, SharedCuts, Value};
use crate::ids;
use crate::json;
use crate::options::Options;
use crate::output::{Outcome, Output, RecordOutcome, SkipReason, Warning, WarningCode};
use std::borrow::Cow;

use serde_json_borrow::Value as Dom;

use crate::payload::{self, Item, Record};
use crate::provider::{self, Mapped, Selector, Shape, Slot};

pub(crate) struct Run<'o> {
    options: &'o Options,
    now: Option<&'o str>,
    payload: &'o str,
    slots: Vec<Slot>,
    outcomes: Vec<RecordOutcome>,
    warnings: Vec<Warning>,
    /// Events of the records so far, to stop at `maxEvents` before building more.
    events: usize,
    /// Bytes of their JSON, at least (`Event::json_len_min`), to stop at `maxOutputBytes`
    /// likewise; the exact count is taken on the final events (`finish`).
    output_bytes: u64,
    /// For [`Event::json_len`](crate::event::Event::json_len).
    json_len: JsonLen,
}

impl<'o> Run<'o> {
    pub(crate) fn new(
        options: &'o Options,
        now: Option<&'o str>,
        payload: &'o str,
        records: usize,
    ) -> Run<'o> {
        Run {
            options,
            now,
            payload,
            slots: Vec::with_capacity(records),
            outcomes: Vec::with_capacity(records),
            warnings: Vec::new(),
            events: 0,
            output_bytes: 0,
            json_len: JsonLen::default(),
        }
    }

    /// Whether the call is already over `maxEvents` or `maxOutputBytes` (it fails; mapping
    /// more is waste, and the memory may not hold it).
    fn over_events(&self) -> bool {
        self.events > self.options.limits.max_events as usize
            || self.output_bytes > self.options.limits.max_output_bytes
    }

    /// The call's failure once over a limit on its events.
    fn over_error(&self) -> Error {
        let l = &self.options.limits;
        if self.events > l.max_events as usize {
            Error::limit("maxEvents", l.max_events as usize, "events")
        } else {
            output_limit(l.max_output_bytes)
        }
    }

    pub(crate) fn item(&mut self, item: Item<'_>, selector: Selector) {
        if self.over_events() {
            return;
        }
        match item {
            Item::Bad(bad) => self.push(
                RecordOutcome {
                    index: bad.index,
                    pointer: bad.pointer,
                    line: bad.line,
                    provider: None,
                    outcome: Outcome::Rejected { error: bad.error },
                    unmapped: Vec::new(),
                },
                Slot {
                    provider: None,
                    events: Vec::new(),
                },
            ),
            Item::Record(record) => self.record(record, selector),
        }
    }

    fn record(&mut self, mut record: Record<'_>, selector: Selector) {
        // Single-record payloads arrive parsed; array elements and bodies are parsed here,
        // one at a time, so a large batch never holds every parsed record at once.
        let parsed = match record.dom.take() {
            Some(dom) => Ok(dom),
            None => serde_json::from_str::<Dom<'_>>(record.text)
                .map_err(|e| payload::json_error(&e, &self.options.limits)),
        };
        // A record nesting deeper than the limit is rejected alone; the batch goes on.
        let max_depth = self.options.limits.max_depth;
        let parsed = parsed.and_then(|dom| {
            if json::depth_exceeds(&dom, max_depth) {
                Err(Error::limit(
                    "maxDepth",
                    max_depth as usize,
                    "levels of nesting",
                ))
            } else {
                Ok(dom)
            }
        });
        let dom = match parsed {
            Ok(dom) => dom,
            Err(error) => {
                let mut error = error.with_pointer(record.pointer.clone());
                if let Some(at) = json::offset_in(self.payload, record.text) {
                    let (line, column) = json::position(self.payload, at);
                    error = error.with_position(line, column);
                }
                let bad = payload::BadRecord {
                    index: record.index,
                    pointer: record.pointer,
                    line: record.line,
                    error,
                };
                return self.item(Item::Bad(bad), selector);
            }
        };
        let cx = Cx::new(self.options, self.now, self.payload, &record, &dom);
        let shape = Shape::of(&dom);
        let mut provider_id = None;
        let result = match selector.pick(&shape) {
            Some(p) => {
                provider_id = Some(p.info().id);
                match selector.claimed_elsewhere(&shape) {
                    Some(other) => Err(mismatch(p, other, &record.pointer)),
                    None => p.map(&shape, &cx),
                }
            }
            None => unrecognized(&shape, &record.pointer),
        };
        // A record that yields more events than are left under `maxEvents` still gets them
        // all here; the call fails once the count is over (`over_events`).
        let mut cuts = Vec::new();
        let result = result.and_then(|mapped| {
            self.bound(mapped, provider_id, &record, &cx, &mut cuts)
                .map_err(|e| e.with_pointer(record.pointer.clone()))
        });
        let (outcome, events) = match result {
            Ok(Mapped::Events(events)) => (Outcome::Mapped { events: 0 }, events),
            Ok(Mapped::Skipped(reason, message)) => {
                (Outcome::Skipped { reason, message }, Vec::new())
            }
            Ok(Mapped::Resolved(events, message)) => {
                let reason = SkipReason::Resolved;
                (Outcome::Skipped { reason, message }, events)
            }
            Err(error) => (Outcome::Rejected { error }, Vec::new()),
        };
        let mapped = matches!(outcome, Outcome::Mapped { .. });
        let (warnings, unmapped) = cx.finish(mapped);
        self.warnings.extend(warnings);
        // Cut strings are reported after the record's own warnings, as they always were.
        if !matches!(outcome, Outcome::Rejected { .. }) {
            self.warnings.extend(cuts);
        }
        self.push(
            RecordOutcome {
                index: record.index,
                pointer: record.pointer.clone(),
                line: record.line,
                provider: provider_id.map(str::to_owned),
                outcome,
                unmapped,
            },
            Slot {
                provider: provider_id,
                events,
            },
        );
    }

    /// Stamps a record's events and keeps them within the record's budgets: strings cut at
    /// `maxStringBytes` (measured after the cut), the output budget (`budget.rs`: long
    /// shared fields left out of events past it, or the record rejected), then the
    /// original content on as many events as fit in its 1 MiB.
    fn bound(
        &self,
        mapped: Mapped,
        provider_id: Option<&'static str>,
        record: &Record<'_>,
        cx: &Cx<'_>,
        cuts: &mut Vec<Warning>,
    ) -> Result<Mapped, Error> {
        let max_string = self.options.limits.max_string_bytes as usize;
        let (mut events, resolved) = match mapped {
            Mapped::Events(events) => (events, None),
            Mapped::Resolved(events, message) => (events, Some(message)),
            skipped @ Mapped::Skipped(..) => return Ok(skipped),
        };
        let provider = provider_id.unwrap_or("");
        let extra = provider::by_id(provider).map_or(&[][..], |p| p.id_fields());
        let mut shared_cuts = SharedCuts::default();
        for e in &mut events {
            e.put_static(MAPPING_VERSION_FIELD, MAPPING_VERSION);
            // The id is named after the whole values, before any is cut. Scan events get
            // theirs at the end, once the provider has named their scan.
            if e.event_type() != Some(EventType::VulnerabilityScan)
                && e.get_str("event.id").is_none_or(str::is_empty)
            {
                e.set_id(event_id(e, provider, extra));
            }
            cap_strings(
                e,
                max_string,
                record.index,
                &record.pointer,
                cuts,
                &mut shared_cuts,
            );
            // Room reserved for fields never set goes back: a call may hold 250,000 events.
            e.shrink_to_fit();
        }
        distinct_ids(&mut events);
        if let Some(slimmed) = budget::slim(&mut events, record.text.len())? {
            cx.warn(
                WarningCode::FieldsShared,
                format!(
                    "strings longer than {} bytes are on the first {} of {} events of this \
                     record only (a required one is cut to that length on the others): copies \
                     on each would exceed max({}, {} * the record's {} bytes)",
                    budget::SHORT_FIELD_BYTES,
                    slimmed.whole,
                    slimmed.events,
                    budget::SHARED_PER_RECORD,
                    budget::OUTPUT_PER_INPUT_BYTE,
                    record.text.len()
                ),
                &cx.root(),
            );
        }
        if let Some(message) = resolved {
            return Ok(Mapped::Resolved(events, message));
        }
        let original = cx.original_content();
        let copies = original.as_ref().map_or(events.len(), |o| {
            budget::copies(value_len(o), events.len(), ORIGINAL_CONTENT_PER_RECORD)
        });
        if copies < events.len() {
            cx.warn(
                WarningCode::OriginalContentShared,
                format!(
                    "event.original_content is on the first {copies} of {} events of \
                     this record only: a copy on each would exceed {} bytes",
                    events.len(),
                    ORIGINAL_CONTENT_PER_RECORD
                ),
                &cx.root(),
            );
        }
        if let Some(o) = original {
            for e in events.iter_mut().take(copies) {
                e.put("event.original_content", o.clone());
            }
        }
        Ok(Mapped::Events(events))
    }

    fn push(&mut self, outcome: RecordOutcome, slot: Slot) {
        self.events += slot.events.len();
        for e in &slot.events {
            self.output_bytes += e.json_len_min() as u64;
        }
        self.outcomes.push(outcome);
        self.slots.push(slot);
    }

    pub(crate) fn finish(mut self) -> Result<Output, Error> {
        let max_events = self.options.limits.max_events as usize;
        let max_output = self.options.limits.max_output_bytes;
        // Over already: fail before the providers add their batch-level events.
        if self.over_events() {
            return Err(self.over_error());
        }
        for id in provider_ids(&self.slots) {
            if let Some(p) = provider::by_id(id) {
                p.finish(&mut self.slots, self.now);
            }
        }
        let total: usize = self.slots.iter().map(|s| s.events.len()).sum();
        if total > max_events {
            return Err(Error::limit("maxEvents", max_events, "events"));
        }
        let max_string = self.options.limits.max_string_bytes as usize;
        let mut events = Vec::with_capacity(total);
        // Bounded from above on the events as they go out (providers add batch-level
        // events); counted exactly only when that bound is over the limit. The exact count
        // decides; the one while mapping only stops a call over it early.
        let mut output_bytes_max = 0u64;
        for (slot, outcome) in self.slots.into_iter().zip(&mut self.outcomes) {
            // A resolved record that carries its object's scan is mapped into it (see
            // `Mapped::Resolved`).
            if matches!(outcome.outcome, Outcome::Skipped { .. }) && !slot.events.is_empty() {
                outcome.outcome = Outcome::Mapped { events: 0 };
            }
            if let Outcome::Mapped { events: n } = &mut outcome.outcome {
                *n = u32::try_from(slot.events.len()).unwrap_or(u32::MAX);
            }
            let provider = slot.provider.unwrap_or("");
            let extra = provider::by_id(provider).map_or(&[][..], |p| p.id_fields());
            let mut shared_cuts = SharedCuts::default();
            for mut e in slot.events {
                // A provider that splits one finding by more than its object (Inspector:
                // per vulnerable package) sets the id itself; others name extra id fields.
                if e.get_str("event.id").is_none_or(str::is_empty) {
                    e.set_id(event_id(&e, provider, extra));
                }
                // Again for the events providers add at the end (scans copy capped fields).
                cap_strings(
                    &mut e,
                    max_string,
                    outcome.index,
                    &outcome.pointer,
                    &mut self.warnings,
                    &mut shared_cuts,
                );
                output_bytes_max += e.json_len_max();
                events.push(e);
            }
        }
        if output_bytes_max > max_output {
            let mut output_bytes = 0u64;
            for e in &events {
                output_bytes += e.json_len(&mut self.json_len) as u64;
                if output_bytes > max_output {
                    return Err(output_limit(max_output));
                }
            }
        }
        self.warnings.sort_by_key(|w| w.record);
        Ok(Output {
            events,
            outcomes: self.outcomes,
            warnings: self.warnings,
        })
    }
}

/// Most bytes of `event.original_content` one record puts into its events. A record that
/// fans out (a GuardDuty finding on a pod lists every container; each gets an event) would
/// otherwise copy itself once per event: output quadratic in its size, 154 MB for a 59 KB
/// finding on 2,000 containers. Shared by [`budget::copies`], the one rule of all
/// per-record budgets.
pub(crate) const ORIGINAL_CONTENT_PER_RECORD: usize = budget::SHARED_PER_RECORD;

fn value_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        Value::Shared(s) => s.len(),
        Value::Json(doc) => doc.source_len(),
        _ => 0,
    }
}

/// `limit-exceeded` naming `maxOutputBytes`.
fn output_limit(max: u64) -> Error {
    Error::limit(
        "maxOutputBytes",
        usize::try_from(max).unwrap_or(usize::MAX),
        "bytes of events (their JSON)",
    )
}

/// Providers that mapped at least one record, in first-use order.
fn provider_ids(slots: &[Slot]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for id in slots.iter().filter_map(|s| s.provider) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// A content-derived event id: retries and replays of the same finding get the same id.
/// `extra`: the provider's [`id_fields`](provider::Provider::id_fields), appended only
/// when it has some, so that other providers' ids stay as they were.
fn event_id(e: &crate::event::Event, provider: &str, extra: &[&str]) -> String {
    let get = |k| e.get_str(k).unwrap_or("");
    match e.event_type() {
        Some(EventType::VulnerabilityScan) => ids::name_based(&[provider, "scan", get("scan.id")]),
        _ => {
            let mut parts = vec![
                provider,
                get("finding.id"),
                get("object.id"),
                get("finding.time.created"),
            ];
            parts.extend(extra.iter().map(|k| get(k)));
            ids::name_based(&parts)
        }
    }
}

/// Cuts strings from the payload longer than the limit (not `event.original_content`,
/// which has its own, nor `event.id`). A string the record's events share is cut once:
/// `shared` holds each cut so far and its cut form, so the events share that too.
fn cap_strings(
    e: &mut crate::event::Event,
    max: usize,
    record: u32,
    pointer: &str,
    warnings: &mut Vec<Warning>,
    shared: &mut SharedCuts,
) {
    let mut warn = |key: &str, len: usize, end: usize| {
        warnings.push(Warning {
            record,
            code: WarningCode::StringTruncated,
            message: format!("`{key}` cut from {len} to {end} bytes (maxStringBytes)"),
            pointer: pointer.to_owned(),
        });
    };
    // The length before and after, when `s` was cut.
    let cut = |s: &mut Cow<'static, str>| {
        // Borrowed strings are secmap's own vocabulary (`event.type`, levels, names): the
        // limit is for what payloads bring.
        if matches!(s, Cow::Owned(_)) && s.len() > max {
            let len = s.len();
            let end = json::floor_char_boundary(s, max);
            s.to_mut().truncate(end);
            // Held until the call ends: give back what was cut.
            s.to_mut().shrink_to_fit();
            Some((len, end))
        } else {
            None
        }
    };
    for (key, value) in e.fields_mut() {
        if key == "event.original_content" || key == "event.id" {
            // The content has its own cap (`originalContentMaxBytes`); the id is secmap's
            // own 36-byte UUID, and a cut one would no longer de-duplicate.
            continue;
        }
        match value {
            Value::Str(s) => {
                if let Some((len, end)) = cut(s) {
                    warn(key, len, end);
                }
            }
            Value::Shared(s) if s.len() > max => {
                let len = s.len();
                *s = shared.cut(s, max);
                warn(key, len, s.len());
            }
            Value::StrList(list) => {
                for item in list.iter_mut() {
                    let mut owned = Cow::Owned(std::mem::take(item));
                    if let Some((len, end)) = cut(&mut owned) {
                        warn(key, len, end);
                    }
                    *item = owned.into_owned();
                }
            }
            _ => {}
        }
    }
}

/// A record of another provider than the one the caller named: rejected, with the fix.
fn mismatch(
    named: &dyn provider::Provider,
    other: &dyn provider::Provider,
    pointer: &str,
) -> Error {
    let (named, other) = (named.info(), other.info());
    Error::new(
        ErrorCode::UnrecognizedRecord,
        format!(
            "the record looks like a `{}` record, not a `{}` one; use provider `{}` or `auto`",
            other.id, named.id, other.id
        ),
    )
    .with_pointer(pointer)
}

/// A record no provider claims (with `auto`): an EventBridge event from another source is
/// skipped (it is understood, just not mapped); anything else is rejected.
fn unrecognized(shape: &Shape<'_>, pointer: &str) -> Result<Mapped, Error> {
    if shape.is_eventbridge() {
        let source = shape.source.unwrap_or_default();
        let detail_type = shape.detail_type.unwrap_or_default();
        return Ok(Mapped::Skipped(
            SkipReason::UnsupportedRecordType,
            format!(
                "EventBridge events from `{source}` (`{detail_type}`) are not mapped; supported: GuardDuty findings, Inspector findings and scans"
            ),
        ));
    }
    Err(Error::new(
        ErrorCode::UnrecognizedRecord,
        "no provider recognises this record: expected a GuardDuty finding (bare or in an \
         EventBridge event), an Inspector finding (with `findingArn`) or a Defender for Cloud \
         record with a `type`",
    )
    .with_pointer(pointer))
}

/// One event per `event.id` within a record, the first kept: a record that lists one finding
/// twice (a Security Hub event with the same finding twice in `detail.findings`, an Inspector
/// finding naming one package twice, a pod listing one container twice) describes each event
/// once, and Dynatrace would keep only one of two events with one id, so a host's "sent"
/// count would overstate what is stored (docs/robustness.md, bugs 6 and 8). Scan events get
/// their ids at the end of the call and are left alone here.
fn distinct_ids(events: &mut Vec<crate::event::Event>) {
    if events.len() < 2 {
        return;
    }
    // Ids borrowed, not copied: a record may have thousands of events (one per container).
    let mut seen = std::collections::HashSet::with_capacity(events.len());
    let keep: Vec<bool> = events
        .iter()
        .map(|e| {
            e.event_type() == Some(EventType::VulnerabilityScan)
                || e.get_str("event.id").is_none_or(|id| seen.insert(id))
        })
        .collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut keep = keep.into_iter();
    events.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use crate::{ErrorCode, Options, Outcome, transform};

    const FINDING: &str = r#"{"id":"f1","type":"Recon:EC2/Portscan","severity":5,
      "accountId":"123456789012","region":"us-east-1","updatedAt":"2026-01-01T00:00:00Z",
      "resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-1"}}}"#;
    const GUARDDUTY: &str = concat!(
        r#"{"detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"123456789012","#,
        r#""region":"us-east-1","detail":"#,
        r#"{"id":"f1","type":"Recon:EC2/Portscan","severity":5,"updatedAt":"2026-01-01T00:00:00Z"}}"#
    );
    const DEFENDER: &str = r#"{"type":"Microsoft.Security/assessments/subAssessments",
      "id":"/subscriptions/s/providers/Microsoft.Security/assessments/a/subAssessments/b",
      "properties":{"status":{"code":"Unhealthy","severity":"High"},
      "timeGenerated":"2026-01-01T00:00:00Z","resourceDetails":{"id":"r/repo@sha256:ab"},
      "additionalData":{"assessedResourceType":"AzureContainerRegistryVulnerability"}}}"#;

    fn rejection(provider: &str, payload: &str) -> (ErrorCode, String) {
        let out = transform(provider, payload.as_bytes(), &Options::new()).unwrap();
        match &out.outcomes[0].outcome {
            Outcome::Rejected { error } => (error.code(), error.message().to_owned()),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_record_of_another_provider_is_rejected_with_the_right_provider_named() {
        let (code, message) = rejection("defender-for-cloud", GUARDDUTY);
        assert_eq!(code, ErrorCode::UnrecognizedRecord);
        assert!(message.contains("use provider `guardduty`"), "{message}");
        // A bare finding too: it used to be skipped as an unsupported Defender record type.
        let (code, _) = rejection("defender-for-cloud", FINDING);
        assert_eq!(code, ErrorCode::UnrecognizedRecord);
        let (code, message) = rejection("guardduty", DEFENDER);
        assert_eq!(code, ErrorCode::UnrecognizedRecord);
        assert!(
            message.contains("use provider `defender-for-cloud`"),
            "{message}"
        );
    }

    /// Every rejection is located (line and column of its record); on a one-line payload,
    /// counting each from the start was quadratic: 40,000 rejected findings in 5 MB took
    /// minutes.
    #[test]
    fn rejections_in_a_one_line_payload_are_located_in_linear_time() {
        let record = r#"{"id":"f","type":"Recon:EC2/Portscan","severity":5,"updatedAt":"2026-01-01T00:00:00Z","resource":{"resourceType":"Instance"},"title":"no account"}"#;
        let n = 40_000;
        let payload = format!("[{}]", vec![record; n].join(","));
        let start = std::time::Instant::now();
        let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
        assert_eq!(out.outcomes.len(), n);
        let last = match &out.outcomes[n - 1].outcome {
            Outcome::Rejected { error } => error.clone(),
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert_eq!(last.line(), Some(1));
        assert_eq!(
            last.column(),
            Some(2 + (n - 1) * (record.len() + 1)).map(|c| c as u32)
        );
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn auto_and_matching_providers_still_map() {
        for (provider, payload) in [
            ("auto", FINDING),
            ("auto", GUARDDUTY),
            ("guardduty", GUARDDUTY),
            ("auto", DEFENDER),
            ("defender-for-cloud", DEFENDER),
        ] {
            let out = transform(provider, payload.as_bytes(), &Options::new()).unwrap();
            assert!(
                matches!(out.outcomes[0].outcome, Outcome::Mapped { .. }),
                "{provider}: {:?}",
                out.outcomes[0].outcome
            );
        }
    }
}
