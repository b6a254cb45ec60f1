//! The `secmap` binary: exact stdout, stderr and exit status. Expected events come from the
//! committed golden files, so these tests check the CLI's framing, not the mappings.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use crate::{golden_events, workspace_root};

const EC2: &str = "testdata/samples/guardduty/aws-samples-automated-response__ec2.json";
const EKS: &str = "testdata/cases/guardduty/eks-multi-container.json";
const MALFORMED: &str =
    "testdata/samples/defender-for-cloud/ce-alert-asc-2019-MALFORMED-unquoted-keys.json";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn secmap(args: &[&str]) -> Run {
    secmap_with_stdin(args, b"")
}

fn secmap_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secmap"))
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secmap starts");
    // A command that does not read stdin may exit before we write: ignore the broken pipe.
    let _ = child.stdin.take().expect("piped").write_all(stdin);
    let out = child.wait_with_output().expect("secmap runs");
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        code: out.status.code().expect("exited"),
    }
}

/// Compares a CLI output with its committed expectation in `crates/cli/tests/expect/`,
/// written by `UPDATE_EXPECT=1 cargo test -p secmap-cli --test all cli::` (part of
/// `cargo xtask bless`) and reviewed by eye: the test holds the CLI's bytes, not a copy of
/// its formatter.
fn assert_expected(name: &str, got: &str) {
    let path = workspace_root().join("crates/cli/tests/expect").join(name);
    if secmap_testkit::blessing() {
        secmap_testkit::write_if_changed(&path, got);
        return;
    }
    let want = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask bless`)", path.display()));
    if got != want {
        let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        let at = w
            .iter()
            .zip(&g)
            .position(|(a, b)| a != b)
            .unwrap_or(w.len().min(g.len()));
        panic!(
            "{} differs at line {} (if the change is intended, run `cargo xtask bless` and \
             review the diff):\n--- expected\n{:?}\n--- got\n{:?}",
            path.display(),
            at + 1,
            w.get(at),
            g.get(at)
        );
    }
}

fn golden_report(input: &str) -> serde_json::Value {
    let path = workspace_root().join(input.replace(".json", ".report.json"));
    serde_json::from_str(&fs::read_to_string(path).expect("golden report")).expect("JSON")
}

#[test]
fn map_prints_one_json_array_and_a_summary_line_per_file() {
    let run = secmap(&["map", "--provider", "guardduty", EC2, EKS]);
    let events = [golden_events(EC2), golden_events(EKS)].concat();
    assert_eq!(events.len(), 3);
    assert_eq!(run.stdout, format!("[\n{}\n]\n", events.join(",\n")));
    assert_eq!(
        run.stderr,
        format!(
            "secmap: {EC2}: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
             secmap: {EKS}: 1 record: 1 mapped (2 events), 0 skipped, 0 rejected\n"
        )
    );
    assert_eq!(run.code, 0);
}

#[test]
fn map_ndjson_prints_one_event_per_line() {
    let run = secmap(&["map", "--ndjson", "-p", "guardduty", EKS, EC2]);
    let events = [golden_events(EKS), golden_events(EC2)].concat();
    assert_eq!(run.stdout, format!("{}\n", events.join("\n")));
    assert_eq!(run.code, 0);
}

#[test]
fn map_report_holds_events_outcomes_and_warnings_per_file() {
    let run = secmap(&[
        "map",
        "--report",
        "--unmapped",
        "-p",
        "guardduty",
        EC2,
        "does-not-exist.json",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: {EC2}: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n\
             secmap: does-not-exist.json: cannot read: No such file or directory (os error 2)\n"
        )
    );
    let events: Vec<serde_json::Value> = golden_events(EC2)
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let report = golden_report(EC2);
    let want = serde_json::json!([
        {
            "file": EC2,
            "events": events,
            "outcomes": report["outcomes"],
            "warnings": report["warnings"],
        },
        {
            "file": "does-not-exist.json",
            "error": {
                "code": "unreadable",
                "message": "cannot read: No such file or directory (os error 2)",
            },
        },
    ]);
    let got: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    assert_eq!(got, want);
    // Pretty JSON in the core's key order, with every event verbatim on its own line.
    assert!(
        run.stdout.starts_with(&format!(
            "[\n  {{\n    \"file\": \"{EC2}\",\n    \"events\": [\n"
        )),
        "{}",
        run.stdout
    );
    for e in golden_events(EC2) {
        assert!(run.stdout.contains(&format!("\n      {e}\n")));
    }
    assert!(
        run.stdout
            .contains("\"outcome\": \"mapped\",\n        \"events\": 1,\n")
    );
    assert!(run.stdout.ends_with("\n]\n"));
}

#[test]
fn a_malformed_payload_fails_with_file_line_column_and_the_others_still_map() {
    let run = secmap(&["map", MALFORMED, EC2]);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: {MALFORMED}:33:4: invalid-json: key must be a string\n\
             secmap: {EC2}: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n"
        )
    );
    assert_eq!(
        run.stdout,
        format!("[\n{}\n]\n", golden_events(EC2).join(",\n"))
    );
    assert_eq!(run.code, 1);

    let run = secmap(&["map", MALFORMED]);
    assert_eq!(run.stdout, "[]\n");
    assert_eq!(run.code, 1);
}

#[test]
fn each_rejected_record_is_named_on_stderr_with_its_location() {
    let no_account = "testdata/cases/guardduty/no-account.json";
    let ndjson = "testdata/cases/auto/ndjson-mixed-lines.ndjson";
    let run = secmap(&["map", no_account, ndjson]);
    assert_eq!(
        run.stderr,
        format!(
            "secmap: {no_account}: 2 records: 1 mapped (1 event), 0 skipped, 1 rejected\n\
             secmap: {no_account}: record 0 rejected: missing-field: a finding whose resource \
             names no object needs `accountId` (or an EventBridge `account`) \
             (at /0/accountId, line 2 column 3)\n\
             secmap: {ndjson}: 5 records: 4 mapped (5 events), 0 skipped, 1 rejected\n\
             secmap: {ndjson}: record 2 rejected: invalid-json: EOF while parsing a value \
             (at line 4 column 81)\n"
        )
    );
    // Rejected records do not fail the run: the payloads themselves were read.
    assert_eq!(run.code, 0);
}

#[test]
fn an_unknown_provider_is_a_usage_error_before_any_file_is_read() {
    let run = secmap(&["map", "--provider", "macie", "does-not-exist.json"]);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "secmap: unknown provider `macie`; known: auto, defender-alerts, defender-for-cloud, guardduty, inspector, security-hub\n"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let run = secmap(&["map"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: the following required arguments were not provided:\n  <FILE>...\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(secmap(&["map", "--ndjson", "--report", EC2]).code, 2);
    assert_eq!(secmap(&["frobnicate"]).code, 2);
}

#[test]
fn dash_reads_stdin() {
    let payload = fs::read(workspace_root().join(EC2)).unwrap();
    let run = secmap_with_stdin(&["map", "--ndjson", "-p", "guardduty", "-"], &payload);
    assert_eq!(run.stdout, format!("{}\n", golden_events(EC2).join("\n")));
    assert_eq!(
        run.stderr,
        "secmap: <stdin>: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn map_options_reach_the_component() {
    let run = secmap(&[
        "map",
        "--ndjson",
        "--no-original-content",
        "--now",
        "2026-11-22T11:00:00+01:00",
        EC2,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let event: serde_json::Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(event["timestamp"], "2026-11-22T10:00:00Z");
    assert!(event.get("event.original_content").is_none());

    let run = secmap(&["map", "--now", "yesterday", EC2]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with(&format!("secmap: {EC2}: invalid-options: ")),
        "{}",
        run.stderr
    );
}

#[test]
fn providers_lists_ids_names_summaries_examples_and_the_version() {
    let run = secmap(&["providers"]);
    assert_expected("providers.stdout", &run.stdout);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);
}

#[test]
fn check_samples_reports_outcomes_failures_and_unmapped_paths() {
    let run = secmap(&["check", "testdata/samples"]);
    // Some samples are not JSON at all (named `MALFORMED` or `TEMPLATE`, with placeholders):
    // the check reports them and fails.
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    for want in [
        format!("{MALFORMED}:33:4: invalid-json: key must be a string").as_str(),
        "testdata/samples/guardduty/awsdocs__TEMPLATE-eventbridge-envelope-placeholder-detail.json:10:21: invalid-json: key must be a string",
        format!("{EC2}: 1 record: 1 mapped (1 event), 0 skipped, 0 rejected").as_str(),
        "testdata/samples/guardduty/aws-samples-automated-response__iam.json: 1 record: 0 mapped (0 events), 1 skipped, 0 rejected",
        "  record 0: skipped: resolved: the finding is archived",
        "testdata/samples/defender-for-cloud/arg-subassessment-mdvm-azure-acr-CVE-2022-42969.json: 1 record: 0 mapped (0 events), 1 skipped, 0 rejected",
        "  record 0 at /0: skipped: not-applicable: status NotApplicable (Exempt: Disabled parent assessment)",
    ] {
        assert!(
            lines.contains(&want),
            "missing line {want:?} in:\n{}",
            run.stdout
        );
    }
    // Everything else (each file's line in path order, the totals, the unmapped paths by
    // count): the committed output.
    assert_expected("check-samples.stdout", &run.stdout);
}

#[test]
fn check_exits_0_when_every_file_was_read() {
    let run = secmap(&["check", "testdata/cases/guardduty"]);
    assert_expected("check-cases-guardduty.stdout", &run.stdout);
    assert!(
        run.stdout.contains(": rejected: "),
        "bad records are reported"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);
}

/// The bundled examples, as the providers declare them, in declaration order.
/// The bundled examples, in the registry's order (crates/core/src/provider/mod.rs).
const EXAMPLE_FILES: &[&str] = &[
    "testdata/cases/defender-alerts/event-hubs-container-and-vm.json",
    "testdata/samples/defender-alerts/synthetic-alert-arm-shape-records-wrapper.json",
    "testdata/samples/defender-for-cloud/arg-subassessment-mdvm-aws-ecr-CVE-2023-32700.json",
    "testdata/samples/defender-for-cloud/arg-subassessment-mdvm-gcp-gar-CVE-2017-11613.json",
    "testdata/cases/defender-for-cloud/event-hubs-batch.json",
    "testdata/samples/defender-for-cloud/synthetic-individual-rec-eventhub-batch.json",
    "testdata/samples/guardduty/guardduty-sentinel-integration__network-connection-eventbridge.json",
    "testdata/samples/guardduty/aws-samples-automated-response__ec2.json",
    "testdata/cases/guardduty/eks-multi-container.json",
    "testdata/samples/inspector/awsdocs-ecr-guide__inspector2-finding-ecr-image-2021-human-readable-timestamps.json",
    "testdata/samples/inspector/synthetic-inspector2-finding-ec2-package.json",
    "testdata/samples/security-hub/synthetic-asff-getfindings-page.json",
    "testdata/samples/security-hub/synthetic-v2-ocsf-findings-imported-batch.json",
];

#[test]
fn examples_json_gives_the_golden_events_of_every_bundled_example() {
    let run = secmap(&["examples", "--json", "--original-content"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want: Vec<String> = EXAMPLE_FILES
        .iter()
        .flat_map(|f| golden_events(f))
        .collect();
    assert_eq!(run.stdout, format!("[\n{}\n]\n", want.join(",\n")));
}

#[test]
fn examples_show_a_title_summary_and_digest_per_example() {
    let run = secmap(&["examples"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("== "))
        .collect();
    assert_eq!(headings.len(), EXAMPLE_FILES.len());
    assert!(headings.contains(
        &"== guardduty/eventbridge-network-connection: EventBridge event: EC2 instance talking to a command-and-control server"
    ), "{headings:?}");
    let eks = "== guardduty/eks-runtime-multi-container: EKS runtime finding on a two-container pod: one event per container\n\
        \x20  1 record: 1 mapped (2 events), 0 skipped, 0 rejected\n\
        \x20  DETECTION_FINDING      HIGH 8        CONTAINER arn:aws:eks:eu-central-1:111122223333:cluster/payments-prod/checkout/pods/checkout-7d9f8b6c5-x2kqp/checkout-api  A process inside a container accessed the Docker socket.\n\
        \x20  DETECTION_FINDING      HIGH 8        CONTAINER 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b  A process inside a container accessed the Docker socket.\n{\n";
    assert!(run.stdout.contains(eks), "{}", run.stdout);
    // Without --original-content the vendor record stays out of the demo output.
    assert!(!run.stdout.contains("event.original_content"));
}
