//! The shared delivery scenarios (`host-tests/scenarios/*.json`) against the engine alone,
//! with a simulated ingest API that behaves like `js/test-support/fake-ingest.mjs`. The
//! CLI and the JavaScript forwarder run the same files against the real fake.

use secmap_delivery::{Action, BODY_EXCERPT_LIMIT, Config, Engine, Reply, Verdict};
use secmap_testkit::scenarios::{self, events};
use serde_json::Value;

const ENDPOINT: &str = "http://127.0.0.1:8123/platform/ingest/v1/security.events";
const TOKEN: &str = "dt0c01.FAKEPUBLIC.FAKESECRET0123456789";

fn opt(s: &Value, key: &str, default: u64) -> u64 {
    s["options"][key].as_u64().unwrap_or(default)
}

#[test]
fn every_scenario_against_the_engine() {
    for scenarios::Scenario { name, spec: s } in scenarios::load() {
        let mut c = Config::new(ENDPOINT, TOKEN);
        c.max_batch_events = opt(&s, "maxBatchEvents", 5000) as usize;
        c.max_batch_bytes = opt(&s, "maxBatchBytes", 10_000_000) as usize;
        c.max_attempts = opt(&s, "maxAttempts", 5) as u32;
        c.base_delay_ms = opt(&s, "baseDelayMs", 5);
        c.max_delay_ms = opt(&s, "maxDelayMs", 50);
        c.seed = 42;
        let timeout = opt(&s, "timeoutMs", 1000);
        let max_body = s["maxBodyBytes"].as_u64().unwrap_or(10_000_000) as usize;
        let mut faults: Vec<Value> = s["faults"].as_array().cloned().unwrap_or_default();
        faults.reverse();

        let mut engine = Engine::new(c).expect("config");
        for e in events(&s) {
            engine.push(e);
        }
        engine.finish();
        let (mut now, mut requests, mut received, mut dead) = (1_000_000u64, 0, 0, 0);
        let mut waits = Vec::new();
        loop {
            match engine.next(now) {
                Action::Send(r) => {
                    requests += 1;
                    // Only the endpoint's origin is ever contacted.
                    assert!(
                        r.url.starts_with("http://127.0.0.1:8123/"),
                        "{name}: {}",
                        r.url
                    );
                    let fault = faults.pop().unwrap_or(Value::Null);
                    let reply = if fault["reset"] == true {
                        Reply::Network("connection reset by peer".into())
                    } else if fault["delayMs"].as_u64().is_some_and(|d| d >= timeout) {
                        Reply::Timeout
                    } else if let Some(status) = fault["status"].as_u64() {
                        let body_bytes = fault["bodyBytes"].as_u64().unwrap_or(0) as usize;
                        Reply::Status {
                            status: status as u16,
                            retry_after: fault["retryAfter"].as_str().map(str::to_owned),
                            location: fault["location"].as_str().map(str::to_owned),
                            body: if body_bytes > 0 {
                                "x".repeat(body_bytes.min(BODY_EXCERPT_LIMIT))
                            } else {
                                format!(
                                    r#"{{"error":{{"code":{status},"message":"injected fault"}}}}"#
                                )
                            },
                        }
                    } else if r.body.len() > max_body {
                        Reply::Status {
                            status: 413,
                            retry_after: None,
                            location: None,
                            body: String::new(),
                        }
                    } else {
                        received += r.count;
                        Reply::Status {
                            status: 202,
                            retry_after: None,
                            location: None,
                            body: String::new(),
                        }
                    };
                    if let Verdict::Retry { wait_ms, .. } =
                        engine.reply(r.id, now, reply).expect("reply")
                    {
                        waits.push(wait_ms);
                    }
                }
                Action::Wait { until_ms } => now = until_ms,
                Action::DeadLetter(l) => dead += l.events.len(),
                Action::Done => break,
                other => panic!("{name}: {other:?}"),
            }
        }
        let e = &s["expect"];
        let summary = engine.summary();
        assert_eq!(
            requests,
            e["requests"].as_u64().unwrap(),
            "{name}: requests"
        );
        assert_eq!(
            received as u64,
            e["received"].as_u64().unwrap(),
            "{name}: received"
        );
        assert_eq!(
            dead as u64,
            e["deadLettered"].as_u64().unwrap(),
            "{name}: dead letters"
        );
        assert_eq!(summary.delivered, received as u64, "{name}");
        assert_eq!(summary.dead_lettered, dead as u64, "{name}");
        let exit = if summary.all_delivered() { 0 } else { 1 };
        assert_eq!(exit, e["exit"].as_u64().unwrap(), "{name}: exit");
        if let Some(want) = e["waitsMs"].as_array() {
            let want: Vec<u64> = want.iter().map(|v| v.as_u64().unwrap()).collect();
            assert_eq!(waits, want, "{name}: waits");
        }
        assert!(faults.is_empty(), "{name}: faults left");
    }
}
