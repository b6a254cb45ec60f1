//! The component in wasmtime: the golden corpus against the native core and the committed
//! expectations, the sandbox (imports, memory, time), and the `secmap` CLI.
//!
//! One test binary, so that the component is compiled once ([`mapper`]).

mod batch;
mod cli;
mod forward;
mod forward_network;
mod golden;
mod limits;
mod sandbox;
mod stream;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use secmap_host::{Limits, Mapper};

/// The embedded component, compiled once for the whole binary, with the default limits.
fn mapper() -> &'static Mapper {
    static MAPPER: OnceLock<Mapper> = OnceLock::new();
    MAPPER.get_or_init(|| Mapper::new(Limits::default()).expect("the component loads"))
}

/// The workspace root: the CLI tests run there so that file names print as `testdata/...`.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-tests/ is in the workspace root")
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
