//! The Rust engines: the native core, the serde_json floor, and the component in wasmtime.
//!
//! What one call does, in every engine, is what a host does with a payload: bytes in, the
//! request body (the events as one JSON array) out.
//! - `native`: `secmap_core::transform`, then `Output::events_json`;
//! - `floor`: `serde_json::from_slice::<Value>`, then `serde_json::to_vec` (the least any
//!   mapping that reads the whole payload must do);
//! - `wasmtime`: `secmap_host::Mapper::transform` (a fresh store and instance per call, as
//!   the CLI runs it: pre-instantiated, memory limiter, epoch deadline), then joining the
//!   event strings into the body;
//! - `wasmtime-reuse`: the same through `Mapper::batch(REUSE)` (`secmap map --reuse`): one
//!   instance for up to [`REUSE`] calls, a fresh one after any error.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use secmap_host::{Limits, Mapper, Secmap, SecmapPre};
use serde::{Deserialize, Serialize};
use wasmtime::component::{Component, Linker};
use wasmtime::{ResourceLimiter, Store};

use crate::inputs::{InputSet, Manifest, RunDef, load_set};
use crate::measure::{CaseResult, Plan, Summary, proc_status, time_case};

/// The engines measured here, in report order.
pub const ENGINES: [&str; 4] = ["native", "floor", "wasmtime", "wasmtime-reuse"];

/// Calls per instance of the `wasmtime-reuse` engine.
pub const REUSE: u32 = 100;

/// The file `run` writes: Rust cases and wasmtime start-up numbers.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct EngineResults {
    pub results: Vec<CaseResult>,
    pub startup: Vec<Startup>,
}

/// Start-up costs of an engine: the stable shape of `startup[]` in report.json.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Startup {
    pub engine: String,
    /// Compiling the wasm (wasmtime: `Component::new`, Cranelift; Node: `new
    /// WebAssembly.Module`), milliseconds per compile.
    pub compile_ms: Option<Summary>,
    /// Creating a ready engine from the bytes once (wasmtime: `Mapper::from_component`, i.e.
    /// engine + compile + pre-instantiation; Node: importing the module in a fresh process,
    /// which compiles and instantiates), milliseconds.
    pub load_ms: Option<Summary>,
    /// Instantiating the compiled module (wasmtime: a new store plus `instantiate` of the
    /// pre-instantiated component; Node: instantiation of the compiled module, once per
    /// process), microseconds.
    pub instantiate_us: Option<Summary>,
    /// wasmtime: the same plus dropping the store (which releases the instance's memory),
    /// microseconds.
    #[serde(default)]
    pub instantiate_drop_us: Option<Summary>,
    /// A whole call that does no work (wasmtime: `Mapper::mapping_version`, i.e. store,
    /// limiter, instantiate, call, drop; Node: `mappingVersion()`), microseconds.
    pub empty_call_us: Option<Summary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Spawns one process per engine and run (and one for wasmtime start-up), collecting the
/// results into `out`.
pub fn run_all(inputs: &Path, component: &Path, out: &Path, quick: bool) -> Result<(), String> {
    let manifest = Manifest::load(inputs)?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut all = EngineResults::default();
    let spawn = |engine: &str, run: &str| -> Result<String, String> {
        let mut c = Command::new(&exe);
        c.arg("case")
            .arg("--inputs")
            .arg(inputs)
            .arg("--component")
            .arg(component)
            .args(["--engine", engine, "--run", run]);
        if quick {
            c.arg("--quick");
        }
        let output = c
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
        if !output.status.success() {
            return Err(format!("case {engine} {run} failed ({})", output.status));
        }
        String::from_utf8(output.stdout).map_err(|e| e.to_string())
    };
    let text = spawn("wasmtime-startup", "")?;
    all.startup
        .push(serde_json::from_str(&text).map_err(|e| format!("wasmtime-startup: {e}"))?);
    let mut floors_done = Vec::new();
    // Runs with the payload already parsed exist only in JavaScript hosts.
    for run in manifest.runs.iter().filter(|r| !r.parsed()) {
        for engine in ENGINES {
            // The floor ignores options: once per input set.
            if engine == "floor" {
                if floors_done.contains(&run.inputs) {
                    continue;
                }
                floors_done.push(run.inputs.clone());
            }
            let text = spawn(engine, &run.id)?;
            let result: CaseResult =
                serde_json::from_str(&text).map_err(|e| format!("{engine} {}: {e}", run.id))?;
            eprintln!(
                "secmap-bench: {:<9} {:<24} {:>10.1} records/s {:>8.2} MB/s  p50 {:>9.1} µs  p99 {:>9.1} µs",
                result.engine,
                result.run,
                result.records_per_s,
                result.mb_per_s,
                result.latency_us.p50,
                result.latency_us.p99
            );
            all.results.push(result);
        }
    }
    let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    std::fs::write(out, text + "\n").map_err(|e| format!("{}: {e}", out.display()))
}

