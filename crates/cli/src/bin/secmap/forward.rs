//! `secmap forward`: map files (or read events) and send the events to Dynatrace. The
//! delivery engine decides; this file keeps the files (spool, dead letters) and the
//! signals. See `spool.rs` for what survives a kill.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use secmap_cli::forward::{
    DeadLetter, EventId, ForwardError, ForwardOptions, Forwarder, Level, Sink, clean,
    escape_control, network,
};
use secmap_host::{Mapper, Options, default_options};
use signal_hook::consts::{SIGINT, SIGTERM};

use crate::spool::{DeadLetterFile, Spool, rewrite, same_file};
use crate::{
    ForwardArgs, check_provider, display_name, failure, plural, print_rejections, read_input,
    summary,
};

pub fn run(mapper: &Mapper, args: ForwardArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if !args.events
        && !args.resume
        && let Some(code) = check_provider(mapper, &args.provider)?
    {
        return Ok(code);
    }
    let token = match std::env::var("DT_API_TOKEN") {
        Ok(t) if !t.trim().is_empty() => t.trim().to_owned(),
        _ => {
            eprintln!(
                "secmap: set DT_API_TOKEN to a Dynatrace access token with scope openpipeline.events_security"
            );
            return Ok(ExitCode::from(2));
        }
    };
    // Blank counts as unset, as in the JS hosts' settings.
    fn set(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let endpoint = match (set(&args.endpoint), set(&args.environment_url)) {
        (Some(e), _) => e.to_owned(),
        (None, Some(env_url)) => match network::endpoint_from_environment_url(env_url) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("secmap: {e}");
                return Ok(ExitCode::from(2));
            }
        },
        (None, None) => {
            eprintln!(
                "secmap: give --endpoint URL (or DT_INGEST_URL), or DT_ENVIRONMENT_URL (e.g. https://<env-id>.live.dynatrace.com)"
            );
            return Ok(ExitCode::from(2));
        }
    };
    // SSL_CERT_FILE replaces the OS store (as in OpenSSL): one that gives nothing would
    // leave only the bundled roots, silently; say so instead.
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty())
        && let Err(e) = network::ca_file(Path::new(&file))
    {
        eprintln!("secmap: SSL_CERT_FILE: {}", clean(&e.to_string(), &token));
        return Ok(ExitCode::from(2));
    }
    let mut fo = ForwardOptions::new(endpoint.clone(), token.clone());
    fo.ca_files = args.ca_file.clone();
    fo.proxy =
        network::proxy_from_env(&endpoint, |name| std::env::var(name).ok()).map(|(_, url)| url);
    fo.max_batch_bytes = args.max_batch_bytes;
    fo.max_batch_events = args.max_batch_events;
    fo.max_attempts = args.max_attempts;
    fo.base_delay = Duration::from_millis(args.base_delay_ms);
    fo.max_delay = Duration::from_millis(args.max_delay_ms);
    fo.timeout = Duration::from_millis(args.request_timeout_ms);
    let forwarder = match Forwarder::new(fo) {
        Ok(f) => f,
        Err(ForwardError::Config(e)) => {
            eprintln!("secmap: DT_API_TOKEN/--endpoint/limits: {e}");
            return Ok(ExitCode::from(2));
        }
        // CA file paths are the user's own text, but may hold anything: cleaned.
        Err(e @ ForwardError::CaFile(_)) => {
            eprintln!("secmap: --ca-file {}", clean(&e.to_string(), &token));
            return Ok(ExitCode::from(2));
        }
        Err(e @ ForwardError::Proxy(_)) => {
            eprintln!("secmap: {}", clean(&e.to_string(), &token));
            return Ok(ExitCode::from(2));
        }
    };
    // Signals, first: a SIGTERM/SIGINT from here on dead-letters what is not delivered
    // (everything, if it comes before the first request); a second one ends the process at
    // once (the spool keeps what was not settled).
    let term = Arc::new(AtomicBool::new(false));
    let int = Arc::new(AtomicBool::new(false));
    for (signal, flag) in [(SIGTERM, &term), (SIGINT, &int)] {
        signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(flag))?;
        signal_hook::flag::register(signal, Arc::clone(flag))?;
    }
    // Text from files and servers is cleaned before it is shown.
    let show = |text: &str| clean(text, &token);

    let spool_path: Option<PathBuf> = args.spool.clone().or_else(|| {
        args.dead_letter.as_ref().map(|d| {
            let mut p = d.clone().into_os_string();
            p.push(".spool");
            PathBuf::from(p)
        })
    });
    if args.resume && spool_path.is_none() {
        eprintln!("secmap: --resume needs --dead-letter FILE (or --spool FILE)");
        return Ok(ExitCode::from(2));
    }
    if let Some(s) = &spool_path
        && !args.resume
        && s.exists()
    {
        eprintln!(
            "secmap: {} holds the events of an interrupted run; send them first with `secmap forward --resume` and the same --dead-letter/--spool (or remove the file)",
            show(&s.display().to_string())
        );
        return Ok(ExitCode::from(2));
    }

    // 1. The events, all of them, before anything is sent.
    let mut failed = false;
    let mut skipped_lines = 0usize;
    let mut events: Vec<String> = Vec::new();
    // Bad lines of the dead-letter file, when it is also an input: they stay in it.
    let mut keep_in_dead_letter: Vec<Vec<u8>> = Vec::new();
    let mut dead_letter_is_input = false;
    if args.resume {
        let path = spool_path.as_ref().expect("checked");
        events = match Spool::unsettled(path) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("secmap: {}: cannot read the spool: {e}", path.display());
                return Ok(ExitCode::FAILURE);
            }
        };
        eprintln!(
            "secmap: {}: {} to resume",
            path.display(),
            plural(events.len(), "event")
        );
    }
    let options = Options {
        original_content: args.no_original_content.then_some(false),
        now: args.now.clone(),
        ..default_options()
    };
    for path in &args.files {
        let file = display_name(path);
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                failed = true;
                eprintln!("secmap: {file}: cannot read: {e}");
                continue;
            }
        };
        if args.events {
            let parsed = match events_of(&bytes) {
                Ok(p) => p,
                Err(e) => {
                    failed = true;
                    eprintln!("secmap: {file}: {}", show(&e));
                    continue;
                }
            };
            let is_dead_letter = args
                .dead_letter
                .as_deref()
                .is_some_and(|d| path != Path::new("-") && same_file(path, d));
            for bad in &parsed.bad {
                eprintln!(
                    "secmap: {file}:{}: skipped: {}{}",
                    bad.line,
                    show(&bad.why),
                    if is_dead_letter {
                        " (kept in the dead-letter file)"
                    } else {
                        ""
                    }
                );
            }
            skipped_lines += parsed.bad.len();
            if is_dead_letter {
                dead_letter_is_input = true;
                keep_in_dead_letter.extend(parsed.bad.into_iter().map(|b| b.raw));
            }
            events.extend(parsed.events);
        } else {
            match mapper.transform(&args.provider, &bytes, &options) {
                Ok(output) => {
                    eprintln!("secmap: {file}: {}", summary(&output));
                    print_rejections(&file, &output);
                    events.extend(output.events);
                }
                Err(error) => {
                    failed = true;
                    eprintln!("secmap: {}", failure(&file, &error));
                }
            }
        }
    }
    let total = events.len();

    // 2. The spool, durable before the first request; then the dead-letter file.
    let mut spool = match &spool_path {
        None => None,
        Some(path) => {
            let made = if args.resume {
                Spool::replace(path, &events)
            } else {
                Spool::create(path, &events)
            };
            match made {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!(
                        "secmap: {}: cannot write the spool: {e}; nothing was sent",
                        path.display()
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    };
    if dead_letter_is_input {
        // Its events are in the spool now: the file keeps only its bad lines, and the new
        // dead letters of this run. Replaying never doubles it.
        let d = args.dead_letter.as_deref().expect("is input");
        if let Err(e) = rewrite(d, &keep_in_dead_letter) {
            eprintln!("secmap: {}: cannot rewrite: {e}", d.display());
            return Ok(ExitCode::FAILURE);
        }
    }
    let dead_file = match &args.dead_letter {
        None => None,
        Some(path) => match DeadLetterFile::open(path) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!(
                    "secmap: {}: cannot open the dead-letter file: {e}; nothing was sent",
                    path.display()
                );
                return Ok(ExitCode::FAILURE);
            }
        },
    };

    let mut sink = CliSink {
        spool: spool.as_mut(),
        dead_file,
        term: &term,
        int: &int,
        dead_written: 0,
        dead_unwritten: 0,
        spool_error: None,
        progress: std::io::stderr()
            .is_terminal()
            .then(|| Progress::new(total as u64)),
    };
    if let Some(p) = sink.progress.as_mut() {
        p.draw(true);
    }
    let report = forwarder.send(events, &mut sink);
    if let Some(p) = sink.progress.as_mut() {
        p.clear();
    }
    let (dead_written, dead_unwritten, spool_error) = (
        sink.dead_written,
        sink.dead_unwritten,
        sink.spool_error.take(),
    );
    let signal = if term.load(Ordering::SeqCst) {
        Some(SIGTERM)
    } else if int.load(Ordering::SeqCst) {
        Some(SIGINT)
    } else {
        None
    };

    // 3. What happened, and what is left where.
    let not_delivered = total as u64 - report.delivered;
    // The spool is only needed while some event is neither delivered nor in the dead-letter
    // file; a failed mark matters only if the run had not finished.
    let kept = dead_unwritten > 0;
    if let Some(e) = &spool_error {
        eprintln!(
            "secmap: the spool could not be updated ({}); had this run been killed, `--resume` would have sent some events again",
            escape_control(&e.to_string())
        );
    }
    match (&args.dead_letter, spool) {
        (Some(d), Some(s)) if kept => eprintln!(
            "secmap: {} could not be written to {}; they are kept in {}: run `secmap forward --resume --dead-letter {} --spool {}` once it can be written",
            plural(dead_unwritten as usize, "event"),
            d.display(),
            s.path().display(),
            d.display(),
            s.path().display()
        ),
        (_, Some(s)) => {
            if let Err(e) = s.remove() {
                eprintln!("secmap: cannot remove the spool: {e}");
            }
        }
        _ => {}
    }
    if dead_written > 0
        && let Some(d) = &args.dead_letter
    {
        eprintln!(
            "secmap: {} written to {} (resend with `secmap forward --events {} --dead-letter {}`)",
            plural(dead_written as usize, "event"),
            d.display(),
            d.display(),
            d.display()
        );
    }
    if args.dead_letter.is_none() && not_delivered > 0 {
        eprintln!(
            "secmap: {not_delivered} events not delivered and no --dead-letter file given; they are not kept"
        );
    }
    if skipped_lines > 0 {
        eprintln!("secmap: {skipped_lines} input lines skipped (not JSON events)");
    }
    eprintln!(
        "secmap: total: {} sent, {not_delivered} not delivered ({} requests, {} retries)",
        report.delivered, report.requests, report.retries
    );
    Ok(match signal {
        Some(s) => ExitCode::from(128 + s as u8),
        None if failed || not_delivered > 0 || skipped_lines > 0 || kept => ExitCode::FAILURE,
        None => ExitCode::SUCCESS,
    })
}

