//! Every test, and blessing the golden expectations.

use crate::util::{Result, cargo, cmd, root};
use crate::{build, setup};

/// What CI runs: lints, then every test in every engine.
fn run_all(browser: bool) -> Result {
    setup::run(browser)?;
    // The generated contract (TypeScript types, docs/contract.md) matches the core and the
    // WIT: checked first, it needs no wasm build.
    crate::codegen::run(true)?;
    build::all()?;
    crate::util::run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    crate::util::run(cargo().args([
        "clippy",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // fuzz/ is its own workspace (cargo-fuzz); its code is linted like the rest.
    let fuzz = root().join("fuzz/Cargo.toml");
    let fuzz = fuzz.to_string_lossy();
    crate::util::run(cargo().args(["fmt", "--manifest-path", &fuzz, "--all", "--", "--check"]))?;
    crate::util::run(cargo().args([
        "clippy",
        "--locked",
        "--manifest-path",
        &fuzz,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    crate::util::run(cargo().args(["test", "--locked", "--workspace"]))?;
    deploy_templates()?;
    if root().join("js/package.json").exists() {
        crate::dist::dist_js()?; // js/test/dist.test.mjs unpacks and runs each artifact
        let mut node = cmd("npm", "js");
        node.args(["test", "--silent"])
            .env("SECMAP_DIST_DIR", crate::dist::dir())
            .env("SECMAP_VENV", setup::venv());
        if !browser {
            node.env("SECMAP_SKIP_BROWSER", "1");
        }
        crate::util::run(&mut node)?;
    }
    crate::bench::ci()?; // `bench --quick`: the harness runs (no timing is asserted)
    fuzz_smoke()?;
    Ok(())
}

/// The deployment templates: cfn-lint and aws-sam-translator on the SAM template (the latter
/// also checks its wiring), checkov on the ARM template, with the tools of
/// deploy/tools/requirements.txt.
fn deploy_templates() -> Result {
    let bin = setup::venv().join("bin");
    let aws = root().join("deploy/aws/template.yaml");
    crate::util::run(std::process::Command::new(bin.join("cfn-lint")).arg(&aws))?;
    crate::util::run(
        std::process::Command::new(bin.join("python"))
            .arg(root().join("deploy/tests/sam_translate.py"))
            .arg(&aws)
            .env("AWS_DEFAULT_REGION", "eu-west-1"),
    )?;
    let azure = root().join("deploy/azure/azuredeploy.json");
    if azure.exists() {
        crate::util::run(
            std::process::Command::new(bin.join("checkov"))
                .args([
                    "--quiet",
                    "--compact",
                    "--skip-download",
                    "--framework",
                    "arm",
                    "--file",
                ])
                .arg(&azure)
                .args(["--config-file"])
                .arg(root().join("deploy/azure/.checkov.yaml")),
        )?;
    }
    Ok(())
}

/// The fuzz targets, as fuzz/Cargo.toml declares them.
const FUZZ_TARGETS: [&str; 4] = [
    "fuzz_transform_auto",
    "fuzz_transform_guardduty",
    "fuzz_transform_defender",
    "fuzz_structured",
];

/// `cargo xtask fuzz --seed-only`: fills fuzz/corpus/<target>/ for long manual runs.
pub fn seed_fuzz_corpora() -> Result {
    let known =
        std::fs::read_to_string(root().join("fuzz/regressions/KNOWN_BUGS.txt")).unwrap_or_default();
    for target in FUZZ_TARGETS {
        let corpus = seed_fuzz_corpus(target, &known)?;
        let files = std::fs::read_dir(&corpus).map_or(0, |d| d.count());
        eprintln!("{corpus}: {files} files");
    }
    Ok(())
}

/// The fuzz targets (fuzz/, cargo-fuzz on nightly) in CI: built with the sanitizer, run once
/// over the seed corpus (the golden inputs and fixed regressions), then fuzzed for
/// `FUZZ_SMOKE_SECONDS` each with a fixed seed. Skipped, with a message, where no nightly
/// toolchain is installed or `SECMAP_SKIP_FUZZ=1`. See docs/robustness.md.
pub fn fuzz_smoke() -> Result {
    const FUZZ_SMOKE_SECONDS: u32 = 15;
    const CARGO_FUZZ: &str = "0.13.2";
    if std::env::var_os("SECMAP_SKIP_FUZZ").is_some_and(|v| v != "0") {
        eprintln!("fuzz smoke: skipped (SECMAP_SKIP_FUZZ)");
        return Ok(());
    }
    let nightly = || {
        std::process::Command::new("rustup")
            .args(["run", "nightly", "cargo", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !nightly() {
        // The sanitizer build needs nightly; a missing one is installed, not silently skipped.
        let installed = crate::util::run(std::process::Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]));
        if let Err(e) = installed {
            eprintln!("fuzz smoke: SKIPPED, no nightly toolchain ({e})");
            return Ok(());
        }
    }
    // Nightly cargo with nothing of the outer (stable) cargo's environment.
    let fuzz = |args: &[&str]| {
        let mut c = std::process::Command::new("rustup");
        c.args(["run", "nightly", "cargo"])
            .args(args)
            .current_dir(root().join("fuzz"));
        for v in [
            "CARGO",
            "CARGO_TARGET_DIR",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC",
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "RUSTUP_TOOLCHAIN",
        ] {
            c.env_remove(v);
        }
        c
    };
    if !fuzz(&["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        crate::util::run(&mut fuzz(&[
            "install",
            "cargo-fuzz",
            "--locked",
            "--version",
            CARGO_FUZZ,
        ]))?;
    }
    crate::util::run(&mut fuzz(&["fuzz", "build"]))?;
    let known =
        std::fs::read_to_string(root().join("fuzz/regressions/KNOWN_BUGS.txt")).unwrap_or_default();
    let logs = crate::util::target_dir().join("fuzz-smoke");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    for target in FUZZ_TARGETS {
        let corpus = seed_fuzz_corpus(target, &known)?;
        let time = format!("-max_total_time={FUZZ_SMOKE_SECONDS}");
        // Once over the seeds: every golden input and fixed regression keeps the invariants.
        crate::util::run_logged(
            &mut fuzz(&[
                "fuzz",
                "run",
                target,
                &corpus,
                "--",
                "-runs=0",
                "-timeout=20",
            ]),
            &logs.join(format!("{target}.seeds.log")),
        )?;
        crate::util::run_logged(
            &mut fuzz(&[
                "fuzz",
                "run",
                target,
                &corpus,
                "--",
                &time,
                "-seed=1",
                "-timeout=20",
                "-rss_limit_mb=2048",
            ]),
            &logs.join(format!("{target}.log")),
        )?;
    }
    Ok(())
}

/// Fills fuzz/corpus/<target>/ (not committed) with the golden inputs the target's
/// provider reads and the regressions not listed as known bugs; returns its path.
fn seed_fuzz_corpus(target: &str, known_bugs: &str) -> Result<String> {
    let dirs: &[&str] = match target {
        "fuzz_transform_guardduty" => &["samples/guardduty", "cases/guardduty", "samples/foreign"],
        "fuzz_transform_defender" => &["samples/defender-for-cloud", "cases/defender-for-cloud"],
        "fuzz_structured" => &["cases"],
        _ => &["samples", "cases"],
    };
    let corpus = root().join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut inputs = Vec::new();
    for d in dirs {
        walk(&root().join("testdata").join(d), &mut inputs);
    }
    walk(&root().join("fuzz/regressions"), &mut inputs);
    for path in inputs {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = [".json", ".ndjson", ".bin", ".txt"]
            .iter()
            .any(|x| name.ends_with(x))
            && ![
                ".report.json",
                ".options.json",
                ".events.ndjson",
                "manifest.json",
                "KNOWN_BUGS.txt",
            ]
            .iter()
            .any(|x| name.ends_with(x))
            && !known_bugs
                .lines()
                .any(|b| !b.trim().is_empty() && name.starts_with(b.trim()));
        if input {
            std::fs::copy(&path, corpus.join(&name))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(corpus.to_string_lossy().into_owned())
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn run(browser: bool) -> Result {
    run_all(browser)
}

/// Rewrites the golden expectations, the manifest and the mapping docs from the native
/// core, and the CLI's expected outputs. Review the diff before committing.
pub fn bless() -> Result {
    crate::util::run(cargo().env("UPDATE_EXPECT", "1").args([
        "test",
        "--locked",
        "-p",
        "secmap-core",
        "--test",
        "golden",
    ]))?;
    // The CLI's committed outputs (crates/cli/tests/expect/) carry mapped counts and the
    // mapping version, so they follow the golden files.
    crate::util::run(cargo().env("UPDATE_EXPECT", "1").args([
        "test",
        "--locked",
        "-p",
        "secmap-cli",
        "--test",
        "all",
        "cli::",
    ]))?;
    crate::codegen::run(false)?;
    eprintln!("blessed: review `git diff testdata docs crates/cli/tests/expect` before committing");
    Ok(())
}
