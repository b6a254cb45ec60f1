//! `secmap map -` as a pipe stage: NDJSON on stdin mapped in chunks as it arrives, with
//! the same events as the same NDJSON mapped as a file, outcomes numbered by the stream.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::{golden_events, workspace_root};

const EC2: &str = "testdata/samples/guardduty/aws-samples-automated-response__ec2.json";
const EC2_ID: &str = "16afba5c5c43e07c9e3e5e2e544e95df";
const MIXED: &str = "testdata/cases/auto/ndjson-mixed-lines.ndjson";

/// The EC2 finding on one line (its pretty-printing's newlines are between tokens).
fn ec2_line() -> String {
    let text = fs::read_to_string(workspace_root().join(EC2)).expect("sample");
    text.trim().replace('\n', " ")
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_secmap"));
    c.args(args)
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs `secmap` with `stdin` written whole (on a thread: stdout is read meanwhile).
fn run_with_stdin(args: &[&str], stdin: Vec<u8>) -> Output {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("secmap starts");
    let mut input = child.stdin.take().expect("piped");
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("secmap runs");
    writer.join().expect("writer");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// 2,500 lines (three chunks): EC2 findings with distinct ids, a blank line at 1,201 and a
/// broken line at 1,701.
fn long_stream() -> String {
    let line = ec2_line();
    let mut out = String::new();
    for i in 1..=2_500 {
        match i {
            1_201 => {}
            1_701 => out.push_str(r#"{"broken": "#),
            _ => out.push_str(&line.replace(EC2_ID, &format!("{i:032x}"))),
        }
        out.push('\n');
    }
    out
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    fs::write(&path, content).expect("temp file");
    path
}

#[test]
fn the_first_event_is_printed_before_stdin_closes() {
    let mut child = command(&["map", "--ndjson", "-p", "guardduty", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("secmap starts");
    let mut stdin = child.stdin.take().expect("piped");
    writeln!(stdin, "{}", ec2_line()).expect("written");
    stdin.flush().expect("flushed");

    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.expect("UTF-8 line")).is_err() {
                return;
            }
        }
    });
    // Generous: a debug build loads the component first. Stdin is still open.
    let first = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("an event before stdin closes");
    assert_eq!(vec![first], golden_events(EC2));

    // The next line, then the end.
    writeln!(stdin, "{}", ec2_line()).expect("written");
    drop(stdin);
    let second = rx.recv_timeout(Duration::from_secs(120)).expect("event");
    assert_eq!(vec![second], golden_events(EC2));
    let out = child.wait_with_output().expect("exits");
    assert_eq!(
        text(&out.stderr),
        "secmap: <stdin>: lines 1-1: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
         secmap: <stdin>: lines 2-2: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
         secmap: <stdin>: 2 records: 2 mapped (2 events), 0 skipped, 0 rejected\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_long_stream_maps_as_the_same_file_does() {
    let stream = long_stream();
    let file = temp_file("stream-2500.ndjson", &stream);
    let file = file.to_str().expect("UTF-8 path");
    for format in [&["--ndjson"][..], &[][..]] {
        let args = |input: &'static str| {
            let mut a = vec!["map", "-p", "guardduty"];
            a.extend_from_slice(format);
            a.push(input);
            a
        };
        let streamed = run_with_stdin(&args("-"), stream.clone().into_bytes());
        let mut whole = args("-");
        whole.pop();
        whole.push(file);
        let whole = command(&whole).output().expect("secmap runs");
        assert_eq!(streamed.stdout.len(), whole.stdout.len());
        assert!(
            streamed.stdout == whole.stdout,
            "{format:?}: stdout differs"
        );
        assert_eq!(streamed.status.code(), Some(0));
        assert_eq!(whole.status.code(), Some(0));

        // Three chunks, the broken line rejected alone with its line in the stream (as
        // mapping the file says it), and the file's summary as the total.
        let rejected = "record 1699 rejected: invalid-json: EOF while parsing a value \
                        (at line 1701 column 11)";
        let total = "2499 records: 2498 mapped (2498 events), 0 skipped, 1 rejected";
        assert_eq!(
            text(&streamed.stderr),
            format!(
                "secmap: <stdin>: lines 1-1000: 1000 records: 1000 mapped (1000 events), 0 skipped, 0 rejected\n\
                 secmap: <stdin>: lines 1001-2000: 999 records: 998 mapped (998 events), 0 skipped, 1 rejected\n\
                 secmap: <stdin>: {rejected}\n\
                 secmap: <stdin>: lines 2001-2500: 500 records: 500 mapped (500 events), 0 skipped, 0 rejected\n\
                 secmap: <stdin>: {total}\n"
            )
        );
        assert_eq!(
            text(&whole.stderr),
            format!("secmap: {file}: {total}\nsecmap: {file}: {rejected}\n")
        );
    }
}

/// A stream that ends within its first chunk prints exactly what its file prints.
#[test]
fn a_one_chunk_stream_prints_what_the_file_prints() {
    let stream = fs::read(workspace_root().join(MIXED)).expect("case");
    let streamed = run_with_stdin(&["map", "-"], stream);
    let whole = command(&["map", MIXED]).output().expect("secmap runs");
    assert_eq!(text(&streamed.stdout), text(&whole.stdout));
    assert_eq!(
        text(&streamed.stderr),
        text(&whole.stderr).replace(MIXED, "<stdin>")
    );
    assert!(text(&streamed.stderr).contains(" rejected: invalid-json: "));
    assert_eq!(streamed.status.code(), Some(0));
}

/// A line over the payload limit is one rejected record; the stream goes on.
#[test]
fn a_line_over_the_payload_limit_is_one_rejected_record() {
    let line = ec2_line();
    let mut stream = format!("{line}\n\"").into_bytes();
    stream.resize(stream.len() + (64 << 20), b'a');
    stream.extend_from_slice(format!("\"\n{line}\n").as_bytes());
    let out = run_with_stdin(&["map", "--ndjson", "-p", "guardduty", "-"], stream);
    let event = &golden_events(EC2)[0];
    assert_eq!(text(&out.stdout), format!("{event}\n{event}\n"));
    assert_eq!(
        text(&out.stderr),
        "secmap: <stdin>: lines 1-1: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
         secmap: <stdin>: record 1 rejected: limit-exceeded: limit `maxPayloadBytes` exceeded: \
         more than 67108864 bytes (at line 2)\n\
         secmap: <stdin>: lines 3-3: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
         secmap: <stdin>: 3 records: 2 mapped (2 events), 0 skipped, 1 rejected\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

/// Pretty-printed JSON on stdin is no stream: read whole, as before. With `--stream` its
/// lines are streamed, and a document that ends within the first chunk is still one
/// payload: the same output.
#[test]
fn a_document_on_stdin_is_read_whole() {
    let doc = fs::read(workspace_root().join(EC2)).expect("sample");
    for stream in [&[][..], &["--stream"][..]] {
        let mut args = vec!["map", "--ndjson", "-p", "guardduty"];
        args.extend_from_slice(stream);
        args.push("-");
        let out = run_with_stdin(&args, doc.clone());
        assert_eq!(text(&out.stdout), format!("{}\n", golden_events(EC2)[0]));
        assert_eq!(
            text(&out.stderr),
            "secmap: <stdin>: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n"
        );
        assert_eq!(out.status.code(), Some(0));
    }
}

/// A chunk the core refuses as a whole (its first line broken, the next no object, so no
/// NDJSON to it) is mapped again line by line: only the broken line is rejected.
#[test]
fn a_chunk_failing_as_a_whole_is_mapped_line_by_line() {
    let line = ec2_line();
    let mut stream = format!("{line}\n").repeat(1_000);
    stream.push_str(&format!("{{\"broken\": \n[{line}]\n{line}\n"));
    let out = run_with_stdin(&["map", "--ndjson", "-p", "guardduty", "-"], stream.into());
    let event = &golden_events(EC2)[0];
    assert_eq!(text(&out.stdout), format!("{event}\n").repeat(1_002));
    assert_eq!(
        text(&out.stderr),
        "secmap: <stdin>: lines 1-1000: 1000 records: 1000 mapped (1000 events), 0 skipped, 0 rejected\n\
         secmap: <stdin>: record 1000 rejected: invalid-json: EOF while parsing a value (at line 1001 column 11)\n\
         secmap: <stdin>: lines 1001-1003: 3 records: 2 mapped (2 events), 0 skipped, 1 rejected\n\
         secmap: <stdin>: 1003 records: 1002 mapped (1002 events), 0 skipped, 1 rejected\n"
    );
    assert_eq!(out.status.code(), Some(0));
}
