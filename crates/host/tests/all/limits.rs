//! The limits through the component in wasmtime (docs/robustness.md): a real-ish 10 MB
//! payload maps within the documented guest memory limit, and each hostile payload (over
//! the payload limit, too deep, too many records, too many events, too long strings) gets a
//! typed error naming its limit or a typed host error, never a trap; the same `Mapper`
//! keeps working afterwards.

use std::time::Duration;

use secmap_host::{HostError, Limits, Mapper, Options, default_options, wit};

use crate::mapper;

/// The guest memory limit docs/robustness.md recommends for payloads up to 10 MB.
const MEMORY_FOR_10_MB: usize = 64 * 1024 * 1024;

/// Generous enough that the tests measure memory, not the machine's load.
const TIMEOUT: Duration = Duration::from_secs(120);

fn limited(memory_bytes: usize) -> Mapper {
    mapper().with_limits(Limits {
        memory_bytes,
        timeout: TIMEOUT,
    })
}

fn limits(f: impl FnOnce(&mut wit::Limits)) -> Options {
    let mut l = wit::Limits {
        max_payload_bytes: None,
        max_records: None,
        max_depth: None,
        max_string_bytes: None,
        max_events: None,
        max_output_bytes: None,
    };
    f(&mut l);
    Options {
        limits: Some(l),
        ..default_options()
    }
}

fn maps_normally(m: &Mapper) {
    let example = m.providers().expect("providers")[0].examples[0]
        .payload
        .clone();
    let out = m
        .transform("auto", example.as_bytes(), &default_options())
        .expect("maps after the hostile call");
    assert!(!out.events.is_empty());
}

/// The component's own typed error, `limit-exceeded`, naming `limit`.
fn assert_limit(result: Result<wit::Output, HostError>, limit: &str) {
    match result {
        Err(HostError::Transform(e)) => {
            assert_eq!(e.code, wit::ErrorCode::LimitExceeded, "{e:?}");
            assert!(
                e.message.contains(limit),
                "{limit} not named: {}",
                e.message
            );
        }
        Err(other) => panic!("expected limit-exceeded ({limit}), got {other}"),
        Ok(out) => panic!(
            "expected limit-exceeded ({limit}), got {} outcomes",
            out.outcomes.len()
        ),
    }
}

/// Every mapped record of the golden corpus's GuardDuty and Defender samples.
fn real_records() -> Vec<String> {
    let root = secmap_testkit::testdata();
    let mut records = Vec::new();
    for case in secmap_testkit::load_manifest(&root) {
        if !case.name.starts_with("samples/") {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&case.input)).expect("input");
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let items = match v {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(ref o) => match ["value", "findings", "records"]
                .iter()
                .find_map(|k| o.get(*k).and_then(|v| v.as_array()))
            {
                Some(a) => a.clone(),
                None => vec![v],
            },
            _ => continue,
        };
        records.extend(
            items
                .into_iter()
                .filter(|i| i.is_object())
                .map(|i| i.to_string()),
        );
    }
    assert!(records.len() > 20, "{} sample records", records.len());
    records
}

/// A JSON array of real findings of both providers, each with its own id, of `bytes`.
fn real_payload(bytes: usize) -> (String, usize) {
    let records = real_records();
    let mut out = String::with_capacity(bytes + 64 * 1024);
    out.push('[');
    let mut n = 0;
    while out.len() < bytes {
        let r = &records[n % records.len()];
        if n > 0 {
            out.push(',');
        }
        // A distinct finding per copy: suffix every id.
        out.push_str(&r.replace("\"id\":\"", &format!("\"id\":\"{n}-")));
        n += 1;
    }
    out.push(']');
    (out, n)
}

#[test]
fn a_10_mb_payload_maps_within_the_documented_memory_limit() {
    let (payload, records) = real_payload(10 * 1000 * 1000);
    let out = limited(MEMORY_FOR_10_MB)
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap_or_else(|e| panic!("10 MB under {MEMORY_FOR_10_MB} bytes: {e}"));
    assert_eq!(out.outcomes.len(), records);
    // Exactly what the native core makes of the same payload (events byte for byte,
    // outcomes and warnings), not "most of them mapped". Some copies are rejected: the id
    // suffix also lands on ids that must be ARM paths.
    let native = secmap_core::transform("auto", payload.as_bytes(), &secmap_core::Options::new())
        .expect("native");
    assert_eq!(
        secmap_host::json::report_json(&out),
        serde_json::to_value(native.report()).expect("report")
    );
    assert_eq!(out.events.len(), native.events.len());
    assert!(
        out.events
            .iter()
            .zip(&native.events)
            .all(|(w, n)| *w == n.to_json())
    );
    let counts = secmap_host::json::counts(&out);
    assert!(counts.mapped > 0 && counts.events > 0, "{counts:?}");
}

