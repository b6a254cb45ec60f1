//! `secmap`: the command-line face of the secmap component. Every file is mapped by the
//! WebAssembly component in wasmtime, in a fresh sandbox with memory and time limits.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use secmap_host::{CORE_MAX_PAYLOAD_BYTES, HostError, Limits, Mapper, Output, wit};

mod check;
mod examples;
mod forward;
mod map;
mod spool;
mod stream;

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
    /// Memory limit of the sandbox, per file, in MiB (default: what the core's limits
    /// need, 2 × 64 MiB of payload + 3 KiB × 250,000 events + 64 MiB)
    #[arg(
        long,
        global = true,
        value_name = "MIB",
        default_value_t = Limits::default().memory_bytes >> 20,
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
    /// Map every bundled example payload and show its events
    ///
    /// The examples are declared by the providers inside the component (`secmap
    /// providers` lists them). For each one: its title, a summary line, a one-line digest
    /// per event (type, risk, object, title), then the events as JSON. No Dynatrace
    /// account needed.
    Examples(ExamplesArgs),
    /// Map payload files and send the events to the Dynatrace ingest API
    ///
    /// Events are POSTed to ENDPOINT (`.../platform/ingest/v1/security.events`) in batches
    /// by bytes and count, with `Authorization: Api-Token $DT_API_TOKEN`. Timeouts,
    /// resets, 408, 429 and 5xx (except 501, 505, 506, 508, 510, 511) are retried with
    /// exponential backoff, jitter and Retry-After; 413 splits the batch; 307/308 to the
    /// same origin resend the same POST; 401, 403, 404, other redirects and the permanent
    /// 5xx stop the send; 400 fails its batch. Events that cannot be delivered are
    /// appended to the dead-letter file as NDJSON (mode 0600; replay them with `--events`,
    /// even into the same file). With a dead-letter file, the events are first written to
    /// a spool (FILE.spool, fsync'd): SIGTERM/SIGINT dead-letter the rest and exit 143/130;
    /// after a kill or a full disk, `--resume` sends what is left. Exit status 0 only when
    /// every event was delivered.
    ///
    /// TLS trusts the OS certificate store (or SSL_CERT_FILE/SSL_CERT_DIR when set, as
    /// OpenSSL does; Mozilla's bundled roots when the store is empty) plus every
    /// `--ca-file`. A proxy is taken from https_proxy/HTTPS_PROXY (http_proxy/HTTP_PROXY
    /// for an http endpoint, then ALL_PROXY) and tunnelled with CONNECT, unless
    /// no_proxy/NO_PROXY names the endpoint's host. On a terminal, stderr shows progress.
    Forward(ForwardArgs),
}

#[derive(Debug, Args)]
struct ExamplesArgs {
    /// Print only the events, as one JSON array (like `secmap map`)
    #[arg(long)]
    json: bool,
    /// Keep the vendor record in each event (`event.original_content`)
    #[arg(long)]
    original_content: bool,
}

