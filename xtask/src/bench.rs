//! The cross-engine benchmark: `cargo xtask bench [--quick]`.
//!
//! Builds what it needs (the component, the npm package and the jco output via
//! `build::all`, and `crates/bench`), generates the inputs from the corpus
//! (`target/bench/inputs`), measures the Rust engines (native core, serde_json floor, the
//! component in wasmtime) and the Node engines (npm package, jco) on the same files (a full
//! run in three passes, the Rust and the Node engines in turn; each engine's median pass is
//! reported), profiles
//! the native GuardDuty path with callgrind (full runs, when valgrind is installed), and
//! merges everything into `target/bench/report.json`, printing the table and the ratios.
//! A full run also rewrites `docs/performance.md`; `--quick` (what CI runs at the end of
//! `cargo xtask test`) only checks that the harness works: one round per case, the Rust
//! engines in the `dev` profile (`SECMAP_BENCH_RELEASE=1` builds them in release), and the
//! docs left alone. Nothing here asserts a timing.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::build;
use crate::util::{Result, cargo, cmd, have, root, run as sh, target_dir};

/// The runs the profile covers (ids from the inputs manifest).
const PROFILED: [&str; 2] = ["guardduty-single-oc-off", "guardduty-single-oc-on"];
/// The run the wasmtime path is sampled on.
const WASMTIME_PROFILED: &str = "guardduty-single-oc-off";
/// Passes over the run's inputs under callgrind.
const PROFILE_ROUNDS: &str = "20";
/// Passes over every engine in a full run (the report keeps each engine's median pass).
const PASSES: u32 = 3;

/// `cargo xtask bench [--quick]`: build the artifacts, then measure.
pub fn run(quick: bool) -> Result {
    build::all()?;
    measure(quick)
}

/// `bench --quick` inside `cargo xtask test`, whose `build::all` already built the artifacts.
pub fn ci() -> Result {
    measure(true)
}

fn measure(quick: bool) -> Result {
    let release = !quick || std::env::var_os("SECMAP_BENCH_RELEASE").is_some_and(|v| v == "1");
    let profile = if release { "release" } else { "dev" };
    let mut build_bench = cargo();
    build_bench.args(["build", "--locked", "-p", "secmap-bench"]);
    if release {
        build_bench.arg("--release");
    }
    sh(&mut build_bench)?;
    let exe = target_dir()
        .join(if release { "release" } else { "debug" })
        .join("secmap-bench");
    let out = target_dir().join("bench");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let inputs = out.join("inputs");
    let jco = target_dir().join("jco");

    sh(Command::new(&exe)
        .arg("inputs")
        .arg("--testdata")
        .arg(root().join("testdata"))
        .arg("--out")
        .arg(&inputs))?;

    // A full run measures every engine in each of PASSES passes, the Rust and the Node
    // engines in turn; the report keeps each engine's median pass. A shared machine's slow
    // spells then fall on every engine alike, not on whichever ran during one.
    let passes = if quick { 1 } else { PASSES };
    let mut rust = Vec::new();
    let mut node = Vec::new();
    for pass in 1..=passes {
        if passes > 1 {
            eprintln!("bench: pass {pass} of {passes}");
        }
        let rust_out = out.join(format!("rust.{pass}.json"));
        let mut rust_run = Command::new(&exe);
        rust_run
            .arg("run")
            .arg("--inputs")
            .arg(&inputs)
            .arg("--component")
            .arg(root().join(build::COMPONENT))
            .arg("--out")
            .arg(&rust_out);
        if quick {
            rust_run.arg("--quick");
        }
        sh(&mut rust_run)?;
        rust.push(rust_out);

        let node_out = out.join(format!("node.{pass}.json"));
        remove(&node_out)?;
        if root().join("js/package.json").exists() {
            let mut node_run = cmd("node", ".");
            node_run
                .arg("js/bench/bench.mjs")
                .arg("--inputs")
                .arg(&inputs)
                .arg("--jco")
                .arg(&jco)
                .arg("--out")
                .arg(&node_out);
            if quick {
                node_run.arg("--quick");
            }
            sh(&mut node_run)?;
            node.push(node_out);
        }
    }

    let mut profiles = Vec::new();
    if !quick {
        // callgrind_annotate --version exits with 255: only ask whether it starts.
        let annotate = Command::new("callgrind_annotate").arg("--version").output();
        if have("valgrind") && annotate.is_ok() {
            for run in PROFILED {
                profiles.push(callgrind(&exe, &inputs, &out.join("profile"), run)?);
            }
        } else {
            eprintln!("bench: valgrind is not installed: no profile in the report");
        }
    }

    let mut wasmtime_profile = None;
    if !quick {
        wasmtime_profile = perf_wasmtime(&exe, &inputs, &out.join("profile"))?;
    }

    let mut report = Command::new(&exe);
    report
        .arg("report")
        .arg("--inputs")
        .arg(&inputs)
        .arg("--root")
        .arg(root())
        .arg("--jco")
        .arg(&jco)
        .arg("--out")
        .arg(out.join("report.json"))
        .args(["--build-profile", profile]);
    for p in &rust {
        report.arg("--rust").arg(p);
    }
    for p in &node {
        report.arg("--node").arg(p);
    }
    for p in &profiles {
        report.arg("--profile").arg(p);
    }
    report.args(["--profile-rounds", PROFILE_ROUNDS]);
    if let Some(p) = &wasmtime_profile {
        report.arg("--wasmtime-profile").arg(p);
    }
    if quick {
        report.arg("--quick");
    } else {
        report
            .arg("--markdown")
            .arg(root().join("docs/performance.md"));
    }
    sh(&mut report)
}

