//! The batch path (`Mapper::batch`; the CLI's `--reuse N` is tested in `secmap-cli`):
//! instances shared by several calls must give byte for byte what a fresh instance per call
//! gives, over the whole golden corpus, and a failed call must leave nothing behind for the
//! next one.

use std::fs;
use std::time::Duration;

use secmap_host::{Batch, HostError, Limits, Output, json};
use secmap_testkit as tk;

use crate::{mapper, workspace_root};

/// What a call produced, comparable across paths: events byte for byte, the report, or
/// the error.
#[derive(Debug, PartialEq)]
enum Got {
    Output(Vec<String>, serde_json::Value),
    Error(String),
}

fn got(r: Result<Output, HostError>) -> Got {
    match r {
        Ok(out) => Got::Output(out.events.clone(), json::report_json(&out)),
        Err(HostError::Transform(e)) => Got::Error(json::error_json(&e).to_string()),
        Err(e) => Got::Error(format!("host: {e}")),
    }
}

#[test]
fn shared_instances_equal_fresh_ones_over_the_golden_corpus() {
    let root = tk::testdata();
    // Exactly the cases on disk: a dropped sample or a stale manifest fails by name.
    let cases = tk::corpus(&root);
    let inputs: Vec<(Vec<u8>, secmap_host::Options)> = cases
        .iter()
        .map(|c| {
            let bytes = fs::read(root.join(&c.input)).expect("input");
            (bytes, json::options_from_json(&c.options).expect("options"))
        })
        .collect();
    let isolated: Vec<Got> = cases
        .iter()
        .zip(&inputs)
        .map(|(c, (b, o))| got(mapper().transform(&c.provider, b, o)))
        .collect();
    // The corpus holds refused payloads (not JSON, over limits, unknown provider), so every
    // reuse also crosses errors and fresh instances.
    for reuse in [2, 7, 1000] {
        let mut batch = mapper().batch(reuse);
        for ((c, (b, o)), want) in cases.iter().zip(&inputs).zip(&isolated) {
            assert_eq!(
                &got(batch.transform(&c.provider, b, o)),
                want,
                "reuse {reuse}: {}",
                c.name
            );
        }
        assert!(
            batch.instances() < cases.len() as u64,
            "reuse {reuse}: {} instances for {} calls",
            batch.instances(),
            cases.len()
        );
    }
}

const GOOD: &str = "testdata/cases/guardduty/eks-multi-container.json";

fn good(batch: &mut Batch) -> Got {
    let bytes = fs::read(workspace_root().join(GOOD)).expect("input");
    got(batch.transform("guardduty", &bytes, &secmap_host::default_options()))
}

#[test]
fn an_error_in_one_call_does_not_reach_the_next() {
    let mut batch = mapper().batch(100);
    let want = good(&mut batch);
    assert!(matches!(want, Got::Output(..)));
    assert_eq!(batch.instances(), 1);
    assert_eq!(good(&mut batch), want);
    assert_eq!(batch.instances(), 1, "the instance is reused");

    // A refused payload: the next call gets a fresh instance and the same output.
    let err = batch.transform("guardduty", b"{\"id\": ", &secmap_host::default_options());
    assert!(matches!(err, Err(HostError::Transform(_))), "{err:?}");
    assert_eq!(good(&mut batch), want);
    assert_eq!(batch.instances(), 2, "a fresh instance after the error");

    // A trap (out of memory) under a tight limit, in a batch of its own limits.
    let tight = mapper().with_limits(Limits {
        memory_bytes: 4 << 20,
        timeout: Duration::from_secs(120),
    });
    let mut batch = tight.batch(100);
    assert_eq!(good(&mut batch), want);
    let big = format!("[{}]", vec!["{\"x\":1}"; 1 << 20].join(","));
    let err = batch.transform("guardduty", big.as_bytes(), &secmap_host::default_options());
    assert!(matches!(err, Err(HostError::OutOfMemory { .. })), "{err:?}");
    assert_eq!(good(&mut batch), want);
    // The first instance, the retry of the big payload in a fresh one, and the one after.
    assert_eq!(batch.instances(), 3);
}
