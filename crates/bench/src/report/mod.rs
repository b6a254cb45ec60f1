//! Merges the engines' results into `target/bench/report.json`, prints the table and the
//! ratios, and writes `docs/performance.md`.
//!
//! The report's JSON shape is in [`shape`], the figures derived from the results (ratios,
//! targets, sizes) in [`figures`], the profiler parsing in [`profiler`]; the terminal
//! summary in [`console`] and the page in [`markdown`], from the template
//! `crates/bench/templates/performance.md`, which holds the page's prose.

mod console;
mod figures;
mod format;
mod markdown;
mod profiler;
mod shape;
mod template;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engines::{EngineResults, Startup};
use crate::inputs::Manifest;
use crate::machine;
use crate::measure::CaseResult;
use console::console;
use figures::{ratios, sizes, summary, targets};
use markdown::markdown;
use profiler::{profile, sampled};
pub use shape::{Report, SCHEMA};

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
    /// The results of `run`, one file per pass (see [`median_passes`]).
    #[arg(long, required = true)]
    pub rust: Vec<PathBuf>,
    /// The results of js/bench/bench.mjs, one file per pass (none, or a missing file: the
    /// Node engines are left out).
    #[arg(long)]
    pub node: Vec<PathBuf>,
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

pub fn write(args: &Args) -> Result<(), String> {
    let manifest = Manifest::load(&args.inputs)?;
    let rust = median_passes(
        args.rust
            .iter()
            .map(|p| read_json(p))
            .collect::<Result<_, _>>()?,
    );
    let mut missing = Vec::new();
    let node_passes: Vec<EngineResults> = args
        .node
        .iter()
        .filter(|p| p.exists())
        .map(|p| read_json(p))
        .collect::<Result<_, _>>()?;
    if node_passes.is_empty() {
        missing.push("node: no results (js/bench/bench.mjs did not run)".to_owned());
    }
    let node = median_passes(node_passes);
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
        fs::write(md, markdown(&report)?).map_err(|e| format!("{}: {e}", md.display()))?;
        println!("wrote {}", md.display());
    }
    Ok(())
}

/// One result per engine and run out of several passes: the pass with the median input
/// throughput (the lower middle of an even count), kept whole so that its latencies and
/// memory go with it. A full bench measures every engine in each of several passes, the
/// Rust and the Node engines in turn, so that a slow spell of a shared machine falls on
/// every engine alike instead of on the one that happened to run then. Start-up figures
/// come from the first pass.
fn median_passes(passes: Vec<EngineResults>) -> EngineResults {
    let mut passes = passes.into_iter();
    let Some(first) = passes.next() else {
        return EngineResults::default();
    };
    let mut groups: Vec<Vec<CaseResult>> = first.results.into_iter().map(|r| vec![r]).collect();
    for pass in passes {
        for r in pass.results {
            let same = |g: &&mut Vec<CaseResult>| {
                g[0].engine == r.engine && g[0].run == r.run && g[0].inputs == r.inputs
            };
            match groups.iter_mut().find(same) {
                Some(g) => g.push(r),
                None => groups.push(vec![r]),
            }
        }
    }
    let results = groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.mb_per_s.total_cmp(&b.mb_per_s));
            g.swap_remove((g.len() - 1) / 2)
        })
        .collect();
    EngineResults {
        results,
        startup: first.startup,
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(engine: &str, run: &str, mb_per_s: f64) -> CaseResult {
        let summary = r#"{"p50":1,"p99":2,"mean":1,"min":1,"max":2,"samples":1}"#;
        serde_json::from_str(&format!(
            r#"{{"engine":"{engine}","run":"{run}","inputs":"i","calls":1,"rounds":1,
            "warmup_calls":0,"records":1,"events":1,"bytes":1,"seconds":1,"records_per_s":1,
            "events_per_s":1,"mb_per_s":{mb_per_s},"latency_us":{summary},
            "memory":{{}}}}"#
        ))
        .unwrap()
    }

    fn pass(results: Vec<CaseResult>, startup: &str) -> EngineResults {
        EngineResults {
            results,
            startup: vec![Startup {
                engine: startup.to_owned(),
                ..Startup::default()
            }],
        }
    }

    /// Each engine and run keeps its median pass whole; start-up comes from the first pass.
    #[test]
    fn the_median_pass_of_each_engine_and_run_is_kept() {
        let merged = median_passes(vec![
            pass(
                vec![result("native", "a", 100.0), result("floor", "a", 90.0)],
                "first",
            ),
            pass(
                vec![result("native", "a", 60.0), result("floor", "a", 95.0)],
                "second",
            ),
            pass(
                vec![result("native", "a", 80.0), result("floor", "a", 50.0)],
                "third",
            ),
        ]);
        let got: Vec<(&str, f64)> = merged
            .results
            .iter()
            .map(|r| (r.engine.as_str(), r.mb_per_s))
            .collect();
        assert_eq!(got, [("native", 80.0), ("floor", 90.0)]);
        assert_eq!(merged.startup[0].engine, "first");
        // An even count keeps the lower middle; one pass is itself; none is empty.
        let two = median_passes(vec![
            pass(vec![result("native", "a", 100.0)], "x"),
            pass(vec![result("native", "a", 60.0)], "y"),
        ]);
        assert_eq!(two.results[0].mb_per_s, 60.0);
        let one = median_passes(vec![pass(vec![result("native", "a", 7.0)], "x")]);
        assert_eq!(one.results[0].mb_per_s, 7.0);
        assert!(median_passes(Vec::new()).results.is_empty());
    }
}
