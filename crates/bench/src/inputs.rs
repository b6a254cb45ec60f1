//! The benchmark inputs, generated deterministically from the golden corpus.
//!
//! - `guardduty-single`: every GuardDuty record of the corpus (samples and cases, any shape:
//!   EventBridge event, bare finding, GetFindings element) that maps to at least one event,
//!   one file per record, each one call;
//! - `defender-batch`: Event Hubs batches (a JSON array of strings, each a compact
//!   sub-assessment, as continuous export delivers them) of 100 records each, built from
//!   the corpus' MDVM container-registry sub-assessments with fresh sub-assessment ids and
//!   image digests (5 digests per batch, over the templates' several repositories);
//! - `mixed-10mb`: one JSON array of about 10 MB mixing GuardDuty findings (fresh finding
//!   ids) and Defender sub-assessments (fresh ids and digests, 20 findings per image),
//!   mapped with provider `auto`.
//!
//! Records are minified (whitespace outside strings removed; key order and every token kept
//! as written). Variation uses a fixed-seed splitmix64, so every run writes the same bytes.
//! Every generated file is checked against the native core: every record must map.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use secmap_core::{Limits, Options, Outcome, split_records, transform};
use serde::{Deserialize, Serialize};

/// The manifest format version.
pub const SCHEMA: &str = "secmap-bench-inputs/1";
const SEED: u64 = 0x5ec4_a9b0_2026_1122;
const DEFENDER_BATCHES: usize = 10;
const DEFENDER_BATCH_RECORDS: usize = 100;
const DEFENDER_BATCH_IMAGES: usize = 5;
const MIXED_BYTES: usize = 10_000_000;
const MIXED_FINDINGS_PER_IMAGE: usize = 20;

/// `target/bench/inputs/manifest.json`: the input sets and the runs over them.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub sets: Vec<InputSet>,
    pub runs: Vec<RunDef>,
}

/// A set of payload files; a call maps one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputSet {
    pub id: String,
    pub provider: String,
    pub description: String,
    pub files: Vec<InputFile>,
    /// Totals over the files.
    pub records: u64,
    pub bytes: u64,
    /// Events the native core produces with default options (the same with
    /// `originalContent` off).
    pub events: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    /// Relative to the inputs directory.
    pub path: String,
    pub bytes: u64,
    pub records: u64,
    pub events: u64,
}

/// A run: an input set mapped with some options (camelCase JSON, as the JS package and the
/// core's serde form take them).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunDef {
    pub id: String,
    pub inputs: String,
    pub description: String,
    pub options: serde_json::Value,
    /// `parsed`: the host hands over the payload already parsed (AWS Lambda's event, Azure
    /// Functions' Event Hubs messages), so only the Node engines run it, each given the
    /// files' `JSON.parse` (untimed); `None`: bytes in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
}

impl RunDef {
    /// Whether the payload comes in already parsed (a JavaScript host's case only).
    pub fn parsed(&self) -> bool {
        self.input.as_deref() == Some("parsed")
    }
}

impl Manifest {
    pub fn load(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join("manifest.json");
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e} (run `secmap-bench inputs`)", path.display()))?;
        let m: Manifest =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if m.schema != SCHEMA {
            return Err(format!(
                "{}: schema {} is not {SCHEMA}",
                path.display(),
                m.schema
            ));
        }
        Ok(m)
    }

    pub fn run(&self, id: &str) -> Result<(&RunDef, &InputSet), String> {
        let run = self
            .runs
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| format!("no run {id:?} in the inputs manifest"))?;
        Ok((run, self.set(&run.inputs)?))
    }

    pub fn set(&self, id: &str) -> Result<&InputSet, String> {
        self.sets
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| format!("no input set {id:?} in the inputs manifest"))
    }
}

