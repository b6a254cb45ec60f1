//! `secmap map`: events of all files on stdout, a summary line per file on stderr.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use secmap_host::{Mapper, Options, Output, default_options, json};
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::value::RawValue;

use crate::stream::{self, STREAM_REUSE, Start, Streamer};
use crate::{
    MapArgs, check_provider, display_name, failure, is_stdin, print_rejections, read_input, summary,
};

/// One file's result in `--report` output.
enum FileReport {
    Mapped {
        file: String,
        output: Output,
    },
    Failed {
        file: String,
        error: serde_json::Value,
    },
}

pub fn run(mapper: &Mapper, args: MapArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if let Some(code) = check_provider(mapper, &args.provider)? {
        return Ok(code);
    }
    let options = Options {
        original_content: args.no_original_content.then_some(false),
        report_unmapped: args.unmapped.then_some(true),
        now: args.now.clone(),
        ..default_options()
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut events = EventWriter::new(args.ndjson);
    let mut reports = Vec::new();
    let mut failed = false;
    let mut batch = mapper.batch(args.reuse);
    for path in &args.files {
        let file = display_name(path);
        // NDJSON on stdin is mapped as it arrives (not with --report, whose one JSON
        // document per file is printed at the end anyway).
        let read = if is_stdin(path) && !args.report {
            stream::start(args.stream)
        } else {
            read_input(path).map(Start::Whole)
        };
        let bytes = match read {
            Ok(Start::Whole(bytes)) => bytes,
            Ok(Start::Stream(lines)) => {
                // A stream is one input, one trust domain, as a file is: its chunks share
                // an instance (a fresh one after any error).
                let batch = mapper.batch(args.reuse.max(STREAM_REUSE));
                let streamer =
                    Streamer::new(batch, &args.provider, &options, &mut out, &mut events);
                failed |= !streamer.run(lines)?;
                continue;
            }
            Err(e) => {
                failed = true;
                let message = format!("cannot read: {e}");
                eprintln!("secmap: {file}: {message}");
                let error = serde_json::json!({ "code": "unreadable", "message": message });
                reports.push(FileReport::Failed { file, error });
                continue;
            }
        };
        match batch.transform(&args.provider, &bytes, &options) {
            Ok(output) => {
                eprintln!("secmap: {file}: {}", summary(&output));
                print_rejections(&file, &output);
                if args.report {
                    reports.push(FileReport::Mapped { file, output });
                } else {
                    for e in &output.events {
                        events.write(&mut out, e)?;
                    }
                }
            }
            Err(error) => {
                failed = true;
                eprintln!("secmap: {}", failure(&file, &error));
                let error = json::host_error_json(&error);
                reports.push(FileReport::Failed { file, error });
            }
        }
    }
    if args.report {
        serde_json::to_writer_pretty(&mut out, &reports)?;
        out.write_all(b"\n")?;
    } else {
        events.finish(&mut out)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes events as `[\n` + events joined by `,\n` + `\n]\n` (`[]\n` when none), or as
/// NDJSON.
pub(crate) struct EventWriter {
    ndjson: bool,
    written: usize,
}

impl EventWriter {
    fn new(ndjson: bool) -> EventWriter {
        EventWriter { ndjson, written: 0 }
    }

    pub(crate) fn write(&mut self, out: &mut impl Write, event: &str) -> io::Result<()> {
        if self.ndjson {
            out.write_all(event.as_bytes())?;
            out.write_all(b"\n")?;
        } else {
            out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            out.write_all(event.as_bytes())?;
        }
        self.written += 1;
        Ok(())
    }

    fn finish(&self, out: &mut impl Write) -> io::Result<()> {
        match (self.ndjson, self.written) {
            (true, _) => Ok(()),
            (false, 0) => out.write_all(b"[]\n"),
            (false, _) => out.write_all(b"\n]\n"),
        }
    }
}

impl Serialize for FileReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            FileReport::Mapped { file, output } => {
                m.serialize_entry("file", file)?;
                // The events verbatim, as the component produced them.
                let events = output
                    .events
                    .iter()
                    .map(|e| RawValue::from_string(e.clone()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(S::Error::custom)?;
                m.serialize_entry("events", &events)?;
                m.serialize_entry("outcomes", &json::outcomes(&output.outcomes))?;
                m.serialize_entry("warnings", &json::warnings(&output.warnings))?;
            }
            FileReport::Failed { file, error } => {
                m.serialize_entry("file", file)?;
                m.serialize_entry("error", error)?;
            }
        }
        m.end()
    }
}