/// The CLI's side of the engine: logs to stderr, dead letters to the file, marks in the
/// spool, stop on a signal.
struct CliSink<'a> {
    spool: Option<&'a mut Spool>,
    dead_file: Option<DeadLetterFile>,
    term: &'a AtomicBool,
    int: &'a AtomicBool,
    dead_written: u64,
    dead_unwritten: u64,
    spool_error: Option<std::io::Error>,
    /// Only when stderr is a terminal: logs and pipes get the lines alone.
    progress: Option<Progress>,
}

/// One line of progress, redrawn in place on a terminal (at most [`Progress::EVERY`]).
struct Progress {
    total: u64,
    sent: u64,
    dead: u64,
    drawn: Option<Instant>,
    shown: bool,
}

impl Progress {
    const EVERY: Duration = Duration::from_millis(250);

    fn new(total: u64) -> Progress {
        Progress {
            total,
            sent: 0,
            dead: 0,
            drawn: None,
            shown: false,
        }
    }

    /// Draws the line, unless it was drawn less than [`Progress::EVERY`] ago and `now`
    /// is false.
    fn draw(&mut self, now: bool) {
        if !now && self.drawn.is_some_and(|t| t.elapsed() < Self::EVERY) {
            return;
        }
        let remaining = self.total.saturating_sub(self.sent + self.dead);
        // \r and "erase line": the line is rewritten, not appended.
        eprint!(
            "\r\x1b[2Ksecmap: {} sent, {} dead-lettered, {remaining} remaining",
            self.sent, self.dead
        );
        self.drawn = Some(Instant::now());
        self.shown = true;
    }

