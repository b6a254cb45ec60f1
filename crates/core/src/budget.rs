//! Per-record output budgets: what keeps the output of one call linear in its input.
//!
//! A record that fans out (a GuardDuty finding on a pod: one event per container; a
//! Defender alert: one per resource; an Inspector finding: one per package) copies what
//! its events share (title, description, the record itself as `event.original_content`)
//! into each of them, so that a record listing n objects would produce n copies: output
//! quadratic in its size (a 101 KB GuardDuty finding on 2,000 containers gave 67 MB). Two
//! budgets bound it, both with one rule, [`copies`]: the first events carry the shared
//! data, as many as fit, and the others go without it, with one warning for the record.
//!
//! - `event.original_content`: at most [`SHARED_PER_RECORD`] (1 MiB) per record, warning
//!   `original-content-shared` (run.rs);
//! - the events themselves: at most [`output_budget`] = max(C, k × the record's bytes)
//!   with C = [`SHARED_PER_RECORD`] and k = [`OUTPUT_PER_INPUT_BYTE`]. Past it, each
//!   further event keeps only its identity, risk and object and every string of at most
//!   [`SHORT_FIELD_BYTES`] bytes; longer strings from the payload are left out (a required
//!   one, such as `finding.title`, is cut to that length), warning `fields-shared`
//!   ([`slim`]). Should the events still need more than [`REJECT_FACTOR`] (8) times the
//!   budget (a record whose ids are long and whose objects are many), the record is
//!   rejected with a typed `limit-exceeded` naming `recordOutputBytes`. (The Defender alerts provider shares its
//!   alert's fields within the same 1 MiB with the same [`copies`] before this applies.)
//!
//! Why these numbers: no golden case (187) produces more than 97 KB of events, so no real
//! record comes near 1 MiB; the single-record cases give 1.6 × their size in events
//! (median) and 5.2 × at most (Security Hub findings of several resources), original
//! content included. 16 × leaves room for legitimate fan-out of short records while
//! holding the worst case to a constant factor: with `event.original_content` on, a
//! record of `n` bytes yields at most 8 × max(1 MiB, 16 n) + max(1 MiB, n) bytes of events.

use std::borrow::Cow;

use crate::error::{Error, ErrorCode};
use crate::event::{Event, SharedCuts, Value};
use crate::json;

/// Bytes of shared data one record may copy into its events before the copies stop: the
/// `event.original_content` budget, and C of the output budget.
pub(crate) const SHARED_PER_RECORD: usize = 1 << 20;

/// k of the output budget: events of a record may take up to k bytes per byte of the
/// record (or [`SHARED_PER_RECORD`], if more) before shared fields are left out.
pub(crate) const OUTPUT_PER_INPUT_BYTE: usize = 16;

/// How many times its budget a record's events may take once slimmed before the record is
/// rejected: slimmed events are short but not empty (identity, risk, object, secmap's own
/// fields: about 1.5 KB for a GuardDuty container event, from ~30 bytes of input), so a
/// record listing many objects legitimately needs more than its budget.
pub(crate) const REJECT_FACTOR: usize = 8;

/// Strings up to this long stay in every event: ids, names, types, times, levels.
pub(crate) const SHORT_FIELD_BYTES: usize = 256;

/// The name under which a record over twice its output budget is rejected.
pub(crate) const OUTPUT_LIMIT_NAME: &str = "recordOutputBytes";

/// Fields a slimmed event keeps whole whatever their length: what identifies the finding
/// and its object (`event.id` is derived from them), and a scan's id.
const IDENTITY: &[&str] = &[
    "event.id",
    "finding.id",
    "object.id",
    "finding.time.created",
    "scan.id",
];

/// Required fields that a slimmed event keeps cut to [`SHORT_FIELD_BYTES`] (Dynatrace's
/// apps filter on them, so they must stay non-empty).
const REQUIRED_TEXT: &[&str] = &[
    "finding.title",
    "finding.type",
    "object.type",
    "event.provider",
    "dt.security.risk.level",
];

/// How many of `events` copies of `len` bytes fit in `budget`: all of them within it,
/// else as many as fit, and at least the first.
pub(crate) fn copies(len: usize, events: usize, budget: usize) -> usize {
    if len.saturating_mul(events) <= budget {
        events
    } else {
        (budget / len.max(1)).clamp(1, events)
    }
}

/// The output budget of a record of `record_bytes`: max(C, k × bytes).
pub(crate) fn output_budget(record_bytes: usize) -> usize {
    SHARED_PER_RECORD.max(record_bytes.saturating_mul(OUTPUT_PER_INPUT_BYTE))
}

