//! `secmap forward` end to end against the fake ingest server that every host's tests use
//! (`js/test-support/fake-ingest.mjs`, in its CLI mode, on 127.0.0.1): delivery byte for
//! byte, retries under injected faults, 413 splits, dead letters, and the token.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::forward_network::WithoutNetworkEnv;
use crate::{golden_events, workspace_root};

mod scenarios;

const TOKEN: &str = "dt0c01.FAKEPUBLIC.FAKESECRET0123456789";
const EC2: &str = "testdata/samples/guardduty/aws-samples-automated-response__ec2.json";
const EKS: &str = "testdata/cases/guardduty/eks-multi-container.json";
const BATCH: &str = "testdata/cases/defender-for-cloud/event-hubs-batch.json";

/// The fake ingest server, stopped when dropped (it exits when its stdin closes).
pub(crate) struct Fake {
    child: Child,
    stdin: Option<ChildStdin>,
    pub(crate) url: String,
    control: String,
}

impl Fake {
    pub(crate) fn start(extra: &[&str]) -> Fake {
        let script = workspace_root().join("js/test-support/fake-ingest.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .args(["--token", TOKEN])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the fake ingest server (install Node 20)");
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the fake prints its address");
        let v: Value = serde_json::from_str(&line).expect("one JSON line");
        Fake {
            child,
            stdin,
            url: v["url"].as_str().expect("url").to_owned(),
            control: v["control"].as_str().expect("control").to_owned(),
        }
    }

    pub(crate) fn faults(&self, faults: Value) {
        ureq::post(&format!("{}/faults", self.control))
            .header("Content-Type", "application/json")
            .send(faults.to_string())
            .expect("faults set");
    }

    pub(crate) fn state(&self) -> Value {
        let text = ureq::get(&format!("{}/state", self.control))
            .call()
            .expect("state")
            .body_mut()
            .read_to_string()
            .expect("state text");
        serde_json::from_str(&text).expect("JSON state")
    }