/// One case, in this process; returns its JSON.
pub fn case(
    inputs: &Path,
    component: &Path,
    engine: &str,
    run: &str,
    quick: bool,
) -> Result<String, String> {
    if engine == "wasmtime-startup" {
        let startup = wasmtime_startup(component, quick)?;
        return serde_json::to_string(&startup).map_err(|e| e.to_string());
    }
    let manifest = Manifest::load(inputs)?;
    let (run, set) = manifest.run(run)?;
    let payloads = load_set(inputs, set)?;
    let rss_before = proc_status("VmRSS");
    let plan = Plan::for_set(set, quick);
    let mut result = match engine {
        "native" => native(run, set, &payloads, plan)?,
        "floor" => floor(run, set, &payloads, plan)?,
        "wasmtime" => wasmtime_case(run, set, &payloads, component, plan)?,
        "wasmtime-reuse" => wasmtime_reuse_case(run, set, &payloads, component, plan)?,
        other => return Err(format!("unknown engine {other:?}")),
    };
    result.memory.rss_before_bytes = rss_before;
    result.memory.peak_rss_bytes = proc_status("VmHWM");
    serde_json::to_string(&result).map_err(|e| e.to_string())
}

fn core_options(run: &RunDef) -> Result<secmap_core::Options, String> {
    serde_json::from_value(run.options.clone()).map_err(|e| format!("run {}: {e}", run.id))
}

fn native(
    run: &RunDef,
    set: &InputSet,
    payloads: &[Vec<u8>],
    plan: Plan,
) -> Result<CaseResult, String> {
    let options = core_options(run)?;
    time_case("native", &run.id, set, plan, |i| {
        let out = secmap_core::transform(&set.provider, &payloads[i], &options)
            .map_err(|e| e.to_string())?;
        let body = black_box(out.events_json());
        drop(body);
        Ok(Some(out.events.len() as u64))
    })
}

fn floor(
    run: &RunDef,
    set: &InputSet,
    payloads: &[Vec<u8>],
    plan: Plan,
) -> Result<CaseResult, String> {
    let mut result = time_case("floor", &set.id, set, plan, |i| {
        let value: serde_json::Value =
            serde_json::from_slice(&payloads[i]).map_err(|e| e.to_string())?;
        let body = black_box(serde_json::to_vec(&value).map_err(|e| e.to_string())?);
        drop(body);
        Ok(None)
    })?;
    result.notes.push(format!(
        "serde_json::Value round trip of the same bytes; options do not apply (first run: {})",
        run.id
    ));
    Ok(result)
}

/// The run's options as WIT options: the core's JSON form, read by the host's conversion
/// (the core's serde), as every Rust host reads options.
fn wit_options(run: &RunDef) -> Result<secmap_host::Options, String> {
    secmap_host::json::options_from_json(&run.options).map_err(|e| format!("run {}: {e}", run.id))
}

