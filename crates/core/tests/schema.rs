//! The output contract: a JSON Schema (draft 2020-12) per event type in `schemas/`, and
//! every event of the golden corpus, committed and freshly mapped, valid against the schema
//! of its `event.type`. The schemas close their property lists, so a mapping change that
//! adds, drops, renames or retypes a field fails here loudly until the schema (the
//! contract) is changed with it.

use std::fs;
use std::path::{Path, PathBuf};

use boon::{Compiler, SchemaIndex, Schemas};
use secmap_core::{Options, providers, transform};
use serde_json::{Value, json};

const EVENT_SCHEMAS: [(&str, &str); 4] = [
    ("VULNERABILITY_FINDING", "vulnerability-finding.schema.json"),
    ("VULNERABILITY_SCAN", "vulnerability-scan.schema.json"),
    ("DETECTION_FINDING", "detection-finding.schema.json"),
    ("COMPLIANCE_FINDING", "compliance-finding.schema.json"),
];

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas")
        .canonicalize()
        .expect("schemas/")
}

struct Contract {
    schemas: Schemas,
    by_type: Vec<(&'static str, SchemaIndex)>,
    body: SchemaIndex,
}

impl Contract {
    fn load() -> Contract {
        let mut schemas = Schemas::new();
        let mut compiler = Compiler::new();
        compiler.set_default_draft(boon::Draft::V2020_12);
        compiler.enable_format_assertions();
        let dir = schemas_dir();
        let mut compile = |file: &str| {
            let path = dir.join(file);
            let url = format!("file://{}", path.display());
            compiler
                .compile(&url, &mut schemas)
                .unwrap_or_else(|e| panic!("{file}: {e:#}"))
        };
        let by_type = EVENT_SCHEMAS
            .iter()
            .map(|(t, f)| (*t, compile(f)))
            .collect();
        let body = compile("security-events.schema.json");
        Contract {
            schemas,
            by_type,
            body,
        }
    }