/// The bytes of every file of a set, in order.
pub fn load_set(dir: &Path, set: &InputSet) -> Result<Vec<Vec<u8>>, String> {
    set.files
        .iter()
        .map(|f| {
            let path = dir.join(&f.path);
            let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if bytes.len() as u64 != f.bytes {
                return Err(format!(
                    "{}: {} bytes, the manifest says {}: regenerate the inputs",
                    path.display(),
                    bytes.len(),
                    f.bytes
                ));
            }
            Ok(bytes)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct CorpusManifest {
    cases: Vec<CorpusCase>,
}

#[derive(Debug, Deserialize)]
struct CorpusCase {
    input: String,
}

/// Generates every input set into `out` and writes `out/manifest.json`.
pub fn generate(testdata: &Path, out: &Path) -> Result<Manifest, String> {
    let corpus = corpus_records(testdata)?;
    let mut guardduty = Vec::new();
    let mut defender = Vec::new();
    for record in corpus {
        if single_events("guardduty", &record).is_some() {
            guardduty.push(record);
        } else if is_mdvm(&record) && single_events("defender-for-cloud", &record).is_some() {
            defender.push(record);
        }
    }
    if guardduty.is_empty() || defender.is_empty() {
        return Err(format!(
            "the corpus gave {} GuardDuty and {} Defender MDVM records; need both",
            guardduty.len(),
            defender.len()
        ));
    }
    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut rng = Rng(SEED);
    let mut sets = Vec::new();

    // GuardDuty single findings: the corpus records as they are (minified).
    let files = guardduty
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                format!("guardduty-single/{i:03}.json"),
                r.clone().into_bytes(),
            )
        })
        .collect();
    sets.push(write_set(
        out,
        "guardduty-single",
        "guardduty",
        format!(
            "{} GuardDuty findings from the corpus (EventBridge events, bare findings, GetFindings elements), minified; one finding per call",
            guardduty.len()
        ),
        files,
    )?);

    // Defender Event Hubs batches.
    let mut files = Vec::new();
    let mut next = 0usize;
    for b in 0..DEFENDER_BATCHES {
        let digests: Vec<String> = (0..DEFENDER_BATCH_IMAGES).map(|_| rng.hex(64)).collect();
        let mut bodies = Vec::with_capacity(DEFENDER_BATCH_RECORDS);
        for j in 0..DEFENDER_BATCH_RECORDS {
            let template = &defender[next % defender.len()];
            next += 1;
            let record = vary_defender(template, &digests[j % DEFENDER_BATCH_IMAGES], &mut rng)?;
            bodies.push(serde_json::to_string(&record).map_err(|e| e.to_string())?);
        }
        files.push((
            format!("defender-batch/{b:02}.json"),
            format!("[{}]", bodies.join(",")).into_bytes(),
        ));
    }
    sets.push(write_set(
        out,
        "defender-batch",
        "defender-for-cloud",
        format!(
            "{DEFENDER_BATCHES} Event Hubs batches of {DEFENDER_BATCH_RECORDS} Defender MDVM sub-assessments (JSON strings) from {} corpus templates, with fresh sub-assessment ids and {DEFENDER_BATCH_IMAGES} fresh digests per batch (an image is registry/repository@digest: one VULNERABILITY_SCAN each); one batch per call",
            defender.len()
        ),
        files,
    )?);

    // The ~10 MB mixed batch: GuardDuty, Defender, Defender, GuardDuty, ...
    let mut parts: Vec<String> = Vec::new();
    let mut size = 2usize;
    let (mut g, mut d) = (0usize, 0usize);
    let mut digest = String::new();
    while size < MIXED_BYTES {
        let i = parts.len();
        let record = if i.is_multiple_of(3) {
            g += 1;
            vary_guardduty(&guardduty[(g - 1) % guardduty.len()], &mut rng)?
        } else {
            if d.is_multiple_of(MIXED_FINDINGS_PER_IMAGE) {
                digest = rng.hex(64);
            }
            d += 1;
            vary_defender(&defender[(d - 1) % defender.len()], &digest, &mut rng)?
        };
        size += record.len() + usize::from(i > 0);
        parts.push(record);
    }
    sets.push(write_set(
        out,
        "mixed-10mb",
        "auto",
        format!(
            "one JSON array of {} records ({g} GuardDuty findings with fresh ids, {d} Defender sub-assessments with fresh ids and digests, {MIXED_FINDINGS_PER_IMAGE} per image), {size} bytes; provider auto",
            parts.len()
        ),
        vec![(
            "mixed-10mb.json".to_owned(),
            format!("[{}]", parts.join(",")).into_bytes(),
        )],
    )?);

    let runs = vec![
        RunDef {
            id: "guardduty-single-oc-off".into(),
            inputs: "guardduty-single".into(),
            description: "GuardDuty single findings, event.original_content off".into(),
            options: serde_json::json!({ "originalContent": false }),
            input: None,
        },
        RunDef {
            id: "guardduty-single-oc-on".into(),
            inputs: "guardduty-single".into(),
            description: "GuardDuty single findings, event.original_content on (the default)"
                .into(),
            options: serde_json::json!({ "originalContent": true }),
            input: None,
        },
        RunDef {
            id: "guardduty-parsed-oc-off".into(),
            inputs: "guardduty-single".into(),
            description: "GuardDuty single findings handed over already parsed (AWS Lambda's event), event.original_content off; Node engines only".into(),
            options: serde_json::json!({ "originalContent": false }),
            input: Some("parsed".into()),
        },
        RunDef {
            id: "guardduty-parsed-oc-on".into(),
            inputs: "guardduty-single".into(),
            description: "GuardDuty single findings handed over already parsed (AWS Lambda's event), event.original_content on; Node engines only".into(),
            options: serde_json::json!({ "originalContent": true }),
            input: Some("parsed".into()),
        },
        RunDef {
            id: "defender-batch".into(),
            inputs: "defender-batch".into(),
            description: "Defender Event Hubs batches of 100, default options".into(),
            options: serde_json::json!({}),
            input: None,
        },
        RunDef {
            id: "mixed-10mb".into(),
            inputs: "mixed-10mb".into(),
            description: "the 10 MB mixed batch, provider auto, default options".into(),
            options: serde_json::json!({}),
            input: None,
        },
    ];
    let manifest = Manifest {
        schema: SCHEMA.into(),
        sets,
        runs,
    };
    let path = out.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(manifest)
}

