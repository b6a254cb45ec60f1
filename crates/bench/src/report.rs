//! Merges the engines' results into `target/bench/report.json`, prints the table and the
//! ratios, and writes `docs/performance.md`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::engines::{EngineResults, Startup};
use crate::inputs::{InputSet, Manifest, RunDef};
use crate::machine::{self, Machine};
use crate::measure::{CaseResult, Summary};

/// The report format version; bump it when a field changes meaning or goes away.
pub const SCHEMA: u32 = 1;

/// Engines in table order.
const ORDER: [&str; 7] = [
    "native",
    "floor",
    "wasmtime",
    "wasmtime-reuse",
    "node-npm",
    "node-jco",
    "node-handwritten",
];

/// `secmap-bench report`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    pub inputs: PathBuf,
    /// The results of `run`.
    #[arg(long)]
    pub rust: PathBuf,
    /// The results of js/bench/bench.mjs (missing: the Node engines are left out).
    #[arg(long)]
    pub node: Option<PathBuf>,
    /// callgrind_annotate outputs, as RUN=FILE (self cost) pairs.
    #[arg(long = "profile")]
    pub profiles: Vec<String>,
    /// perf report outputs for the wasmtime path: BY_OBJECT,BY_SYMBOL.
    #[arg(long)]
    pub wasmtime_profile: Option<String>,
    /// The `--rounds` the profiles were taken with.
    #[arg(long, default_value_t = 20)]
    pub profile_rounds: u64,
    /// The repository root (for artifact sizes and tool versions).
    #[arg(long)]
    pub root: PathBuf,
    /// The jco output directory.
    #[arg(long)]
    pub jco: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    /// Also write this Markdown file (docs/performance.md).
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// The cargo profile the Rust engines were built with.
    #[arg(long, default_value = "release")]
    pub build_profile: String,
    #[arg(long)]
    pub quick: bool,
}

/// `target/bench/report.json` (documented in docs/performance.md).
#[derive(Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub generated: String,
    pub quick: bool,
    /// The cargo profile of the Rust engines (`release`; `dev` in quick mode).
    pub build_profile: String,
    pub machine: Machine,
    pub inputs: Vec<InputSummary>,
    pub runs: Vec<RunDef>,
    pub results: Vec<CaseResult>,
    pub startup: Vec<Startup>,
    pub sizes: Vec<Size>,
    pub ratios: Vec<Ratio>,
    pub targets: Vec<Target>,
    pub profile: Option<Profile>,
    /// Where the wasmtime path spends its time (perf samples).
    #[serde(default)]
    pub wasmtime_profile: Option<SampledProfile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A sampling profile (perf, cpu-clock) of one engine on one run.
