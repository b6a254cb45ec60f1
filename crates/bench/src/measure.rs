//! The timing method and the result shape shared with js/bench/bench.mjs.
//!
//! One call maps one input file. A case first makes one validation pass over every input
//! (checking the event count against the inputs manifest; not timed), then warms up
//! round-robin for `warmup_secs`, then times whole rounds over the inputs until it has
//! `min_rounds`, `min_calls` and `min_secs` (or `max_calls`). Every call is timed on its
//! own (`Instant`), giving p50 and p99; throughput is the timed work over the sum of the
//! call times. Everything runs on one thread: the throughput is per core.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::inputs::InputSet;

/// How long a case runs.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmup_secs: f64,
    pub min_rounds: u64,
    pub min_calls: u64,
    pub min_secs: f64,
    pub max_calls: u64,
}

impl Plan {
    pub fn for_set(set: &InputSet, quick: bool) -> Plan {
        if quick {
            return Plan {
                warmup_secs: 0.0,
                min_rounds: 1,
                min_calls: 1,
                min_secs: 0.0,
                max_calls: 1,
            };
        }
        let single = set.files.len() > 1 && set.records / set.files.len() as u64 <= 1;
        Plan {
            warmup_secs: 1.0,
            min_rounds: 3,
            min_calls: if single { 1_000 } else { 10 },
            min_secs: 3.0,
            max_calls: 2_000_000,
        }
    }
}

/// One engine on one run: the stable shape of `results[]` in report.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseResult {
    /// `native`, `floor`, `wasmtime`, `node-npm` or `node-jco`.
    pub engine: String,
    /// The run id (inputs manifest).
    pub run: String,
    /// The input set id.
    pub inputs: String,
    /// Timed calls (whole rounds over the input files).
    pub calls: u64,
    pub rounds: u64,
    /// Untimed calls before: the validation pass and the warm-up.
    pub warmup_calls: u64,
    /// Input records, output events (null for the floor) and input bytes of the timed calls.
    pub records: u64,
    pub events: Option<u64>,
    pub bytes: u64,
    /// Sum of the timed call durations.
    pub seconds: f64,
    pub records_per_s: f64,
    pub events_per_s: Option<f64>,
    /// Input megabytes (10^6 bytes) per second.
    pub mb_per_s: f64,
    /// Per-call latency in microseconds.
    pub latency_us: Summary,
    pub memory: Memory,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A distribution (nearest-rank percentiles).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub p50: f64,
    pub p99: f64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub samples: u64,
}

impl Summary {
    pub fn of(values: &mut [f64]) -> Summary {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        if n == 0 {
            return Summary {
                p50: f64::NAN,
                p99: f64::NAN,
                mean: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
                samples: 0,
            };
        }
        let rank = |p: f64| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
        Summary {
            p50: rank(0.50),
            p99: rank(0.99),
            mean: values.iter().sum::<f64>() / n as f64,
            min: values[0],
            max: values[n - 1],
            samples: n as u64,
        }
    }
}

/// Memory of the case's process.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memory {
    /// The process' resident-set high-water mark at the end of the case (Linux `VmHWM`,
    /// what getrusage's `ru_maxrss` reports; Node: `process.resourceUsage().maxRSS`).
    pub peak_rss_bytes: Option<u64>,
    /// Resident set after loading the inputs, before the engine was set up.
    pub rss_before_bytes: Option<u64>,
    /// WebAssembly linear memory of one call: wasmtime, the largest size the guest's memory
    /// reached in any one call (fresh store per call); npm package, the module's memory
    /// size after the case (one instance for the whole process, it only grows). Null when
    /// the engine does not expose it (native, floor, jco).
    pub wasm_memory_bytes: Option<u64>,
}

/// What a call reports: the events it produced (None for the floor).
pub type CallResult = Result<Option<u64>, String>;

/// Runs the validation pass, the warm-up and the timed rounds of one case.
pub fn time_case(
    engine: &str,
    run: &str,
    set: &InputSet,
    plan: Plan,
    mut call: impl FnMut(usize) -> CallResult,
) -> Result<CaseResult, String> {
    let n = set.files.len();
    // Validation pass: every input once, the event counts as the native core gave them.
    for (i, file) in set.files.iter().enumerate() {
        if let Some(events) = call(i)?
            && events != file.events
        {
            return Err(format!(
                "{engine} {run}: {} gave {events} events, the native core {}",
                file.path, file.events
            ));
        }
    }
    let mut warmup_calls = n as u64;
    let start = Instant::now();
    let mut i = 0usize;
    while start.elapsed().as_secs_f64() < plan.warmup_secs {
        call(i % n)?;
        i += 1;
        warmup_calls += 1;
    }
    let mut durations = Vec::new();
    let mut total = Duration::ZERO;
    let mut events = 0u64;
    let mut counted = true;
    let mut rounds = 0u64;
    loop {
        for k in 0..n {
            let t = Instant::now();
            let result = call(k);
            let d = t.elapsed();
            match result? {
                Some(e) => events += e,
                None => counted = false,
            }
            total += d;
            durations.push(d.as_secs_f64() * 1e6);
        }
        rounds += 1;
        let calls = durations.len() as u64;
        let enough = rounds >= plan.min_rounds
            && calls >= plan.min_calls
            && total.as_secs_f64() >= plan.min_secs;
        if enough || calls >= plan.max_calls {
            break;
        }
    }
    let seconds = total.as_secs_f64();
    let records = rounds * set.records;
    let bytes = rounds * set.bytes;
    let events = counted.then_some(events);
    Ok(CaseResult {
        engine: engine.into(),
        run: run.into(),
        inputs: set.id.clone(),
        calls: durations.len() as u64,
        rounds,
        warmup_calls,
        records,
        events,
        bytes,
        seconds,
        records_per_s: records as f64 / seconds,
        events_per_s: events.map(|e| e as f64 / seconds),
        mb_per_s: bytes as f64 / 1e6 / seconds,
        latency_us: Summary::of(&mut durations),
        memory: Memory::default(),
        notes: Vec::new(),
    })
}

/// A `VmHWM`/`VmRSS`-style line of /proc/self/status, in bytes.
pub fn proc_status(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Summary::of(&mut v);
        assert_eq!(
            (s.p50, s.p99, s.min, s.max, s.samples),
            (50.0, 99.0, 1.0, 100.0, 100)
        );
        let s = Summary::of(&mut [3.0]);
        assert_eq!((s.p50, s.p99), (3.0, 3.0));
    }
}
