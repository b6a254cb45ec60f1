//! The `secmap` CLI, run as a process (`CARGO_BIN_EXE_secmap`): `map`, `check`,
//! `providers`, `examples`, streaming, the CLI's limits and `--reuse`, and `forward` against
//! the fake ingest server (the shared delivery scenarios, signals, spool, TLS, proxies).

mod batch;
mod cli;
mod forward;
mod forward_network;
mod limits;
mod stream;

use std::path::{Path, PathBuf};

/// The workspace root: the CLI tests run there so that file names print as `testdata/...`.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/cli/ is two levels below the workspace root")
        .to_owned()
}

/// The committed events of a golden input (a path from the root), one per line.
fn golden_events(input: &str) -> Vec<String> {
    let path = workspace_root().join(input.replace(".json", ".events.ndjson"));
    std::fs::read_to_string(path)
        .expect("golden events")
        .lines()
        .map(str::to_owned)
        .collect()
}