/// What [`slim`] did to a record's events (when it left something out).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Slimmed {
    /// Events carrying every field (the first ones).
    pub whole: usize,
    /// Events in all.
    pub events: usize,
}

/// Applies the output budget of a record of `record_bytes` to its `events`: `Ok(None)`
/// when they fit (or had no long string to lose), `Ok(Some(..))` when the events past the
/// budget lost their long strings,
/// `Err` (`limit-exceeded`, `recordOutputBytes`) when even then they need more than
/// [`REJECT_FACTOR`] times the budget.
pub(crate) fn slim(events: &mut [Event], record_bytes: usize) -> Result<Option<Slimmed>, Error> {
    let budget = output_budget(record_bytes);
    let mut total = 0usize;
    let mut whole = events.len();
    for (i, e) in events.iter().enumerate() {
        let len = e.json_len_hint();
        if i > 0 && total.saturating_add(len) > budget {
            whole = i;
            break;
        }
        total = total.saturating_add(len);
    }
    if whole == events.len() {
        return Ok(None);
    }
    let mut changed = false;
    // A shared required string is cut once for all the slimmed events.
    let mut cuts = SharedCuts::default();
    for e in &mut events[whole..] {
        e.retain(|key, value| {
            let (kept, cut) = keep(key, value, &mut cuts);
            changed |= cut || !kept;
            kept
        });
        total = total.saturating_add(e.json_len_hint());
        if total > budget.saturating_mul(REJECT_FACTOR) {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!(
                    "limit `{OUTPUT_LIMIT_NAME}` exceeded: the {} events of this record need more \
                     than {} bytes ({REJECT_FACTOR} * max({SHARED_PER_RECORD}, \
                     {OUTPUT_PER_INPUT_BYTE} * its {record_bytes} bytes)) even without their \
                     long shared fields",
                    events.len(),
                    budget.saturating_mul(REJECT_FACTOR)
                ),
            ));
        }
    }
    // Past the budget but nothing long to leave out (many short events): nothing to say.
    Ok(changed.then_some(Slimmed {
        whole,
        events: events.len(),
    }))
}

