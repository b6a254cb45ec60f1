//! `secmap map -` as a pipe stage: NDJSON on stdin is mapped in chunks of lines as it
//! arrives, so `tail -f findings.ndjson | secmap map --ndjson -` prints as findings come.
//!
//! Stdin streams when its first non-blank line is a whole JSON value (the rule the core
//! uses to read a payload as NDJSON), or with `--stream`. Anything else (a pretty-printed
//! document) is read whole and mapped as one payload, as before.
//!
//! A chunk is flushed every [`CHUNK_LINES`] lines, before it would pass [`CHUNK_BYTES`],
//! after [`IDLE`] without input, and at the end. Each chunk is one call of the component,
//! whose outcomes are renumbered to the stream (record index, line), so rejections name
//! the line of the stream. A chunk that fails as a whole (a one-line chunk is read as a
//! document; a chunk over a core limit) is mapped again line by line, so one bad line is
//! one rejected record and never takes its neighbours or the stream down.

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Stdin, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use secmap_host::{Batch, CORE_MAX_PAYLOAD_BYTES, HostError, Options, Output, wit};
use serde_json::value::RawValue;

use crate::map::EventWriter;
use crate::{plural, print_rejections};

/// Lines per chunk: big enough that the per-call cost vanishes, small enough that a
/// chunk's events (a few KiB each) stay a few MiB.
const CHUNK_LINES: usize = 1_000;
/// Bytes per chunk (a single longer line, up to the payload limit, is a chunk alone).
const CHUNK_BYTES: usize = 8 << 20;
/// A slow producer's lines are mapped after this long without a new one.
const IDLE: Duration = Duration::from_millis(200);
/// Chunks mapped in one sandbox instance before a fresh one (at least `--reuse`). A stream
/// is one input, of one trust domain, as a file is: its chunks sharing an instance is
/// what mapping it whole would do. Any error starts a fresh instance.
pub const STREAM_REUSE: u32 = 100;
/// Progress redraws on a terminal, at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

const FILE: &str = "<stdin>";

/// How stdin is read, decided from its first non-blank line.
pub enum Start {
    /// The whole of stdin (up to the payload limit and one byte), to map as one payload.
    Whole(Vec<u8>),
    /// NDJSON: the lines read so far and the rest of stdin.
    Stream(Lines),
}

/// Reads stdin up to its first non-blank line and decides. `force` (`--stream`) streams
/// whatever the first line is.
pub fn start(force: bool) -> io::Result<Start> {
    let mut input = BufReader::with_capacity(1 << 16, io::stdin());
    let mut read = Vec::new();
    let max = payload_limit();
    // At the end of input, blank (or empty) stdin is one (empty) payload.
    while let Some(line) = read_line(&mut input, max)? {
        let decided = match &line {
            Line::TooLong => Some(force),
            Line::Text(text) if is_blank(text) => None,
            Line::Text(text) => Some(force || is_a_value(text, read.is_empty())),
        };
        read.push(line);
        match decided {
            None => continue,
            Some(true) => return Ok(Start::Stream(Lines { read, input })),
            Some(false) => break,
        }
    }
    // Not NDJSON: the bytes read, then the rest, bounded as a file is.
    let mut bytes = Vec::new();
    for line in read {
        match line {
            Line::Text(text) => bytes.extend_from_slice(&text),
            // Over the limit already: the component refuses the payload by name.
            Line::TooLong => bytes.resize(usize::try_from(max).unwrap_or(usize::MAX) + 1, b' '),
        }
    }
    let left = (max + 1).saturating_sub(bytes.len() as u64);
    input.take(left).read_to_end(&mut bytes)?;
    Ok(Start::Whole(bytes))
}

