//! `cargo xtask <command>`: the one entry point for people and CI.
//!
//! - `setup`: install what a fresh machine lacks (wasm targets, npm packages, Chromium);
//! - `build`: the component, the JS package and the test artifacts;
//! - `demo`: the main job, mapping the bundled examples through the component;
//! - `test`: every test, lints included (what CI runs);
//! - `bless`: rewrite the golden expectations and generated docs;
//! - `codegen`: the contract's TypeScript types and docs table from the core (`--check`);
//! - `wit`: print the built component's WIT (imports and exports);
//! - `web`: build the browser demo and serve it on 127.0.0.1;
//! - `bench`: the cross-engine benchmark (`--quick` in CI);
//! - `fuzz`: the fuzz smoke run CI does (nightly, cargo-fuzz).
//!
//! Each step prints the commands it runs.

mod bench;
mod build;
mod codegen;
mod dist;
mod setup;
mod test;
mod util;
mod web;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup [--no-browser]   install wasm targets, npm packages and (as root) Chromium
  build                  build the component, the JS package and test artifacts
  dist [--no-cli]        release artifacts in target/dist (CLI, npm tarball, Lambda and
                         Function app zips, Worker bundle)
  demo                   build the CLI and map the bundled examples through the component
  test [--no-browser]    run every test and lint (what CI runs)
  bless                  rewrite golden expectations, the manifest and generated docs
  codegen [--check]      generate the contract's TypeScript types and docs/contract.md
                         from the core, or fail if they are stale
  wit                    print the WIT world of the built component
  web [--no-serve]       build the browser demo (js-demo/dist) and serve it on 127.0.0.1
  bench [--quick]        benchmark native, wasmtime and Node side by side (target/bench)
  fuzz [--seed-only]     the fuzz smoke run of `test` (15 s per target; nightly), or only
                         fill fuzz/corpus/<target>/ from the golden corpus for long runs
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    // A current Node first on PATH for every Node step (installed by the commands that
    // install things when the machine's is older than 22.12).
    let installs = matches!(
        args.first().map(String::as_str),
        Some("setup" | "test" | "dist")
    );
    if let Some(code) = setup::with_node_on_path(installs) {
        return code;
    }
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(!flag("--no-browser")),
        Some("build") => build::all(),
        Some("demo") => build::demo(),
        Some("dist") if flag("--no-cli") => build::component()
            .and_then(|()| build::js())
            .and_then(|()| dist::dist_js()),
        Some("dist") => dist::all(),
        Some("test") => test::run(!flag("--no-browser")),
        Some("bless") => test::bless(),
        Some("codegen") => codegen::run(flag("--check")),
        Some("wit") => build::wit(),
        Some("web") => web::run(!flag("--no-serve")),
        Some("bench") => bench::run(flag("--quick")),
        Some("fuzz") if flag("--seed-only") => test::seed_fuzz_corpora(),
        Some("fuzz") => test::fuzz_smoke(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
