//! Profiler output parsing: callgrind_annotate listings of the native core (instructions
//! per function, summed by what the function belongs to) and perf reports of the
//! wasmtime path (samples by object and symbol).

use std::fs;
use std::path::Path;

use super::shape::{Profile, ProfileEntry, ProfileRun, SampledProfile, Share};
use crate::inputs::Manifest;

pub(super) fn profile(
    args: &[String],
    rounds: u64,
    manifest: &Manifest,
) -> Result<Option<Profile>, String> {
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
pub(super) fn sampled(files: &str) -> Result<SampledProfile, String> {
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
