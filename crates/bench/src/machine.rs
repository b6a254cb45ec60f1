//! What the numbers were measured on.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The stable shape of `machine` in report.json (null where unknown).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// `model name` and `cpu MHz` from /proc/cpuinfo.
    pub cpu: Option<String>,
    /// Logical CPUs available to the process.
    pub cores: Option<u64>,
    /// MemTotal from /proc/meminfo.
    pub memory_bytes: Option<u64>,
    /// PRETTY_NAME from /etc/os-release, and the kernel release.
    pub os: Option<String>,
    pub kernel: Option<String>,
    /// /proc/loadavg (1, 5, 15 minutes) when the report was written: other work on the
    /// machine makes the numbers noisy.
    pub load_average: Option<String>,
    pub rustc: Option<String>,
    pub node: Option<String>,
    /// From Cargo.lock.
    pub wasmtime: Option<String>,
}

pub fn describe(root: &Path) -> Machine {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let cpuinfo = read("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
    };
    // A VM may show only the family ("AMD EPYC"): add the clock it reports.
    let cpu = field("model name").map(|model| match field("cpu MHz") {
        Some(mhz) => format!("{model}, {mhz} MHz"),
        None => model,
    });
    let memory_bytes = read("/proc/meminfo").and_then(|t| {
        t.lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| {
                l["MemTotal:".len()..]
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kb| kb * 1024)
    });
    let os = read("/etc/os-release").and_then(|t| {
        t.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_owned())
    });
    let wasmtime = read(&root.join("Cargo.lock").to_string_lossy()).and_then(|t| {
        let mut lines = t.lines();
        while let Some(l) = lines.next() {
            if l == "name = \"wasmtime\"" {
                return lines
                    .next()
                    .and_then(|v| v.strip_prefix("version = "))
                    .map(|v| v.trim_matches('"').to_owned());
            }
        }
        None
    });
    Machine {
        cpu,
        cores: std::thread::available_parallelism()
            .ok()
            .map(|n| n.get() as u64),
        memory_bytes,
        os,
        kernel: read("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned()),
        load_average: read("/proc/loadavg")
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")),
        rustc: version("rustc"),
        node: version("node"),
        wasmtime,
    }
}

fn version(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The current UTC time as RFC 3339, to the second.
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_415), (2025, 11, 23));
    }
}
