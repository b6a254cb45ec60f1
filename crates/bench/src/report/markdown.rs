//! docs/performance.md: the template `crates/bench/templates/performance.md` (the page's
//! prose) filled with the report's tables and the sentences computed from its numbers.

use std::fmt::Write as _;

use super::format::{
    RESULT_HEADER, micros, ratio_rows, results_rows, shorten, startup_text, target_line, thousands,
};
use super::shape::{ProfileEntry, Report};
use super::template;

/// The page's prose, with `{{name}}` placeholders for what the report fills in.
const TEMPLATE: &str = include_str!("../../templates/performance.md");

/// docs/performance.md.
pub(super) fn markdown(r: &Report) -> Result<String, String> {
    let m = &r.machine;
    let unknown = || "unknown".to_owned();

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
    let mut inputs_table = String::new();
    md_table(&header, &rows, 99, &mut inputs_table);
    let runs = r
        .runs
        .iter()
        .map(|x| format!("`{}` ({}; options `{}`)", x.id, x.description, x.options))
        .collect::<Vec<_>>()
        .join("; ");

    let header: Vec<String> = RESULT_HEADER.iter().map(|s| (*s).to_owned()).collect();
    let rows: Vec<Vec<String>> = results_rows(r).into_iter().map(Vec::from).collect();
    let mut results_table = String::new();
    md_table(&header, &rows, 2, &mut results_table);
    let (header, rows) = ratio_rows(r);
    let mut ratios_table = String::new();
    md_table(&header, &rows, 1, &mut ratios_table);

    let mut startup = String::new();
    for s in &r.startup {
        let _ = writeln!(startup, "- **{}**: {}", s.engine, startup_text(s));
        for n in &s.notes {
            let _ = writeln!(startup, "  - {n}");
        }
    }
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
    let mut sizes_table = String::new();
    md_table(&header, &rows, 2, &mut sizes_table);

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
    let mut targets_table = String::new();
    md_table(&header, &rows, 99, &mut targets_table);
    let not_measured = if r.missing.is_empty() {
        String::new()
    } else {
        format!("\nNot measured: {}.\n", r.missing.join("; "))
    };

    let notes = observations(r);
    let mut reading_the_numbers = String::new();
    if !notes.is_empty() {
        let o = &mut reading_the_numbers;
        let _ = writeln!(o, "\n## Reading the numbers\n");
        let _ = writeln!(o, "Computed from this report:\n");
        for n in notes {
            let _ = writeln!(o, "- {n}");
        }
    }

    template::render(
        TEMPLATE,
        &[
            ("generated", r.generated.clone()),
            ("cpu", m.cpu.clone().unwrap_or_else(unknown)),
            ("cores", m.cores.map_or_else(unknown, |c| c.to_string())),
            (
                "memory",
                m.memory_bytes.map_or_else(unknown, |b| {
                    format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
                }),
            ),
            ("os", m.os.clone().unwrap_or_else(unknown)),
            ("kernel", m.kernel.clone().unwrap_or_else(unknown)),
            ("rustc", m.rustc.clone().unwrap_or_else(unknown)),
            ("build_profile", r.build_profile.clone()),
            ("wasmtime", m.wasmtime.clone().unwrap_or_else(unknown)),
            ("node", m.node.clone().unwrap_or_else(unknown)),
            (
                "load_average",
                m.load_average.clone().unwrap_or_else(unknown),
            ),
            ("inputs_table", inputs_table),
            ("runs", runs),
            ("results_table", results_table),
            ("ratios_table", ratios_table),
            ("startup", startup),
            ("sizes_table", sizes_table),
            ("targets_table", targets_table),
            ("not_measured", not_measured),
            ("reading_the_numbers", reading_the_numbers),
            ("where_the_time_goes", where_the_time_goes(r)),
            ("wasmtime_profile", wasmtime_profile(r)),
        ],
    )
}

/// The callgrind profile of the native core: self cost by part, then the top functions.
fn where_the_time_goes(r: &Report) -> String {
    let mut o = String::new();
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
    o
}

/// perf samples of the component in wasmtime: by object, then the top symbols.
fn wasmtime_profile(r: &Report) -> String {
    let mut o = String::new();
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
    o
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

/// Facts computed from the report that explain the ratios.
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
            "On the 10 MB batch, where per-call costs vanish, the guest's code runs at {a:.2}× native in wasmtime and {b:.2}× in V8 (jco, the same core module): with per-call host work out of the picture, the gap lies in the guest's code (built with `opt-level = \"s\"`, `simd128` and talc): Cranelift's and V8's code for the same Rust. What was measured against it (`opt-level = 3`, `wasm-opt`, wasmtime's inliner, the epoch checks, the allocator) is under \"What was optimized, and what is left\"."
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

#[cfg(test)]
mod tests {
    use super::{Report, markdown};

    /// `cargo xtask bench --quick` (CI) never writes the page, so the template and the
    /// values are checked here: a report with everything (profiles, missing parts,
    /// observations) and one with none of the optional parts both fill every placeholder
    /// and give every section in order.
    #[test]
    fn the_page_renders_from_a_report() {
        for fixture in [
            include_str!("../../testdata/report.json"),
            include_str!("../../testdata/report-bare.json"),
        ] {
            let report: Report = serde_json::from_str(fixture).unwrap();
            let page = markdown(&report).unwrap();
            let headings: Vec<&str> = page.lines().filter(|l| l.starts_with("## ")).collect();
            let mut expected = vec![
                "## Machine",
                "## Inputs",
                "## Results",
                "## Targets",
                "## Reading the numbers",
                "## What was optimized, and what is left",
                "## Where the time goes",
                "## Method",
                "## `target/bench/report.json`",
            ];
            if report.profile.is_none() {
                expected.retain(|h| *h != "## Reading the numbers");
                assert!(page.contains("No profile in this report"));
            } else {
                assert!(page.contains("**The component in wasmtime, guardduty-single-oc-off**"));
                assert!(page.contains("\nNot measured: node: no results"));
            }
            assert_eq!(headings, expected);
            assert!(page.starts_with(
                "# Performance\n\nGenerated by `cargo xtask bench` on 2026-12-01T16:00:00Z"
            ));
            assert!(page.ends_with("}\n```\n"));
            assert!(!page.contains("{{"));
        }
    }
}
