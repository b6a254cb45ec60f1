//! The table, ratios and targets printed to the terminal after a run.

use std::fmt::Write as _;

use super::format::{
    RESULT_HEADER, ratio_rows, results_rows, startup_text, target_line, thousands,
};
use super::shape::Report;

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
pub(super) fn console(report: &Report) -> String {
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