    /// `Err` with every violation, when `event` breaks the schema of its type.
    fn check(&self, event: &Value) -> Result<(), String> {
        let ty = event["event.type"].as_str().ok_or("no event.type")?;
        let (_, index) = self
            .by_type
            .iter()
            .find(|(t, _)| *t == ty)
            .ok_or_else(|| format!("no schema for event.type {ty}"))?;
        self.schemas
            .validate(event, *index)
            .map_err(|e| format!("{e:#}"))
    }
}

/// Every schema's properties, with the shared ones of `common.schema.json` it refers to.
fn schema_fields(file: &str) -> Vec<String> {
    let read = |f: &str| -> Value {
        serde_json::from_str(&fs::read_to_string(schemas_dir().join(f)).expect("schema"))
            .expect("schema JSON")
    };
    let schema = read(file);
    let common = read("common.schema.json");
    let mut fields: Vec<String> = Vec::new();
    let mut add = |props: &Value| {
        if let Some(o) = props.as_object() {
            fields.extend(o.keys().cloned());
        }
    };
    add(&schema["properties"]);
    for part in schema["allOf"].as_array().expect("allOf") {
        let r = part["$ref"].as_str().expect("$ref");
        let def = r.rsplit('/').next().expect("def name");
        add(&common["$defs"][def]["properties"]);
    }
    fields.sort();
    fields.dedup();
    fields
}

#[test]
fn every_golden_event_matches_the_schema_of_its_type() {
    let contract = Contract::load();
    let root = secmap_testkit::testdata();
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for case in secmap_testkit::load_manifest(&root) {
        // The committed expectations...
        let committed = fs::read_to_string(root.join(&case.events)).expect("events file");
        let mut events: Vec<(String, Value)> = committed
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let v = serde_json::from_str(l).expect("event JSON");
                (format!("{}:{}", case.events, i + 1), v)
            })
            .collect();
        // ... and what the core maps today (the golden test compares the two; here both
        // must keep the contract, also right after a bless).
        let bytes = fs::read(root.join(&case.input)).expect("input");
        let options: Options = serde_json::from_value(case.options.clone()).expect("options");
        if let Ok(out) = transform(&case.provider, &bytes, &options) {
            let body: Value = serde_json::from_str(&out.events_json()).expect("body");
            if let Err(e) = contract.schemas.validate(&body, contract.body) {
                failures.push(format!("{} (request body): {e:#}", case.name));
            }
            for (i, e) in out.events.iter().enumerate() {
                let v = serde_json::from_str(&e.to_json()).expect("event JSON");
                events.push((format!("{} (mapped) event {i}", case.name), v));
            }
        }
        for (at, event) in events {
            *checked
                .entry(event["event.type"].as_str().unwrap_or("?").to_owned())
                .or_default() += 1;
            if let Err(e) = contract.check(&event) {
                failures.push(format!("{at}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} events break the output schema (schemas/):\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (ty, _) in EVENT_SCHEMAS {
        assert!(
            checked.get(ty).copied().unwrap_or(0) >= 10,
            "too few {ty} events checked: {checked:?}"
        );
    }
}

/// The schemas are strict: each of these breaks the contract and must be refused.
#[test]
fn the_schemas_refuse_broken_events() {
    let contract = Contract::load();
    let root = secmap_testkit::testdata();
    let first = |ty: &str| -> Value {
        for case in secmap_testkit::load_manifest(&root) {
            let text = fs::read_to_string(root.join(&case.events)).expect("events");
            for l in text.lines() {
                let v: Value = serde_json::from_str(l).expect("event");
                if v["event.type"] == ty {
                    return v;
                }
            }
        }
        panic!("no {ty} event in the corpus");
    };
    let finding = first("VULNERABILITY_FINDING");
    let detection = first("DETECTION_FINDING");
    let scan = first("VULNERABILITY_SCAN");
    for good in [&finding, &detection, &scan] {
        contract.check(good).expect("a golden event is valid");
    }
    let broken = |base: &Value, f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = base.clone();
        f(v.as_object_mut().expect("object"));
        v
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "a finding without finding.id",
            broken(&detection, &|o| {
                o.remove("finding.id");
            }),
        ),
        (
            "a finding with an empty object.id",
            broken(&finding, &|o| {
                o.insert("object.id".into(), json!(""));
            }),
        ),
        (
            "a risk score above 10",
            broken(&detection, &|o| {
                o.insert("dt.security.risk.score".into(), json!(10.5));
            }),
        ),
        (
            "a risk score as a string",
            broken(&finding, &|o| {
                o.insert("dt.security.risk.score".into(), json!("8.9"));
            }),
        ),
        (
            "a level outside the enum",
            broken(&detection, &|o| {
                o.insert("dt.security.risk.level".into(), json!("SEVERE"));
            }),
        ),
        (
            "a scan with a risk level",
            broken(&scan, &|o| {
                o.insert("dt.security.risk.level".into(), json!("HIGH"));
            }),
        ),
        (
            "a scan with a vulnerability field",
            broken(&scan, &|o| {
                o.insert("vulnerability.id".into(), json!("CVE-2024-0001"));
            }),
        ),
        (
            "a field no schema declares",
            broken(&detection, &|o| {
                o.insert("finding.surprise".into(), json!("x"));
            }),
        ),
        (
            "an event id that is not a UUID",
            broken(&finding, &|o| {
                o.insert("event.id".into(), json!("14225535-b5fe-569f-934a-"));
            }),
        ),
        (
            "a finding time with an offset",
            broken(&detection, &|o| {
                o.insert(
                    "finding.time.created".into(),
                    json!("2026-01-01T01:00:00+01:00"),
                );
            }),
        ),
        (
            "CVE ids as one string",
            broken(&finding, &|o| {
                o.insert("vulnerability.references.cve".into(), json!("CVE-1, CVE-2"));
            }),
        ),
    ];
    for (what, event) in cases {
        assert!(
            contract.check(&event).is_err(),
            "the schema accepts {what}: {event}"
        );
    }
}

/// Every field a provider declares in its mapping table is in the schema of an event type
/// it emits, so the docs, the code and the contract cannot drift apart.
#[test]
fn every_declared_field_is_in_the_schema() {
    for p in providers() {
        let mut known = Vec::new();
        for ty in p.event_types {
            let (_, file) = EVENT_SCHEMAS
                .iter()
                .find(|(t, _)| *t == ty.as_str())
                .expect("a schema per event type");
            known.extend(schema_fields(file));
        }
        let missing: Vec<&str> = p
            .fields
            .iter()
            .map(|f| f.target)
            .filter(|t| !known.iter().any(|k| k == t))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: fields the mapping declares but no schema allows: {missing:?}",
            p.id
        );
    }
}