fn wasmtime_case(
    run: &RunDef,
    set: &InputSet,
    payloads: &[Vec<u8>],
    component: &Path,
    plan: Plan,
) -> Result<CaseResult, String> {
    let bytes = std::fs::read(component).map_err(|e| format!("{}: {e}", component.display()))?;
    let mapper = Mapper::from_component(&bytes, Limits::default()).map_err(|e| e.to_string())?;
    let options = wit_options(run)?;
    let mut result = time_case("wasmtime", &run.id, set, plan, |i| {
        let out = mapper
            .transform(&set.provider, &payloads[i], &options)
            .map_err(|e| e.to_string())?;
        let body = black_box(format!("[{}]", out.events.join(",")));
        drop(body);
        Ok(Some(out.events.len() as u64))
    })?;
    // Linear memory per call, outside the timing: one call per input in a store whose
    // limiter records the largest size the guest asked for.
    let probe = Probe::new(&mapper)?;
    let mut peak = 0usize;
    for payload in payloads {
        peak = peak.max(probe.transform_peak(&set.provider, payload, &options)?);
    }
    result.memory.wasm_memory_bytes = Some(peak as u64);
    Ok(result)
}

fn wasmtime_reuse_case(
    run: &RunDef,
    set: &InputSet,
    payloads: &[Vec<u8>],
    component: &Path,
    plan: Plan,
) -> Result<CaseResult, String> {
    let bytes = std::fs::read(component).map_err(|e| format!("{}: {e}", component.display()))?;
    let mapper = Mapper::from_component(&bytes, Limits::default()).map_err(|e| e.to_string())?;
    let options = wit_options(run)?;
    let mut batch = mapper.batch(REUSE);
    let mut result = time_case("wasmtime-reuse", &run.id, set, plan, |i| {
        let out = batch
            .transform(&set.provider, &payloads[i], &options)
            .map_err(|e| e.to_string())?;
        let body = black_box(format!("[{}]", out.events.join(",")));
        drop(body);
        Ok(Some(out.events.len() as u64))
    })?;
    result.notes.push(format!(
        "Mapper::batch({REUSE}): one instance for up to {REUSE} calls ({} instances in all)",
        batch.instances()
    ));
    Ok(result)
}