/// The guest memory (MiB) docs/robustness.md gives for the 10 MB row whose payload cell
/// starts with `row`.
fn documented_mib(row: &str) -> usize {
    let path = crate::workspace_root().join("docs/robustness.md");
    let doc = std::fs::read_to_string(&path).expect("docs/robustness.md");
    let line = doc
        .lines()
        .find(|l| l.starts_with(&format!("| {row} |")))
        .unwrap_or_else(|| panic!("docs/robustness.md has no row `{row}`"));
    line.split('|')
        .find_map(|cell| cell.trim().strip_suffix(" MiB")?.parse().ok())
        .unwrap_or_else(|| panic!("no MiB figure in {line:?}"))
}

/// The 10 MB rows of docs/robustness.md (smallest memory limits, measured by bisection
/// before issue 12 lowered them): the same payload maps under each figure, with the same
/// events as under the recommended limit. Was an ignored bisection that only printed.
#[test]
fn the_documented_memory_for_10_mb_suffices() {
    let (payload, records) = real_payload(10 * 1000 * 1000);
    let mib = 1024 * 1024;
    for (row, options) in [
        ("10 MB of real findings, default options", default_options()),
        (
            "10 MB of real findings, `originalContent: false`",
            Options {
                original_content: Some(false),
                ..default_options()
            },
        ),
    ] {
        let want = limited(MEMORY_FOR_10_MB)
            .transform("auto", payload.as_bytes(), &options)
            .expect("maps under the recommended limit");
        let documented = documented_mib(row);
        let got = limited(documented * mib)
            .transform("auto", payload.as_bytes(), &options)
            .unwrap_or_else(|e| panic!("{row}: not under the documented {documented} MiB: {e}"));
        assert_eq!(got.outcomes.len(), records, "{row}");
        assert!(
            got.events == want.events,
            "{row}: other events under {documented} MiB"
        );
    }
}

#[test]
fn a_payload_over_max_payload_bytes_is_refused_by_name() {
    // 70 MB: over the default 64 MiB, and copied into the guest under the default memory.
    let payload = format!("[{}]", "{},".repeat(70 * 1000 * 1000 / 3));
    let payload = payload.replace(",]", "]");
    assert_limit(
        mapper().transform("auto", payload.as_bytes(), &default_options()),
        "maxPayloadBytes",
    );
    // A host that sets a smaller limit gets it named too.
    let (small, _) = real_payload(2 * 1000 * 1000);
    let options = limits(|l| l.max_payload_bytes = Some(1024 * 1024));
    assert_limit(
        limited(MEMORY_FOR_10_MB).transform("auto", small.as_bytes(), &options),
        "maxPayloadBytes",
    );
    maps_normally(mapper());
}

#[test]
fn a_60_mb_payload_under_the_10_mb_memory_limit_is_out_of_memory_not_a_trap() {
    // The payload is copied into the guest before the core can look at it: under 64 MiB,
    // 60 MB of real findings cannot be mapped. The host gets a typed error, not a trap.
    let (payload, _) = real_payload(60 * 1000 * 1000);
    let m = limited(MEMORY_FOR_10_MB);
    match m.transform("auto", payload.as_bytes(), &default_options()) {
        Err(HostError::OutOfMemory { limit }) => assert_eq!(limit, MEMORY_FOR_10_MB),
        Err(HostError::Transform(e)) if e.code == wit::ErrorCode::LimitExceeded => {
            assert!(e.message.contains("maxPayloadBytes"), "{}", e.message);
        }
        other => panic!(
            "expected out-of-memory or limit-exceeded, got {:?}",
            other.map(|o| o.outcomes.len())
        ),
    }
    maps_normally(&m);
}

