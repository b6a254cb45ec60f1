//! The shape of `target/bench/report.json`: what `secmap-bench report` writes and
//! docs/performance.md documents (its "report.json" section, in the template). Fields are
//! added, not changed, within a [`SCHEMA`] version.

use serde::{Deserialize, Serialize};

use crate::engines::Startup;
use crate::inputs::RunDef;
use crate::machine::Machine;
use crate::measure::CaseResult;

/// The report format version; bump it when a field changes meaning or goes away.
pub const SCHEMA: u32 = 1;

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