#[derive(Debug, Serialize, Deserialize)]
pub struct SampledProfile {
    pub tool: String,
    pub engine: String,
    pub run: String,
    /// Share of samples by shared object: `[kernel.kallsyms]`, `[JIT] tid N` (the guest's
    /// compiled wasm), `secmap-bench` (wasmtime's runtime and the host side), libc, ...
    pub by_object: Vec<Share>,
    /// The top symbols, as `object: symbol`.
    pub top_symbols: Vec<Share>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Share {
    pub name: String,
    pub percent: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InputSummary {
    pub id: String,
    pub provider: String,
    pub description: String,
    pub files: u64,
    pub records: u64,
    pub events: u64,
    pub bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Size {
    pub artifact: String,
    pub path: String,
    pub raw_bytes: u64,
    /// `gzip -9`.
    pub gzip_bytes: u64,
}

/// `numerator/denominator` of input MB/s on one run (> 1: the numerator is faster).
#[derive(Debug, Serialize, Deserialize)]
pub struct Ratio {
    pub name: String,
    pub run: String,
    pub value: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub description: String,
    /// `>=` or `<=` `threshold`.
    pub comparison: String,
    pub threshold: f64,
    /// The measured value (the worst run where the target covers several); null when not
    /// measured.
    pub value: Option<f64>,
    pub unit: String,
    pub met: Option<bool>,
    pub detail: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Profile {
    pub tool: String,
    pub command: String,
    pub runs: Vec<ProfileRun>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProfileRun {
    pub run: String,
    /// Calls profiled (every input of the run, `rounds` times).
    pub calls: u64,
    pub total_instructions: u64,
    /// Top functions by instructions executed in the function itself.
    pub self_cost: Vec<ProfileEntry>,
    /// Top functions by instructions executed in them and their callees; the loop's callers
    /// (100%) and recursive instances (callgrind's `'2` names, whose inclusive cost counts
    /// the recursion more than once) left out.
    pub inclusive_cost: Vec<ProfileEntry>,
    /// Self cost summed by what the function belongs to (every function callgrind_annotate
    /// lists, which covers 99% of the instructions).
    pub categories: Vec<ProfileEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProfileEntry {
    pub function: String,
    pub instructions: u64,
    pub percent: f64,
}

pub fn write(args: &Args) -> Result<(), String> {
    let manifest = Manifest::load(&args.inputs)?;
    let rust: EngineResults = read_json(&args.rust)?;
    let mut missing = Vec::new();
    let node: EngineResults = match &args.node {
        Some(p) if p.exists() => read_json(p)?,
        _ => {
            missing.push("node: no results (js/bench/bench.mjs did not run)".to_owned());
            EngineResults::default()
        }
    };
    let mut results: Vec<CaseResult> = rust.results.into_iter().chain(node.results).collect();
    let order = |r: &CaseResult| {
        let run = manifest
            .runs
            .iter()
            .position(|x| x.id == r.run || (r.engine == "floor" && x.inputs == r.inputs))
            .unwrap_or(usize::MAX);
        let engine = ORDER
            .iter()
            .position(|e| *e == r.engine)
            .unwrap_or(usize::MAX);
        (run, engine)
    };
    results.sort_by_key(order);
    let startup: Vec<Startup> = rust.startup.into_iter().chain(node.startup).collect();
    let sizes = sizes(&args.root, &args.jco, &mut missing);
    let ratios = ratios(&manifest, &results);
    let targets = targets(&ratios, &startup, &sizes);
    let profile = profile(&args.profiles, args.profile_rounds, &manifest)?;
    let wasmtime_profile = match &args.wasmtime_profile {
        Some(files) => Some(sampled(files)?),
        None => None,
    };
    let report = Report {
        schema: SCHEMA,
        generated: machine::now_utc(),
        quick: args.quick,
        build_profile: args.build_profile.clone(),
        machine: machine::describe(&args.root),
        inputs: manifest.sets.iter().map(summary).collect(),
        runs: manifest.runs.clone(),
        results,
        startup,
        sizes,
        ratios,
        targets,
        profile,
        wasmtime_profile,
        missing,
    };
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    fs::write(&args.out, text + "\n").map_err(|e| format!("{}: {e}", args.out.display()))?;
    print!("{}", console(&report));
    println!("report: {}", args.out.display());
    if let Some(md) = &args.markdown {
        fs::write(md, markdown(&report)).map_err(|e| format!("{}: {e}", md.display()))?;
        println!("wrote {}", md.display());
    }
    Ok(())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn summary(set: &InputSet) -> InputSummary {
    InputSummary {
        id: set.id.clone(),
        provider: set.provider.clone(),
        description: set.description.clone(),
        files: set.files.len() as u64,
        records: set.records,
        events: set.events,
        bytes: set.bytes,
    }
}

fn sizes(root: &Path, jco: &Path, missing: &mut Vec<String>) -> Vec<Size> {
    let artifacts = [
        ("component", root.join("dist/secmap.wasm")),
        (
            "npm package wasm (wasm-bindgen)",
            root.join("js/secmap/dist/secmap_wasm_bg.wasm"),
        ),
        (
            "npm package JS glue",
            root.join("js/secmap/dist/secmap_wasm.js"),
        ),
        ("jco core wasm", jco.join("secmap.core.wasm")),
        ("jco JS glue", jco.join("secmap.js")),
    ];
    let mut out = Vec::new();
    for (name, path) in artifacts {
        let Ok(meta) = fs::metadata(&path) else {
            missing.push(format!("size of {name}: {} is missing", path.display()));
            continue;
        };
        let gzip = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or(0, |o| o.stdout.len() as u64);
        out.push(Size {
            artifact: name.into(),
            path: path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
            raw_bytes: meta.len(),
            gzip_bytes: gzip,
        });
    }
    out
}

fn find<'a>(results: &'a [CaseResult], engine: &str, run: &RunDef) -> Option<&'a CaseResult> {
    results.iter().find(|r| {
        r.engine == engine
            && if engine == "floor" {
                r.inputs == run.inputs
            } else {
                r.run == run.id
            }
    })
}

fn ratios(manifest: &Manifest, results: &[CaseResult]) -> Vec<Ratio> {
    let pairs = [
        ("wasmtime", "native"),
        ("wasmtime-reuse", "native"),
        ("node-npm", "native"),
        ("node-jco", "native"),
        ("native", "floor"),
        // secmap against a hand-written JS mapper in the same Node process (js/bench/handwritten).
        ("node-npm", "node-handwritten"),
        ("node-jco", "node-handwritten"),
    ];
    let mut out = Vec::new();
    for (a, b) in pairs {
        for run in &manifest.runs {
            if let (Some(x), Some(y)) = (find(results, a, run), find(results, b, run)) {
                out.push(Ratio {
                    name: format!("{a}/{b}"),
                    run: run.id.clone(),
                    value: x.mb_per_s / y.mb_per_s,
                });
            }
        }
    }
    out
}

fn targets(ratios: &[Ratio], startup: &[Startup], sizes: &[Size]) -> Vec<Target> {
    let ratio = |name: &str, run: &str| {
        ratios
            .iter()
            .find(|r| r.name == name && r.run == run)
            .map(|r| r.value)
    };
    let worst = |name: &str| {
        let all: Vec<&Ratio> = ratios.iter().filter(|r| r.name == name).collect();
        let min = all.iter().map(|r| r.value).reduce(f64::min);
        let detail = all
            .iter()
            .map(|r| format!("{} {:.2}×", r.run, r.value))
            .collect::<Vec<_>>()
            .join(", ");
        (min, detail)
    };
    let make = |id: &str,
                description: &str,
                cmp: &str,
                threshold: f64,
                value: Option<f64>,
                unit: &str,
                detail: String| {
        let met = value.map(|v| {
            if cmp == ">=" {
                v >= threshold
            } else {
                v <= threshold
            }
        });
        Target {
            id: id.into(),
            description: description.into(),
            comparison: cmp.into(),
            threshold,
            value,
            unit: unit.into(),
            met,
            detail,
        }
    };
    let (wt, wt_detail) = worst("wasmtime/native");
    let (npm, npm_detail) = worst("node-npm/native");
    let (hand, hand_detail) = worst("node-npm/node-handwritten");
    let component = sizes.iter().find(|s| s.artifact == "component");
    let wasmtime = startup.iter().find(|s| s.engine == "wasmtime");
    let inst = wasmtime.and_then(|s| s.instantiate_us.as_ref());
    let inst_detail = |s: &Summary| {
        let mut d = format!("p99 {} µs", micros(s.p99));
        if let Some(x) = wasmtime.and_then(|w| w.instantiate_drop_us.as_ref()) {
            let _ = write!(d, "; with the store's drop p50 {} µs", micros(x.p50));
        }
        if let Some(x) = wasmtime.and_then(|w| w.empty_call_us.as_ref()) {
            let _ = write!(
                d,
                "; a whole empty call through Mapper p50 {} µs",
                micros(x.p50)
            );
        }
        d
    };
    vec![
        make(
            "native-vs-floor-original-content-off",
            "native mapping vs the serde_json floor, GuardDuty single findings, event.original_content off",
            ">=",
            1.0,
            ratio("native/floor", "guardduty-single-oc-off"),
            "×",
            "input MB/s of native over floor".into(),
        ),
        make(
            "native-vs-floor-original-content-on",
            "native mapping vs the serde_json floor, GuardDuty single findings, event.original_content on",
            ">=",
            0.7,
            ratio("native/floor", "guardduty-single-oc-on"),
            "×",
            "input MB/s of native over floor".into(),
        ),
        make(
            "wasmtime-vs-native",
            "component in wasmtime vs native (every run; the worst counts)",
            ">=",
            0.8,
            wt,
            "×",
            wt_detail,
        ),
        make(
            "node-vs-native",
            "npm package in Node vs native (every run; the worst counts)",
            ">=",
            0.5,
            npm,
            "×",
            npm_detail,
        ),
        make(
            "node-vs-handwritten",
            "npm package vs a hand-written JS mapper in the same Node process (every run it can map, bytes or parsed in; the worst counts)",
            ">=",
            1.0,
            hand,
            "×",
            hand_detail,
        ),
        make(
            "component-size",
            "component size, raw (300 KB = 300,000 bytes)",
            "<=",
            300_000.0,
            component.map(|c| c.raw_bytes as f64),
            "bytes",
            component.map_or_else(String::new, |c| {
                format!("{} gzipped", thousands(c.gzip_bytes as f64))
            }),
        ),
        make(
            "instantiation",
            "pre-instantiated instantiation in wasmtime (new store + instantiate), p50",
            "<=",
            100.0,
            inst.map(|s| s.p50),
            "µs",
            inst.map_or_else(String::new, inst_detail),
        ),
    ]
}

fn profile(args: &[String], rounds: u64, manifest: &Manifest) -> Result<Option<Profile>, String> {
    if args.is_empty() {
        return Ok(None);
    }
    let mut runs = Vec::new();
    for arg in args {
        // RUN=SELF_FILE,INCLUSIVE_FILE
        let (run, files) = arg
            .split_once('=')
            .ok_or_else(|| format!("--profile {arg}: expected RUN=SELF,INCLUSIVE"))?;
        let (self_file, incl_file) = files
            .split_once(',')
            .ok_or_else(|| format!("--profile {arg}: expected RUN=SELF,INCLUSIVE"))?;
        let (total, self_cost) = annotate(Path::new(self_file))?;
        let (_, inclusive_cost) = annotate(Path::new(incl_file))?;
        let categories = categorize(&self_cost, total);
        let recursive = |f: &str| {
            f.rsplit_once('\'')
                .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        let inclusive_cost = inclusive_cost
            .into_iter()
            .filter(|e| e.percent < 99.5 && !recursive(&e.function))
            .take(TOP)
            .collect();
        let files = manifest.run(run).map(|(_, set)| set.files.len() as u64)?;
        runs.push(ProfileRun {
            run: run.into(),
            calls: files * rounds,
            total_instructions: total,
            self_cost: self_cost.into_iter().take(TOP).collect(),
            inclusive_cost,
            categories,
        });
    }
    Ok(Some(Profile {
        tool: "valgrind --tool=callgrind (instructions executed, Ir)".into(),
        command: format!(
            "valgrind --tool=callgrind --toggle-collect='*bench_profile_loop*' secmap-bench profile --run RUN --rounds {rounds}; callgrind_annotate --auto=no --inclusive=no|yes"
        ),
        runs,
    }))
}

/// A perf profile from `BY_OBJECT,BY_SYMBOL` (perf report --stdio outputs).
fn sampled(files: &str) -> Result<SampledProfile, String> {
    let (objects, symbols) = files
        .split_once(',')
        .ok_or_else(|| format!("--wasmtime-profile {files}: expected BY_OBJECT,BY_SYMBOL"))?;
    let read = |path: &str| -> Result<Vec<(f64, String)>, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        Ok(text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let l = l.trim();
                let (pct, rest) = l.split_once('%')?;
                Some((
                    pct.trim().parse().ok()?,
                    rest.split_whitespace().collect::<Vec<_>>().join(" "),
                ))
            })
            .collect())
    };
    let by_object = read(objects)?
        .into_iter()
        .map(|(percent, name)| Share {
            // "[JIT] tid 1234": the guest's code; the thread id means nothing later.
            name: if name.starts_with("[JIT]") {
                "[JIT] (the guest's wasm, compiled by Cranelift)".into()
            } else {
                name
            },
            percent,
        })
        .collect();
    let top_symbols = read(symbols)?
        .into_iter()
        .take(TOP)
        .map(|(percent, name)| Share {
            name: name.replace(" [k] ", ": ").replace(" [.] ", ": "),
            percent,
        })
        .collect();
    Ok(SampledProfile {
        tool: "perf record -e cpu-clock -F 2000 -D 2000 (sampling after the compile and the validation pass); perf report --sort dso / dso,sym".into(),
        engine: "wasmtime".into(),
        run: "guardduty-single-oc-off".into(),
        by_object,
        top_symbols,
    })
}

/// How many functions the report lists per profile.
const TOP: usize = 25;

/// Self cost by what the function belongs to, largest first.
fn categorize(entries: &[ProfileEntry], total: u64) -> Vec<ProfileEntry> {
    const CATEGORIES: [(&str, &[&str]); 9] = [
        (
            "allocation (malloc, free, realloc)",
            &[
                "malloc",
                "free",
                "realloc",
                "calloc",
                "__rust_alloc",
                "__rust_dealloc",
                "__rdl_",
                "alloc::raw_vec",
                "alloc::alloc",
            ],
        ),
        (
            "memory copies and compares (libc mem*)",
            &[
                "__mem", "memcpy", "memmove", "memcmp", "memset", "memchr", "__strlen", "bcmp",
            ],
        ),
        (
            "JSON parsing and writing (serde_json, serde_json_borrow)",
            &["serde_json", "serde_core", "serde::"],
        ),
        ("UUIDv5 (uuid, sha1)", &["uuid", "sha1"]),
        ("number formatting (zmij, itoa)", &["zmij", "itoa", "ryu"]),
        (
            "secmap_core: writing events (json::write*, Event::write_json, events_json)",
            &["secmap_core::json::write", "write_json", "events_json"],
        ),
        (
            "secmap_core: reading the payload (json::*, payload::*, cx::Node accessors)",
            &[
                "secmap_core::json::",
                "secmap_core::payload",
                "secmap_core::cx::",
            ],
        ),
        (
            "secmap_core: mapping (the rest of secmap_core)",
            &["secmap_core"],
        ),
        ("hashing (std HashMap)", &["hash", "Hash", "sip"]),
    ];
    let mut sums = vec![0u64; CATEGORIES.len() + 1];
    for e in entries {
        let i = CATEGORIES
            .iter()
            .position(|(_, keys)| keys.iter().any(|k| e.function.contains(k)))
            .unwrap_or(CATEGORIES.len());
        sums[i] += e.instructions;
    }
    let listed: u64 = sums.iter().sum();
    let mut out: Vec<ProfileEntry> = CATEGORIES
        .iter()
        .map(|(name, _)| *name)
        .chain(["other (core, alloc, std: iterators, slices, strings, Vec)"])
        .zip(sums)
        .chain([(
            "functions under callgrind_annotate's 1% threshold",
            total.saturating_sub(listed),
        )])
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| ProfileEntry {
            function: name.into(),
            instructions: n,
            percent: n as f64 * 100.0 / total as f64,
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.instructions));
    out
}

/// The total and every function of a callgrind_annotate output, in its order.
fn annotate(path: &Path) -> Result<(u64, Vec<ProfileEntry>), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut total = 0u64;
    let mut entries = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((count, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(n) = count.replace(',', "").parse::<u64>() else {
            continue;
        };
        let mut rest = rest.trim_start();
        // Newer callgrind_annotate prints "(12.34%)" after the count.
        if rest.starts_with('(')
            && let Some(end) = rest.find(')')
        {
            rest = rest[end + 1..].trim_start();
        }
        if rest.starts_with("PROGRAM TOTALS") {
            total = n;
            continue;
        }
        let function = rest
            .split_once(':')
            .map_or(rest, |(file, f)| if file.contains(' ') { rest } else { f });
        // The object file, when callgrind_annotate adds it: " [/path/to/binary]".
        let function = match function.rsplit_once(" [") {
            Some((f, obj)) if obj.starts_with('/') && obj.ends_with(']') => f,
            _ => function,
        }
        .trim();
        if function.is_empty() {
            continue;
        }
        entries.push(ProfileEntry {
            function: function.into(),
            instructions: n,
            percent: 0.0,
        });
    }
    if total == 0 {
        return Err(format!("{}: no PROGRAM TOTALS line", path.display()));
    }
    for e in &mut entries {
        e.percent = e.instructions as f64 * 100.0 / total as f64;
    }
    Ok((total, entries))
}

// ---------------------------------------------------------------------------------------
// Output.

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn micros(us: f64) -> String {
    if us < 10.0 {
        format!("{us:.2}")
    } else if us < 1000.0 {
        format!("{us:.1}")
    } else {
        thousands(us)
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "–".into(), |b| format!("{:.1}", b as f64 / 1048576.0))
}

fn results_rows(report: &Report) -> Vec<[String; 10]> {
    report
        .results
        .iter()
        .map(|r| {
            [
                if r.engine == "floor" {
                    format!("{} (any options)", r.inputs)
                } else {
                    r.run.clone()
                },
                r.engine.clone(),
                r.calls.to_string(),
                thousands(r.records_per_s),
                r.events_per_s.map_or_else(|| "–".into(), thousands),
                format!("{:.1}", r.mb_per_s),
                micros(r.latency_us.p50),
                micros(r.latency_us.p99),
                mib(r.memory.peak_rss_bytes),
                mib(r.memory.wasm_memory_bytes),
            ]
        })
        .collect()
}

const RESULT_HEADER: [&str; 10] = [
    "run",
    "engine",
    "calls",
    "records/s",
    "events/s",
    "MB/s",
    "p50 µs",
    "p99 µs",
    "peak RSS MiB",
    "wasm mem MiB",
];

fn ratio_rows(report: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let names = [
        "wasmtime/native",
        "wasmtime-reuse/native",
        "node-npm/native",
        "node-jco/native",
        "native/floor",
        "node-npm/node-handwritten",
        "node-jco/node-handwritten",
    ];
    let mut header = vec!["run".to_owned()];
    header.extend(names.iter().map(|s| (*s).to_owned()));
    let rows = report
        .runs
        .iter()
        .map(|run| {
            let mut row = vec![run.id.clone()];
            for name in names {
                row.push(
                    report
                        .ratios
                        .iter()
                        .find(|r| r.name == name && r.run == run.id)
                        .map_or_else(|| "–".into(), |r| format!("{:.2}×", r.value)),
                );
            }
            row
        })
        .collect();
    (header, rows)
}

fn target_line(t: &Target) -> (String, String, String, String) {
    let mark = match t.met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    };
    let want = if t.unit == "×" {
        format!("{} {:.1}×", t.comparison, t.threshold)
    } else {
        format!("{} {} {}", t.comparison, thousands(t.threshold), t.unit)
    };
    let got = match t.value {
        None => "not measured".into(),
        Some(v) if t.unit == "×" => format!("{v:.2}×"),
        Some(v) if t.unit == "bytes" => format!("{} bytes", thousands(v)),
        Some(v) => format!("{} {}", micros(v), t.unit),
    };
    (mark.into(), want, got, t.detail.clone())
}

fn table(header: &[String], rows: &[Vec<String>], out: &mut String) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String], out: &mut String| {
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i < 2 {
                let _ = write!(out, "{c}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(out, "{}{c}  ", " ".repeat(pad));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    };
    line(header, out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule, out);
    for r in rows {
        line(r, out);
    }
}

/// The table, ratios and targets for the terminal.
fn console(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nsecmap bench{} ({} build) on {} ({} cores), load {}",
        if report.quick { " --quick" } else { "" },
        report.build_profile,
        report.machine.cpu.as_deref().unwrap_or("unknown CPU"),
        report.machine.cores.unwrap_or(0),
        report.machine.load_average.as_deref().unwrap_or("?")
    );
    let header: Vec<String> = RESULT_HEADER.iter().map(|s| (*s).to_owned()).collect();
    let rows: Vec<Vec<String>> = results_rows(report).into_iter().map(Vec::from).collect();
    table(&header, &rows, &mut out);
    out.push_str("\nratios (input MB/s):\n");
    let (header, rows) = ratio_rows(report);
    table(&header, &rows, &mut out);
    out.push_str("\nstart-up:\n");
    for s in &report.startup {
        let _ = writeln!(out, "  {}: {}", s.engine, startup_text(s));
    }
    out.push_str("\nsizes:\n");
    for s in &report.sizes {
        let _ = writeln!(
            out,
            "  {}: {} bytes, {} gzipped",
            s.artifact,
            thousands(s.raw_bytes as f64),
            thousands(s.gzip_bytes as f64)
        );
    }
    out.push_str("\ntargets:\n");
    for t in &report.targets {
        let (mark, want, got, detail) = target_line(t);
        let _ = writeln!(out, "  {mark} {} {want}: {got} ({detail})", t.id);
    }
    for m in &report.missing {
        let _ = writeln!(out, "  missing: {m}");
    }
    if let Some(p) = &report.profile {
        out.push_str("\nwhere the time goes (native, callgrind, self cost):\n");
        for run in &p.runs {
            let parts: Vec<String> = run
                .categories
                .iter()
                .take(6)
                .map(|c| format!("{:.0}% {}", c.percent, c.function))
                .collect();
            let _ = writeln!(
                out,
                "  {} ({} instructions/call): {}",
                run.run,
                thousands(run.total_instructions as f64 / run.calls.max(1) as f64),
                parts.join("; ")
            );
        }
    }
    if let Some(w) = &report.wasmtime_profile {
        let parts: Vec<String> = w
            .by_object
            .iter()
            .filter(|x| x.percent >= 1.0)
            .map(|x| format!("{:.0}% {}", x.percent, x.name))
            .collect();
        let _ = writeln!(
            out,
            "  wasmtime {} (perf samples): {}",
            w.run,
            parts.join("; ")
        );
    }
    out
}

fn startup_text(s: &Startup) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &s.compile_ms {
        parts.push(format!("compile {:.1} ms (p50 of {})", c.p50, c.samples));
    }
    if let Some(c) = &s.load_ms {
        parts.push(format!("load {:.1} ms (p50 of {})", c.p50, c.samples));
    }
    if let Some(c) = &s.instantiate_us {
        parts.push(format!(
            "instantiate p50 {} µs, p99 {} µs ({} samples)",
            micros(c.p50),
            micros(c.p99),
            c.samples
        ));
    }
    if let Some(c) = &s.instantiate_drop_us {
        parts.push(format!(
            "instantiate + drop p50 {} µs, p99 {} µs",
            micros(c.p50),
            micros(c.p99)
        ));
    }
    if let Some(c) = &s.empty_call_us {
        parts.push(format!(
            "empty call p50 {} µs, p99 {} µs",
            micros(c.p50),
            micros(c.p99)
        ));
    }
    parts.join("; ")
}