    /// Every accepted event, exactly as it was sent.
    fn accepted(&self) -> Vec<String> {
        let state = self.state();
        let bodies = state["bodies"].as_array().expect("bodies");
        bodies
            .iter()
            .flat_map(|b| {
                let events: Vec<Box<RawValue>> =
                    serde_json::from_str(b.as_str().expect("string body")).expect("JSON array");
                events.into_iter().map(|e| e.get().to_owned())
            })
            .collect()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// `secmap forward ARGS` in the workspace, output piped, with none of the machine's
/// ingest URL, proxy or CA settings; the caller sets the token and stdin.
fn forward_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_secmap"));
    cmd.arg("forward")
        .args(args)
        .current_dir(workspace_root())
        .env_remove("DT_INGEST_URL")
        // No proxy, CA or environment URL of the machine running the tests.
        .envs_remove_network()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn forward(token: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = forward_command(args);
    cmd.stdin(Stdio::piped());
    match token {
        Some(t) => cmd.env("DT_API_TOKEN", t),
        None => cmd.env_remove("DT_API_TOKEN"),
    };
    let mut child = cmd.spawn().expect("secmap starts");
    let _ = child.stdin.take().expect("piped").write_all(b"");
    let out = child.wait_with_output().expect("secmap runs");
    let run = Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        code: out.status.code().expect("exited"),
    };
    assert!(
        !run.stdout.contains("FAKESECRET") && !run.stderr.contains("FAKESECRET"),
        "the token leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// Small delays so that retries do not slow the tests down.
const FAST: &[&str] = &[
    "--base-delay-ms",
    "5",
    "--max-delay-ms",
    "50",
    "--request-timeout-ms",
    "1000",
];

#[test]
fn every_event_arrives_byte_identical_in_batches_by_count() {
    let fake = Fake::start(&[]);
    let mut args = vec!["--endpoint", &fake.url, "--max-batch-events", "2"];
    args.extend([EC2, EKS, BATCH]);
    let run = forward(Some(TOKEN), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want: Vec<String> = [EC2, EKS, BATCH]
        .iter()
        .flat_map(|f| golden_events(f))
        .collect();
    assert_eq!(fake.accepted(), want);
    // The 6 events of the three files go out as one send, in batches of at most two.
    let requests = fake.state()["requests"].as_array().expect("requests").len();
    assert_eq!(requests, 3);
    assert!(
        run.stderr
            .ends_with("secmap: total: 6 sent, 0 not delivered (3 requests, 0 retries)\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn faults_are_retried_and_nothing_is_lost() {
    let fake = Fake::start(&[]);
    fake.faults(serde_json::json!([
        {"status": 429, "retryAfter": 0},
        {"status": 500},
        {"status": 503},
        {"reset": true},
        {"delayMs": 1500}
    ]));
    let mut args = vec!["--endpoint", fake.url.as_str(), "--max-attempts", "6"];
    args.extend(FAST);
    args.push(EKS);
    let run = forward(Some(TOKEN), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fake.accepted(), golden_events(EKS));
    assert!(
        run.stderr.contains("429 Too Many Requests"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("timed out"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2 sent, 0 not delivered (6 requests, 5 retries)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_413_splits_the_batch_until_it_fits() {
    // The largest Defender event is about 6 KB; bodies of 10 KB hold one or two.
    let fake = Fake::start(&["--max-body-bytes", "10000"]);
    let run = forward(Some(TOKEN), &["--endpoint", &fake.url, BATCH]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fake.accepted(), golden_events(BATCH));
    assert!(run.stderr.contains("splitting the batch"), "{}", run.stderr);
}

#[test]
fn a_permanent_401_dead_letters_everything_says_why_and_replays() {
    let fake = Fake::start(&[]);
    let dir = tempdir();
    let dead = dir.join("dead.ndjson");
    let dead_arg = dead.to_str().expect("UTF-8 path");
    let mut args = vec!["--endpoint", fake.url.as_str(), "--dead-letter", dead_arg];
    args.extend(FAST);
    args.extend([EC2, EKS]);
    let run = forward(Some("dt0c01.WRONG.FAKESECRET"), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("401 Unauthorized: the token is missing or invalid"),
        "{}",
        run.stderr
    );
    // No retries for a 401, and no more requests: the rest of the send shares its fate.
    assert_eq!(
        fake.state()["requests"].as_array().expect("requests").len(),
        1
    );
    let want: Vec<String> = [EC2, EKS].iter().flat_map(|f| golden_events(f)).collect();
    let letters: Vec<String> = fs::read_to_string(&dead)
        .expect("dead letters")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(letters, want);
    assert!(fake.accepted().is_empty());

    // With the right token, the dead letters go through as they are.
    let run = forward(
        Some(TOKEN),
        &["--endpoint", &fake.url, "--events", dead_arg],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fake.accepted(), want);
}

#[test]
fn a_missing_token_is_a_usage_error() {
    let run = forward(None, &["--endpoint", "http://127.0.0.1:9/x", EC2]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "secmap: set DT_API_TOKEN to a Dynatrace access token with scope openpipeline.events_security\n"
    );
}

#[test]
fn a_refused_connection_dead_letters_after_the_retries() {
    // Port 9 (discard) on loopback: nothing listens in the test sandbox.
    let dir = tempdir();
    let dead = dir.join("dead.ndjson");
    let mut args = vec![
        "--endpoint",
        "http://127.0.0.1:9/platform/ingest/v1/security.events",
        "--dead-letter",
        dead.to_str().expect("UTF-8"),
        "--max-attempts",
        "3",
    ];
    args.extend(FAST);
    args.push(EC2);
    let run = forward(Some(TOKEN), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("network error"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 event not delivered after 3 requests"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(&dead).expect("dead letters"),
        golden_events(EC2).join("\n") + "\n"
    );
}

/// A fresh directory under the target dir (removed by the next run).
pub(crate) fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "secmap-forward-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}
