//! The batch path through the CLI (`secmap map|check --reuse N`): shared instances print
//! what a fresh instance per file prints. `Mapper::batch` itself is tested in `secmap-host`
//! (crates/host/tests/all/batch.rs).

use std::process::Command;

use crate::workspace_root;

const GOOD: &str = "testdata/cases/guardduty/eks-multi-container.json";

#[test]
fn cli_map_and_check_with_reuse_print_the_same() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_secmap"))
            .args(args)
            .current_dir(workspace_root())
            .output()
            .expect("secmap runs");
        (
            String::from_utf8(out.stdout).expect("UTF-8"),
            String::from_utf8(out.stderr).expect("UTF-8"),
            out.status.code(),
        )
    };
    let files = [
        "testdata/samples/guardduty/aws-samples-automated-response__ec2.json",
        "testdata/cases/auto/invalid-json.json",
        GOOD,
        "testdata/cases/defender-for-cloud/event-hubs-batch.json",
    ];
    let mut map = vec!["map"];
    map.extend(files);
    let fresh = run(&map);
    assert_eq!(fresh.2, Some(1), "the invalid file fails: {}", fresh.1);
    map.extend(["--reuse", "3"]);
    assert_eq!(run(&map), fresh);
    let check = run(&["check", "testdata/cases"]);
    assert_eq!(run(&["check", "--reuse", "50", "testdata/cases"]), check);
}
