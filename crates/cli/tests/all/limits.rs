//! The limits through the `secmap` CLI (docs/robustness.md): bounded reads, non-regular
//! files, escaped lines. The component's own limits are tested in `secmap-host`
//! (crates/host/tests/all/limits.rs).

use std::time::Duration;

/// One bare GuardDuty finding of about 440 bytes, distinct per `n`.
fn small_finding(n: usize) -> String {
    format!(
        r#"{{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"small-{n:08}","arn":"arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/small-{n:08}","type":"Recon:EC2/Portscan","resource":{{"resourceType":"Instance","instanceDetails":{{"instanceId":"i-{n:017x}"}}}},"severity":5,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","title":"Unusual outbound port scan from EC2 instance i-{n:017x}."}}"#
    )
}

struct Cli {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    took: Duration,
}

/// Runs the `secmap` binary, killing it (and failing) after `limit`.
fn cli(args: &[&str], limit: Duration) -> Cli {
    use std::process::{Command, Stdio};
    let start = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_secmap"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secmap starts");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("secmap {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    Cli {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
        took: start.elapsed(),
    }
}

/// A fresh directory of its own for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("secmap-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
#[cfg(unix)]
fn map_dev_zero_fails_fast_naming_the_payload_limit() {
    let run = cli(&["map", "/dev/zero"], Duration::from_secs(60));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("secmap: /dev/zero: limit-exceeded: limit `maxPayloadBytes` exceeded"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "[]\n");
    assert!(run.took < Duration::from_secs(30), "{:?}", run.took);
}

#[test]
#[cfg(unix)]
fn check_skips_a_fifo_instead_of_waiting_on_it() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::write(dir.join("a.json"), small_finding(1)).expect("write");
    let run = cli(
        &["check", dir.to_str().expect("UTF-8")],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "{}: skipped: not a regular file (a FIFO)",
            fifo.display()
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 file: 1 read, 0 failed"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn vendor_text_cannot_forge_a_line() {
    let dir = scratch("forge");
    let forged = "x\nsecmap: total: 999 sent, 0 not delivered\u{1b}[2K";
    // An EventBridge event of another source (its detail-type is quoted in the skip line)
    // and a finding with the forged text in its title and as a key of its own (an unmapped
    // source path), and one whose severity holds it (quoted in the rejection).
    let other = serde_json::json!({"detail-type": forged, "source": "aws.evil", "detail": {}});
    let mut finding: serde_json::Value = serde_json::from_str(&small_finding(2)).expect("json");
    finding["title"] = forged.into();
    finding[forged] = 1.into();
    let mut bad = finding.clone();
    bad["severity"] = forged.into();
    let payload = serde_json::json!([other, finding, bad]).to_string();
    let file = dir.join("forge.json");
    std::fs::write(&file, payload).expect("write");
    let path = file.to_str().expect("UTF-8");
    for args in [vec!["check", path], vec!["map", path]] {
        let run = cli(&args, Duration::from_secs(60));
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !all.lines().any(|l| l.starts_with("secmap: total")),
            "{args:?}: a forged line:\n{all}"
        );
        assert!(
            !all.contains('\u{1b}'),
            "{args:?}: an escape sequence:\n{all}"
        );
        assert!(
            all.contains("x\\nsecmap: total: 999 sent"),
            "{args:?}:\n{all}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
