//! The fuzz targets' shared code: the raw-bytes driver, and the structure-aware payload
//! generator of `fuzz_structured`. The invariants themselves are in `invariants.rs`.

#![allow(clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arbitrary::{Result as ArbResult, Unstructured};
use secmap_core::{ErrorCode, Limits, Options, split_records, transform};

pub mod invariants;
pub use invariants::{
    LEVELS, NOT_ON_SCANS, REQUIRED_FINDING_FIELDS, check, is_uuid, obvious_record_count, run,
};

/// The raw-bytes targets: the payload under the default options, then under tight options
/// (unmapped report, small string and content caps, `now`); the record count checked
/// where it is obvious.
pub fn fuzz_raw(provider: &str, data: &[u8]) {
    let result = run(provider, data, &Options::new());
    if let (Ok(out), Some(n)) = (&result, obvious_record_count(data)) {
        assert_eq!(out.outcomes.len(), n, "records lost or invented");
    }
    let mut tight = Options::new()
        .report_unmapped(true)
        .original_content_max_bytes(100)
        .now("2026-11-22T10:00:00Z");
    // The smallest the options allow.
    tight.limits.max_string_bytes = secmap_core::MIN_STRING_BYTES;
    tight.limits.max_events = 64;
    let again = run(provider, data, &tight);
    if let (Ok(a), Ok(b)) = (&result, &again) {
        assert_eq!(
            a.outcomes.len(),
            b.outcomes.len(),
            "options changed the record count"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Structure-aware generation.

/// A JSON tree that can hold what serde_json's `Value` cannot: duplicate keys, and numbers
/// kept as their source text (`1e400`, `-0`, 30-digit integers).
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    pub fn from_value(v: &serde_json::Value) -> J {
        match v {
            serde_json::Value::Null => J::Null,
            serde_json::Value::Bool(b) => J::Bool(*b),
            serde_json::Value::Number(n) => J::Num(n.to_string()),
            serde_json::Value::String(s) => J::Str(s.clone()),
            serde_json::Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            serde_json::Value::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }

    pub fn write(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => out.push_str(&serde_json::to_string(s).expect("string")),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).expect("key"));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    fn kind(&self) -> u8 {
        match self {
            J::Null => 0,
            J::Bool(_) => 1,
            J::Num(_) => 2,
            J::Str(_) => 3,
            J::Arr(_) => 4,
            J::Obj(_) => 5,
        }
    }

    /// Paths (child indices) of every node, at most `cap`.
    fn paths(&self, cap: usize) -> Vec<Vec<usize>> {
        fn walk(j: &J, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>, cap: usize) {
            if out.len() >= cap {
                return;
            }
            out.push(path.clone());
            let children: Vec<&J> = match j {
                J::Arr(items) => items.iter().collect(),
                J::Obj(entries) => entries.iter().map(|(_, v)| v).collect(),
                _ => return,
            };
            for (i, c) in children.into_iter().enumerate() {
                path.push(i);
                walk(c, path, out, cap);
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut out, cap);
        out
    }

    fn at_mut(&mut self, path: &[usize]) -> &mut J {
        let mut node = self;
        for &i in path {
            node = match node {
                J::Arr(items) => &mut items[i],
                J::Obj(entries) => &mut entries[i].1,
                _ => unreachable!("paths lead through containers"),
            };
        }
        node
    }
}

/// Seed records: every object record of the golden corpus, loaded once.
pub fn seeds() -> &'static [J] {
    static SEEDS: OnceLock<Vec<J>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = testdata();
        let mut files = Vec::new();
        walk_files(&root, &mut files);
        files.sort();
        let mut records = Vec::new();
        for f in files {
            let name = f.to_string_lossy();
            if !(name.ends_with(".json") || name.ends_with(".ndjson"))
                || name.ends_with(".report.json")
                || name.ends_with(".options.json")
                || name.ends_with(".events.ndjson")
                || name.ends_with("manifest.json")
            {
                continue;
            }
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            // The records as `transform` reads them; a file failing as a whole has none.
            let Ok(split) = split_records(&bytes, &Limits::default()) else {
                continue;
            };
            for text in split.iter().filter_map(|r| r.json.as_deref().ok()) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                    records.push(J::from_value(&v));
                }
            }
        }
        assert!(
            !records.is_empty(),
            "no seed records under {}",
            root.display()
        );
        records
    })
}

