//! The shared delivery scenarios (`host-tests/scenarios/*.json`, described in its README),
//! as every Rust runner reads them: the engine (crates/delivery), the component
//! (host-tests) and the CLI (crates/cli). The JavaScript runners read them through
//! `js/test-support/scenarios.mjs`, which builds the same events.

use std::path::PathBuf;

use serde_json::Value;

/// One scenario: `name` is `<file>: <its name>`, `spec` the scenario as written.
#[derive(Debug)]
pub struct Scenario {
    pub name: String,
    pub spec: Value,
}

/// `host-tests/scenarios/`.
pub fn dir() -> PathBuf {
    crate::testdata().join("../host-tests/scenarios")
}

/// Every scenario, file by file in name order.
pub fn load() -> Vec<Scenario> {
    let dir = dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let list: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let file = f.file_name().expect("name").to_string_lossy().into_owned();
        for spec in list {
            let name = format!("{file}: {}", spec["name"].as_str().expect("name"));
            out.push(Scenario { name, spec });
        }
    }
    assert!(
        out.len() >= 20,
        "{} scenarios under {}",
        out.len(),
        dir.display()
    );
    out
}

/// The scenario's events, as every runner builds them: `scenario-NNNN` ids, a pad of 20
/// bytes, 200 for the indices in `bigEvents`.
pub fn events(spec: &Value) -> Vec<String> {
    let n = spec["events"].as_u64().expect("events") as usize;
    let big: Vec<u64> = spec["bigEvents"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().expect("index")).collect())
        .unwrap_or_default();
    (0..n)
        .map(|i| {
            let pad = if big.contains(&(i as u64)) { 200 } else { 20 };
            format!(
                r#"{{"event.id":"scenario-{i:04}","event.kind":"SECURITY_EVENT","pad":"{}"}}"#,
                "x".repeat(pad)
            )
        })
        .collect()
}
