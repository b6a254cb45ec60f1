//! The harness: the component in wasmtime under its sandbox (imports, memory, time), the
//! core's limits through it, and the batch path.
//!
//! One test binary, so that the component is compiled once ([`mapper`]).

mod batch;
mod limits;
mod sandbox;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use secmap_host::{Limits, Mapper};

/// The embedded component, compiled once for the whole binary, with the default limits.
fn mapper() -> &'static Mapper {
    static MAPPER: OnceLock<Mapper> = OnceLock::new();
    MAPPER.get_or_init(|| Mapper::new(Limits::default()).expect("the component loads"))
}

/// The workspace root, which the test inputs' paths start from.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/host/ is two levels below the workspace root")
        .to_owned()
}