fn md_table(header: &[String], rows: &[Vec<String>], right_from: usize, out: &mut String) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i < right_from { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
}

/// docs/performance.md.
fn markdown(r: &Report) -> String {
    let mut o = String::new();
    let m = &r.machine;
    let unknown = || "unknown".to_owned();
    let _ = writeln!(o, "# Performance\n");
    let _ = writeln!(
        o,
        "Generated by `cargo xtask bench` on {} from `target/bench/report.json`; rerun it to refresh \
         this page (`cargo xtask bench --quick`, which CI runs inside `cargo xtask test`, only checks \
         that the harness works and does not touch this file). No test asserts a timing: the numbers \
         live here and in the report.\n",
        r.generated
    );
    let _ = writeln!(o, "## Machine\n");
    let _ = writeln!(
        o,
        "- CPU: {} ({} logical cores)",
        m.cpu.clone().unwrap_or_else(unknown),
        m.cores.map_or_else(unknown, |c| c.to_string())
    );
    let _ = writeln!(
        o,
        "- Memory: {}",
        m.memory_bytes.map_or_else(unknown, |b| format!(
            "{:.1} GiB",
            b as f64 / (1u64 << 30) as f64
        ))
    );
    let _ = writeln!(
        o,
        "- OS: {}, kernel {}",
        m.os.clone().unwrap_or_else(unknown),
        m.kernel.clone().unwrap_or_else(unknown)
    );
    let _ = writeln!(
        o,
        "- {}; {}; wasmtime {}; Node {}",
        m.rustc.clone().unwrap_or_else(unknown),
        format_args!("Rust engines built with the `{}` profile", r.build_profile),
        m.wasmtime.clone().unwrap_or_else(unknown),
        m.node.clone().unwrap_or_else(unknown)
    );
    let _ = writeln!(
        o,
        "- Load average when the report was written: {}. The machine was shared with other builds, \
         so treat differences under ~20% as noise; rerun before drawing conclusions from small changes.\n",
        m.load_average.clone().unwrap_or_else(unknown)
    );

    let _ = writeln!(o, "## Inputs\n");
    let _ = writeln!(
        o,
        "Generated deterministically from the golden corpus into `target/bench/inputs/` (fixed-seed ids and digests); every engine reads the same files.\n"
    );
    let header: Vec<String> = [
        "set", "provider", "files", "records", "events", "bytes", "what",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let rows: Vec<Vec<String>> = r
        .inputs
        .iter()
        .map(|s| {
            vec![
                format!("`{}`", s.id),
                s.provider.clone(),
                s.files.to_string(),
                thousands(s.records as f64),
                thousands(s.events as f64),
                thousands(s.bytes as f64),
                s.description.clone(),
            ]
        })
        .collect();
    md_table(&header, &rows, 99, &mut o);
    let _ = writeln!(
        o,
        "\nRuns: {}.\n",
        r.runs
            .iter()
            .map(|x| format!("`{}` ({}; options `{}`)", x.id, x.description, x.options))
            .collect::<Vec<_>>()
            .join("; ")
    );

    let _ = writeln!(o, "## Results\n");
    let _ = writeln!(
        o,
        "One call maps one input file to the request body. Throughput is per core (one thread); MB = 10^6 input bytes; records/s counts input records, events/s output events.\n"
    );
    let header: Vec<String> = RESULT_HEADER.iter().map(|s| (*s).to_owned()).collect();
    let rows: Vec<Vec<String>> = results_rows(r).into_iter().map(Vec::from).collect();
    md_table(&header, &rows, 2, &mut o);
    let _ = writeln!(
        o,
        "\n### Ratios (input MB/s; above 1× the first engine is faster)\n"
    );
    let (header, rows) = ratio_rows(r);
    md_table(&header, &rows, 1, &mut o);

    let _ = writeln!(o, "\n### Start-up\n");
    for s in &r.startup {
        let _ = writeln!(o, "- **{}**: {}", s.engine, startup_text(s));
        for n in &s.notes {
            let _ = writeln!(o, "  - {n}");
        }
    }
    let _ = writeln!(o, "\n### Sizes\n");
    let header: Vec<String> = ["artifact", "path", "raw bytes", "gzip -9 bytes"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let rows: Vec<Vec<String>> = r
        .sizes
        .iter()
        .map(|s| {
            vec![
                s.artifact.clone(),
                format!("`{}`", s.path),
                thousands(s.raw_bytes as f64),
                thousands(s.gzip_bytes as f64),
            ]
        })
        .collect();
    md_table(&header, &rows, 2, &mut o);

    let _ = writeln!(o, "\n## Targets\n");
    let header: Vec<String> = ["", "target", "wanted", "measured", "detail"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let rows: Vec<Vec<String>> = r
        .targets
        .iter()
        .map(|t| {
            let (mark, want, got, detail) = target_line(t);
            vec![mark, t.description.clone(), want, got, detail]
        })
        .collect();
    md_table(&header, &rows, 99, &mut o);
    if !r.missing.is_empty() {
        let _ = writeln!(o, "\nNot measured: {}.", r.missing.join("; "));
    }

    let notes = observations(r);
    if !notes.is_empty() {
        let _ = writeln!(o, "\n## Reading the numbers\n");
        let _ = writeln!(o, "Computed from this report:\n");
        for n in notes {
            let _ = writeln!(o, "- {n}");
        }
    }

    let _ = writeln!(o, "\n{DONE_AND_LEFT}");

    let _ = writeln!(o, "\n## Where the time goes\n");
    match &r.profile {
        None => {
            let _ = writeln!(o, "No profile in this report (valgrind was not available).");
        }
        Some(p) => {
            let _ = writeln!(
                o,
                "Native core, GuardDuty single findings, measured with {}: only the calls are counted (`{}`). Percentages are of all instructions in the calls; names are as the symbols give them (inlined functions count toward their caller).\n",
                p.tool, p.command
            );
            for run in &p.runs {
                let _ = writeln!(
                    o,
                    "**{}** ({} calls, {} instructions per call):\n",
                    run.run,
                    run.calls,
                    thousands(run.total_instructions as f64 / run.calls.max(1) as f64)
                );
                let header: Vec<String> = ["self cost by part", "%"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                let rows: Vec<Vec<String>> = run
                    .categories
                    .iter()
                    .map(|c| vec![c.function.clone(), format!("{:.1}", c.percent)])
                    .collect();
                md_table(&header, &rows, 1, &mut o);
                o.push('\n');
                let header: Vec<String> = [
                    "self %",
                    "function (self cost)",
                    "inclusive %",
                    "function (inclusive)",
                ]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
                let n = 15.min(run.self_cost.len().max(run.inclusive_cost.len()));
                let cell = |v: &[ProfileEntry], i: usize| {
                    v.get(i).map_or_else(
                        || ("".into(), "".into()),
                        |e| {
                            (
                                format!("{:.1}", e.percent),
                                format!("`{}`", shorten(&e.function)),
                            )
                        },
                    )
                };
                let rows: Vec<Vec<String>> = (0..n)
                    .map(|i| {
                        let (sp, sf) = cell(&run.self_cost, i);
                        let (ip, inf) = cell(&run.inclusive_cost, i);
                        vec![sp, sf, ip, inf]
                    })
                    .collect();
                md_table(&header, &rows, 99, &mut o);
                o.push('\n');
            }
        }
    }

    if let Some(w) = &r.wasmtime_profile {
        let _ = writeln!(
            o,
            "**The component in wasmtime, {}**, sampled with `{}`. Samples by object (`[JIT]` is the guest's wasm compiled by Cranelift, `[kernel.kallsyms]` the kernel, `secmap-bench` wasmtime's runtime and the host side):\n",
            w.run, w.tool
        );
        let header: Vec<String> = ["object", "% of samples"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let rows: Vec<Vec<String>> = w
            .by_object
            .iter()
            .filter(|x| x.percent >= 0.1)
            .map(|x| vec![format!("`{}`", x.name), format!("{:.1}", x.percent)])
            .collect();
        md_table(&header, &rows, 1, &mut o);
        let _ = writeln!(o, "\nTop symbols:\n");
        let header: Vec<String> = ["% of samples", "object: symbol"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let rows: Vec<Vec<String>> = w
            .top_symbols
            .iter()
            .take(15)
            .map(|x| {
                vec![
                    format!("{:.1}", x.percent),
                    format!("`{}`", shorten(&x.name)),
                ]
            })
            .collect();
        md_table(&header, &rows, 99, &mut o);
        o.push('\n');
    }

    o.push_str(METHOD);
    o
}

/// Facts computed from the report that explain the ratios.
/// What the optimization work did and what it left, with the measurements that decided
/// it (from the runs of the commits that made each change; not recomputed here).
const DONE_AND_LEFT: &str = "## What was optimized, and what is left

- **Native core** (commit 66da350 and before): borrowed, lazily read input (`serde_json_borrow`,
  only the fields a mapping reads), events written straight to the output buffer (no
  intermediate `Value`), `event.original_content` re-serialized in one pass from the parsed
  record, capacity hints, no byte pre-scan. Both floor targets are met.
- **Wasmtime host**: the pooling allocator (instantiate + drop ~4 µs instead of ~16 µs of
  mapping and unmapping a memory per call); `linear_memory_keep_resident` was tried and
  measured slower (it zeroes the kept pages with `memset` on every call), so it is off.
- **Guest build**: `opt-level = \"s\"` instead of `\"z\"` (`z` is 8% smaller and a third
  slower), `+simd128`, talc instead of dlmalloc; the bundled examples are embedded without
  whitespace to stay under the size budget. Together: GuardDuty single findings in wasmtime
  from ~0.10× to 0.15–0.21× native (runs vary), batches ~0.4×. The npm package's wasm is
  built at `opt-level = 3` (profile `wasm-js`): on GuardDuty single findings in Node (CPU
  time, loaded machine) 212 → 274 MB/s with original content off, 148 → 195 MB/s on, for
  378 KB instead of 344 KB; the component stays at `s` (354 KB at 3, over its 300 KB budget).
- **npm package**: the output crosses the boundary as one JSON text instead of objects
  built field by field by serde-wasm-bindgen (single findings 45.5 → 55–71 MB/s, defender
  batches 18 → 24–33 MB/s). Then the body straight through: the core's output is one byte
  buffer (body, report, two lengths), `transform()` returns `bodyBytes` as the core wrote
  it and parses `events`/`outcomes`/`warnings` only when read, so a host that sends
  `bodyBytes` pays neither `JSON.parse` nor `JSON.stringify` nor a UTF-8 decode of the
  events. With the npm wasm at `opt-level = 3` (below), GuardDuty single findings, bytes
  in (`node-npm`, load ~4): 93 → 202 MB/s with original content off, 60 → 152 MB/s on
  (before: objects + `eventsToJson`); already parsed in (AWS Lambda): 70 → 77 and 48 → 56
  MB/s, where `JSON.stringify` of the event dominates what is left.
- **Wasmtime batch path** (`Mapper::batch(n)`, `secmap map|check --reuse N`): up to N
  calls in one instance, a fresh one every N calls and after any error (a refused payload,
  a trap, a timeout; a call that ran out of memory in a reused instance is retried once in a
  fresh one). It removes the fixed per-call cost (store, instantiation, and the page faults
  of a freshly reset memory) for hosts mapping many payloads of one trust domain. The
  trade-off: within an instance, one payload's freed (not zeroed) memory and any state a bug
  left behind are there while the next is mapped, so the default stays a fresh instance per
  call for untrusted payloads (`wasmtime-reuse` measures N = 100). Measured (release,
  load ~4): GuardDuty single findings p50 49.0 → 14.7 µs (original content off) and
  55.5 → 18.7 µs (on), native 6.4 and 8.3 µs; in perf, the kernel's share (page faults of
  the reset memory) falls from 53% to 4% and the guest's code rises from 35% to 87%, so
  what is left is Cranelift's code for the guest. Built at `opt-level = 3`, the component
  would take another ~20% off (reused instances: 13.9 → 11.3 µs per finding, Defender
  batches 3.8 → 3.0 ms) but weighs 354,740 bytes, over its 300 KB budget: not done.
- **Hand-written peer** (`js/bench/handwritten`): what a team would write instead of
  secmap, in the same Node process on the same inputs (`node-handwritten`; bytes in, and
  already parsed in as AWS Lambda hands events over). `node-npm/node-handwritten` is the
  ratio that says whether the package is worth it on speed alone.
- **Not met**: wasmtime ≥ 0.8× and Node ≥ 0.5× native. On single findings a native call is
  ~9 µs, so the ~25 µs fixed cost of a production call in wasmtime (a fresh store and
  instance, and above all the page faults of a freshly reset linear memory, see the kernel
  share below) alone rules 0.8× out; on large batches, where that cost vanishes, the guest's
  code still runs at ~0.4× native. Reusing one instance across calls is opt-in (the batch
  path above), not the default, because it gives up per-call isolation. Levers not taken: a smaller guest stack with
  resident pages (stack overflow risk for the size of the gain), hand-written SIMD JSON
  scanning for wasm.";

fn observations(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let get = |engine: &str, run: &str| {
        r.results.iter().find(|x| {
            x.engine == engine && (x.run == run || (engine == "floor" && x.inputs == run))
        })
    };
    let ratio = |name: &str, run: &str| {
        r.ratios
            .iter()
            .find(|x| x.name == name && x.run == run)
            .map(|x| x.value)
    };
    let gd = "guardduty-single-oc-off";
    let wasmtime = r.startup.iter().find(|s| s.engine == "wasmtime");
    if let (Some(w), Some(n), Some(empty)) = (
        get("wasmtime", gd),
        get("native", gd),
        wasmtime.and_then(|s| s.empty_call_us.as_ref()),
    ) {
        out.push(format!(
            "A GuardDuty single finding takes {} µs (p50) in wasmtime against {} µs natively; {} µs of it ({:.0}%) is the fixed cost of a production call (a new store, instantiation, an empty call, dropping the store: `Mapper::mapping_version`).",
            micros(w.latency_us.p50),
            micros(n.latency_us.p50),
            micros(empty.p50),
            empty.p50 * 100.0 / w.latency_us.p50
        ));
    }
    if let Some(p) = &r.wasmtime_profile {
        let share = |pred: &dyn Fn(&str) -> bool| {
            p.by_object
                .iter()
                .filter(|x| pred(&x.name))
                .map(|x| x.percent)
                .sum::<f64>()
        };
        let kernel = share(&|n| n.contains("kernel"));
        let jit = share(&|n| n.starts_with("[JIT]"));
        let kernel_top: Vec<String> = p
            .top_symbols
            .iter()
            .filter(|x| x.name.contains("kernel"))
            .take(4)
            .map(|x| format!("`{}`", x.name.rsplit(": ").next().unwrap_or(&x.name)))
            .collect();
        out.push(format!(
            "In the perf samples of that wasmtime run, {kernel:.0}% of the time is in the kernel (top: {}: consistent with the pooling allocator resetting a slot's linear memory with `madvise` after each call and the next call faulting its pages in again) and {jit:.0}% in the guest's compiled wasm.",
            kernel_top.join(", ")
        ));
    }
    if let (Some(a), Some(b)) = (
        ratio("wasmtime/native", "mixed-10mb"),
        ratio("node-jco/native", "mixed-10mb"),
    ) {
        out.push(format!(
            "On the 10 MB batch, where per-call costs vanish, the guest's code runs at {a:.2}× native in wasmtime and {b:.2}× in V8 (jco, the same core module): with per-call host work out of the picture, the gap lies in the guest's code (already built with `opt-level = \"s\"`, `simd128` and talc; what remains is Cranelift's and V8's code for the same Rust: 32-bit SWAR instead of native SIMD in the JSON scanners, bounds-checked memory, no profile-guided inlining: candidates, not measured causes)."
        ));
    }
    let against_hand: Vec<String> = r
        .ratios
        .iter()
        .filter(|x| x.name == "node-npm/node-handwritten")
        .map(|x| format!("{} {:.2}×", x.run, x.value))
        .collect();
    if !against_hand.is_empty() {
        out.push(format!(
            "Against a hand-written JavaScript mapper in the same Node process (input MB/s of the npm package over the hand-written one; above 1× secmap is faster): {}.",
            against_hand.join(", ")
        ));
    }
    if let (Some(off), Some(on)) = (get("native", gd), get("native", "guardduty-single-oc-on")) {
        out.push(format!(
            "`event.original_content` costs {:.0}% of native throughput on single findings ({:.1} vs {:.1} MB/s): the vendor record is written again, compact and escaped, into every event.",
            (1.0 - on.mb_per_s / off.mb_per_s) * 100.0,
            on.mb_per_s,
            off.mb_per_s
        ));
    }
    if let Some(x) = ratio("native/floor", "defender-batch") {
        out.push(format!(
            "native/floor is {x:.2}× on the Defender batches because the floor reads each Event Hubs body as a JSON string and does not parse the record inside; the native core parses every record."
        ));
    }
    out
}

/// Function names with generic arguments collapsed to `<…>` (qualified paths like
/// `<X as Trait>` and `<impl ...>` kept), cut at 110 characters, for the tables.
fn shorten(f: &str) -> String {
    let mut out = String::new();
    // For each open `<`: whether it opened generic arguments (collapsed).
    let mut stack: Vec<bool> = Vec::new();
    let mut prev = ' ';
    for c in f.chars() {
        let hidden = stack.iter().any(|&g| g);
        match c {
            '<' => {
                let generic = prev.is_alphanumeric() || prev == '_';
                if generic && !hidden {
                    out.push_str("<…>");
                } else if !hidden {
                    out.push('<');
                }
                stack.push(generic);
            }
            '>' if !stack.is_empty() => {
                let generic = stack.pop().unwrap_or(false);
                if !generic && !stack.iter().any(|&g| g) {
                    out.push('>');
                }
            }
            _ if !hidden => out.push(c),
            _ => {}
        }
        prev = c;
    }
    let out = out.replace('|', "\\|");
    if out.chars().count() > 110 {
        out.chars().take(110).collect::<String>() + "…"
    } else {
        out
    }
}

const METHOD: &str = r#"## Method

- **Run it:** `cargo xtask bench` (full: release build of `crates/bench`, about 3 s per engine
  and run plus the profile, a few minutes in all) or `cargo xtask bench --quick` (one round per
  case, `dev` build of the Rust engines unless `SECMAP_BENCH_RELEASE=1`; CI runs it at the end
  of `cargo xtask test` so the harness cannot rot). Both write `target/bench/report.json`; only
  the full run rewrites this page.
- **One call** maps one input file, bytes in, request body out (the events as one JSON array):
  - `native`: `secmap_core::transform` + `Output::events_json`;
  - `floor`: `serde_json::from_slice::<serde_json::Value>` + `serde_json::to_vec` of the same
    bytes, the least any mapping that reads the whole payload does. In the Event Hubs batches
    every record is a JSON *string*, which the floor reads as a string and does not parse, so
    there the floor is far cheaper than any mapping; compare native with the floor on the
    GuardDuty runs (where the targets are) and on the mixed batch;
  - `wasmtime`: `secmap_host::Mapper::transform` as production runs it (component compiled
    once, pre-instantiated, a fresh `Store` and instance per call, memory limiter, epoch
    deadline), then joining the event strings;
  - `wasmtime-reuse`: the same through `Mapper::batch(100)` (one instance for up to 100
    calls, a fresh one after any error: `secmap map --reuse 100`);
  - `node-npm`: the npm package `secmap` (`transform(provider, payload, options)`,
    wasm-bindgen), the body taken as `bodyBytes`, exactly as a host hands it to `fetch`;
  - `node-jco`: the component transpiled by jco (`mapper.transform(provider, bytes, options)`,
    events come back as strings) + joining them;
  - `node-handwritten`: `js/bench/handwritten`, a hand-written JavaScript mapper for
    GuardDuty and Defender with the same output fields (`JSON.parse`, plain objects,
    `node:crypto` UUIDv5, `JSON.stringify` of the events; checked against the golden events
    by its node:test). It has no `auto`, so it skips the mixed batch.
- **Already parsed in:** runs `guardduty-parsed-*` hand the Node engines the files'
  `JSON.parse` (untimed), as AWS Lambda hands a Node handler its event: the npm package and
  jco serialize it first (`JSON.stringify` + UTF-8, timed), the hand-written mapper reads the
  objects. The Rust engines do not run them.
- **Timing:** one validation pass over the inputs (the event count of every call must equal the
  native core's; untimed), a 1 s warm-up, then whole rounds over the inputs, each call timed on
  its own, until at least 3 rounds, 3 s and (single findings) 1,000 calls or (batches) 10 calls.
  p50/p99 are nearest-rank over the per-call times; throughput is the timed work over the sum of
  the call times. One thread: per core.
- **Isolation and memory:** every engine and run is its own process. `peak RSS` is the process'
  high-water mark at the end of the case (Linux `VmHWM`, the same figure as getrusage's
  `ru_maxrss`; Node: `process.resourceUsage().maxRSS`): it includes the loaded inputs, the
  runtime and, for wasmtime, the compiled code. `wasm mem` is WebAssembly linear memory: for
  wasmtime the largest size the guest's memory reached in one call (a store limiter records it;
  a fresh store per call, so this is the per-call need), for the npm package the module's memory
  after the case (one instance lives as long as the process; linear memory never shrinks). jco
  does not expose its memory, native and floor have none.
- **Start-up:** wasmtime `compile` is `Component::new` (Cranelift, on all cores, no cache);
  `load` is `Mapper::from_component`; `instantiate` is a new store plus instantiating the
  pre-instantiated component (the Mapper has no instantiate-only hook, so the bench builds an
  equivalent store over the Mapper's compiled component), `instantiate + drop` adds dropping
  that store (releasing the instance's memory), and `empty call` is `Mapper::mapping_version`,
  the whole fixed cost of a production call. Node: `compile` is
  `new WebAssembly.Module` in a fresh process (V8 compiles lazily and tiers up later, so this is
  the synchronous part), `load` is importing the module in a fresh process (compile and
  instantiate), `instantiate` (npm package) is `initSync` with the compiled module.
- **Profile:** `valgrind --tool=callgrind` over the native GuardDuty loop (`secmap-bench
  profile`), counting only the loop (`--toggle-collect`); `perf` has no hardware counters on this
  machine (`perf stat -e instructions` reports "not supported"). Instructions, not time: cache
  misses and allocation latency are under-weighted.

## `target/bench/report.json`

Schema version 1 (`schema`); fields are added, not changed, within a version.

```text
{
  "schema": 1,
  "generated": "RFC 3339 UTC", "quick": bool, "build_profile": "release" | "dev",
  "machine": { "cpu", "cores", "memory_bytes", "os", "kernel", "load_average",
               "rustc", "node", "wasmtime" },                       // null when unknown
  "inputs":  [ { "id", "provider", "description", "files", "records", "events", "bytes" } ],
  "runs":    [ { "id", "inputs", "description", "options",
                 "input"? } ],           // options: camelCase JSON; input "parsed": Node only
  "results": [ {
      "engine": "native" | "floor" | "wasmtime" | "wasmtime-reuse" | "node-npm" | "node-jco"
                | "node-handwritten",
      "run": run id (floor: the input set id), "inputs": input set id,
      "calls", "rounds", "warmup_calls",
      "records", "events" (null for floor), "bytes", "seconds",
      "records_per_s", "events_per_s" (null for floor), "mb_per_s",
      "latency_us": { "p50", "p99", "mean", "min", "max", "samples" },
      "memory": { "peak_rss_bytes", "rss_before_bytes", "wasm_memory_bytes" },  // null: n/a
      "notes": [ string ]                                             // optional
  } ],
  "startup": [ { "engine": "wasmtime" | "node-npm" | "node-jco",
                 "compile_ms", "load_ms", "instantiate_us", "instantiate_drop_us",
                 "empty_call_us",                                    // summaries or null
                 "notes": [ string ] } ],
  "sizes":   [ { "artifact", "path", "raw_bytes", "gzip_bytes" } ],
  "ratios":  [ { "name": "wasmtime/native" | "wasmtime-reuse/native" | "node-npm/native"
                         | "node-jco/native" | "native/floor" | "node-npm/node-handwritten"
                         | "node-jco/node-handwritten",
                 "run", "value" } ],                                  // of mb_per_s
  "targets": [ { "id", "description", "comparison": ">=" | "<=", "threshold", "value", "unit",
                 "met": bool | null, "detail" } ],
  "profile": null | { "tool", "command",
                      "runs": [ { "run", "calls", "total_instructions",
                                  "self_cost": [ { "function", "instructions", "percent" } ],
                                  "inclusive_cost": [ ... ], "categories": [ ... ] } ] },
  "wasmtime_profile": null | { "tool", "engine", "run",
                               "by_object": [ { "name", "percent" } ],
                               "top_symbols": [ { "name", "percent" } ] },
  "missing": [ string ]                                                // optional
}
```
"#;

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shorten_collapses_generics_only() {
        assert_eq!(
            shorten("<serde_json::de::MapAccess<R> as serde_core::de::MapAccess>::next_key_seed"),
            "<serde_json::de::MapAccess<…> as serde_core::de::MapAccess>::next_key_seed"
        );
        assert_eq!(
            shorten("core::ptr::drop_in_place<serde_json_borrow::value::Value>'2"),
            "core::ptr::drop_in_place<…>'2"
        );
        assert_eq!(
            shorten("a::<impl B for C<D>>::f"),
            "a::<impl B for C<…>>::f"
        );
    }
}