#[derive(Debug, Args)]
struct ForwardArgs {
    /// The ingest URL, e.g. https://<env-id>.live.dynatrace.com/platform/ingest/v1/security.events
    #[arg(long, value_name = "URL", env = "DT_INGEST_URL")]
    endpoint: Option<String>,
    /// The environment URL, e.g. https://<env-id>.live.dynatrace.com, when no --endpoint is
    /// given: the ingest path /platform/ingest/v1/security.events is appended
    #[arg(
        long,
        value_name = "URL",
        env = "DT_ENVIRONMENT_URL",
        hide_env_values = true
    )]
    environment_url: Option<String>,
    /// Also trust the CA certificates in this PEM file (a private CA, a TLS-inspecting
    /// proxy); repeatable. The OS store stays trusted
    #[arg(long, value_name = "PEM")]
    ca_file: Vec<PathBuf>,
    /// Provider: `auto` (detect per record), `defender-for-cloud` or `guardduty`
    #[arg(long, short, value_name = "PROVIDER", default_value = "auto")]
    provider: String,
    /// Append undeliverable events here, one JSON event per line (created with mode 0600)
    #[arg(long, value_name = "FILE")]
    dead_letter: Option<PathBuf>,
    /// The spool of events not yet delivered or dead-lettered (default: the dead-letter
    /// file's path + `.spool`); removed when the run settles every event
    #[arg(long, value_name = "FILE")]
    spool: Option<PathBuf>,
    /// Send what an interrupted run left in the spool (after SIGKILL, a crash or a full
    /// disk), instead of files
    #[arg(long, conflicts_with_all = ["events", "files"])]
    resume: bool,
    /// The inputs are events already mapped (NDJSON, e.g. a dead-letter file, or a JSON
    /// array), not payloads; lines that are not JSON objects are skipped and reported
    #[arg(long)]
    events: bool,
    /// Stamp every event with this time as `timestamp` (RFC 3339)
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Leave the vendor record out of the events (`event.original_content`)
    #[arg(long)]
    no_original_content: bool,
    /// Most bytes per request
    #[arg(long, value_name = "BYTES", default_value_t = 10_000_000)]
    max_batch_bytes: usize,
    /// Most events per request
    #[arg(long, value_name = "N", default_value_t = 5_000)]
    max_batch_events: usize,
    /// Tries per request, the first included
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_attempts: u32,
    /// First retry delay, in milliseconds (doubles per retry, with jitter)
    #[arg(long, value_name = "MS", default_value_t = 500)]
    base_delay_ms: u64,
    /// Longest single wait, Retry-After included, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    max_delay_ms: u64,
    /// Per-request timeout, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    request_timeout_ms: u64,
    /// Payload files (or event files with --events); `-` reads stdin
    #[arg(required_unless_present = "resume", value_name = "FILE")]
    files: Vec<PathBuf>,
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
    /// Map up to N files in one sandbox instance before starting a fresh one (default 1:
    /// a fresh sandbox per file). Faster on many small files; files of one trust domain
    /// only, since a reused instance's memory is not wiped between files. Any error starts
    /// a fresh instance.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Sandbox")]
    reuse: u32,
    /// Map stdin (`-`) as NDJSON as it arrives even when its first non-blank line is not
    /// a whole JSON value. Without it, stdin streams when that line is one (NDJSON; not
    /// with --report): chunks of up to 1,000 lines are mapped every 1,000 lines, after
    /// 200 ms without input, and at the end, each printed at once; a chunk summary
    /// (`secmap: <stdin>: lines A-B: ...`) per chunk and a total go to stderr, rejected
    /// records are numbered by stream record and line, and a line over the payload limit
    /// is one rejected record. A stream of one chunk prints what a file would.
    #[arg(long, conflicts_with = "report")]
    stream: bool,
    /// Payload files; `-` reads stdin
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Provider: `auto` (detect per record), `defender-for-cloud` or `guardduty`
    #[arg(long, short, value_name = "PROVIDER", default_value = "auto")]
    provider: String,
    /// Map up to N files in one sandbox instance before starting a fresh one (default 1:
    /// a fresh sandbox per file). Faster on many small files; files of one trust domain
    /// only, since a reused instance's memory is not wiped between files. Any error starts
    /// a fresh instance.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Sandbox")]
    reuse: u32,
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
        Command::Examples(args) => examples::run(&mapper, args),
        Command::Forward(args) => forward::run(&mapper, args),
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

/// Reads a payload, at most the core's `maxPayloadBytes` and one byte more: a longer input
/// (a 2 GiB stream on stdin, `/dev/zero`) is never held whole, and the byte over the limit
/// makes the component refuse it by name (`limit-exceeded`, `maxPayloadBytes`), as it
/// would the whole input.
fn read_input(path: &Path) -> io::Result<Vec<u8>> {
    read_bounded(path, CORE_MAX_PAYLOAD_BYTES)
}

fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let cap = max.saturating_add(1);
    let mut bytes = Vec::new();
    if is_stdin(path) {
        io::stdin().lock().take(cap).read_to_end(&mut bytes)?;
    } else {
        let file = std::fs::File::open(path)?;
        // A regular file says its size: one allocation. Devices and pipes say 0 and grow.
        let len = file.metadata().map_or(0, |m| m.len()).min(cap);
        bytes.reserve_exact(usize::try_from(len).unwrap_or(0));
        file.take(cap).read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// One stderr line per rejected record: `secmap: FILE: record N rejected: CODE: MESSAGE
/// (at POINTER, line L column C)`, so that `map` and `forward` say why, not only how many.
/// Escaped: the message and pointer carry vendor text.
fn print_rejections(file: &str, out: &Output) {
    for o in &out.outcomes {
        if let wit::Outcome::Rejected(e) = &o.outcome {
            let line = format!(
                "secmap: {file}: record {} rejected: {}: {}{}",
                o.index,
                secmap_host::json::error_code(e.code),
                // Vendor data: one line, no terminal escapes.
                secmap_cli::forward::escape_control(&e.message),
                secmap_host::location(e)
            );
            eprintln!("{}", secmap_cli::forward::escape_control(&line));
        }
    }
}

/// `3 records: 2 mapped (3 events), 1 skipped, 0 rejected`
fn summary(out: &Output) -> String {
    let c = secmap_host::json::counts(out);
    format!(
        "{}: {} mapped ({}), {} skipped, {} rejected",
        plural(c.records(), "record"),
        c.mapped,
        plural(c.events, "event"),
        c.skipped,
        c.rejected,
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `FILE:LINE:COLUMN: CODE: MESSAGE` for a file that failed as a whole, escaped (the
/// message and pointer may quote the payload).
fn failure(file: &str, error: &HostError) -> String {
    secmap_cli::forward::escape_control(&failure_text(file, error)).into_owned()
}

fn failure_text(file: &str, error: &HostError) -> String {
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
            let message = secmap_cli::forward::escape_control(&e.message);
            format!("{at}: {}: {message}{pointer}", error.code())
        }
        other => format!("{file}: {}: {}", other.code(), other.message()),
    }
}