/// `batch` (two records) maps; its first record is rejected naming `maxDepth`.
fn first_of_two_rejected_naming_max_depth(batch: &str) {
    let out = mapper()
        .transform("auto", batch.as_bytes(), &default_options())
        .expect("the batch maps");
    assert_eq!(out.outcomes.len(), 2);
    match &out.outcomes[0].outcome {
        wit::Outcome::Rejected(e) => {
            assert_eq!(e.code, wit::ErrorCode::LimitExceeded, "{e:?}");
            assert!(e.message.contains("maxDepth"), "{}", e.message);
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn deep_nesting_is_refused_by_name_at_its_position() {
    // A million levels in 2 MB, in a record: the parser's guard (128 levels) stops it
    // early, and the error names the limit and where it was crossed. Never a stack
    // overflow in the guest, also with the option lifted.
    let depth = 1_000_000;
    let nested = "[".repeat(depth) + &"]".repeat(depth);
    let record = format!(r#"{{"a":{nested}}}"#);
    for options in [default_options(), limits(|l| l.max_depth = Some(u32::MAX))] {
        match mapper().transform("auto", record.as_bytes(), &options) {
            Err(HostError::Transform(e)) => {
                assert_eq!(e.code, wit::ErrorCode::LimitExceeded, "{e:?}");
                assert!(e.message.contains("maxDepth"), "{}", e.message);
                assert_eq!(e.line, Some(1));
                assert!(e.column.is_some_and(|c| c <= 140), "{e:?}");
            }
            other => panic!("expected limit-exceeded, got {:?}", other.map(|_| ())),
        }
    }
    // The same inside a batch: that record alone is rejected, naming the limit.
    let batch = format!(r#"[{record},{{"a":1}}]"#);
    first_of_two_rejected_naming_max_depth(&batch);
    // Bare nested arrays: not a record at all, rejected as such (skipped over, not parsed).
    let out = mapper()
        .transform("auto", nested.as_bytes(), &default_options())
        .expect("typed");
    assert_eq!(out.outcomes.len(), 1);
    assert!(matches!(out.outcomes[0].outcome, wit::Outcome::Rejected(_)));
    // Within the parser's guard but over `maxDepth` (64): that record alone is rejected.
    let record = format!(
        r#"{{"type":"x","a":{}1{}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let batch = format!("[{record},{{\"a\":1}}]");
    first_of_two_rejected_naming_max_depth(&batch);
    // Deep nesting inside an Event Hubs message body: that record alone is rejected.
    let body = "[".repeat(100_000) + &"]".repeat(100_000);
    let batch = serde_json::to_string(&[body.as_str(), "{\"a\":1}"]).expect("json");
    let out = mapper()
        .transform("auto", batch.as_bytes(), &default_options())
        .expect("the batch maps");
    assert_eq!(out.outcomes.len(), 2);
    assert!(matches!(out.outcomes[0].outcome, wit::Outcome::Rejected(_)));
    maps_normally(mapper());
}

#[test]
fn two_million_records_are_refused_by_name() {
    // 6 MB: far under the payload limit, twenty times the records limit.
    let payload = format!("[{}{{}}]", "{},".repeat(2_000_000 - 1));
    match mapper().transform("auto", payload.as_bytes(), &default_options()) {
        Err(HostError::Transform(e)) => {
            assert_eq!(e.code, wit::ErrorCode::LimitExceeded, "{e:?}");
            assert!(e.message.contains("maxRecords"), "{}", e.message);
        }
        other => panic!("expected limit-exceeded, got {:?}", other.map(|_| ())),
    }
    maps_normally(mapper());
}

/// Was a bug (fuzz/regressions/max-records-checked-after-materializing.json), fixed: the
/// records limit was checked only after every record (with its pointer and, for bad ones, its error) was
/// built: 240 KB of Event Hubs bodies holding arrays of numbers (120,000 would-be records)
/// took ~40 MB natively and exhausted a 24 MiB guest even with `maxRecords` 10,000,
/// instead of failing with `maxRecords` once the 10,001st record turned up. Natively,
/// 2,000,000 `{}` (6 MB) peaked at ~490 MB before the error.
#[test]
fn the_records_limit_is_checked_before_the_records_are_built() {
    let payload = std::fs::read(
        secmap_testkit::testdata()
            .join("../fuzz/regressions/max-records-checked-after-materializing.json"),
    )
    .expect("regression");
    let options = limits(|l| l.max_records = Some(10_000));
    assert_limit(
        limited(24 * 1024 * 1024).transform("auto", &payload, &options),
        "maxRecords",
    );
}

#[test]
fn too_many_events_are_refused_by_name() {
    // 40 findings (one event each, plus a scan per Defender image) over a limit of 10.
    let (payload, _) = real_payload(200 * 1000);
    let options = limits(|l| l.max_events = Some(10));
    assert_limit(
        limited(MEMORY_FOR_10_MB).transform("auto", payload.as_bytes(), &options),
        "maxEvents",
    );
    let options = limits(|l| l.max_records = Some(3));
    assert_limit(
        limited(MEMORY_FOR_10_MB).transform("auto", payload.as_bytes(), &options),
        "maxRecords",
    );
    maps_normally(mapper());
}

#[test]
fn a_long_string_is_cut_with_a_warning_not_refused() {
    // A 1 MB finding title: the event gets 32 KiB of it, and a warning says so.
    let record = format!(
        r#"{{"id":"f1","type":"Recon:EC2/Portscan","severity":5,"accountId":"123456789012","region":"us-east-1","updatedAt":"2026-01-01T00:00:00Z","title":"{}","resource":{{"resourceType":"Instance","instanceDetails":{{"instanceId":"i-1"}}}}}}"#,
        "é".repeat(512 * 1024)
    );
    let out = mapper()
        .transform("guardduty", record.as_bytes(), &default_options())
        .expect("maps");
    let event: serde_json::Value = serde_json::from_str(&out.events[0]).expect("event");
    let title = event["finding.title"].as_str().expect("title");
    assert!(
        title.len() <= 32 * 1024 && title.len() > 32 * 1024 - 4,
        "{}",
        title.len()
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.code == wit::WarningCode::StringTruncated
                && w.message.contains("finding.title")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn invalid_options_are_typed() {
    let options = limits(|l| l.max_records = Some(0));
    match mapper().transform("auto", b"{}", &options) {
        Err(HostError::Transform(e)) => assert_eq!(e.code, wit::ErrorCode::InvalidOptions),
        other => panic!("expected invalid-options, got {:?}", other.map(|_| ())),
    }
}

/// fuzz/regressions/original-content-per-container-quadratic.json: 59 KB, one GuardDuty
/// finding listing 2,000 containers, 2,000 events each carrying the whole record (~150 MB
/// of output), out of memory in the then default 256 MiB. Fixed by the original content's
/// budget (see crates/core/tests/properties.rs).
#[test]
fn thousands_of_containers_in_one_finding_map_with_the_original_content_shared() {
    let payload = std::fs::read(
        secmap_testkit::testdata()
            .join("../fuzz/regressions/original-content-per-container-quadratic.json"),
    )
    .expect("regression");
    // The regression names its container (`resource.containerDetails`), so since mapping
    // 2.0.0 it yields that one container's event. Without the name the finding fans out to
    // every container of the pod, which is what this test is about.
    let mut finding: serde_json::Value = serde_json::from_slice(&payload).expect("JSON");
    finding["detail"]["resource"]
        .as_object_mut()
        .expect("resource")
        .remove("containerDetails");
    let payload = serde_json::to_vec(&finding).expect("JSON");
    // 59 KB, 2,000 containers: a copy per event would be 118 MB. The record's copies stop
    // at 1 MiB (17 events), with a warning, and the output stays linear in the input.
    let out = mapper()
        .transform("guardduty", &payload, &default_options())
        .expect("maps");
    assert_eq!(out.events.len(), 2000);
    let with_content = out
        .events
        .iter()
        .filter(|e| e.contains("\"event.original_content\""))
        .count();
    assert_eq!(with_content, 17);
    assert!(out.events[0].contains("\"event.original_content\""));
    assert!(!out.events[17].contains("\"event.original_content\""));
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(
        out.warnings[0].code,
        wit::WarningCode::OriginalContentShared
    );
    let bytes: usize = out.events.iter().map(String::len).sum();
    assert!(bytes < 8 * 1024 * 1024, "{bytes} bytes of events");
    // With the original content capped, each event carries its capped copy.
    let capped = Options {
        original_content_max_bytes: Some(256),
        ..default_options()
    };
    let out = mapper()
        .transform("guardduty", &payload, &capped)
        .expect("maps with a cap");
    assert_eq!(out.events.len(), 2000);
    assert!(
        out.events
            .iter()
            .all(|e| e.contains("\"event.original_content\""))
    );
    maps_normally(mapper());
}

// ---------------------------------------------------------------------------------------
// Payloads at the core's default limits, built here (not committed): each maps under the
// default `Limits` (memory sized from the core's limits), and one over each limit fails
// naming it.

/// One bare GuardDuty finding of about 440 bytes, distinct per `n`.
fn small_finding(n: usize) -> String {
    format!(
        r#"{{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"small-{n:08}","arn":"arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/small-{n:08}","type":"Recon:EC2/Portscan","resource":{{"resourceType":"Instance","instanceDetails":{{"instanceId":"i-{n:017x}"}}}},"severity":5,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","title":"Unusual outbound port scan from EC2 instance i-{n:017x}."}}"#
    )
}

/// A JSON array of `records` small findings.
fn small_findings(records: usize) -> String {
    let mut out = String::with_capacity(records * 460 + 2);
    out.push('[');
    for n in 0..records {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&small_finding(n));
    }
    out.push(']');
    out
}

/// `findings` GuardDuty EKS findings on pods of `containers` containers each: one event
/// per container.
fn fanned_out(findings: usize, containers: usize) -> String {
    let list: Vec<String> = (0..containers)
        .map(|c| format!(r#"{{"name":"c{c}","image":"registry.example/app:{c}"}}"#))
        .collect();
    let list = list.join(",");
    let mut out = String::from("[");
    for n in 0..findings {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"accountId":"123456789012","region":"us-east-1","id":"pod-{n:06}","type":"PrivilegeEscalation:Runtime/DockerSocketAccessed","severity":8,"updatedAt":"2026-01-01T00:00:00Z","title":"Docker socket accessed","resource":{{"resourceType":"EKSCluster","eksClusterDetails":{{"name":"prod"}},"kubernetesDetails":{{"kubernetesWorkloadDetails":{{"name":"pod-{n}","type":"pods","namespace":"ns","containers":[{list}]}}}}}}}}"#
        ));
    }
    out.push(']');
    out
}

/// Like [`fanned_out`], with a title and a description of `text` bytes each: the events
/// of a finding share them in memory, their JSON repeats them (bug 3's sibling).
fn fanned_out_long_text(findings: usize, containers: usize, text: usize) -> String {
    let title = format!(
        r#""title":"{}","description":"{}""#,
        "T".repeat(text),
        "D".repeat(text)
    );
    fanned_out(findings, containers).replace(r#""title":"Docker socket accessed""#, &title)
}

/// The default limits of the core.
const MAX_PAYLOAD: usize = 64 * 1024 * 1024;
const MAX_RECORDS: usize = 100_000;
const MAX_EVENTS: usize = 250_000;

fn events_of(out: &wit::Output) -> usize {
    out.events.len()
}

/// The smallest guest memory (MiB) under which `payload` maps, by bisection.
fn smallest_memory_mib(payload: &[u8]) -> usize {
    let mib = 1024 * 1024;
    let (mut lo, mut hi) = (16, 4095);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match limited(mid * mib).transform("auto", payload, &default_options()) {
            Ok(_) => hi = mid,
            Err(HostError::OutOfMemory { .. }) => lo = mid + 1,
            Err(e) => panic!("{e}"),
        }
    }
    lo
}

/// The figures in docs/robustness.md: the smallest memory limit for each payload at the
/// core's limits (about 4 minutes on 2 cores). `cargo test -p secmap-host --test all
/// limits::measure_the_memory_at_the_limits -- --ignored --nocapture`
#[test]
#[ignore = "a measurement for the docs, not a check (minutes)"]
fn measure_the_memory_at_the_limits() {
    let (real, records) = real_payload(MAX_PAYLOAD - 64 * 1024);
    let cases = [
        (
            format!("{records} real findings, {} bytes", real.len()),
            real,
        ),
        (
            format!("{MAX_RECORDS} small findings"),
            small_findings(MAX_RECORDS),
        ),
        (
            format!("{MAX_EVENTS} container events (250 pods of 1,000)"),
            fanned_out(250, 1000),
        ),
        (
            "171 pods of 1,000 with a 30 KB title and description (maxOutputBytes)".to_owned(),
            fanned_out_long_text(171, 1000, 30_000),
        ),
        (
            "250 pods of 1,000 with a 190-byte title and description (maxEvents, maxOutputBytes)"
                .to_owned(),
            fanned_out_long_text(250, 1000, 190),
        ),
    ];
    for (name, payload) in cases {
        let start = std::time::Instant::now();
        let out = limited(4095 * 1024 * 1024)
            .transform("auto", payload.as_bytes(), &default_options())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let bytes: usize = out.events.iter().map(String::len).sum();
        println!(
            "{name}: {} bytes in, {} events, {bytes} bytes out, {:?}",
            payload.len(),
            events_of(&out),
            start.elapsed()
        );
        println!(
            "  smallest memory: {} MiB",
            smallest_memory_mib(payload.as_bytes())
        );
    }
}

/// The default limits (the memory sized from the core's limits), with the generous time
/// limit of these tests: on 2 shared cores the largest calls take 5 to 8 s of the default
/// 10.
fn defaults() -> Mapper {
    limited(Limits::default().memory_bytes)
}

#[test]
fn the_host_knows_the_core_s_default_limits() {
    let core = secmap_core::Limits::default();
    assert_eq!(secmap_host::CORE_MAX_PAYLOAD_BYTES, core.max_payload_bytes);
    assert_eq!(secmap_host::CORE_MAX_EVENTS, core.max_events);
    assert_eq!(MAX_PAYLOAD as u64, core.max_payload_bytes);
    assert_eq!(MAX_RECORDS as u32, core.max_records);
    assert_eq!(MAX_EVENTS as u32, core.max_events);
}

#[test]
fn a_payload_of_real_findings_at_max_payload_bytes_maps_with_the_defaults() {
    let (payload, records) = real_payload(MAX_PAYLOAD - 64 * 1024);
    assert!(payload.len() <= MAX_PAYLOAD);
    let out = defaults()
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap_or_else(|e| panic!("{} bytes: {e}", payload.len()));
    assert_eq!(out.outcomes.len(), records);
    // One byte over: refused by name.
    let over = " ".repeat(MAX_PAYLOAD - payload.len() + 1) + &payload;
    assert_limit(
        defaults().transform("auto", over.as_bytes(), &default_options()),
        "maxPayloadBytes",
    );
}

#[test]
fn max_records_small_findings_map_with_the_defaults() {
    let payload = small_findings(MAX_RECORDS);
    let out = defaults()
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap_or_else(|e| panic!("{} bytes: {e}", payload.len()));
    assert_eq!(out.outcomes.len(), MAX_RECORDS);
    assert_eq!(events_of(&out), MAX_RECORDS);
    drop(out);
    let over = format!(
        "{},{}]",
        &payload[..payload.len() - 1],
        small_finding(MAX_RECORDS)
    );
    assert_limit(
        defaults().transform("auto", over.as_bytes(), &default_options()),
        "maxRecords",
    );
}

#[test]
fn max_events_map_with_the_defaults_and_one_more_is_refused_by_name() {
    let payload = fanned_out(MAX_EVENTS / 1000, 1000);
    let out = defaults()
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap_or_else(|e| panic!("{} bytes: {e}", payload.len()));
    assert_eq!(events_of(&out), MAX_EVENTS);
    drop(out);
    // One event over, in a last pod of one container: `limit-exceeded`, not out of memory.
    let last = fanned_out(1, 1).replace("pod-000000", "pod-last");
    let over = format!("{},{}", &payload[..payload.len() - 1], &last[1..]);
    assert_limit(
        defaults().transform("auto", over.as_bytes(), &default_options()),
        "maxEvents",
    );
    maps_normally(&defaults());
}

/// GuardDuty pods of 1,000 containers with a 30 KB title and description, as many as fit
/// in the default `maxOutputBytes`: 171 of them (19 MB, 171,000 events, 99.6% of the
/// limit's 640 MiB of JSON) map with the default memory; 172 (inside every other limit)
/// are refused by `maxOutputBytes` before the memory runs out (250 used to end in
/// `out-of-memory`).
#[test]
fn long_texts_on_many_containers_map_up_to_the_output_limit_and_are_refused_past_it() {
    let max_output = secmap_core::Limits::default().max_output_bytes as usize;
    let payload = fanned_out_long_text(171, 1000, 30_000);
    let out = defaults()
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap_or_else(|e| panic!("{} bytes: {e}", payload.len()));
    assert_eq!(events_of(&out), 171_000);
    let bytes: usize = out.events.iter().map(String::len).sum();
    assert!(
        (max_output - max_output / 200..=max_output).contains(&bytes),
        "{bytes}"
    );
    drop(out);
    let payload = fanned_out_long_text(172, 1000, 30_000);
    assert_limit(
        defaults().transform("auto", payload.as_bytes(), &default_options()),
        "maxOutputBytes",
    );
    maps_normally(&defaults());
}
