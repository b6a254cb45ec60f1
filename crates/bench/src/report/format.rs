//! Numbers and rows as both outputs (the terminal and docs/performance.md) show them.

use super::shape::{Report, Target};
use crate::engines::Startup;

pub(super) fn thousands(n: f64) -> String {
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

pub(super) fn micros(us: f64) -> String {
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

pub(super) fn results_rows(report: &Report) -> Vec<[String; 10]> {
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

pub(super) const RESULT_HEADER: [&str; 10] = [
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

pub(super) fn ratio_rows(report: &Report) -> (Vec<String>, Vec<Vec<String>>) {
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

pub(super) fn target_line(t: &Target) -> (String, String, String, String) {
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

pub(super) fn startup_text(s: &Startup) -> String {
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

/// Function names with generic arguments collapsed to `<…>` (qualified paths like
/// `<X as Trait>` and `<impl ...>` kept), cut at 110 characters, for the tables.
pub(super) fn shorten(f: &str) -> String {
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
