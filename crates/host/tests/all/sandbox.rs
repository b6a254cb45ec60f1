//! The sandbox: the component reaches nothing, and a hostile payload gets a typed error
//! instead of the host's memory or time; the same `Mapper` keeps working afterwards.

use std::collections::BTreeSet;
use std::time::Duration;

use secmap_host::{HostError, INTERFACE, Limits, Mapper, default_options, wit};
use wasmtime::component::types::ComponentItem;

use crate::mapper;

/// A small real payload (the first bundled example) and its event count.
fn example(m: &Mapper) -> String {
    m.providers().unwrap()[0].examples[0].payload.clone()
}

fn maps_normally(m: &Mapper) {
    let out = m
        .transform("auto", example(m).as_bytes(), &default_options())
        .expect("maps");
    assert!(!out.events.is_empty());
    assert!(
        out.outcomes
            .iter()
            .all(|o| !matches!(o.outcome, wit::Outcome::Rejected(_)))
    );
}

#[test]
fn the_component_imports_nothing_and_exports_the_mapper_and_the_delivery_engine() {
    let m = mapper();
    let ty = m.component().component_type();
    let imports: Vec<&str> = ty.imports(m.engine()).map(|(name, _)| name).collect();
    assert!(imports.is_empty(), "imports: {imports:?}");

    let exports: Vec<_> = ty.exports(m.engine()).collect();
    let names: Vec<&str> = exports.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, [INTERFACE, "secmap:mapping/delivery@0.1.0"]);
    let ComponentItem::ComponentInstance(instance) = &exports[0].1.ty else {
        panic!("{INTERFACE} is not an instance: {:?}", exports[0].1.ty);
    };
    let funcs: BTreeSet<&str> = instance
        .exports(m.engine())
        .filter(|(_, e)| matches!(e.ty, ComponentItem::ComponentFunc(_)))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        funcs,
        BTreeSet::from(["mapping-version", "providers", "transform"])
    );
}

#[test]
fn running_out_of_memory_is_typed_and_the_mapper_recovers() {
    let limit = 16 * 1024 * 1024;
    let small = mapper().with_limits(Limits {
        memory_bytes: limit,
        timeout: Duration::from_secs(30),
    });
    // One record bigger than the guest may ever hold.
    let huge = format!(r#"{{"title": "{}"}}"#, "x".repeat(24 * 1024 * 1024));
    match small.transform("auto", huge.as_bytes(), &default_options()) {
        Err(HostError::OutOfMemory { limit: l }) => assert_eq!(l, limit),
        other => panic!("expected out-of-memory, got {other:?}"),
    }
    maps_normally(&small);
}

#[test]
fn a_zero_timeout_is_typed_and_the_mapper_recovers() {
    let m = mapper();
    let hasty = m.with_limits(Limits {
        timeout: Duration::ZERO,
        ..m.limits()
    });
    match hasty.transform("auto", example(m).as_bytes(), &default_options()) {
        Err(HostError::Timeout { limit }) => assert_eq!(limit, Duration::ZERO),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(matches!(
        hasty.mapping_version(),
        Err(HostError::Timeout { .. })
    ));
    maps_normally(m);
}

#[test]
fn a_long_call_is_interrupted_near_its_deadline() {
    let m = mapper();
    let hasty = m.with_limits(Limits {
        timeout: Duration::from_millis(20),
        ..m.limits()
    });
    // Thousands of GuardDuty findings: 50 MB, far more than 20 ms of work.
    let record = std::fs::read_to_string(
        secmap_testkit::testdata()
            .join("samples/guardduty/guardduty-soar__Trojan-EC2-DropPoint.json"),
    )
    .unwrap();
    let payload = format!("[{}]", vec![record.trim(); 3_000].join(","));
    // No wall-clock assertion (tests must not depend on machine load): a timeout rather
    // than 3,000 outcomes shows the call was interrupted before it finished.
    let result = hasty.transform("auto", payload.as_bytes(), &default_options());
    assert!(
        matches!(result, Err(HostError::Timeout { .. })),
        "expected a timeout, got {:?}",
        result.map(|o| o.outcomes.len())
    );
    maps_normally(m);
}

#[test]
fn errors_of_the_component_keep_their_code_and_location() {
    let e = mapper()
        .transform("auto", b"{\n  \"a\": 1,\n}", &default_options())
        .unwrap_err();
    let HostError::Transform(t) = &e else {
        panic!("expected the component's error, got {e:?}");
    };
    assert_eq!(t.code, wit::ErrorCode::InvalidJson);
    assert_eq!((t.line, t.column), (Some(3), Some(1)));
    assert_eq!(e.code(), "invalid-json");
}

#[test]
fn more_concurrent_calls_than_slots_wait_for_a_slot_and_all_succeed() {
    let m = mapper().clone();
    let payload = example(&m);
    let expected = m
        .transform("auto", payload.as_bytes(), &default_options())
        .unwrap()
        .events;
    // Three times the pool's instance slots at once: none may fail for want of a slot.
    let threads = (m.slots() * 3) as usize;
    let results: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (m, payload) = (&m, &payload);
                s.spawn(move || {
                    (0..5)
                        .flat_map(|_| {
                            m.transform("auto", payload.as_bytes(), &default_options())
                                .unwrap()
                                .events
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.len(), threads);
    for events in results {
        let five: Vec<String> = (0..5).flat_map(|_| expected.iter().cloned()).collect();
        assert_eq!(events, five);
    }
}
