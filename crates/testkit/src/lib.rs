//! The golden corpus in `testdata/`, shared by every engine.
//!
//! Each case is an input file beside its expected outputs:
//! - `<name>.json` (or `.ndjson`, `.bin`): the payload, byte for byte;
//! - `<name>.options.json` (optional): `{"provider": "...", "options": {...}}`;
//! - `<name>.events.ndjson`: the expected events, one compact JSON event per line, exactly
//!   the bytes the core produces (compared byte for byte);
//! - `<name>.report.json`: the expected outcomes and warnings, or the payload-level error
//!   (compared as JSON values).
//!
//! `testdata/manifest.json` lists every case with its provider and options, so engines in
//! other languages (Node, workerd, the browser) run exactly the same cases without
//! re-implementing discovery. It is regenerated with the expected files by
//! `cargo xtask bless` and checked by the native golden test.

pub mod scenarios;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Options every golden case runs with unless its sidecar says otherwise: the unmapped
/// report is on so that a new or dropped source field shows up in review.
pub fn default_options() -> Value {
    serde_json::json!({ "reportUnmapped": true })
}

/// One golden case, as listed in the manifest. Paths are relative to `testdata/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// `<dir>/<file stem>`, e.g. `samples/guardduty/aws-samples-automated-response__ec2`.
    pub name: String,
    pub input: String,
    pub provider: String,
    /// `Options` in their JSON form.
    pub options: Value,
    pub events: String,
    pub report: String,
}

/// What an engine produced for one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Produced {
    /// Events as compact JSON strings, and the report (`{"outcomes", "warnings"}`).
    Output { events: Vec<String>, report: Value },
    /// The payload-level error, as JSON (`{"code", "message", ...}`).
    Error(Value),
}

/// `testdata/` of this repository.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// The case list, from the directory tree (what the manifest must say).
pub fn discover(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for top in ["samples", "cases"] {
        let mut files = Vec::new();
        walk(&root.join(top), &mut files);
        for path in files {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let Some((stem, _)) = input_stem(&rel) else {
                continue;
            };
            let dir = Path::new(&rel)
                .parent()
                .and_then(|d| d.file_name())
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default();
            let sidecar = root.join(format!("{stem}.options.json"));
            let side: Value = fs::read_to_string(&sidecar)
                .ok()
                .map(|s| {
                    serde_json::from_str(&s)
                        .unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()))
                })
                .unwrap_or(Value::Null);
            let provider = side
                .get("provider")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    if matches!(
                        dir.as_str(),
                        "guardduty"
                            | "defender-for-cloud"
                            | "defender-alerts"
                            | "inspector"
                            | "security-hub"
                    ) {
                        dir.clone()
                    } else {
                        "auto".into()
                    }
                });
            let mut options = default_options();
            if let Some(Value::Object(o)) = side.get("options") {
                for (k, v) in o {
                    options[k] = v.clone();
                }
            }
            cases.push(Case {
                name: stem.clone(),
                input: rel.clone(),
                provider,
                options,
                events: format!("{stem}.events.ndjson"),
                report: format!("{stem}.report.json"),
            });
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// `(stem, extension)` when `rel` is an input file, not an expected output or a sidecar.
fn input_stem(rel: &str) -> Option<(String, String)> {
    for suffix in [".events.ndjson", ".report.json", ".options.json"] {
        if rel.ends_with(suffix) {
            return None;
        }
    }
    let (stem, ext) = rel.rsplit_once('.')?;
    matches!(ext, "json" | "ndjson" | "bin" | "txt").then(|| (stem.to_owned(), ext.to_owned()))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The manifest as committed: pretty JSON with a trailing newline.
pub fn manifest_json(cases: &[Case]) -> String {
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "cases": cases })).expect("serializable");
    s.push('\n');
    s
}

/// Reads `testdata/manifest.json`.
pub fn load_manifest(root: &Path) -> Vec<Case> {
    #[derive(Deserialize)]
    struct Manifest {
        cases: Vec<Case>,
    }
    let text = fs::read_to_string(root.join("manifest.json"))
        .expect("testdata/manifest.json (run `cargo xtask bless`)");
    serde_json::from_str::<Manifest>(&text)
        .expect("valid manifest")
        .cases
}