/// `testdata/` of the repository this crate sits in.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn walk_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

const ODD_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "0.0",
    "-1",
    "1e400",
    "-1e400",
    "1e-400",
    "1e308",
    "-1.7976931348623157e308",
    "5e-324",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551616",
    "9.999999999999999",
    "10.000000000000002",
    "3.9",
    "4.0",
    "6.9",
    "7",
    "8.9",
    "9",
    "10",
    "10.1",
    "1e2",
    "0.1e1",
    "1636625755.218",
    "1636625755218",
    "16366257552180000",
    "253402300800",
    "-62135596801",
    "1E+2",
];

const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "null",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "9.5",
    " 8 ",
    "0x10",
    "true",
    "Critical",
    "HIGH",
    "high",
    "Unknown",
    "None",
    "Healthy",
    "Unhealthy",
    "NotApplicable",
    "2026-01-01T00:00:00Z",
    "2026-13-45T99:99:99Z",
    "2026-02-30T00:00:00+25:00",
    "1636625755.218",
    "0000-00-00T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "sha256:",
    "sha256:zz",
    "repo@sha256:abc",
    "a/b:c@d",
    ":",
    "@",
    "/",
    "//",
    "~1",
    "\u{0}",
    "\u{1f}",
    "\u{1f}\u{1f}",
    "é",
    "\u{2028}",
    "😀",
    "\"\\",
    "Container",
    "Instance",
    "S3Bucket",
    "EKSCluster",
    "ECSCluster",
    "Lambda",
    "AccessKey",
    "RDSDBInstance",
    "ContainerRegistryVulnerability",
    "AzureContainerRegistryVulnerability",
    "Microsoft.Security/assessments/subAssessments",
    "GuardDuty Finding",
    "aws.guardduty",
    "aws.securityhub",
    "aws-cn",
    "records",
    "findings",
    "value",
];

const KEYS: &[&str] = &[
    "id",
    "type",
    "severity",
    "title",
    "detail",
    "detail-type",
    "source",
    "resource",
    "resourceType",
    "service",
    "archived",
    "additionalInfo",
    "sample",
    "updatedAt",
    "createdAt",
    "properties",
    "status",
    "code",
    "additionalData",
    "assessedResourceType",
    "data",
    "resourceDetails",
    "timeGenerated",
    "cvss",
    "cve",
    "records",
    "findings",
    "value",
    "Findings",
    "instanceDetails",
    "eksClusterDetails",
    "ecsClusterDetails",
    "containerDetails",
    "containers",
    "image",
    "name",
    "imageDigest",
    "repositoryName",
    "tags",
    "accountId",
    "region",
    "partition",
    "arn",
    "count",
    "eventLastSeen",
    "action",
];

fn string(u: &mut Unstructured<'_>) -> ArbResult<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => (*u.choose(ODD_STRINGS)?).to_owned(),
        1 => {
            let piece = *u.choose(&["x", "é", "€", "😀", "\\", "\"", "\n", "\u{0}", "ab"])?;
            let n = u.int_in_range(1usize..=40_000)?;
            piece.repeat(n)
        }
        2 => {
            // Just around the string caps: 16, 24, 32 KiB, in multibyte characters.
            let n = *u.choose(&[
                15usize,
                16,
                17,
                23,
                24,
                25,
                32 * 1024 - 1,
                32 * 1024,
                32 * 1024 + 1,
            ])?;
            let mut s = "a".repeat(n.saturating_sub(1));
            s.push('€');
            s
        }
        _ => u.arbitrary::<String>()?,
    })
}

