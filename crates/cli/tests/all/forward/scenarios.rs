//! `secmap forward` under the shared delivery scenarios (`host-tests/scenarios/*.json`, also
//! run against the engine, the component and the JavaScript forwarder), under signals and kills, with a
//! full disk, and replaying dead letters. Every test asserts exact numbers: events the
//! fake received (each once), dead-letter lines, exit status.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secmap_testkit::scenarios::{self, Scenario, events};
use serde_json::Value;

use super::{Fake, TOKEN, forward_command, tempdir};

fn simple_events(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!(r#"{{"event.id":"scenario-{i:04}","event.kind":"SECURITY_EVENT"}}"#))
        .collect()
}

fn write_events(dir: &Path, events: &[String]) -> PathBuf {
    let path = dir.join("events.ndjson");
    fs::write(&path, events.join("\n") + "\n").expect("events file");
    path
}

fn secmap(args: &[&str]) -> Command {
    let mut cmd = forward_command(args);
    cmd.env("DT_API_TOKEN", TOKEN).stdin(Stdio::null());
    cmd
}

/// Runs `secmap forward ARGS` to the end (see [`finish`]).
fn run(args: &[&str]) -> Out {
    finish(secmap(args).spawn().expect("secmap starts"))
}

struct Out {
    code: Option<i32>,
    stderr: String,
}

fn finish(child: Child) -> Out {
    let out = child.wait_with_output().expect("secmap runs");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(
        !stderr.contains("FAKESECRET"),
        "the token leaked:\n{stderr}"
    );
    for line in stderr.lines() {
        assert!(
            !line.contains('\u{1b}'),
            "a control character reached the log: {line:?}"
        );
    }
    Out {
        code: out.status.code(),
        stderr,
    }
}

/// The event ids the fake accepted, in order.
fn received_ids(fake: &Fake) -> Vec<String> {
    fake.state()["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["event.id"].as_str().expect("event.id").to_owned())
        .collect()
}

fn requests(fake: &Fake) -> usize {
    fake.state()["requests"].as_array().expect("requests").len()
}

fn ids_of_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON event per line");
            v["event.id"].as_str().expect("event.id").to_owned()
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn every_scenario_through_the_cli() {
    for Scenario { name, spec: s } in scenarios::load() {
        let max_body = s["maxBodyBytes"].as_u64().unwrap_or(10_000_000).to_string();
        let fake = Fake::start(&["--max-body-bytes", &max_body]);
        fake.faults(
            s["faults"]
                .clone()
                .as_array()
                .map_or(Value::Array(vec![]), |a| Value::Array(a.clone())),
        );
        let tmp = tempdir();
        let sent = events(&s);
        let input = write_events(&tmp, &sent);
        let dead = tmp.join("dead.ndjson");
        let o = &s["options"];
        let num = |k: &str, d: u64| o[k].as_u64().unwrap_or(d).to_string();
        let args: Vec<String> = vec![
            "--endpoint".into(),
            fake.url.clone(),
            "--events".into(),
            "--dead-letter".into(),
            dead.display().to_string(),
            "--max-batch-events".into(),
            num("maxBatchEvents", 5000),
            "--max-batch-bytes".into(),
            num("maxBatchBytes", 10_000_000),
            "--max-attempts".into(),
            num("maxAttempts", 5),
            "--base-delay-ms".into(),
            num("baseDelayMs", 5),
            "--max-delay-ms".into(),
            num("maxDelayMs", 50),
            "--request-timeout-ms".into(),
            num("timeoutMs", 1000),
            input.display().to_string(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        let e = &s["expect"];
        let ids = received_ids(&fake);
        let dead_ids = ids_of_lines(&fs::read_to_string(&dead).unwrap_or_default());
        assert_eq!(
            requests(&fake) as u64,
            e["requests"].as_u64().unwrap(),
            "{name}: requests\n{}",
            out.stderr
        );
        assert_eq!(
            ids.len() as u64,
            e["received"].as_u64().unwrap(),
            "{name}: received\n{}",
            out.stderr
        );
        assert_eq!(
            dead_ids.len() as u64,
            e["deadLettered"].as_u64().unwrap(),
            "{name}: dead letters\n{}",
            out.stderr
        );
        assert_eq!(
            out.code,
            Some(e["exit"].as_u64().unwrap() as i32),
            "{name}: exit\n{}",
            out.stderr
        );
        // Nothing lost, nothing twice.
        let all: Vec<String> = sent
            .iter()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["event.id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(sorted([ids, dead_ids].concat()), sorted(all), "{name}");
        assert!(
            !tmp.join("dead.ndjson.spool").exists(),
            "{name}: spool left"
        );
    }
}

/// Starts a send of `n` events in batches of 2 whose second request hangs, and returns once
/// that request is out.
fn hanging_run(fake: &Fake, tmp: &Path, n: usize) -> (Child, PathBuf, Vec<String>) {
    fake.faults(serde_json::json!([{"delayMs": 0}, {"delayMs": 20000}]));
    let sent = simple_events(n);
    let input = write_events(tmp, &sent);
    let dead = tmp.join("dead.ndjson");
    let child = secmap(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        dead.to_str().expect("UTF-8"),
        "--max-batch-events",
        "2",
        "--request-timeout-ms",
        "30000",
        input.to_str().expect("UTF-8"),
    ])
    .spawn()
    .expect("secmap starts");
    let start = Instant::now();
    while requests(fake) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the second request never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    (child, dead, sent)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[test]
fn sigterm_and_sigint_dead_letter_the_rest_and_exit_non_zero() {
    for (name, code) in [("TERM", 143), ("INT", 130)] {
        let fake = Fake::start(&[]);
        let tmp = tempdir();
        let (child, dead, sent) = hanging_run(&fake, &tmp, 6);
        signal(&child, name);
        let out = finish(child);
        assert_eq!(out.code, Some(code), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("interrupted by SIG{name}")),
            "{}",
            out.stderr
        );
        // The first batch arrived; the one out and the one never sent are dead letters.
        let ids = received_ids(&fake);
        assert_eq!(ids.len(), 2);
        let dead_ids = ids_of_lines(&fs::read_to_string(&dead).expect("dead letters"));
        assert_eq!(dead_ids.len(), 4);
        let all: Vec<String> = (0..6).map(|i| format!("scenario-{i:04}")).collect();
        assert_eq!(sorted([ids, dead_ids].concat()), all);
        assert!(!tmp.join("dead.ndjson.spool").exists());
        assert_eq!(sent.len(), 6);
    }
}

#[test]
fn after_sigkill_resume_delivers_every_event_exactly_once() {
    let fake = Fake::start(&[]);
    let tmp = tempdir();
    let (mut child, dead, _) = hanging_run(&fake, &tmp, 6);
    child.kill().expect("SIGKILL");
    let out = finish(child);
    assert_eq!(out.code, None, "killed by a signal");
    let spool = tmp.join("dead.ndjson.spool");
    assert!(spool.exists(), "the spool survives the kill");
    assert_eq!(received_ids(&fake).len(), 2);

    // A new run refuses to start over the spool, then --resume sends the rest.
    let again = run(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        dead.to_str().unwrap(),
        "x.ndjson",
    ]);
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(again.stderr.contains("--resume"), "{}", again.stderr);
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--resume",
        "--dead-letter",
        dead.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("4 events to resume"), "{}", out.stderr);
    let ids = received_ids(&fake);
    let all: Vec<String> = (0..6).map(|i| format!("scenario-{i:04}")).collect();
    assert_eq!(sorted(ids), all, "every event exactly once");
    assert!(!spool.exists());
    assert_eq!(fs::read_to_string(&dead).unwrap_or_default(), "");
}

#[test]
fn a_full_disk_for_dead_letters_keeps_them_in_the_spool_for_resume() {
    let fake = Fake::start(&[]);
    fake.faults(serde_json::json!([{"status": 401}]));
    let tmp = tempdir();
    let input = write_events(&tmp, &simple_events(4));
    let spool = tmp.join("run.spool");
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        "/dev/full",
        "--spool",
        spool.to_str().unwrap(),
        "--max-batch-events",
        "2",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--resume"), "{}", out.stderr);
    assert_eq!(requests(&fake), 1);
    assert!(received_ids(&fake).is_empty());

    // Once the dead letters can be written (here: the token works now), nothing was lost.
    let dead = tmp.join("dead.ndjson");
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--resume",
        "--dead-letter",
        dead.to_str().unwrap(),
        "--spool",
        spool.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(received_ids(&fake).len(), 4);
    assert!(!spool.exists());
}

#[test]
fn an_unwritable_spool_sends_nothing() {
    let fake = Fake::start(&[]);
    let tmp = tempdir();
    let input = write_events(&tmp, &simple_events(3));
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        tmp.join("dead.ndjson").to_str().unwrap(),
        "--spool",
        "/dev/full/spool",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert_eq!(requests(&fake), 0);
}

#[test]
fn replay_skips_bad_lines_rewrites_its_own_file_and_writes_0600() {
    let fake = Fake::start(&[]);
    let tmp = tempdir();
    let dead = tmp.join("dead.ndjson");
    let good = simple_events(3);
    let text = format!("{}\nnot json\n{}\n[1]\n\n{}\n", good[0], good[1], good[2]);
    fs::write(&dead, text).unwrap();
    // The first run fails the first batch (400) and succeeds the second.
    fake.faults(serde_json::json!([{"status": 400}]));
    let d = dead.to_str().unwrap();
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        d,
        "--max-batch-events",
        "2",
        d,
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("dead.ndjson:2: skipped: not JSON"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("dead.ndjson:4: skipped: not a JSON object"),
        "{}",
        out.stderr
    );
    assert_eq!(received_ids(&fake), vec!["scenario-0002"]);
    // The file now holds its two bad lines and the two events dead-lettered again: not
    // doubled, nothing lost.
    let after = fs::read_to_string(&dead).unwrap();
    assert_eq!(after, format!("not json\n[1]\n{}\n{}\n", good[0], good[1]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&dead).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A fresh dead-letter file is created 0600 too.
    let fresh = tmp.join("fresh.ndjson");
    let input = write_events(&tmp, &simple_events(1));
    fake.faults(serde_json::json!([{"status": 400}]));
    let out = run(&[
        "--endpoint",
        &fake.url,
        "--events",
        "--dead-letter",
        fresh.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(fs::read_to_string(&fresh).unwrap().lines().count(), 1);
}

#[test]
fn server_text_cannot_forge_log_lines() {
    let fake = Fake::start(&[]);
    let forged = "bad\nsecmap: total: 9 sent, 0 not delivered\u{1b}[2J";
    fake.faults(serde_json::json!([{"status": 400, "message": forged}]));
    let tmp = tempdir();
    let input = write_events(&tmp, &simple_events(1));
    let out = run(&["--endpoint", &fake.url, "--events", input.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let totals: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("secmap: total:"))
        .collect();
    assert_eq!(
        totals,
        vec!["secmap: total: 0 sent, 1 not delivered (1 requests, 0 retries)"],
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("bad\\nsecmap: total: 9 sent"),
        "{}",
        out.stderr
    );
}
