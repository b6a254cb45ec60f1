//! `secmap check DIR`: map every file with the unmapped report on, and say what was
//! skipped, rejected, or left unread by every mapping.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use secmap_host::{Batch, Mapper, Options, default_options, json, wit};

use crate::{CheckArgs, check_provider, failure, plural, read_input, summary};

/// Golden-test expectations and sidecars: outputs of secmap, not payloads.
const NOT_PAYLOADS: &[&str] = &[".events.ndjson", ".report.json", ".options.json"];

#[derive(Default)]
struct Totals {
    files: usize,
    failed: usize,
    records: secmap_core::Counts,
    warnings: usize,
    /// Source path -> how many records had it unmapped.
    unmapped: BTreeMap<String, usize>,
}

pub fn run(mapper: &Mapper, args: CheckArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if let Some(code) = check_provider(mapper, &args.provider)? {
        return Ok(code);
    }
    let mut files = Vec::new();
    collect(&args.dir, &mut files).map_err(|e| format!("{}: {e}", args.dir.display()))?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let options = Options {
        report_unmapped: Some(true),
        ..default_options()
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut totals = Totals::default();
    let mut batch = mapper.batch(args.reuse);
    for (path, kind) in &files {
        if let Some(kind) = kind {
            // Reading a FIFO would wait for a writer forever; a device may never end.
            let file =
                secmap_cli::forward::escape_control(&path.display().to_string()).into_owned();
            writeln!(out, "{file}: skipped: not a regular file ({kind})")?;
            continue;
        }
        check_file(
            &mut batch,
            &args.provider,
            &options,
            path,
            &mut totals,
            &mut out,
        )?;
    }
    report_totals(&totals, &mut out)?;
    out.flush()?;
    Ok(if totals.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every payload file under `path` (or `path` itself when it is not a directory), each
/// with what it is when it is not a regular file (found in a directory, it is skipped).
fn collect(path: &Path, files: &mut Vec<(PathBuf, Option<&'static str>)>) -> io::Result<()> {
    if !fs::metadata(path)?.is_dir() {
        files.push((path.to_owned(), None));
        return Ok(());
    }
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let mut kind = entry.file_type()?;
        if kind.is_symlink() {
            // What it points to decides (a dangling link is read, and fails as unreadable).
            kind = fs::metadata(entry.path()).map_or(kind, |m| m.file_type());
        }
        if kind.is_dir() {
            collect(&entry.path(), files)?;
        } else if !NOT_PAYLOADS.iter().any(|s| name.ends_with(s)) {
            let special = (!kind.is_file() && !kind.is_symlink()).then(|| special_kind(kind));
            files.push((entry.path(), special));
        }
    }
    Ok(())
}

/// What a file that is neither a regular file nor a directory is.
fn special_kind(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    let _ = kind;
    "not a file"
}

fn check_file(
    batch: &mut Batch,
    provider: &str,
    options: &Options,
    path: &Path,
    totals: &mut Totals,
    out: &mut impl Write,
) -> io::Result<()> {
    let file = secmap_cli::forward::escape_control(&path.display().to_string()).into_owned();
    totals.files += 1;
    let bytes = match read_input(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            totals.failed += 1;
            return writeln!(out, "{file}: cannot read: {e}");
        }
    };
    let output = match batch.transform(provider, &bytes, options) {
        Ok(output) => output,
        Err(e) => {
            totals.failed += 1;
            return writeln!(out, "{}", failure(&file, &e));
        }
    };
    writeln!(out, "{file}: {}", summary(&output))?;
    totals.records += json::counts(&output);
    totals.warnings += output.warnings.len();
    for o in &output.outcomes {
        for path in &o.unmapped {
            *totals.unmapped.entry(path.clone()).or_default() += 1;
        }
        let record = record_name(o);
        match &o.outcome {
            wit::Outcome::Mapped(_) => {}
            wit::Outcome::Skipped(s) => {
                let reason = json::skip_reason(s.reason);
                let line = format!("  {record}: skipped: {reason}: {}", s.message);
                writeln!(out, "{}", secmap_cli::forward::escape_control(&line))?;
            }
            wit::Outcome::Rejected(e) => {
                let code = json::error_code(e.code);
                let at = secmap_host::location(e);
                let line = format!("  {record}: rejected: {code}: {}{at}", e.message);
                writeln!(out, "{}", secmap_cli::forward::escape_control(&line))?;
            }
        }
    }
    Ok(())
}

/// `record 3`, `record 3 (line 4)`, `record 3 at /records/3`.
fn record_name(o: &wit::RecordOutcome) -> String {
    let mut s = format!("record {}", o.index);
    if let Some(line) = o.line {
        s.push_str(&format!(" (line {line})"));
    }
    if !o.pointer.is_empty() {
        s.push_str(&format!(" at {}", o.pointer));
    }
    s
}

fn report_totals(t: &Totals, out: &mut impl Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{}: {} read, {} failed",
        plural(t.files, "file"),
        t.files - t.failed,
        t.failed
    )?;
    writeln!(
        out,
        "{}: {} mapped ({}), {} skipped, {} rejected; {}",
        plural(t.records.records(), "record"),
        t.records.mapped,
        plural(t.records.events, "event"),
        t.records.skipped,
        t.records.rejected,
        plural(t.warnings, "warning"),
    )?;
    if t.unmapped.is_empty() {
        return writeln!(out, "unmapped source paths: none");
    }
    writeln!(
        out,
        "unmapped source paths ({}, with the records that had each):",
        t.unmapped.len()
    )?;
    let mut paths: Vec<(&String, &usize)> = t.unmapped.iter().collect();
    // Most frequent first; the map's order (by path) breaks ties.
    paths.sort_by(|a, b| b.1.cmp(a.1));
    for (path, count) in paths {
        // Source paths are the payload's own keys.
        writeln!(
            out,
            "{count:>7}  {}",
            secmap_cli::forward::escape_control(path)
        )?;
    }
    Ok(())
}