fn scalar(u: &mut Unstructured<'_>, not: u8) -> ArbResult<J> {
    loop {
        let j = match u.int_in_range(0..=5)? {
            0 => J::Null,
            1 => J::Bool(u.arbitrary()?),
            2 => J::Num((*u.choose(ODD_NUMBERS)?).to_owned()),
            3 => J::Str(string(u)?),
            4 => J::Arr(vec![J::Str(string(u)?); u.int_in_range(0..=3)?]),
            _ => J::Obj(vec![((*u.choose(KEYS)?).to_owned(), J::Str(string(u)?))]),
        };
        if j.kind() != not || u.is_empty() {
            return Ok(j);
        }
    }
}

/// Applies one random mutation to `record`.
fn mutate(record: &mut J, u: &mut Unstructured<'_>) -> ArbResult<()> {
    let paths = record.paths(4096);
    let path = u.choose(&paths)?.clone();
    let node = record.at_mut(&path);
    match u.int_in_range(0..=9)? {
        // Swap the type.
        0 | 1 => {
            let kind = node.kind();
            *node = scalar(u, kind)?;
        }
        // Drop a key.
        2 => {
            if let J::Obj(entries) = node
                && !entries.is_empty()
            {
                let i = u.choose_index(entries.len())?;
                entries.remove(i);
            }
        }
        // Duplicate a key, with the same or another value; or an array element.
        3 => {
            if let J::Arr(items) = node
                && !items.is_empty()
            {
                let i = u.choose_index(items.len())?;
                let copy = items[i].clone();
                items.insert(i, copy);
            } else if let J::Obj(entries) = node
                && !entries.is_empty()
            {
                let i = u.choose_index(entries.len())?;
                let (k, v) = entries[i].clone();
                let v = if u.arbitrary()? { v } else { scalar(u, 9)? };
                let at = u.int_in_range(0..=entries.len())?;
                entries.insert(at, (k, v));
            }
        }
        // A huge or odd number.
        4 => *node = J::Num((*u.choose(ODD_NUMBERS)?).to_owned()),
        // Deep nesting.
        5 => {
            let depth = u.int_in_range(1u32..=140)?;
            let mut inner = std::mem::replace(node, J::Null);
            for _ in 0..depth {
                inner = if u.arbitrary()? {
                    J::Arr(vec![inner])
                } else {
                    J::Obj(vec![((*u.choose(KEYS)?).to_owned(), inner)])
                };
            }
            *node = inner;
        }
        // A long or odd string.
        6 => *node = J::Str(string(u)?),
        // Rename a key: PascalCase, a known key, or a container key.
        7 => {
            if let J::Obj(entries) = node
                && !entries.is_empty()
            {
                let i = u.choose_index(entries.len())?;
                let k = &mut entries[i].0;
                if u.arbitrary()? {
                    let mut c = k.chars();
                    *k = c
                        .next()
                        .map(|f| f.to_ascii_uppercase())
                        .into_iter()
                        .chain(c)
                        .collect();
                } else {
                    *k = (*u.choose(KEYS)?).to_owned();
                }
            }
        }
        // Add a key with an odd value.
        8 => {
            if let J::Obj(entries) = node {
                entries.push(((*u.choose(KEYS)?).to_owned(), scalar(u, 9)?));
            }
        }
        // Splice a subtree of another seed.
        _ => {
            let other = u.choose(seeds())?;
            let paths = other.paths(4096);
            let p = u.choose(&paths)?;
            let mut other = other.clone();
            *node = std::mem::replace(other.at_mut(p), J::Null);
        }
    }
    Ok(())
}

/// How the records are put into one payload.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Single,
    Array,
    Container(&'static str),
    Ndjson,
    EventHubs,
    EventBridge,
}

/// A generated case: the payload, the provider, the options, and how many records the
/// payload holds when that follows from its construction.
#[derive(Debug)]
pub struct Case {
    pub provider: &'static str,
    pub payload: Vec<u8>,
    pub options: Options,
    pub records: Option<usize>,
    /// Bytes that are never UTF-8 were put in: the call must fail with `invalid-utf8`.
    pub invalid_utf8: bool,
}

