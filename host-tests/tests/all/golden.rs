//! The golden corpus (`testdata/manifest.json`) through the component in wasmtime and
//! through the native core: both must produce the same bytes, and those bytes must be the
//! committed ones.

use std::fs;
use std::path::Path;

use secmap_host::json;
use secmap_testkit::{self as tk, Case, Produced};

use crate::mapper;

fn native(root: &Path, case: &Case) -> Produced {
    let bytes = fs::read(root.join(&case.input)).expect("input");
    let options: secmap_core::Options =
        serde_json::from_value(case.options.clone()).expect("case options");
    match secmap_core::transform(&case.provider, &bytes, &options) {
        Ok(out) => Produced::Output {
            events: out.events.iter().map(|e| e.to_json()).collect(),
            report: serde_json::to_value(out.report()).expect("report"),
        },
        Err(e) => Produced::Error(serde_json::to_value(&e).expect("error")),
    }
}

fn wasmtime(root: &Path, case: &Case) -> Produced {
    let bytes = fs::read(root.join(&case.input)).expect("input");
    let options = json::options_from_json(&case.options).expect("case options");
    match mapper().transform(&case.provider, &bytes, &options) {
        Ok(out) => Produced::Output {
            report: json::report_json(&out),
            events: out.events,
        },
        Err(secmap_host::HostError::Transform(e)) => Produced::Error(json::error_json(&e)),
        Err(e) => panic!("{}: the call was stopped: {e}", case.name),
    }
}

#[test]
fn golden_corpus_native_equals_wasmtime_equals_committed() {
    let root = tk::testdata();
    // Exactly the cases on disk: a dropped sample or a stale manifest fails by name.
    let cases = tk::corpus(&root);
    assert!(
        cases.len() >= 40,
        "corpus went missing: {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let wasm = wasmtime(&root, case);
        let native = native(&root, case);
        if wasm != native {
            failures.push(format!(
                "{}: wasmtime and native differ:\n--- native\n{native:?}\n--- wasmtime\n{wasm:?}",
                case.name
            ));
        }
        if let Err(e) = tk::check(&root, case, &wasm) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures over {} golden cases (if the core changed on purpose, run `cargo xtask \
         bless` and review the diff):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn providers_and_version_match_the_native_core() {
    let m = mapper();
    assert_eq!(m.mapping_version().unwrap(), secmap_core::MAPPING_VERSION);
    let wasm: Vec<(String, Vec<String>)> = m
        .providers()
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.examples.into_iter().map(|e| e.payload).collect()))
        .collect();
    let native: Vec<(String, Vec<String>)> = secmap_core::providers()
        .map(|p| {
            let examples = p.examples.iter().map(|e| e.payload.to_owned()).collect();
            (p.id.to_owned(), examples)
        })
        .collect();
    assert_eq!(wasm, native);
}