    /// Erases the line, so that the next line starts clean.
    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
            self.shown = false;
        }
    }
}

impl CliSink<'_> {
    fn settle(&mut self, first: EventId, count: usize) {
        if let Some(s) = self.spool.as_deref_mut()
            && let Err(e) = s.settle(first, count)
            && self.spool_error.is_none()
        {
            self.spool_error = Some(e);
        }
    }
}

impl Sink for CliSink<'_> {
    fn log(&mut self, _level: Level, line: &str) {
        if let Some(p) = self.progress.as_mut() {
            p.clear();
        }
        eprintln!("secmap: {line}");
        if let Some(p) = self.progress.as_mut() {
            p.draw(true);
        }
    }

    fn delivered(&mut self, first: EventId, count: usize) {
        self.settle(first, count);
        if let Some(p) = self.progress.as_mut() {
            p.sent += count as u64;
            p.draw(false);
        }
    }

    fn dead_letter(&mut self, letter: DeadLetter) {
        let n = letter.events.len();
        let attempts = letter.attempts;
        if let Some(p) = self.progress.as_mut() {
            p.clear();
        }
        eprintln!(
            "secmap: {} not delivered after {}: {}",
            plural(n, "event"),
            plural(attempts as usize, "request"),
            letter.reason
        );
        match self.dead_file.as_mut() {
            None => self.settle(letter.first, n),
            Some(f) => match f.append(&letter.events) {
                Ok(()) => {
                    self.dead_written += n as u64;
                    self.settle(letter.first, n);
                }
                Err(e) => {
                    // Not settled: the spool keeps them for --resume.
                    eprintln!(
                        "secmap: cannot write {} to the dead-letter file: {}",
                        plural(n, "event"),
                        escape_control(&e.to_string())
                    );
                    self.dead_unwritten += n as u64;
                }
            },
        }
        if let Some(p) = self.progress.as_mut() {
            p.dead += n as u64;
            p.draw(true);
        }
    }

    fn stop(&mut self) -> Option<String> {
        if self.term.load(Ordering::SeqCst) {
            Some("interrupted by SIGTERM".to_owned())
        } else if self.int.load(Ordering::SeqCst) {
            Some("interrupted by SIGINT".to_owned())
        } else {
            None
        }
    }
}