/// A payload of mutated corpus findings.
pub fn generate(u: &mut Unstructured<'_>) -> ArbResult<Case> {
    // `auto` half the time; else every provider id (a new provider is fuzzed by name too).
    let provider = if u.arbitrary()? {
        "auto"
    } else {
        *u.choose(&secmap_core::providers().map(|p| p.id).collect::<Vec<_>>())?
    };
    let n = u.int_in_range(1usize..=4)?;
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        let mut r = u.choose(seeds())?.clone();
        for _ in 0..u.int_in_range(0..=6)? {
            mutate(&mut r, u)?;
        }
        records.push(r);
    }
    // A second copy of a record: the same finding delivered twice.
    if u.ratio(1, 8)? {
        let r = records[u.choose_index(records.len())?].clone();
        records.push(r);
    }
    let shape = match u.int_in_range(0..=6)? {
        0 if records.len() == 1 => Shape::Single,
        1 => Shape::Container(u.choose(&["records", "findings", "Findings", "value"])?),
        2 => Shape::Ndjson,
        3 => Shape::EventHubs,
        4 if records.len() == 1 => Shape::EventBridge,
        _ => Shape::Array,
    };
    let (payload, count) = assemble(&records, shape);
    let mut payload = payload.into_bytes();
    let mut invalid_utf8 = false;
    if u.ratio(1, 16)? {
        let bad: &[u8] = u.choose(&[&[0xff][..], &[0xc3], &[0xed, 0xa0, 0x80], &[0xf8, 0x88]])?;
        let at = u.int_in_range(0..=payload.len())?;
        payload.splice(at..at, bad.iter().copied());
        invalid_utf8 = true;
    }
    let options = options(u)?;
    Ok(Case {
        provider,
        payload,
        options,
        records: count,
        invalid_utf8,
    })
}

/// The payload text and, where the construction tells, its record count.
fn assemble(records: &[J], shape: Shape) -> (String, Option<usize>) {
    let texts: Vec<String> = records.iter().map(J::text).collect();
    let count: Option<usize> = records.iter().map(element_records).sum();
    match shape {
        Shape::Single => (texts[0].clone(), top_records(&records[0])),
        Shape::Array => (format!("[{}]", texts.join(",")), count),
        Shape::Container(key) => (format!("{{\"{key}\":[{}]}}", texts.join(",")), count),
        Shape::EventHubs => {
            let bodies: Vec<String> = texts
                .iter()
                .map(|t| serde_json::to_string(t).expect("string"))
                .collect();
            let count = records.iter().map(top_records).sum();
            (format!("[{}]", bodies.join(",")), count)
        }
        Shape::Ndjson => {
            // A line that is not an object or a container (a mutated root) is ambiguous
            // with a pretty-printed document; count only all-object payloads.
            let count = if records.len() > 1 && records.iter().all(|r| matches!(r, J::Obj(_))) {
                records.iter().map(top_records).sum()
            } else {
                None
            };
            (texts.join("\n") + "\n", count)
        }
        Shape::EventBridge => {
            let text = format!(
                "{{\"version\":\"0\",\"id\":\"e\",\"detail-type\":\"GuardDuty Finding\",\
                 \"source\":\"aws.guardduty\",\"account\":\"123456789012\",\
                 \"time\":\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\
                 \"detail\":{}}}",
                texts[0]
            );
            (text, Some(1))
        }
    }
}

/// Records in an element of an array (or of a container's array).
fn element_records(j: &J) -> Option<usize> {
    match j {
        // A string element is a message body; ours never are.
        J::Str(_) => None,
        _ => Some(1),
    }
}

/// Records in a document (the whole payload, an NDJSON line or a message body). An empty
/// array or container is left open (`None`): whether it counts as one rejected message or
/// as none is the core's choice. Counted from the construction on purpose, not with
/// `split_records`: it is the oracle the core's splitter is checked against.
fn top_records(j: &J) -> Option<usize> {
    top_records_of(j).filter(|&n| n > 0)
}