/// Writes the files of a set and checks each against the native core.
fn write_set(
    out: &Path,
    id: &str,
    provider: &str,
    description: String,
    files: Vec<(String, Vec<u8>)>,
) -> Result<InputSet, String> {
    let mut set = InputSet {
        id: id.into(),
        provider: provider.into(),
        description,
        files: Vec::new(),
        records: 0,
        bytes: 0,
        events: 0,
    };
    for (rel, bytes) in files {
        let out_ = transform(provider, &bytes, &Options::new())
            .map_err(|e| format!("generated {rel} does not map: {e}"))?;
        for (i, o) in out_.outcomes.iter().enumerate() {
            if !matches!(o.outcome, Outcome::Mapped { events } if events > 0) {
                return Err(format!(
                    "generated {rel}: record {i} was not mapped: {:?}",
                    o.outcome
                ));
            }
        }
        let path = out.join(&rel);
        fs::create_dir_all(path.parent().expect("a file in a directory"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = InputFile {
            path: rel,
            bytes: bytes.len() as u64,
            records: out_.outcomes.len() as u64,
            events: out_.events.len() as u64,
        };
        set.records += file.records;
        set.bytes += file.bytes;
        set.events += file.events;
        set.files.push(file);
    }
    Ok(set)
}

/// Every record of every corpus input, as the core splits it (`split_records`: the same
/// records `transform` maps), minified, without duplicates, in manifest order. Inputs that
/// fail as a whole and elements that are no record are left out.
fn corpus_records(testdata: &Path) -> Result<Vec<String>, String> {
    let path = testdata.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: CorpusManifest =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut seen = HashSet::new();
    let mut records = Vec::new();
    for case in manifest.cases {
        let path = testdata.join(&case.input);
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let Ok(split) = split_records(&bytes, &Limits::default()) else {
            continue; // not UTF-8, not JSON, empty: a negative case
        };
        for json in split.iter().filter_map(|r| r.json.as_deref().ok()) {
            let r = minify(json);
            if seen.insert(r.clone()) {
                records.push(r);
            }
        }
    }
    Ok(records)
}

/// The events of `record` mapped alone by `provider`, when it maps (with content on and
/// off) to at least one event.
fn single_events(provider: &str, record: &str) -> Option<usize> {
    let mut counts = [true, false].iter().map(|&oc| {
        let out = transform(
            provider,
            record.as_bytes(),
            &Options::new().original_content(oc),
        )
        .ok()?;
        match out.outcomes.as_slice() {
            // A finding, not only a scan: a Healthy Defender record alone yields its
            // image's scan (mapping 2.0.0), but in a batch beside findings on the same
            // image it is skipped as resolved, and every generated record must map.
            [o] if matches!(o.outcome, Outcome::Mapped { events } if events > 0)
                && out
                    .events
                    .iter()
                    .any(|e| e.get_str("event.type") != Some("VULNERABILITY_SCAN")) =>
            {
                Some(out.events.len())
            }
            _ => None,
        }
    });
    let on = counts.next()??;
    (counts.next()?? == on).then_some(on)
}

fn is_mdvm(record: &str) -> bool {
    ["Azure", "Aws", "Gcp"]
        .iter()
        .any(|cloud| record.contains(&format!("\"{cloud}ContainerRegistryVulnerability\"")))
}

/// JSON without whitespace outside strings; tokens and key order as written.
pub fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
            in_string = c == '"';
        }
    }
    out
}

