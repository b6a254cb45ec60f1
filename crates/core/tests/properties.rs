//! Invariants as property tests (docs/robustness.md): whatever records a payload holds,
//! in whatever shape and with whatever options,
//! - every finding event carries the nine fields Dynatrace's apps filter on, a risk level
//!   from the enum and a finite score in 0..=10, and scan events carry no risk, finding,
//!   vulnerability or component field (the checks of `fuzz/src/invariants.rs`, shared with
//!   the fuzz targets);
//! - GuardDuty's score and level follow its bands, clamped to 0..=10 with a warning;
//! - event ids are unique within a call and stable across calls (another batch, other
//!   options, another position);
//! - every input record has exactly one outcome, at its pointer;
//! - the same input gives the same bytes.
//!
//! Records are real ones: every record of the golden corpus that maps, with its ids,
//! severities, times and titles replaced by generated values. Each bug the fuzzing found
//! has its own test at the end, naming its reproducer under `fuzz/regressions/`.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use secmap_core::{Limits, Options, Outcome, Output, WarningCode, split_records, transform};
use serde_json::{Value as Json, json};

#[path = "../../../fuzz/src/invariants.rs"]
mod invariants;

/// A record of the golden corpus that maps, and its provider.
#[derive(Debug, Clone)]
struct Template {
    provider: &'static str,
    record: Json,
}

fn testdata() -> PathBuf {
    secmap_testkit::testdata()
}

fn regression(name: &str) -> Vec<u8> {
    let path = testdata().join("../fuzz/regressions").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every object record of the golden inputs that maps on its own to at least one event.
fn templates() -> &'static [Template] {
    static T: OnceLock<Vec<Template>> = OnceLock::new();
    T.get_or_init(|| {
        let root = testdata();
        let mut records = Vec::new();
        for case in secmap_testkit::load_manifest(&root) {
            let Ok(bytes) = std::fs::read(root.join(&case.input)) else {
                continue;
            };
            // The records as `transform` reads them; a payload failing as a whole has none.
            let Ok(split) = split_records(&bytes, &Limits::default()) else {
                continue;
            };
            records.extend(
                split
                    .iter()
                    .filter_map(|r| r.json.as_deref().ok())
                    .filter_map(|text| serde_json::from_str::<Json>(text).ok()),
            );
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for record in records {
            let text = record.to_string();
            if !seen.insert(text.clone()) {
                continue;
            }
            let Ok(o) = transform("auto", text.as_bytes(), &Options::new()) else {
                continue;
            };
            if let (Outcome::Mapped { events }, Some(p)) =
                (&o.outcomes[0].outcome, o.outcomes[0].provider.as_deref())
                && *events > 0
            {
                let provider = match p {
                    "guardduty" => "guardduty",
                    "defender-alerts" => "defender-alerts",
                    "security-hub" => "security-hub",
                    "inspector" => "inspector",
                    _ => "defender-for-cloud",
                };
                out.push(Template { provider, record });
            }
        }
        // Every provider's mappings are exercised, whatever the corpus size.
        let seen: BTreeSet<&str> = out.iter().map(|t| t.provider).collect();
        let all: BTreeSet<&str> = secmap_core::providers().map(|p| p.id).collect();
        assert_eq!(seen, all, "providers without a mapped golden record");
        out
    })
}

/// The object holding a GuardDuty finding's own fields (`detail` of an envelope).
fn finding_mut(record: &mut Json) -> &mut serde_json::Map<String, Json> {
    let detail = ["detail", "Detail"]
        .into_iter()
        .find(|k| record.get(k).is_some_and(Json::is_object));
    let target = match detail {
        Some(k) => record.get_mut(k).expect("detail"),
        None => record,
    };
    target.as_object_mut().expect("a record is an object")
}

/// Sets `name` or its PascalCase spelling, whichever the object uses.
fn set(o: &mut serde_json::Map<String, Json>, name: &str, value: Json) {
    let pascal = {
        let mut c = name.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase())
            .into_iter()
            .chain(c)
            .collect::<String>()
    };
    let key = if o.contains_key(&pascal) && !o.contains_key(name) {
        pascal
    } else {
        name.to_owned()
    };
    o.insert(key, value);
}