/// Whether a line is one whole JSON value (the core's `first_line_is_a_value`; the first
/// line of stdin may start with a byte order mark, which the core strips).
fn is_a_value(line: &[u8], first: bool) -> bool {
    let text = String::from_utf8_lossy(line);
    let text = if first {
        text.strip_prefix('\u{feff}').unwrap_or(&text)
    } else {
        &text
    };
    serde_json::from_str::<&RawValue>(text.trim()).is_ok()
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn payload_limit() -> u64 {
    CORE_MAX_PAYLOAD_BYTES
}

/// One line of stdin, with its `\n` (the last one may lack it).
enum Line {
    Text(Vec<u8>),
    /// A line over the payload limit, not kept.
    TooLong,
}

/// Reads one line, keeping at most `max` bytes of it: the rest of a longer line is read
/// and dropped, so memory stays bounded however long the line.
fn read_line(input: &mut impl BufRead, max: u64) -> io::Result<Option<Line>> {
    let mut text = Vec::new();
    let mut len = 0u64;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let (part, done) = match memchr(buf) {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        len += part.len() as u64;
        if len <= max + 1 {
            text.extend_from_slice(part);
        } else if !text.is_empty() {
            text = Vec::new(); // over the limit: let go of what was kept
        }
        let used = part.len();
        input.consume(used);
        if done {
            break;
        }
    }
    Ok(match len {
        0 => None,
        // The limit is on the line's content; its `\n` (and `\r`) does not count.
        _ if content_len(len, &text) > max => Some(Line::TooLong),
        _ => Some(Line::Text(text)),
    })
}

fn content_len(len: u64, text: &[u8]) -> u64 {
    let ending = if text.ends_with(b"\r\n") {
        2
    } else {
        u64::from(text.ends_with(b"\n"))
    };
    len - ending
}

fn without_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn memchr(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

/// Stdin being streamed: the lines read while deciding, then the rest.
pub struct Lines {
    read: Vec<Line>,
    input: BufReader<Stdin>,
}

impl Lines {
    /// Reads the lines on a thread, so that the mapping side can flush after [`IDLE`].
    /// The channel holds a few lines: a producer faster than the mapping waits.
    fn spawn(self) -> Receiver<io::Result<Line>> {
        let (tx, rx) = mpsc::sync_channel(16);
        let Lines { read, mut input } = self;
        thread::spawn(move || {
            for line in read {
                if tx.send(Ok(line)).is_err() {
                    return;
                }
            }
            loop {
                let line = match read_line(&mut input, payload_limit()) {
                    Ok(Some(line)) => Ok(line),
                    Ok(None) => return,
                    Err(e) => Err(e),
                };
                let stop = line.is_err();
                if tx.send(line).is_err() || stop {
                    return;
                }
            }
        });
        rx
    }
}

/// The lines waiting to be mapped.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    /// Where each line starts in `bytes`.
    starts: Vec<usize>,
    /// Stream line (1-based) of the first line.
    first_line: u64,
    /// Lines with something on them.
    values: usize,
}

/// Records and events so far, as the per-file summary counts them.
#[derive(Default, Clone, Copy)]
struct Counts {
    records: u64,
    mapped: u64,
    skipped: u64,
    rejected: u64,
    events: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.records += other.records;
        self.mapped += other.mapped;
        self.skipped += other.skipped;
        self.rejected += other.rejected;
        self.events += other.events;
    }

    fn of(out: &Output) -> Counts {
        let mut c = Counts {
            records: out.outcomes.len() as u64,
            events: out.events.len() as u64,
            ..Counts::default()
        };
        for o in &out.outcomes {
            match o.outcome {
                wit::Outcome::Mapped(_) => c.mapped += 1,
                wit::Outcome::Skipped(_) => c.skipped += 1,
                wit::Outcome::Rejected(_) => c.rejected += 1,
            }
        }
        c
    }

    /// As `crate::summary` words a file's outcomes.
    fn summary(&self) -> String {
        format!(
            "{}: {} mapped ({}), {} skipped, {} rejected",
            plural(self.records as usize, "record"),
            self.mapped,
            plural(self.events as usize, "event"),
            self.skipped,
            self.rejected,
        )
    }
}

/// Maps a stream into `out` (through the run's `events` writer, so that a JSON array
/// stays one array across chunks and files).
pub struct Streamer<'a, W: Write> {
    batch: Batch,
    provider: &'a str,
    options: &'a Options,
    out: &'a mut W,
    events: &'a mut EventWriter,
    total: Counts,
    /// Lines read from stdin.
    lines: u64,
    /// Outcome reports printed so far (chunk summaries, rejected long lines): when none
    /// was before the end, the stream prints what a file would, its summary alone.
    reported: bool,
    progress: Progress,
}

impl<'a, W: Write> Streamer<'a, W> {
    pub fn new(
        batch: Batch,
        provider: &'a str,
        options: &'a Options,
        out: &'a mut W,
        events: &'a mut EventWriter,
    ) -> Self {
        Streamer {
            batch,
            provider,
            options,
            out,
            events,
            total: Counts::default(),
            lines: 0,
            reported: false,
            progress: Progress::new(),
        }
    }