/// A Defender record with its image digest(s) replaced by `digest` (every distinct
/// `sha256:<64 hex>` of the template maps to `digest`, each further one to a derived
/// value) and its sub-assessment id (`name`) by a fresh one of the same shape.
fn vary_defender(template: &str, digest: &str, rng: &mut Rng) -> Result<String, String> {
    let mut record = template.to_owned();
    let mut originals: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(i) = record[at..].find("sha256:") {
        let start = at + i + "sha256:".len();
        let hex: String = record[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if hex.len() == 64 && !originals.contains(&hex) {
            originals.push(hex);
        }
        at = start;
    }
    for (k, original) in originals.iter().enumerate() {
        let new = if k == 0 {
            digest.to_owned()
        } else {
            derive_hex(digest, k)
        };
        record = record.replace(original.as_str(), &new);
    }
    let value: serde_json::Value = serde_json::from_str(template).map_err(|e| e.to_string())?;
    for key in ["name", "Name"] {
        if let Some(name) = value.get(key).and_then(|v| v.as_str())
            && name.len() >= 8
        {
            let fresh = rng.rehex(name);
            record = record.replace(&escape(name), &escape(&fresh));
        }
    }
    Ok(record)
}

/// A GuardDuty record with its finding id (and EventBridge event id) replaced by fresh ids
/// of the same shape, everywhere they occur (ARNs included).
fn vary_guardduty(template: &str, rng: &mut Rng) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(template).map_err(|e| e.to_string())?;
    let mut record = template.to_owned();
    let ids = [
        value.get("id"),
        value.get("Id"),
        value.get("detail").and_then(|d| d.get("id")),
        value.get("detail").and_then(|d| d.get("Id")),
    ];
    for id in ids.into_iter().flatten().filter_map(|v| v.as_str()) {
        if id.len() >= 8 && id.chars().filter(char::is_ascii_hexdigit).count() >= 8 {
            let fresh = rng.rehex(id);
            record = record.replace(&escape(id), &escape(&fresh));
        }
    }
    Ok(record)
}

/// The JSON string body of `s` (without quotes), to replace inside JSON text.
fn escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).expect("strings serialize");
    quoted[1..quoted.len() - 1].to_owned()
}

/// A second digest derived from the first, for templates with several.
fn derive_hex(digest: &str, k: usize) -> String {
    let mut rng = Rng(digest.bytes().fold(k as u64, |h, b| {
        h.wrapping_mul(0x100_0000_01b3) ^ u64::from(b)
    }));
    rng.hex(digest.len())
}

/// splitmix64: small, fixed-seed, good enough to make ids differ.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[(self.next() % 16) as usize]))
            .collect()
    }

    /// `s` with every hex digit replaced by a random one (upper case if `s` has upper-case
    /// hex letters and no lower-case ones); other characters (dashes) kept.
    fn rehex(&mut self, s: &str) -> String {
        let upper = s.chars().any(|c| ('A'..='F').contains(&c))
            && !s.chars().any(|c| ('a'..='f').contains(&c));
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        s.chars()
            .map(|c| {
                if c.is_ascii_hexdigit() {
                    char::from(digits[(self.next() % 16) as usize])
                } else {
                    c
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings_and_order() {
        assert_eq!(
            minify("{ \"b\" : [1, 2],\n \"a\": \"x y\\\" z\" }"),
            "{\"b\":[1,2],\"a\":\"x y\\\" z\"}"
        );
    }

    #[test]
    fn rehex_keeps_the_shape_and_is_deterministic() {
        let a = Rng(1).rehex("0f010000-1111-4222-8333-444455550001");
        assert_eq!(a, Rng(1).rehex("0f010000-1111-4222-8333-444455550001"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_ne!(a, "0f010000-1111-4222-8333-444455550001");
    }
}
