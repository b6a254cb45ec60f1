//! The `delivery` interface of the component (wit/secmap.wit) in wasmtime: the shared
//! scenarios (`host-tests/scenarios/*.json`), driven through the WIT resource with the same
//! simulated ingest as the engine's own runner (crates/delivery/tests/scenarios.rs), give
//! the same numbers. The CLI runs them against the fake ingest server in its own tests
//! (crates/cli/tests/all/forward/scenarios.rs), where its binary is built.

use secmap_host::delivery_wit as wit;
use secmap_host::{COMPONENT, Secmap};
use secmap_testkit::scenarios::{self, Scenario, events};
use serde_json::Value;
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

const TOKEN: &str = "dt0c01.FAKEPUBLIC.FAKESECRET0123456789";

#[test]
fn every_scenario_through_the_component() {
    // An engine of its own: the shared mapper's instance pool is sized for (and tested
    // with) its own calls.
    let wasm = Engine::default();
    let component = Component::new(&wasm, COMPONENT).expect("the component compiles");
    let linker = Linker::<()>::new(&wasm);
    for Scenario { name, spec: s } in scenarios::load() {
        let mut store = Store::new(&wasm, ());
        let instance = Secmap::instantiate(&mut store, &component, &linker).expect("instance");
        let d = instance.secmap_mapping_delivery();
        let opt = |k: &str| s["options"][k].as_u64();
        let config = wit::Config {
            endpoint: "http://127.0.0.1:8123/platform/ingest/v1/security.events".into(),
            token: TOKEN.into(),
            max_batch_bytes: opt("maxBatchBytes"),
            max_batch_events: opt("maxBatchEvents").map(|v| v as u32),
            max_attempts: opt("maxAttempts").map(|v| v as u32),
            base_delay_ms: Some(opt("baseDelayMs").unwrap_or(5)),
            max_delay_ms: Some(opt("maxDelayMs").unwrap_or(50)),
            seed: 42,
        };
        let engine = d
            .engine()
            .call_create(&mut store, &config)
            .unwrap()
            .expect("config");
        for e in events(&s) {
            d.engine().call_push(&mut store, engine, &e).unwrap();
        }
        d.engine().call_finish(&mut store, engine).unwrap();
        let timeout = opt("timeoutMs").unwrap_or(1000);
        let max_body = s["maxBodyBytes"].as_u64().unwrap_or(10_000_000) as usize;
        let mut faults: Vec<Value> = s["faults"].as_array().cloned().unwrap_or_default();
        faults.reverse();
        let (mut now, mut requests, mut received, mut dead) = (1_000_000u64, 0u64, 0u64, 0u64);
        loop {
            match d.engine().call_next(&mut store, engine, now).unwrap() {
                wit::Action::Send(r) => {
                    requests += 1;
                    let fault = faults.pop().unwrap_or(Value::Null);
                    let reply = if fault["reset"] == true {
                        wit::Reply::Network("connection reset".into())
                    } else if fault["delayMs"].as_u64().is_some_and(|t| t >= timeout) {
                        wit::Reply::Timeout
                    } else if let Some(status) = fault["status"].as_u64() {
                        wit::Reply::Status(wit::StatusReply {
                            status: status as u16,
                            retry_after: fault["retryAfter"].as_str().map(str::to_owned),
                            location: fault["location"].as_str().map(str::to_owned),
                            body: "x".repeat(
                                (fault["bodyBytes"].as_u64().unwrap_or(0) as usize).min(65536),
                            ),
                        })
                    } else if r.body.len() > max_body {
                        wit::Reply::Status(wit::StatusReply {
                            status: 413,
                            retry_after: None,
                            location: None,
                            body: String::new(),
                        })
                    } else {
                        received += u64::from(r.count);
                        wit::Reply::Status(wit::StatusReply {
                            status: 202,
                            retry_after: None,
                            location: None,
                            body: String::new(),
                        })
                    };
                    let v = d
                        .engine()
                        .call_reply(&mut store, engine, r.id, now, &reply)
                        .unwrap()
                        .expect("out");
                    assert!(!v.message.contains("FAKESECRET"), "{name}: {}", v.message);
                }
                wit::Action::Wait(until) => now = until,
                wit::Action::DeadLetter(l) => dead += l.events.len() as u64,
                wit::Action::Done => break,
                other => panic!("{name}: {other:?}"),
            }
        }
        let sum = d.engine().call_summary(&mut store, engine).unwrap();
        engine.resource_drop(&mut store).unwrap();
        let e = &s["expect"];
        assert_eq!(
            requests,
            e["requests"].as_u64().unwrap(),
            "{name}: requests"
        );
        assert_eq!(
            received,
            e["received"].as_u64().unwrap(),
            "{name}: received"
        );
        assert_eq!(
            dead,
            e["deadLettered"].as_u64().unwrap(),
            "{name}: dead letters"
        );
        assert_eq!(
            (sum.delivered, sum.dead_lettered, sum.pending, sum.done),
            (received, dead, 0, true),
            "{name}"
        );
    }
    // The text helpers too.
    let mut store = Store::new(&wasm, ());
    let instance = Secmap::instantiate(&mut store, &component, &linker).unwrap();
    let d = instance.secmap_mapping_delivery();
    assert_eq!(
        d.call_redact(&mut store, &format!("x {} y", TOKEN), TOKEN)
            .unwrap(),
        "x [redacted] y"
    );
    assert_eq!(d.call_escape_control(&mut store, "a\nb").unwrap(), "a\\nb");
}