fn top_records_of(j: &J) -> Option<usize> {
    match j {
        J::Obj(entries) => {
            // `data` (an Azure Resource Graph page, unless the object is a typed record)
            // and `responses` (an Azure REST API example, read as its response body) are
            // containers by rules this oracle does not repeat: not ours to judge here.
            if entries.iter().any(|(k, _)| k == "data" || k == "responses") {
                return None;
            }
            let keys = ["records", "findings", "Findings", "value"];
            let mut seen = Vec::new();
            for (k, _) in entries {
                if keys.contains(&k.as_str()) {
                    if seen.contains(k) {
                        return None; // duplicate container keys: not ours to judge here
                    }
                    seen.push(k.clone());
                }
            }
            match keys.iter().find_map(|k| {
                entries
                    .iter()
                    .find(|(ek, v)| ek == k && matches!(v, J::Arr(_)))
            }) {
                Some((_, J::Arr(items))) => items.iter().map(element_records).sum(),
                _ => Some(1),
            }
        }
        J::Arr(items) => items.iter().map(element_records).sum(),
        J::Str(_) => None,
        _ => Some(1),
    }
}

fn options(u: &mut Unstructured<'_>) -> ArbResult<Options> {
    let mut o = Options::new()
        .original_content(u.ratio(3, 4)?)
        .report_unmapped(u.arbitrary()?)
        .skip_sample_findings(u.arbitrary()?);
    if u.ratio(1, 4)? {
        o = o.original_content_max_bytes(u.int_in_range(0..=300)?);
    }
    if u.ratio(1, 4)? {
        o = o.now(*u.choose(&["2026-11-22T10:00:00Z", "2026-11-22T11:00:00.5+01:00"])?);
    }
    if u.ratio(1, 4)? {
        // From 40: see fuzz/regressions/max-string-bytes-cuts-event-id.json.
        o.limits.max_string_bytes = u.int_in_range(secmap_core::MIN_STRING_BYTES..=200)?;
    }
    if u.ratio(1, 8)? {
        o.limits.max_records = u.int_in_range(1..=5)?;
    }
    if u.ratio(1, 8)? {
        o.limits.max_events = u.int_in_range(1..=5)?;
    }
    if u.ratio(1, 8)? {
        o.limits.max_depth = u.int_in_range(1..=130)?;
    }
    Ok(o)
}

/// The structured target: a generated payload, checked, then mapped again for determinism.
pub fn fuzz_structured(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(case) = generate(&mut u) else { return };
    // Triage: `SECMAP_FUZZ_SHOW=1 target/.../fuzz_structured <crash file>` prints the case.
    if std::env::var_os("SECMAP_FUZZ_SHOW").is_some() {
        eprintln!(
            "provider {}, {} records expected, invalid UTF-8: {}, options {:?}\npayload: {}",
            case.provider,
            case.records.map_or("?".into(), |n| n.to_string()),
            case.invalid_utf8,
            case.options,
            String::from_utf8_lossy(&case.payload)
        );
    }
    let result = run(case.provider, &case.payload, &case.options);
    if case.invalid_utf8 {
        match &result {
            Err(e) => assert_eq!(e.code(), ErrorCode::InvalidUtf8, "{e:?}"),
            Ok(_) => panic!("a payload that is not UTF-8 was accepted"),
        }
        return;
    }
    if let (Ok(out), Some(n)) = (&result, case.records) {
        assert_eq!(
            out.outcomes.len(),
            n,
            "records lost or invented: {} outcomes for {n} records",
            out.outcomes.len()
        );
    }
    let again = transform(case.provider, &case.payload, &case.options);
    match (&result, &again) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.events_json(), b.events_json(), "not deterministic");
            assert_eq!(a.outcomes, b.outcomes, "not deterministic");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "not deterministic"),
        _ => panic!("not deterministic"),
    }
}