/// What a generated record gets in place of the template's values.
#[derive(Debug, Clone)]
struct Edit {
    id: String,
    severity: Json,
    time: Json,
    title: Option<String>,
}

fn severity() -> impl Strategy<Value = Json> {
    prop_oneof![
        4 => (-2.0f64..12.0).prop_map(|x| json!(x)),
        2 => prop::sample::select(vec![
            0.0, 0.1, 0.9, 1.0, 3.9, 3.95, 4.0, 6.9, 6.99, 7.0, 8.9, 8.99, 9.0, 10.0, 10.0001,
            -0.0, -1.0, 1e308, -1e308, 5e-324,
        ])
        .prop_map(|x| json!(x)),
        1 => any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| json!(x)),
        1 => (0i64..=10).prop_map(|x| json!(x.to_string())),
        1 => Just(Json::Null),
    ]
}

fn time() -> impl Strategy<Value = Json> {
    prop_oneof![
        3 => (1971i32..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60, 0u32..1000)
            .prop_map(|(y, mo, d, h, mi, s, ms)| {
                json!(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z"))
            }),
        1 => (0i64..4_102_444_800).prop_map(|s| json!(s)),
        1 => (0i64..4_102_444_800).prop_map(|s| json!(s as f64 + 0.25)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9:/._-]{1,40}",
        1 => "\\PC{1,30}",
        1 => ("[a-z]{1,8}", 1usize..200).prop_map(|(s, n)| s.repeat(n)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    (text(), severity(), time(), prop::option::of(text())).prop_map(
        |(id, severity, time, title)| Edit {
            id,
            severity,
            time,
            title,
        },
    )
}

/// A template with an edit applied (the id made unique with `unique`).
fn generate(t: &Template, e: &Edit, unique: usize) -> Json {
    let mut r = t.record.clone();
    let id = json!(format!("{}-{unique}", e.id));
    if t.provider == "security-hub" {
        security_hub_edit(&mut r, id, e);
    } else if t.provider == "inspector" {
        // Inspector's level comes from its label; the edit's number is its inspectorScore.
        let f = finding_mut(&mut r);
        let arn = format!(
            "arn:aws:inspector2:us-east-1:123456789012:finding/{}-{unique}",
            e.id
        );
        set(f, "findingArn", json!(arn));
        set(f, "inspectorScore", e.severity.clone());
        set(f, "updatedAt", e.time.clone());
        if let Some(title) = &e.title {
            set(f, "title", json!(title));
        }
    } else if t.provider == "guardduty" {
        let f = finding_mut(&mut r);
        set(f, "id", id);
        set(f, "severity", e.severity.clone());
        set(f, "updatedAt", e.time.clone());
        if let Some(title) = &e.title {
            set(f, "title", json!(title));
        }
    } else if t.provider == "defender-alerts" {
        // The alert's own fields: the record, or `properties` in the ARM shape.
        let o = r.as_object_mut().expect("object");
        let arm = o.get("properties").is_some_and(Json::is_object);
        let a = if arm {
            o.get_mut("properties")
                .and_then(Json::as_object_mut)
                .expect("properties")
        } else {
            o
        };
        set(a, "systemAlertId", id);
        if let Some(title) = &e.title {
            set(a, "alertDisplayName", json!(title));
        }
    } else {
        let o = r.as_object_mut().expect("object");
        set(o, "id", id);
        if let Some(p) = ["properties", "Properties"]
            .into_iter()
            .find(|k| o.get(*k).is_some_and(Json::is_object))
        {
            let p = o[p].as_object_mut().expect("properties");
            set(p, "timeGenerated", e.time.clone());
            if let Some(title) = &e.title {
                set(p, "displayName", json!(title));
            }
        }
    }
    r
}

/// A Security Hub record with the edit applied to every finding (the first keeps the id,
/// the others get it suffixed): ASFF `Id`/`Severity.Normalized`/`UpdatedAt`/`Title`, or
/// OCSF `finding_info.uid`/`severity_id`/`finding_info.modified_time_dt`/`.title`.
fn security_hub_edit(r: &mut Json, id: Json, e: &Edit) {
    let findings: Vec<&mut Json> = match r.pointer_mut("/detail/findings") {
        Some(Json::Array(items)) => items.iter_mut().collect(),
        _ => vec![r],
    };
    for (i, f) in findings.into_iter().enumerate() {
        let id = match (i, id.as_str()) {
            (0, _) | (_, None) => id.clone(),
            (i, Some(s)) => json!(format!("{s}-{i}")),
        };
        let Some(o) = f.as_object_mut() else { continue };
        if o.contains_key("class_uid") {
            o.insert("severity_id".into(), e.severity.clone());
            if let Some(info) = o.get_mut("finding_info").and_then(Json::as_object_mut) {
                info.insert("uid".into(), id);
                info.insert("modified_time_dt".into(), e.time.clone());
                if let Some(title) = &e.title {
                    info.insert("title".into(), json!(title));
                }
            }
        } else {
            o.insert("Id".into(), id);
            o.insert(
                "Severity".into(),
                json!({ "Normalized": e.severity.clone() }),
            );
            o.insert("UpdatedAt".into(), e.time.clone());
            if let Some(title) = &e.title {
                o.insert("Title".into(), json!(title));
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Array,
    Container(&'static str),
    Ndjson,
    EventHubs,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Array),
        prop::sample::select(vec!["records", "findings", "Findings", "value"])
            .prop_map(Shape::Container),
        Just(Shape::Ndjson),
        Just(Shape::EventHubs),
    ]
}

/// The payload, and each record's expected pointer and NDJSON line.
fn assemble(records: &[Json], shape: Shape) -> (String, Vec<(String, Option<u32>)>) {
    let texts: Vec<String> = records.iter().map(Json::to_string).collect();
    let n = records.len();
    match shape {
        Shape::Array => (
            format!("[{}]", texts.join(",")),
            (0..n).map(|i| (format!("/{i}"), None)).collect(),
        ),
        Shape::Container(k) => (
            format!("{{\"{k}\":[{}]}}", texts.join(",")),
            (0..n).map(|i| (format!("/{k}/{i}"), None)).collect(),
        ),
        Shape::Ndjson => {
            // One record alone is a plain single-record payload.
            let lines = |i: usize| (n > 1).then_some(u32::try_from(i + 1).expect("small"));
            (
                texts.join("\n") + "\n",
                (0..n).map(|i| (String::new(), lines(i))).collect(),
            )
        }
        Shape::EventHubs => (
            serde_json::to_string(&texts).expect("strings"),
            (0..n).map(|i| (format!("/{i}"), None)).collect(),
        ),
    }
}

fn options() -> impl Strategy<Value = Options> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u32..400),
        prop::option::of(Just("2026-11-22T11:00:00+01:00")),
        prop::option::of(64u32..300),
    )
        .prop_map(|(original, report, cap, now, max_string)| {
            let mut o = Options::new()
                .original_content(original)
                .report_unmapped(report);
            if let Some(cap) = cap {
                o = o.original_content_max_bytes(cap);
            }
            if let Some(now) = now {
                o = o.now(now);
            }
            if let Some(m) = max_string {
                o.limits.max_string_bytes = m;
            }
            o
        })
}

fn batch() -> impl Strategy<Value = Vec<(usize, Edit)>> {
    prop::collection::vec((0..templates().len(), edit()), 1..8)
}

/// Finding events' ids, per record.
fn finding_ids(out: &Output) -> Vec<Vec<String>> {
    let mut at = 0;
    let mut per_record = Vec::new();
    for o in &out.outcomes {
        let n = match o.outcome {
            Outcome::Mapped { events } => events as usize,
            _ => 0,
        };
        per_record.push(
            out.events[at..at + n]
                .iter()
                .filter(|e| e.event_type().is_some_and(|t| t.is_finding()))
                .map(|e| e.get_str("event.id").expect("id").to_owned())
                .collect(),
        );
        at += n;
    }
    per_record
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The shared invariants, one outcome per record at its pointer, and determinism.
    #[test]
    fn every_record_has_one_outcome_and_every_event_keeps_the_invariants(
        batch in batch(), shape in shape(), options in options(), provider in prop::sample::select(vec!["auto", "guardduty", "defender-for-cloud", "defender-alerts", "inspector", "security-hub"]),
    ) {
        let records: Vec<Json> = batch
            .iter()
            .enumerate()
            .map(|(i, (t, e))| generate(&templates()[*t], e, i))
            .collect();
        let (payload, expected) = assemble(&records, shape);
        let out = invariants::run(provider, payload.as_bytes(), &options)
            .unwrap_or_else(|e| panic!("the payload failed as a whole: {e}"));
        prop_assert_eq!(out.outcomes.len(), records.len(), "records lost or invented");
        for (o, (pointer, line)) in out.outcomes.iter().zip(&expected) {
            prop_assert_eq!(&o.pointer, pointer);
            prop_assert_eq!(o.line, *line);
        }
        // A record of the other provider is rejected, never silently mapped or dropped.
        for ((o, (t, _)), r) in out.outcomes.iter().zip(&batch).zip(&records) {
            let mine = provider == "auto" || templates()[*t].provider == provider;
            match &o.outcome {
                Outcome::Rejected { .. } | Outcome::Skipped { .. } => {}
                Outcome::Mapped { .. } => prop_assert!(mine, "{provider} mapped {r}"),
            }
        }
        let again = transform(provider, payload.as_bytes(), &options).expect("same again");
        prop_assert_eq!(out.events_json(), again.events_json());
        prop_assert_eq!(&out.outcomes, &again.outcomes);
        prop_assert_eq!(&out.warnings, &again.warnings);
    }

    /// Ids are unique within a call (distinct findings) and stable across calls: mapping a
    /// record alone, elsewhere in a batch, or with other options gives it the same ids.
    #[test]
    fn event_ids_are_unique_within_a_call_and_stable_across_calls(
        batch in batch(), options in options(), shape in shape(),
    ) {
        let records: Vec<Json> = batch
            .iter()
            .enumerate()
            .map(|(i, (t, e))| generate(&templates()[*t], e, i))
            .collect();
        let (payload, _) = assemble(&records, shape);
        let out = invariants::run("auto", payload.as_bytes(), &options).expect("maps");
        let ids = finding_ids(&out);
        let mut seen = HashSet::new();
        for id in ids.iter().flatten() {
            prop_assert!(seen.insert(id.clone()), "event id {} twice in one call", id);
        }
        // Each record alone, with the default options: the same finding ids.
        for (i, r) in records.iter().enumerate() {
            let alone = transform("auto", r.to_string().as_bytes(), &Options::new()).expect("maps");
            prop_assert_eq!(&finding_ids(&alone)[0], &ids[i], "record {} changed its ids", i);
        }
        // The batch reversed: the same ids, reversed.
        let reversed: Vec<Json> = records.iter().rev().cloned().collect();
        let (payload, _) = assemble(&reversed, Shape::Array);
        let back = transform("auto", payload.as_bytes(), &options).expect("maps");
        let mut back_ids = finding_ids(&back);
        back_ids.reverse();
        prop_assert_eq!(back_ids, ids);
    }

    /// GuardDuty: the score is the severity clamped to 0..=10 (with a warning when it had
    /// to be), the level follows GuardDuty's bands.
    #[test]
    fn guardduty_scores_follow_the_bands(
        t in prop::sample::select(templates().iter().filter(|t| t.provider == "guardduty").cloned().collect::<Vec<_>>()),
        e in edit(),
    ) {
        let r = generate(&t, &e, 0);
        let out = invariants::run("guardduty", r.to_string().as_bytes(), &Options::new()).expect("maps");
        let Outcome::Mapped { .. } = out.outcomes[0].outcome else {
            // A severity string that is not a number is rejected; nothing else is.
            prop_assert!(e.severity.is_string(), "{:?}", out.outcomes[0]);
            return Ok(());
        };
        let given = match &e.severity {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.parse().ok(),
            _ => None,
        };
        for ev in &out.events {
            let score = ev.get_num("dt.security.risk.score").expect("score");
            let level = ev.get_str("dt.security.risk.level").expect("level");
            let want = given.map_or(0.0, |g| g.clamp(0.0, 10.0));
            // Within an ulp or two: serde_json (without `float_roundtrip`) may read a
            // 17-digit number one ulp off; see docs/robustness.md.
            prop_assert!((score - want).abs() <= want.abs() * 4.0 * f64::EPSILON, "score {} for {}", score, want);
            let band = match score {
                s if s >= 9.0 => "CRITICAL",
                s if s >= 7.0 => "HIGH",
                s if s >= 4.0 => "MEDIUM",
                s if s > 0.0 => "LOW",
                _ => "NONE",
            };
            prop_assert_eq!(level, band, "score {}", score);
        }
        let clamped = out.warnings.iter().any(|w| w.code == WarningCode::SeverityOutOfRange);
        prop_assert_eq!(clamped, given.is_some_and(|g| !(0.0..=10.0).contains(&g)));
    }
}

/// The golden corpus keeps the invariants too, under its own options, and every case
/// gives what its golden report says: the payload-level error, or as many events as its
/// records mapped to (exact, from the reports, not a minimum).
#[test]
fn every_golden_case_keeps_the_invariants() {
    let root = testdata();
    for case in secmap_testkit::corpus(&root) {
        let bytes = std::fs::read(root.join(&case.input)).expect("input");
        let options: Options = serde_json::from_value(case.options.clone()).expect("options");
        let report: Json = serde_json::from_str(
            &std::fs::read_to_string(root.join(&case.report)).expect("golden report"),
        )
        .expect("JSON report");
        match invariants::run(&case.provider, &bytes, &options) {
            Ok(out) => {
                assert!(
                    report.get("error").is_none(),
                    "{}: expected an error",
                    case.name
                );
                let mapped_events: u64 = report["outcomes"]
                    .as_array()
                    .expect("outcomes")
                    .iter()
                    .filter_map(|o| o["events"].as_u64())
                    .sum();
                assert_eq!(out.events.len() as u64, mapped_events, "{}", case.name);
                if let Some(n) = invariants::obvious_record_count(&bytes) {
                    assert_eq!(out.outcomes.len(), n, "{}", case.name);
                }
            }
            Err(e) => assert!(
                report.get("error").is_some(),
                "{}: unexpected error {e:?}",
                case.name
            ),
        }
    }
}

/// The crash inputs the fuzzers found, once fixed: none may panic or break an invariant.
/// (Each known bug also has its own test below.)
#[test]
fn fixed_regressions_keep_the_invariants() {
    let dir = testdata().join("../fuzz/regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let known = KNOWN_BUGS
            .lines()
            .any(|b| !b.trim().is_empty() && name.starts_with(b.trim()));
        if known || name.ends_with(".txt") || name.ends_with(".md") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("regression input");
        for provider in [
            "auto",
            "guardduty",
            "defender-for-cloud",
            "defender-alerts",
            "inspector",
            "security-hub",
        ] {
            invariants::run(provider, &bytes, &Options::new()).ok();
        }
    }
}

/// Regression inputs of bugs not fixed yet, one name prefix a line; each has an
/// `#[ignore]`d test below. Remove a name when its bug is fixed, and un-ignore its test (the
/// xtask fuzz seeding reads the same list).
const KNOWN_BUGS: &str = include_str!("../../../fuzz/regressions/KNOWN_BUGS.txt");

/// Was a bug, fixed: `limits.maxStringBytes` (then valid from 16) also cut fixed and
/// derived fields: `event.id` (36 bytes) lost its tail, so ids were no UUIDs and collided;
/// below 27 even `event.name`, below 22 `event.type`. Now only strings from the payload are
/// cut, never `event.id`, and the limit is at least 64 (timestamps are at most 30 bytes).
/// Reproducer: fuzz/regressions/max-string-bytes-cuts-event-id.json.
#[test]
fn max_string_bytes_never_cuts_event_ids_or_types() {
    let payload = regression("max-string-bytes-cuts-event-id.json");
    let mut options = Options::new();
    options.limits.max_string_bytes = secmap_core::MIN_STRING_BYTES - 1;
    let e = transform("auto", &payload, &options).expect_err("below the minimum");
    assert_eq!(e.code(), secmap_core::ErrorCode::InvalidOptions);
    options.limits.max_string_bytes = secmap_core::MIN_STRING_BYTES;
    let out = transform("auto", &payload, &options).expect("maps");
    for e in &out.events {
        let id = e.get_str("event.id").expect("id");
        assert!(invariants::is_uuid(id), "event.id {id:?}");
        assert!(
            e.event_type().is_some(),
            "event.type {:?}",
            e.get_str("event.type")
        );
    }
    let ids: HashSet<&str> = out
        .events
        .iter()
        .filter_map(|e| e.get_str("event.id"))
        .collect();
    assert_eq!(ids.len(), out.events.len(), "cut ids collide");
}

/// Was a bug, fixed: the parts of a name-based event id are joined with U+001F, which a finding id or
/// resource id may contain: two different findings can be given the same `event.id`, and
/// Dynatrace keeps only one of them. Here finding `F\u001f<arn of i-1>` on instance i-2
/// and finding `F` on instance `i-1\u001f<arn of i-2>` share one id.
/// Reproducer: fuzz/regressions/event-id-separator-collision.json.
#[test]
fn different_findings_never_share_an_event_id() {
    let payload = regression("event-id-separator-collision.json");
    let out = transform("guardduty", &payload, &Options::new()).expect("maps");
    assert_eq!(out.events.len(), 2);
    let (a, b) = (&out.events[0], &out.events[1]);
    assert_ne!(a.get_str("finding.id"), b.get_str("finding.id"));
    assert_ne!(
        a.get_str("event.id"),
        b.get_str("event.id"),
        "two findings, one id"
    );
}

/// Was a bug, fixed: `event.original_content` (on and uncapped by default) is the whole record, copied
/// into every event of that record: a GuardDuty EKS finding listing 2,000 containers
/// (59 KB) yields 2,000 events of 59 KB each, 118 MB of output (~125 MB peak natively);
/// 6,000 containers (175 KB) take 1 GB and 1.2 s. Memory and output grow with the square
/// of the input, under every limit (`maxEvents` 250,000 never trips). A 1 MB record would
/// need ~35 GB: the native process aborts, the component runs out of memory.
/// Reproducer: fuzz/regressions/original-content-per-container-quadratic.json.
#[test]
fn output_grows_linearly_with_the_input() {
    let payload = regression("original-content-per-container-quadratic.json");
    let out = transform("guardduty", &payload, &Options::new()).expect("maps");
    let bytes = out.events_json().len();
    assert!(
        bytes <= 64 * payload.len() + 1024 * 1024,
        "{} bytes in, {bytes} bytes of events out ({} events)",
        payload.len(),
        out.events.len()
    );
}

/// Was a bug at 9bd3072 (fixed by 66da350, which checks the depth per parsed record):
/// `limits.maxDepth` was checked on the payload text only, so a message body (a JSON
/// string inside an Event Hubs batch) nested 101 levels was read anyway.
/// Reproducer: fuzz/regressions/max-depth-not-applied-to-message-bodies.json.
#[test]
fn max_depth_applies_to_message_bodies() {
    let payload = regression("max-depth-not-applied-to-message-bodies.json");
    match transform("auto", &payload, &Options::new()) {
        Err(e) => assert!(e.message().contains("maxDepth"), "{e}"),
        Ok(out) => match &out.outcomes[0].outcome {
            Outcome::Rejected { error } => {
                assert!(error.message().contains("maxDepth"), "{error}")
            }
            other => panic!("a body nested 101 deep was read: {other:?}"),
        },
    }
}

/// Was a bug, fixed: a GuardDuty finding with no account id (neither `accountId` nor an envelope's
/// `account`) and no usable resource maps to an event whose `object.id` and `object.name`
/// are "" (`object.type` AwsAccount): one of the nine required fields is empty, and every
/// such finding's event id is derived from the same empty object. It should be rejected
/// (`missing-field`, pointing at `/accountId`) or get a non-empty derived object id.
/// Reproducer: fuzz/regressions/guardduty-no-account-empty-object-id.json (found by
/// fuzz_transform_auto in 2.5 minutes).
#[test]
fn a_finding_never_has_an_empty_object_id() {
    let payload = regression("guardduty-no-account-empty-object-id.json");
    let out = transform("auto", &payload, &Options::new()).expect("readable");
    for e in &out.events {
        assert!(
            e.get_str("object.id").is_some_and(|s| !s.is_empty()),
            "{}",
            e.to_json()
        );
    }
}

/// Was a bug (minor), fixed: a GuardDuty finding that lists the same container twice (same name and
/// image in one pod, which Kubernetes does not allow, so only a crafted or broken record)
/// yields the same event twice: `mapped(2)`, two events with one `event.id`, of which
/// Dynatrace keeps one, so the host's "sent" count overstates what was stored. One event
/// per distinct affected object was due. The same holds for an S3 bucket listed twice.
/// Reproducer: fuzz/regressions/guardduty-duplicate-containers-duplicate-events.json.
#[test]
fn one_event_per_distinct_affected_object() {
    let payload = regression("guardduty-duplicate-containers-duplicate-events.json");
    let out = transform("guardduty", &payload, &Options::new()).expect("maps");
    let ids: HashSet<&str> = out
        .events
        .iter()
        .filter_map(|e| e.get_str("event.id"))
        .collect();
    assert_eq!(
        ids.len(),
        out.events.len(),
        "{} events, {} ids",
        out.events.len(),
        ids.len()
    );
}

/// Was a bug in the fuzz oracle, not in the core: the structured fuzzer counted an Event
/// Hubs message body holding an Azure Resource Graph page (`{"data": [...]}`) as one
/// record, while the core (rightly) gives each of the page's rows its outcome. Found by
/// `fuzz_structured` in CI. Reproducer:
/// fuzz/regressions/eventhubs-body-holding-a-resource-graph-page.json (an alert, a
/// `{"sample": null}` body and a page of four recommendation rows).
#[test]
fn an_event_hubs_body_holding_a_resource_graph_page_gives_each_row_an_outcome() {
    let payload = regression("eventhubs-body-holding-a-resource-graph-page.json");
    let out = invariants::run("auto", &payload, &Options::new()).expect("maps");
    let outcomes: Vec<(&str, &str)> = out
        .outcomes
        .iter()
        .map(|o| {
            let kind = match &o.outcome {
                Outcome::Mapped { .. } => "mapped",
                Outcome::Skipped { .. } => "skipped",
                Outcome::Rejected { .. } => "rejected",
            };
            (o.pointer.as_str(), kind)
        })
        .collect();
    // The alert is rejected for its mutated `CompromisedEntity` (a number), the sample body
    // is no finding; each row of the page is accounted for on its own.
    assert_eq!(
        outcomes,
        [
            ("/0", "rejected"),
            ("/1", "rejected"),
            ("/2/data/0", "mapped"),
            ("/2/data/1", "mapped"),
            ("/2/data/2", "mapped"),
            ("/2/data/3", "skipped"),
        ]
    );
    assert_eq!(out.events.len(), 7);
}

/// Was a bug: a Security Hub EventBridge event listing one finding twice in
/// `detail.findings` (found by `fuzz_structured`, which duplicates array items) yielded each
/// of its events twice, with one `event.id`: `mapped(4)` for two distinct events. Every record
/// now keeps one event per id (run.rs `distinct_ids`), for every provider. Reproducer:
/// fuzz/regressions/security-hub-same-finding-twice-duplicate-events.json (the golden case
/// `security-hub/ocsf-v2-vulnerability` with its finding twice); golden case
/// `security-hub/same-finding-twice`.
#[test]
fn a_record_listing_one_finding_twice_yields_its_events_once() {
    let payload = regression("security-hub-same-finding-twice-duplicate-events.json");
    let once = std::fs::read(testdata().join("cases/security-hub/ocsf-v2-vulnerability.json"))
        .expect("golden input");
    let options = Options::new().original_content(false);
    let twice = invariants::run("security-hub", &payload, &options).expect("maps");
    let once = invariants::run("security-hub", &once, &options).expect("maps");
    assert_eq!(twice.events.len(), 2);
    assert!(matches!(
        twice.outcomes[0].outcome,
        Outcome::Mapped { events: 2 }
    ));
    assert_eq!(twice.events_json(), once.events_json());
}
