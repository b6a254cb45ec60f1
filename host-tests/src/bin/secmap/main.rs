//! `secmap`: the command-line face of the secmap component. Every file is mapped by the
//! WebAssembly component in wasmtime, in a fresh sandbox with memory and time limits.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use secmap_host::{HostError, Limits, Mapper, Output, wit};

mod check;
mod map;

/// Maps cloud security findings (Microsoft Defender for Cloud, Amazon GuardDuty) to
/// Dynatrace security events.
///
/// Each payload is mapped by the secmap WebAssembly component, run in wasmtime in a fresh
/// sandbox that imports nothing and has a memory and a time limit.
///
/// Exit status: 0 when every file was read, 1 when some file failed as a whole (not
/// JSON, over a limit, unreadable, ...), 2 on usage errors and unknown providers.
#[derive(Debug, Parser)]
#[command(name = "secmap", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Memory limit of the sandbox, per file, in MiB
    #[arg(
        long,
        global = true,
        value_name = "MIB",
        default_value_t = 256,
        help_heading = "Sandbox"
    )]
    memory: usize,
    /// Time limit, per file, in seconds
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 10,
        help_heading = "Sandbox"
    )]
    timeout: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Map payload files to Dynatrace security events, printed as one JSON array
    ///
    /// The events of all files go to stdout as one JSON array, one event per line, each
    /// exactly as the component produced it: the body to POST to
    /// /platform/ingest/v1/security.events. Each file gets a summary line on stderr; a
    /// file that fails as a whole gets `secmap: FILE:LINE:COLUMN: CODE: MESSAGE` instead
    /// and makes the exit status 1 (the other files are still mapped).
    Map(MapArgs),
    /// Map every file under a directory and report skipped, rejected and unmapped data
    ///
    /// Files are read recursively in path order, skipping hidden files and golden-test
    /// expectations (*.events.ndjson, *.report.json, *.options.json). Prints, per file, a
    /// line per skipped or rejected record, then totals and the source paths that no
    /// mapping read, with how many records had each. Exit status 0 when every file was
    /// read (skips and rejections are reported, not failures), 1 when some file failed.
    Check(CheckArgs),
    /// List the providers, their bundled examples, and the mapping version
    Providers,
}

#[derive(Debug, Args)]
struct MapArgs {
    /// Provider: `auto` (detect per record), `defender-for-cloud` or `guardduty`
    #[arg(long, short, value_name = "PROVIDER", default_value = "auto")]
    provider: String,
    /// Print the events as NDJSON (one per line) instead of a JSON array
    #[arg(long, conflicts_with = "report")]
    ndjson: bool,
    /// Print, per file, its events, record outcomes and warnings (a JSON array of
    /// {"file", "events", "outcomes", "warnings"} or {"file", "error"})
    #[arg(long)]
    report: bool,
    /// Stamp every event with this time as `timestamp` (RFC 3339)
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Leave the vendor record out of the events (`event.original_content`)
    #[arg(long)]
    no_original_content: bool,
    /// List, per record, the source paths no mapping read (in the --report outcomes)
    #[arg(long)]
    unmapped: bool,
    /// Payload files; `-` reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Provider: `auto` (detect per record), `defender-for-cloud` or `guardduty`
    #[arg(long, short, value_name = "PROVIDER", default_value = "auto")]
    provider: String,
    /// Directory to check (or a single file)
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limits = Limits {
        memory_bytes: cli.memory.saturating_mul(1024 * 1024),
        timeout: Duration::from_secs(cli.timeout),
    };
    let mapper = match Mapper::new(limits) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("secmap: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Map(args) => map::run(&mapper, args),
        Command::Check(args) => check::run(&mapper, args),
        Command::Providers => providers(&mapper),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("secmap: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit status 2 with the known ids when `provider` is not one of them.
fn check_provider(mapper: &Mapper, provider: &str) -> Result<Option<ExitCode>, HostError> {
    let mut known = vec!["auto".to_owned()];
    known.extend(mapper.providers()?.into_iter().map(|p| p.id));
    if known.iter().any(|k| k == provider) {
        return Ok(None);
    }
    eprintln!(
        "secmap: unknown provider `{provider}`; known: {}",
        known.join(", ")
    );
    Ok(Some(ExitCode::from(2)))
}

fn providers(mapper: &Mapper) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "auto: detects the provider of each record from its shape"
    )?;
    for p in mapper.providers()? {
        writeln!(out, "{}: {} ({})", p.id, p.name, p.vendor)?;
        writeln!(out, "  {}", p.summary)?;
        writeln!(out, "  event types: {}", p.event_types.join(", "))?;
        writeln!(out, "  examples:")?;
        for e in &p.examples {
            writeln!(out, "    {}: {}", e.name, e.title)?;
        }
    }
    writeln!(out, "mapping version: {}", mapper.mapping_version()?)?;
    Ok(ExitCode::SUCCESS)
}

/// The name a file is shown under.
fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

fn read_input(path: &Path) -> io::Result<Vec<u8>> {
    if is_stdin(path) {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

/// `3 records: 2 mapped (3 events), 1 skipped, 0 rejected`
fn summary(out: &Output) -> String {
    let (mut mapped, mut skipped, mut rejected) = (0, 0, 0);
    for o in &out.outcomes {
        match o.outcome {
            wit::Outcome::Mapped(_) => mapped += 1,
            wit::Outcome::Skipped(_) => skipped += 1,
            wit::Outcome::Rejected(_) => rejected += 1,
        }
    }
    format!(
        "{}: {mapped} mapped ({}), {skipped} skipped, {rejected} rejected",
        plural(out.outcomes.len(), "record"),
        plural(out.events.len(), "event"),
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `FILE:LINE:COLUMN: CODE: MESSAGE` for a file that failed as a whole.
fn failure(file: &str, error: &HostError) -> String {
    match error {
        HostError::Transform(e) => {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                _ => file.to_owned(),
            };
            let pointer = match e.pointer.as_deref() {
                Some(p) if !p.is_empty() => format!(" (at {p})"),
                _ => String::new(),
            };
            format!("{at}: {}: {}{pointer}", error.code(), e.message)
        }
        other => format!("{file}: {}: {}", other.code(), other.message()),
    }
}
