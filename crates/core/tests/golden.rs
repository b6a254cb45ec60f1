//! The golden corpus through the native core, plus the checks that keep generated files
//! (manifest, mapping docs) and the declared field tables in step with the code.
//!
//! `UPDATE_EXPECT=1 cargo test -p secmap-core --test golden` (or `cargo xtask bless`)
//! rewrites the expectations; review the diff before committing.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use secmap_core::{Options, Outcome, providers, transform};
use secmap_testkit::{self as tk, Case, Produced};

fn produce(root: &Path, case: &Case) -> Produced {
    let bytes = fs::read(root.join(&case.input)).expect("input");
    let options: Options = serde_json::from_value(case.options.clone()).expect("case options");
    match transform(&case.provider, &bytes, &options) {
        Ok(out) => Produced::Output {
            events: out.events.iter().map(|e| e.to_json()).collect(),
            report: serde_json::to_value(out.report()).expect("report"),
        },
        Err(e) => Produced::Error(serde_json::to_value(&e).expect("error")),
    }
}

#[test]
fn golden_corpus_native() {
    let root = tk::testdata();
    if tk::blessing() {
        let cases = tk::discover(&root);
        // A wrong root would bless an empty manifest, and every engine would pass on nothing.
        assert!(
            !cases.is_empty(),
            "no golden cases under {}",
            root.display()
        );
        tk::write_if_changed(&root.join("manifest.json"), &tk::manifest_json(&cases));
        for case in &cases {
            tk::bless(&root, case, &produce(&root, case));
        }
        return;
    }
    // The manifest, checked against the directory tree (stale: `cargo xtask bless`).
    let cases = tk::corpus(&root);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| tk::check(&root, c, &produce(&root, c)).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ (run `cargo xtask bless` and review the diff):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// `Event`'s `Serialize` (what a Rust caller gets from `serde_json::to_value`) is the JSON
/// the event is written as, on every event of the corpus: the original content too, whose
/// object form is unescaped from the literal written once per record.
#[test]
fn every_corpus_event_serializes_as_it_is_written() {
    let root = tk::testdata();
    let mut events = 0;
    for case in tk::corpus(&root) {
        let bytes = fs::read(root.join(&case.input)).expect("input");
        let options: Options = serde_json::from_value(case.options.clone()).expect("options");
        let Ok(out) = transform(&case.provider, &bytes, &options) else {
            continue;
        };
        for e in &out.events {
            let written: serde_json::Value = serde_json::from_str(&e.to_json()).expect("JSON");
            assert_eq!(
                serde_json::to_value(e).expect("serializes"),
                written,
                "{}",
                case.input
            );
            events += 1;
        }
    }
    assert!(events > 300, "{events} events");
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/mapping")
}

#[test]
fn mapping_docs_are_generated_from_the_declarations() {
    for p in providers() {
        let path = docs_dir().join(format!("{}.md", p.id));
        let want = secmap_core::mapping_table_markdown(p);
        if tk::blessing() {
            tk::write_if_changed(&path, &want);
            continue;
        }
        let have = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: run `cargo xtask bless`",
            path.display()
        );
    }
}

/// Every field a provider declares appears in some golden event of that provider, and every
/// field its golden events carry is declared: the docs table cannot drift from the code,
/// and the corpus exercises every rule.
#[test]
fn field_tables_match_the_golden_events() {
    let root = tk::testdata();
    // By provider id, from the outcomes: two providers may share a product name
    // (`defender-for-cloud` and `defender-alerts`). A record's events follow its outcome.
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for case in tk::discover(&root) {
        let bytes = fs::read(root.join(&case.input)).expect("input");
        let options: Options = serde_json::from_value(case.options.clone()).expect("options");
        let Ok(out) = transform(&case.provider, &bytes, &options) else {
            continue;
        };
        let mut events = out.events.iter();
        for o in &out.outcomes {
            let Outcome::Mapped { events: n } = o.outcome else {
                continue;
            };
            let provider = o
                .provider
                .clone()
                .expect("a mapped record names its provider");
            for e in events.by_ref().take(n as usize) {
                seen.entry(provider.clone())
                    .or_default()
                    .extend(e.fields().map(|(k, _)| k.to_owned()));
            }
        }
    }
    for p in providers() {
        let declared: BTreeSet<String> = p.fields.iter().map(|f| f.target.to_owned()).collect();
        let produced = seen.remove(p.id).unwrap_or_default();
        let undeclared: Vec<_> = produced.difference(&declared).collect();
        let unexercised: Vec<_> = declared.difference(&produced).collect();
        assert!(
            undeclared.is_empty() && unexercised.is_empty(),
            "{}: fields emitted but not in the mapping table: {undeclared:?}; declared but \
             no golden case produces them: {unexercised:?}",
            p.id
        );
    }
    assert!(
        seen.is_empty(),
        "events from unknown providers: {:?}",
        seen.keys()
    );
}
