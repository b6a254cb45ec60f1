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
        fs::write(md, markdown(&report)?).map_err(|e| format!("{}: {e}", md.display()))?;
        println!("wrote {}", md.display());
    }
    Ok(())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