/// Whether a slimmed event keeps `key`, and whether it cut a long required string on the
/// way. `cuts`: the shared strings cut so far and their cut forms, so that the slimmed
/// events share one.
fn keep(key: &str, value: &mut Value, cuts: &mut SharedCuts) -> (bool, bool) {
    if IDENTITY.contains(&key) {
        return (true, false);
    }
    let long = match value {
        // Borrowed strings are secmap's own vocabulary, short by construction.
        Value::Str(Cow::Owned(s)) => s.len() > SHORT_FIELD_BYTES,
        Value::Shared(s) => s.len() > SHORT_FIELD_BYTES,
        Value::StrList(l) => l.iter().map(String::len).sum::<usize>() > SHORT_FIELD_BYTES,
        Value::Json(doc) => doc.source_len() > SHORT_FIELD_BYTES,
        _ => false,
    };
    if !long {
        return (true, false);
    }
    if !REQUIRED_TEXT.contains(&key) {
        return (false, false);
    }
    match value {
        Value::Str(Cow::Owned(s)) => {
            s.truncate(json::floor_char_boundary(s, SHORT_FIELD_BYTES));
            // The memory too: the call's events are held until it ends.
            s.shrink_to_fit();
            (true, true)
        }
        Value::Shared(s) => {
            *s = cuts.cut(s, SHORT_FIELD_BYTES);
            (true, true)
        }
        _ => (false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_fit_the_budget_and_the_first_always_has_one() {
        const MIB: usize = SHARED_PER_RECORD;
        assert_eq!(copies(1000, 3, MIB), 3);
        assert_eq!(copies(MIB, 1, MIB), 1);
        assert_eq!(copies(MIB / 4, 4, MIB), 4);
        assert_eq!(copies(MIB / 4, 5, MIB), 4);
        assert_eq!(copies(60_000, 2_000, MIB), 17);
        assert_eq!(copies(2 * MIB, 3, MIB), 1);
        assert_eq!(copies(0, 5, MIB), 5);
    }

    /// A GuardDuty finding of ~101 KB on 1,000 containers with a 30 KB title and
    /// description: each event used to copy both (about 67 MB in all). Now the output
    /// stays within the documented bound, and the warning says so.
    #[test]
    fn a_fanned_out_finding_stays_within_its_output_budget() {
        use crate::{Options, Outcome, WarningCode, transform};
        let containers: Vec<String> = (0..1000)
            .map(|i| format!(r#"{{"name":"c{i}","image":"registry.example/app:{i}"}}"#))
            .collect();
        let record = format!(
            r#"{{"id":"f1","type":"PrivilegeEscalation:Runtime/DockerSocketAccessed","severity":8,
            "accountId":"111122223333","region":"eu-central-1","updatedAt":"2026-10-14T09:21:40Z",
            "title":"{}","description":"{}","resource":{{"resourceType":"EKSCluster",
            "eksClusterDetails":{{"name":"prod"}},"kubernetesDetails":{{"kubernetesWorkloadDetails":
            {{"name":"pod","type":"pods","namespace":"ns","containers":[{}]}}}}}}}}"#,
            "T".repeat(30_000),
            "D".repeat(30_000),
            containers.join(",")
        );
        let n = record.len();
        assert!((100_000..115_000).contains(&n), "{n}");
        for original_content in [false, true] {
            let options = Options::new().original_content(original_content);
            let out = transform("guardduty", record.as_bytes(), &options).unwrap();
            assert!(matches!(
                out.outcomes[0].outcome,
                Outcome::Mapped { events: 1000 }
            ));
            let bytes: usize = out.events.iter().map(|e| e.to_json().len()).sum();
            let bound = REJECT_FACTOR * output_budget(n) + SHARED_PER_RECORD.max(n);
            assert!(bytes <= bound, "{bytes} bytes of events over {bound}");
            // In practice: the budget, ~2 KB per slimmed event, and the original content's
            // 1 MiB (3.9 MB for the 111 KB record: 35 times; it was 67 MB, 600 times).
            let content = if original_content {
                SHARED_PER_RECORD
            } else {
                0
            };
            assert!(bytes < output_budget(n) + content + 1000 * 2048, "{bytes}");
            eprintln!(
                "{n} bytes in, {bytes} bytes of events out (original content {original_content})"
            );
            assert!(
                out.warnings
                    .iter()
                    .any(|w| w.code == WarningCode::FieldsShared),
                "{:?}",
                out.warnings
            );
            let last = &out.events[999];
            assert_eq!(
                last.get_str("finding.title").map(str::len),
                Some(SHORT_FIELD_BYTES)
            );
            assert!(last.get_str("finding.description").is_none());
        }
    }

    /// Identity fields stay whole in every event: a 30 KB finding id on 1,000 containers
    /// would still be 30 MB of events from 60 KB. That record alone is rejected, by name.
    #[test]
    fn a_record_over_its_hard_bound_is_rejected_by_name() {
        use crate::{ErrorCode, Options, Outcome, transform};
        let containers: Vec<String> = (0..1000).map(|i| format!(r#"{{"name":"c{i}"}}"#)).collect();
        let finding = |id: &str| {
            format!(
                r#"{{"id":"{id}","type":"PrivilegeEscalation:Runtime/DockerSocketAccessed","severity":8,
                "accountId":"111122223333","region":"eu-central-1","updatedAt":"2026-10-14T09:21:40Z",
                "title":"t","resource":{{"resourceType":"EKSCluster","eksClusterDetails":{{"name":"prod"}},
                "kubernetesDetails":{{"kubernetesWorkloadDetails":{{"name":"pod","type":"pods",
                "namespace":"ns","containers":[{}]}}}}}}}}"#,
                containers.join(",")
            )
        };
        let payload = format!("[{},{}]", finding(&"i".repeat(30_000)), finding("short"));
        let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
        match &out.outcomes[0].outcome {
            Outcome::Rejected { error } => {
                assert_eq!(error.code(), ErrorCode::LimitExceeded);
                assert!(
                    error.message().contains(OUTPUT_LIMIT_NAME),
                    "{}",
                    error.message()
                );
                assert_eq!(error.pointer(), Some("/0"));
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
        // The other record is mapped; no event of the rejected one is left.
        assert!(matches!(
            out.outcomes[1].outcome,
            Outcome::Mapped { events: 1000 }
        ));
        assert_eq!(out.events.len(), 1000);
    }

    #[test]
    fn the_budget_is_the_larger_of_c_and_k_times_the_record() {
        assert_eq!(output_budget(0), SHARED_PER_RECORD);
        assert_eq!(output_budget(1000), SHARED_PER_RECORD);
        assert_eq!(output_budget(1 << 20), 16 << 20);
        assert_eq!(output_budget(usize::MAX), usize::MAX);
    }
}