    /// Maps the lines until stdin ends. `Ok(false)` when reading stdin failed midway
    /// (what was read is mapped and printed first).
    pub fn run(mut self, lines: Lines) -> io::Result<bool> {
        let rx = lines.spawn();
        let mut chunk = Chunk::default();
        let mut read_ok = true;
        loop {
            let next = if chunk.starts.is_empty() {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(IDLE)
            };
            match next {
                Ok(Ok(Line::Text(text))) => {
                    if !chunk.starts.is_empty() && chunk.bytes.len() + text.len() > CHUNK_BYTES {
                        self.flush(&mut chunk, false)?;
                    }
                    self.lines += 1;
                    if chunk.starts.is_empty() {
                        chunk.first_line = self.lines;
                    }
                    chunk.starts.push(chunk.bytes.len());
                    chunk.values += usize::from(!is_blank(&text));
                    chunk.bytes.extend_from_slice(&text);
                    if chunk.starts.len() >= CHUNK_LINES {
                        self.flush(&mut chunk, false)?;
                    }
                }
                Ok(Ok(Line::TooLong)) => {
                    self.flush(&mut chunk, false)?;
                    self.lines += 1;
                    self.reject_too_long(self.lines);
                }
                Ok(Err(e)) => {
                    self.flush(&mut chunk, false)?;
                    self.progress.clear();
                    eprintln!("secmap: {FILE}: cannot read: {e}");
                    self.reported = true;
                    read_ok = false;
                    break;
                }
                Err(RecvTimeoutError::Timeout) => self.flush(&mut chunk, false)?,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            self.progress.tick(self.lines, &self.total);
        }
        self.flush(&mut chunk, true)?;
        self.progress.clear();
        if self.reported {
            eprintln!("secmap: {FILE}: {}", self.total.summary());
        }
        Ok(read_ok)
    }

    /// Maps the chunk, prints its events and outcomes, and empties it. `last`: the end of
    /// the stream.
    fn flush(&mut self, chunk: &mut Chunk, last: bool) -> io::Result<()> {
        if chunk.starts.is_empty() {
            return Ok(());
        }
        let alone = last && !self.reported;
        let counts = self.map(chunk, 0, chunk.starts.len(), alone)?;
        self.total.add(counts);
        self.progress.clear();
        // The whole stream in one chunk printed the summary of a file, nothing more.
        self.reported |= !alone;
        self.out.flush()?;
        *chunk = Chunk::default();
        Ok(())
    }

    /// Maps lines `from..to` of the chunk as one payload (or line by line when that fails
    /// as a whole) and prints their events and rejections. `alone`: the chunk is the whole
    /// stream, whose summary the caller prints as a file's.
    fn map(&mut self, chunk: &Chunk, from: usize, to: usize, alone: bool) -> io::Result<Counts> {
        let start = chunk.starts[from];
        let end = chunk.starts.get(to).copied().unwrap_or(chunk.bytes.len());
        let mut bytes = &chunk.bytes[start..end];
        let first_line = chunk.first_line + from as u64;
        if to - from == 1 && !alone {
            // Read as a one-line payload: without its line end, a parse error's column is
            // the one the core gives the same line inside NDJSON.
            bytes = without_line_end(bytes);
        }
        if is_blank(bytes) {
            return Ok(Counts::default());
        }
        // The summary line: the chunk's lines, or (the whole stream) a file's.
        let label = |counts: &Counts| {
            let last_line = first_line + (to - from) as u64 - 1;
            if alone {
                format!("secmap: {FILE}: {}", counts.summary())
            } else {
                format!(
                    "secmap: {FILE}: lines {first_line}-{last_line}: {}",
                    counts.summary()
                )
            }
        };
        let before = self.total.records;
        match self.batch.transform(self.provider, bytes, self.options) {
            Ok(mut output) => {
                renumber(&mut output, before, first_line - 1);
                let counts = Counts::of(&output);
                self.progress.clear();
                eprintln!("{}", label(&counts));
                print_rejections(FILE, &output);
                for e in &output.events {
                    self.events.write(self.out, e)?;
                }
                Ok(counts)
            }
            Err(_) if to - from > 1 => {
                // Line by line: only the lines at fault are rejected.
                let mut counts = Counts::default();
                for i in from..to {
                    counts.add(self.map_line(chunk, i, before + counts.records)?);
                }
                self.progress.clear();
                eprintln!("{}", label(&counts));
                Ok(counts)
            }
            Err(error) => {
                self.progress.clear();
                let counts = Counts {
                    records: 1,
                    rejected: 1,
                    ..Counts::default()
                };
                eprintln!("{}", label(&counts));
                reject(before, first_line, &error);
                Ok(counts)
            }
        }
    }

    /// One line of a chunk that failed as a whole, mapped alone; its summary is the
    /// chunk's.
    /// `before`: records of the stream before the line.
    fn map_line(&mut self, chunk: &Chunk, i: usize, before: u64) -> io::Result<Counts> {
        let start = chunk.starts[i];
        let end = chunk
            .starts
            .get(i + 1)
            .copied()
            .unwrap_or(chunk.bytes.len());
        let bytes = without_line_end(&chunk.bytes[start..end]);
        if is_blank(bytes) {
            return Ok(Counts::default());
        }
        let line = chunk.first_line + i as u64;
        match self.batch.transform(self.provider, bytes, self.options) {
            Ok(mut output) => {
                renumber(&mut output, before, line - 1);
                print_rejections(FILE, &output);
                for e in &output.events {
                    self.events.write(self.out, e)?;
                }
                Ok(Counts::of(&output))
            }
            Err(error) => {
                self.progress.clear();
                reject(before, line, &error);
                Ok(Counts {
                    records: 1,
                    rejected: 1,
                    ..Counts::default()
                })
            }
        }
    }

    /// A line over the payload limit: one rejected record, as the component says a payload
    /// over it.
    fn reject_too_long(&mut self, line: u64) {
        self.progress.clear();
        let index = self.total.records;
        eprintln!(
            "secmap: {FILE}: record {index} rejected: limit-exceeded: limit `maxPayloadBytes` \
             exceeded: more than {} bytes (at line {line})",
            payload_limit()
        );
        self.total.add(Counts {
            records: 1,
            rejected: 1,
            ..Counts::default()
        });
        self.reported = true;
    }
}

/// A line that failed as a whole is one rejected record (record `index` of the stream),
/// said as `print_rejections` says one: `secmap: <stdin>: record N rejected: CODE: MESSAGE
/// (at line L column C)`, with the line of the stream.
fn reject(index: u64, line: u64, error: &HostError) {
    let (code, message, at) = match error {
        HostError::Transform(e) => {
            let mut e = e.clone();
            // A one-line payload's line 1 (or none): the stream's line.
            e.line = Some(to_u32(line - 1 + u64::from(e.line.unwrap_or(1))));
            e.column = e.column.or(Some(1));
            (
                secmap_host::json::error_code(e.code).to_owned(),
                secmap_cli::forward::escape_control(&e.message).into_owned(),
                secmap_host::location(&e),
            )
        }
        other => (
            other.code().to_owned(),
            other.message(),
            format!(" (at line {line})"),
        ),
    };
    let text = format!("secmap: {FILE}: record {index} rejected: {code}: {message}{at}");
    eprintln!("{}", secmap_cli::forward::escape_control(&text));
}

/// Record indexes and lines of one chunk's output, counted from the stream's start.
/// `records`: records before the chunk; `lines`: lines before it.
fn renumber(out: &mut Output, records: u64, lines: u64) {
    let records = to_u32(records);
    let lines = to_u32(lines);
    for o in &mut out.outcomes {
        o.index = o.index.saturating_add(records);
        o.line = o.line.map(|l| l.saturating_add(lines));
        if let wit::Outcome::Rejected(e) = &mut o.outcome {
            e.line = e.line.map(|l| l.saturating_add(lines));
        }
    }
    for w in &mut out.warnings {
        w.record = w.record.saturating_add(records);
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `N lines read, N mapped, N rejected` on a terminal's stderr, redrawn at most every
/// [`PROGRESS_EVERY`] and cleared before every other line; nothing when stderr is not a
/// terminal.
struct Progress {
    on: bool,
    shown: bool,
    last: Option<Instant>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            on: io::stderr().is_terminal(),
            shown: false,
            last: None,
        }
    }

    fn tick(&mut self, lines: u64, total: &Counts) {
        if !self.on || self.last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        let mut err = io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[Ksecmap: {FILE}: {lines} lines read, {} mapped, {} rejected",
            total.mapped, total.rejected
        );
        let _ = err.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let _ = write!(io::stderr().lock(), "\r\x1b[K");
            self.shown = false;
        }
    }
}
