//! The call's output limit (`maxOutputBytes`) and the fan-out payload that motivated it:
//! GuardDuty findings naming 1,000 containers each, with a 30 KB title and description
//! (docs/robustness.md, "Output of a call"). Inside every limit it maps; past the output
//! limit it fails with `limit-exceeded` naming `maxOutputBytes`, not out of memory.

use secmap_core::{ErrorCode, Limits, Options, Outcome, transform};

/// `findings` GuardDuty EKS findings, each on a pod of `containers` containers, with a
/// title and a description of `text` bytes each.
fn crafted(findings: usize, containers: usize, text: usize) -> String {
    let pods: Vec<String> = (0..containers)
        .map(|i| format!(r#"{{"name":"c{i}","image":"registry.example/app:{i}"}}"#))
        .collect();
    let pods = pods.join(",");
    let (title, description) = ("T".repeat(text), "D".repeat(text));
    let records: Vec<String> = (0..findings)
        .map(|n| {
            format!(
                r#"{{"id":"f{n}","type":"PrivilegeEscalation:Runtime/DockerSocketAccessed","severity":8,"accountId":"111122223333","region":"eu-central-1","updatedAt":"2026-10-14T09:21:40Z","title":"{title}","description":"{description}","resource":{{"resourceType":"EKSCluster","eksClusterDetails":{{"name":"prod"}},"kubernetesDetails":{{"kubernetesWorkloadDetails":{{"name":"pod{n}","type":"pods","namespace":"ns","containers":[{pods}]}}}}}}}}"#
            )
        })
        .collect();
    format!("[{}]", records.join(",\n"))
}

fn with_output_limit(bytes: u64) -> Options {
    Options::new().limits(Limits {
        max_output_bytes: bytes,
        ..Limits::default()
    })
}

fn output_bytes(events: &[secmap_core::Event]) -> u64 {
    events.iter().map(|e| e.to_json().len() as u64).sum()
}

/// The limit counts exactly the events' JSON: a payload whose events take `n` bytes maps
/// under a limit of `n`, and fails by name under `n - 1`.
#[test]
fn the_output_limit_counts_the_events_json_exactly() {
    let payload = crafted(3, 1000, 30_000);
    let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
    assert_eq!(out.events.len(), 3000);
    let n = output_bytes(&out.events);
    let at = transform("guardduty", payload.as_bytes(), &with_output_limit(n)).unwrap();
    assert_eq!(at.events, out.events);
    let err = transform("guardduty", payload.as_bytes(), &with_output_limit(n - 1)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitExceeded);
    assert_eq!(err.exceeded_limit(), Some("maxOutputBytes"));
    assert_eq!(
        err.message(),
        format!(
            "limit `maxOutputBytes` exceeded: more than {} bytes of events (their JSON)",
            n - 1
        )
    );
}

/// 150 findings of 1,000 containers with a 30 KB title and description (12 MB): 150,000
/// events, each finding's first ones whole, the others slimmed, within the default output
/// limit. The events share each finding's strings in memory; their JSON repeats them.
#[test]
fn a_fanned_out_payload_inside_every_limit_maps_with_the_defaults() {
    let payload = crafted(150, 1000, 30_000);
    let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
    assert_eq!(out.events.len(), 150_000);
    assert_eq!(out.outcomes.len(), 150);
    for o in &out.outcomes {
        assert!(
            matches!(o.outcome, Outcome::Mapped { events: 1000 }),
            "{o:?}"
        );
    }
    let bytes = output_bytes(&out.events);
    assert!(bytes <= Limits::default().max_output_bytes, "{bytes}");
    eprintln!("{} bytes in, {bytes} bytes of events out", payload.len());
}

/// 250 such findings (20 MB, 250,000 events: inside `maxPayloadBytes`, `maxRecords`,
/// `maxEvents`) need about 1 GB of JSON: over the default output limit, the call fails by
/// name, as soon as the count passes it (it used to run out of the component's memory).
#[test]
fn past_the_default_output_limit_the_call_fails_by_name() {
    let payload = crafted(250, 1000, 30_000);
    let err = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitExceeded);
    assert_eq!(err.exceeded_limit(), Some("maxOutputBytes"));
}

/// Why the call needs its own output limit: a small record may fill its budget of whole
/// events (at least 1 MiB) and 1 MiB of original content. A 15 KB finding on 100
/// containers with a 5 KB title and description gives 2 MB of events, 134 times its
/// size, so 2,500 of them (38 MB, 250,000 events, inside every other limit) would need
/// 5 GB.
#[test]
fn a_small_record_may_give_two_mib_of_events() {
    let payload = crafted(1, 100, 5_000);
    let n = payload.len();
    assert!((14_000..16_000).contains(&n), "{n}");
    let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
    assert_eq!(out.events.len(), 100);
    let bytes = output_bytes(&out.events);
    eprintln!("{n} bytes in, {bytes} bytes of events out");
    assert!((1_900_000..2_200_000).contains(&bytes), "{bytes}");
}