/// The corpus every engine runs: `testdata/manifest.json`, which must list exactly the cases
/// in the directory tree. A test that runs "the corpus" checks its size against this, never
/// against a hard-coded minimum (a deleted sample or a stale manifest fails here by name).
pub fn corpus(root: &Path) -> Vec<Case> {
    let listed = load_manifest(root);
    let on_disk = discover(root);
    if listed != on_disk {
        let names = |cases: &[Case]| -> std::collections::BTreeSet<String> {
            cases.iter().map(|c| c.name.clone()).collect()
        };
        let (l, d) = (names(&listed), names(&on_disk));
        panic!(
            "testdata/manifest.json lists {} cases, testdata/ holds {} (run `cargo xtask \
             bless`): listed only {:?}, on disk only {:?}, the rest differ in provider or options",
            listed.len(),
            on_disk.len(),
            l.difference(&d).collect::<Vec<_>>(),
            d.difference(&l).collect::<Vec<_>>(),
        );
    }
    assert!(
        !listed.is_empty(),
        "no golden cases under {}",
        root.display()
    );
    listed
}

/// The expected files' contents for `produced`: (`.events.ndjson`, `.report.json`).
pub fn render(produced: &Produced) -> (String, String) {
    let (events, report) = match produced {
        Produced::Output { events, report } => (events.as_slice(), report.clone()),
        Produced::Error(e) => (&[][..], serde_json::json!({ "error": e })),
    };
    let mut ndjson = String::new();
    for e in events {
        ndjson.push_str(e);
        ndjson.push('\n');
    }
    let mut report = serde_json::to_string_pretty(&report).expect("serializable");
    report.push('\n');
    (ndjson, report)
}

/// Compares what an engine produced with the committed expectations: events byte for byte,
/// the report as JSON. The error says exactly what differs.
pub fn check(root: &Path, case: &Case, produced: &Produced) -> Result<(), String> {
    let want_events = fs::read_to_string(root.join(&case.events))
        .map_err(|e| format!("{}: {e} (run `cargo xtask bless`)", case.events))?;
    let want_report: Value = serde_json::from_str(
        &fs::read_to_string(root.join(&case.report))
            .map_err(|e| format!("{}: {e} (run `cargo xtask bless`)", case.report))?,
    )
    .map_err(|e| format!("{}: {e}", case.report))?;
    let (got_events, got_report) = render(produced);
    let got_report: Value = serde_json::from_str(&got_report).expect("rendered JSON");
    if got_events != want_events {
        let want: Vec<&str> = want_events.lines().collect();
        let got: Vec<&str> = got_events.lines().collect();
        if want.len() != got.len() {
            return Err(format!(
                "{}: {} events, expected {}",
                case.name,
                got.len(),
                want.len()
            ));
        }
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            if w != g {
                let at = w
                    .bytes()
                    .zip(g.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(w.len().min(g.len()));
                let from = at.saturating_sub(60);
                return Err(format!(
                    "{}: event {i} differs at byte {at}:\n  expected …{}\n  got      …{}",
                    case.name,
                    &w[from..(at + 60).min(w.len())],
                    &g[from..(at + 60).min(g.len())]
                ));
            }
        }
    }
    if got_report != want_report {
        return Err(format!(
            "{}: report differs:\n--- expected\n{}\n--- got\n{}",
            case.name,
            serde_json::to_string_pretty(&want_report).unwrap_or_default(),
            serde_json::to_string_pretty(&got_report).unwrap_or_default()
        ));
    }
    Ok(())
}

/// Writes the expected files for `produced` (blessing).
pub fn bless(root: &Path, case: &Case, produced: &Produced) {
    let (events, report) = render(produced);
    write_if_changed(&root.join(&case.events), &events);
    write_if_changed(&root.join(&case.report), &report);
}

/// Writes `content` unless the file already holds it; true when it wrote.
pub fn write_if_changed(path: &Path, content: &str) -> bool {
    if fs::read_to_string(path).ok().as_deref() == Some(content) {
        return false;
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("create dir");
    }
    fs::write(path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    true
}

/// Whether the tests should rewrite expectations instead of checking them.
pub fn blessing() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v != "0")
}
