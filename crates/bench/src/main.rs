//! `secmap-bench`: the Rust half of `cargo xtask bench` (see `docs/performance.md`).
//!
//! - `inputs`: generate the workloads from the golden corpus into `target/bench/inputs`
//!   (deterministic: the same corpus gives the same bytes);
//! - `run`: measure the native core, the serde_json floor and the component in wasmtime on
//!   those inputs, each engine and run in its own process (so that peak RSS is its own);
//! - `case`: one engine on one run (what `run` spawns);
//! - `profile`: loop the native core over one run, for `valgrind --tool=callgrind`;
//! - `report`: merge the Rust and Node results into `target/bench/report.json`, print the
//!   table and the ratios, and (full runs) write `docs/performance.md`.
//!
//! No timing is asserted anywhere: the numbers live in the report.

mod engines;
mod inputs;
mod machine;
mod measure;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "secmap-bench",
    about = "secmap's cross-engine benchmark (run it through `cargo xtask bench`)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the benchmark inputs from the golden corpus.
    Inputs {
        /// The golden corpus (with manifest.json).
        #[arg(long)]
        testdata: PathBuf,
        /// Where to write the inputs and their manifest.
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure native, floor and wasmtime on every run; write their results as JSON.
    Run {
        #[arg(long)]
        inputs: PathBuf,
        /// The component to run in wasmtime (the one jco transpiles: dist/secmap.wasm).
        #[arg(long)]
        component: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Few iterations: checks that the harness works, the numbers mean little.
        #[arg(long)]
        quick: bool,
    },
    /// One engine on one run (spawned by `run`); prints its result as JSON.
    Case {
        #[arg(long)]
        inputs: PathBuf,
        #[arg(long)]
        component: PathBuf,
        /// native, floor, wasmtime, or wasmtime-startup.
        #[arg(long)]
        engine: String,
        /// A run id from the inputs manifest (ignored by wasmtime-startup).
        #[arg(long, default_value = "")]
        run: String,
        #[arg(long)]
        quick: bool,
    },
    /// Loop the native core over one run's inputs (for a profiler).
    Profile {
        #[arg(long)]
        inputs: PathBuf,
        #[arg(long)]
        run: String,
        /// Passes over all inputs of the run.
        #[arg(long, default_value_t = 20)]
        rounds: u32,
    },
    /// Merge the results into report.json; print the table; optionally write the Markdown.
    Report(report::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inputs { testdata, out } => inputs::generate(&testdata, &out).map(|m| {
            for set in &m.sets {
                eprintln!(
                    "secmap-bench: inputs {}: {} files, {} records, {} events, {} bytes",
                    set.id,
                    set.files.len(),
                    set.records,
                    set.events,
                    set.bytes
                );
            }
        }),
        Command::Run {
            inputs,
            component,
            out,
            quick,
        } => engines::run_all(&inputs, &component, &out, quick),
        Command::Case {
            inputs,
            component,
            engine,
            run,
            quick,
        } => {
            engines::case(&inputs, &component, &engine, &run, quick).map(|json| println!("{json}"))
        }
        Command::Profile {
            inputs,
            run,
            rounds,
        } => engines::profile(&inputs, &run, rounds),
        Command::Report(args) => report::write(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("secmap-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}