/// Compile, load, instantiate and empty-call times of the component in wasmtime.
fn wasmtime_startup(component: &Path, quick: bool) -> Result<Startup, String> {
    let bytes = std::fs::read(component).map_err(|e| format!("{}: {e}", component.display()))?;
    let (loads, compiles, instantiations) = if quick { (1, 1, 20) } else { (5, 10, 5_000) };
    let mut load_ms = Vec::new();
    let mut mapper = None;
    for _ in 0..loads {
        let t = Instant::now();
        let m = Mapper::from_component(&bytes, Limits::default()).map_err(|e| e.to_string())?;
        load_ms.push(t.elapsed().as_secs_f64() * 1e3);
        mapper = Some(m);
    }
    let mapper = mapper.expect("at least one load");
    let mut compile_ms = Vec::new();
    for _ in 0..compiles {
        let t = Instant::now();
        let c = Component::new(mapper.engine(), &bytes).map_err(|e| format!("{e:#}"))?;
        compile_ms.push(t.elapsed().as_secs_f64() * 1e3);
        drop(black_box(c));
    }
    let probe = Probe::new(&mapper)?;
    let mut instantiate_us = Vec::new();
    let mut with_drop_us = Vec::new();
    for k in 0..instantiations + instantiations / 10 {
        let t = Instant::now();
        let store = probe.instantiate()?;
        let d = t.elapsed();
        drop(black_box(store));
        let with_drop = t.elapsed();
        if k >= instantiations / 10 {
            instantiate_us.push(d.as_secs_f64() * 1e6);
            with_drop_us.push(with_drop.as_secs_f64() * 1e6);
        }
    }
    let mut empty_us = Vec::new();
    for k in 0..instantiations + instantiations / 10 {
        let t = Instant::now();
        black_box(mapper.mapping_version().map_err(|e| e.to_string())?);
        if k >= instantiations / 10 {
            empty_us.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    Ok(Startup {
        engine: "wasmtime".into(),
        compile_ms: Some(Summary::of(&mut compile_ms)),
        load_ms: Some(Summary::of(&mut load_ms)),
        instantiate_us: Some(Summary::of(&mut instantiate_us)),
        instantiate_drop_us: Some(Summary::of(&mut with_drop_us)),
        empty_call_us: Some(Summary::of(&mut empty_us)),
        notes: vec![
            "compile: Component::new on the Mapper's engine (Cranelift, parallel compilation on all cores, no cache)".into(),
            "load: Mapper::from_component = Engine::new + Component::new + Linker::instantiate_pre".into(),
            "instantiate: Store::new + limiter + epoch deadline + InstancePre::instantiate on the Mapper's engine (so from its pooling allocator's slots); Mapper has no instantiate-only hook, so this uses the Mapper's compiled component with an equivalent store; instantiate+drop also drops the store, as every call does".into(),
            "empty call: Mapper::mapping_version, the full per-call overhead of the production path".into(),
        ],
    })
}

/// A store limiter that records the largest linear memory the guest asked for.
#[derive(Default)]
struct PeakLimiter {
    peak: usize,
}

impl ResourceLimiter for PeakLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// The Mapper's compiled component, pre-instantiated for stores of our own (a limiter that
/// records the peak memory).
struct Probe<'a> {
    mapper: &'a Mapper,
    pre: SecmapPre<PeakLimiter>,
}

impl<'a> Probe<'a> {
    fn new(mapper: &'a Mapper) -> Result<Probe<'a>, String> {
        let linker = Linker::<PeakLimiter>::new(mapper.engine());
        let pre = linker
            .instantiate_pre(mapper.component())
            .and_then(SecmapPre::new)
            .map_err(|e| format!("{e:#}"))?;
        Ok(Probe { mapper, pre })
    }

    fn store(&self) -> Store<PeakLimiter> {
        let mut store = Store::new(self.mapper.engine(), PeakLimiter::default());
        store.limiter(|s| s);
        store.set_epoch_deadline(1_000_000);
        store
    }

    fn instantiate(&self) -> Result<(Store<PeakLimiter>, Secmap), String> {
        let mut store = self.store();
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| format!("{e:#}"))?;
        Ok((store, instance))
    }

    /// Maps one payload in a fresh store; the peak linear memory of the call.
    fn transform_peak(
        &self,
        provider: &str,
        payload: &[u8],
        options: &secmap_host::Options,
    ) -> Result<usize, String> {
        let (mut store, instance) = self.instantiate()?;
        instance
            .secmap_mapping_mapper()
            .call_transform(&mut store, provider, payload, options)
            .map_err(|e| format!("{e:#}"))?
            .map_err(|e| format!("{:?}: {}", e.code, e.message))?;
        Ok(store.data().peak)
    }
}

/// Loops the native core over one run's inputs, for a profiler (nothing is printed until
/// the end, and the loop is its own function so a profiler can be told to count only it).
pub fn profile(inputs: &Path, run: &str, rounds: u32) -> Result<(), String> {
    let manifest = Manifest::load(inputs)?;
    let (run, set) = manifest.run(run)?;
    let payloads = load_set(inputs, set)?;
    let options = core_options(run)?;
    let events = bench_profile_loop(&set.provider, &payloads, &options, rounds)?;
    eprintln!(
        "secmap-bench: profiled {} x {} calls of {}, {events} events",
        rounds,
        payloads.len(),
        run.id
    );
    Ok(())
}

#[inline(never)]
fn bench_profile_loop(
    provider: &str,
    payloads: &[Vec<u8>],
    options: &secmap_core::Options,
    rounds: u32,
) -> Result<u64, String> {
    let mut events = 0u64;
    for _ in 0..rounds {
        for payload in payloads {
            let out =
                secmap_core::transform(provider, payload, options).map_err(|e| e.to_string())?;
            events += out.events.len() as u64;
            drop(black_box(out.events_json()));
        }
    }
    Ok(events)
}
