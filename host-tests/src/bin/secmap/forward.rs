//! `secmap forward`: map files and send the events to Dynatrace.

use std::fs::OpenOptions;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use secmap_host::forward::{DeadLetter, ForwardOptions, Forwarder};
use secmap_host::{Mapper, Options, default_options};

use crate::{
    ForwardArgs, check_provider, display_name, failure, print_rejections, read_input, summary,
};

pub fn run(mapper: &Mapper, args: ForwardArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if !args.events
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
    let mut fo = ForwardOptions::new(args.endpoint.clone(), token);
    fo.max_batch_bytes = args.max_batch_bytes;
    fo.max_batch_events = args.max_batch_events.max(1);
    fo.max_attempts = args.max_attempts.max(1);
    fo.base_delay = Duration::from_millis(args.base_delay_ms);
    fo.max_delay = Duration::from_millis(args.max_delay_ms);
    fo.timeout = Duration::from_millis(args.request_timeout_ms);
    let forwarder = Forwarder::new(fo);
    let options = Options {
        original_content: args.no_original_content.then_some(false),
        now: args.now.clone(),
        ..default_options()
    };

    let mut dead_file = match &args.dead_letter {
        Some(path) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("{}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut failed = false;
    let mut undelivered = 0usize;
    let (mut sent_total, mut dead_total) = (0usize, 0usize);
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
        let events = if args.events {
            match events_of(&bytes) {
                Ok(events) => events,
                Err(e) => {
                    failed = true;
                    eprintln!("secmap: {file}: {e}");
                    continue;
                }
            }
        } else {
            match mapper.transform(&args.provider, &bytes, &options) {
                Ok(output) => {
                    eprintln!("secmap: {file}: {}", summary(&output));
                    print_rejections(&file, &output);
                    output.events
                }
                Err(error) => {
                    failed = true;
                    eprintln!("secmap: {}", failure(&file, &error));
                    continue;
                }
            }
        };
        let mut write_error = None;
        let report = forwarder.send(&events, &mut |letter: DeadLetter| {
            if let Some(f) = dead_file.as_mut()
                && let Err(e) = write_letter(f, &letter)
            {
                write_error = Some(e);
            }
        });
        if let Some(e) = write_error {
            return Err(format!("cannot write the dead-letter file: {e}").into());
        }
        sent_total += report.sent;
        dead_total += report.dead_lettered;
        undelivered += report.dead_lettered;
        eprintln!(
            "secmap: {file}: {} sent, {} not delivered ({} requests, {} retries)",
            report.sent, report.dead_lettered, report.requests, report.retried
        );
    }
    if dead_total > 0 {
        match &args.dead_letter {
            Some(p) => eprintln!(
                "secmap: {dead_total} events not delivered; written to {} (resend with `secmap forward --events {}`)",
                p.display(),
                p.display()
            ),
            None => eprintln!(
                "secmap: {dead_total} events not delivered and no --dead-letter file given; they are lost"
            ),
        }
    }
    eprintln!("secmap: total: {sent_total} sent, {dead_total} not delivered");
    Ok(if failed || undelivered > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn write_letter(f: &mut std::fs::File, letter: &DeadLetter) -> io::Result<()> {
    let mut buf = Vec::new();
    for e in &letter.events {
        buf.extend_from_slice(e.as_bytes());
        buf.push(b'\n');
    }
    f.write_all(&buf)?;
    f.flush()
}

/// Events from an NDJSON file (or a JSON array), each kept exactly as written.
fn events_of(bytes: &[u8]) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    if text.trim_start().starts_with('[') {
        let list: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| format!("not a JSON array of events: {e}"))?;
        return Ok(list.into_iter().map(|e| e.get().to_owned()).collect());
    }
    let mut out = Vec::new();
    for (n, line) in bytes.lines().enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        serde_json::from_str::<&serde_json::value::RawValue>(line)
            .map_err(|e| format!("line {}: not a JSON event: {e}", n + 1))?;
        out.push(line.to_owned());
    }
    Ok(out)
}