/// Profiles the native core on one run; returns `RUN=SELF,INCLUSIVE` (the annotations).
fn callgrind(exe: &Path, inputs: &Path, dir: &Path, run: &str) -> Result<String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = dir.join(format!("{run}.callgrind.out"));
    sh(Command::new("valgrind")
        .args(["--tool=callgrind", "--toggle-collect=*bench_profile_loop*"])
        .arg(format!("--callgrind-out-file={}", data.display()))
        .arg(exe)
        .arg("profile")
        .arg("--inputs")
        .arg(inputs)
        .args(["--run", run, "--rounds", PROFILE_ROUNDS]))?;
    let mut files = Vec::new();
    for inclusive in ["no", "yes"] {
        let text = Command::new("callgrind_annotate")
            .arg(format!("--inclusive={inclusive}"))
            .arg("--auto=no")
            .arg(&data)
            .output()
            .map_err(|e| format!("callgrind_annotate: {e}"))?;
        if !text.status.success() {
            return Err(format!("callgrind_annotate failed ({})", text.status));
        }
        let kind = if inclusive == "yes" {
            "inclusive"
        } else {
            "self"
        };
        let path = dir.join(format!("{run}.{kind}.txt"));
        fs::write(&path, &text.stdout).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(path.display().to_string());
    }
    Ok(format!("{run}={}", files.join(",")))
}

/// Samples (perf, cpu-clock) the component in wasmtime on GuardDuty single findings, after
/// the compile; returns `BY_OBJECT,BY_SYMBOL` (perf report outputs), or None without a
/// working perf.
fn perf_wasmtime(exe: &Path, inputs: &Path, dir: &Path) -> Result<Option<String>> {
    let works = Command::new("perf")
        .args(["record", "-q", "-e", "cpu-clock", "-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("bench: perf does not work here: no wasmtime profile in the report");
        return Ok(None);
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = dir.join(format!("wasmtime-{WASMTIME_PROFILED}.perf.data"));
    // -D: start sampling after the component is compiled and the validation pass is done.
    sh(Command::new("perf")
        .args([
            "record",
            "-q",
            "-e",
            "cpu-clock",
            "-F",
            "2000",
            "-D",
            "2000",
            "-o",
        ])
        .arg(&data)
        .arg("--")
        .arg(exe)
        .arg("case")
        .arg("--inputs")
        .arg(inputs)
        .arg("--component")
        .arg(root().join(build::COMPONENT))
        .args(["--engine", "wasmtime", "--run", WASMTIME_PROFILED])
        .stdout(std::process::Stdio::null()))?;
    let mut files = Vec::new();
    for (sort, name) in [("dso", "objects"), ("dso,sym", "symbols")] {
        let text = Command::new("perf")
            .args(["report", "--no-children", "--stdio", "--sort", sort, "-i"])
            .arg(&data)
            .output()
            .map_err(|e| format!("perf report: {e}"))?;
        if !text.status.success() {
            return Err(format!("perf report failed ({})", text.status));
        }
        let path = dir.join(format!("wasmtime-{WASMTIME_PROFILED}.{name}.txt"));
        fs::write(&path, &text.stdout).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push(path.display().to_string());
    }
    Ok(Some(files.join(",")))
}

fn remove(path: &Path) -> Result {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}