/// A line of an event file that is not an event.
struct BadLine {
    line: usize,
    why: String,
    raw: Vec<u8>,
}

struct Parsed {
    events: Vec<String>,
    bad: Vec<BadLine>,
}

/// Events from an NDJSON file (or a JSON array), each kept exactly as written (line
/// breaks inside a pretty-printed array element become spaces: they can only be JSON
/// whitespace). Lines that are not JSON objects are skipped, with their line numbers.
fn events_of(bytes: &[u8]) -> Result<Parsed, String> {
    let mut parsed = Parsed {
        events: Vec::new(),
        bad: Vec::new(),
    };
    let trimmed = bytes.trim_ascii_start();
    if trimmed.starts_with(b"[") {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        let list: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| format!("not a JSON array of events: {e}"))?;
        for (i, e) in list.into_iter().enumerate() {
            if e.get().starts_with('{') {
                parsed.events.push(e.get().replace(['\n', '\r'], " "));
            } else {
                parsed.bad.push(BadLine {
                    line: i + 1,
                    why: format!("array element {} is not a JSON object", i + 1),
                    raw: e.get().as_bytes().to_vec(),
                });
            }
        }
        return Ok(parsed);
    }
    for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw).trim_ascii();
        if line.is_empty() {
            continue;
        }
        let why = match std::str::from_utf8(line) {
            Err(_) => Some("not UTF-8".to_owned()),
            Ok(text) => match serde_json::from_str::<&serde_json::value::RawValue>(text) {
                Err(e) => Some(format!("not JSON: {e}")),
                Ok(_) if !text.starts_with('{') => Some("not a JSON object".to_owned()),
                Ok(_) => {
                    parsed.events.push(text.to_owned());
                    None
                }
            },
        };
        if let Some(why) = why {
            parsed.bad.push(BadLine {
                line: n + 1,
                why,
                raw: raw.to_vec(),
            });
        }
    }
    Ok(parsed)
}
