//! The figures derived from the engines' results: input summaries, artifact sizes, the
//! ratios between engines, and the targets they are held to.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use super::format::{micros, thousands};
use super::shape::{InputSummary, Ratio, Size, Target};
use crate::engines::Startup;
use crate::inputs::{InputSet, Manifest, RunDef};
use crate::measure::{CaseResult, Summary};

pub(super) fn summary(set: &InputSet) -> InputSummary {
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

pub(super) fn sizes(root: &Path, jco: &Path, missing: &mut Vec<String>) -> Vec<Size> {
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

pub(super) fn ratios(manifest: &Manifest, results: &[CaseResult]) -> Vec<Ratio> {
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

pub(super) fn targets(ratios: &[Ratio], startup: &[Startup], sizes: &[Size]) -> Vec<Target> {
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
    // The batch path (one instance for many calls) on the runs where calls are large: the
    // per-call instance cost is amortized there, so what is left is the guest's own speed.
    let batch_runs = ["defender-batch", "mixed-10mb"];
    let batch: Vec<&Ratio> = ratios
        .iter()
        .filter(|r| r.name == "wasmtime-reuse/native" && batch_runs.contains(&r.run.as_str()))
        .collect();
    let wt_batch = batch.iter().map(|r| r.value).reduce(f64::min);
    let wt_batch_detail = batch
        .iter()
        .map(|r| format!("{} {:.2}×", r.run, r.value))
        .collect::<Vec<_>>()
        .join(", ");
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
            1.5,
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
            "wasmtime-batch-vs-native",
            "component in wasmtime through the batch path (`Mapper::batch(100)`) vs native, Defender batches and the 10 MB run (the worst counts)",
            ">=",
            0.8,
            wt_batch,
            "×",
            wt_batch_detail,
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
            "component size, raw (400 KB = 400,000 bytes)",
            "<=",
            400_000.0,
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
