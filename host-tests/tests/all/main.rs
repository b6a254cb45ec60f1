//! Across hosts: the golden corpus through every Rust engine (the native core and the
//! component in wasmtime, against the committed expectations), and the shared delivery
//! scenarios (`host-tests/scenarios/*.json`) through the component's delivery interface.
//!
//! One test binary, so that the component is compiled once ([`mapper`]).

mod golden;
mod scenarios;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use secmap_host::{Limits, Mapper};

/// The embedded component, compiled once for the whole binary, with the default limits.
fn mapper() -> &'static Mapper {
    static MAPPER: OnceLock<Mapper> = OnceLock::new();
    MAPPER.get_or_init(|| Mapper::new(Limits::default()).expect("the component loads"))
}

/// The workspace root.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-tests/ is in the workspace root")
        .to_owned()
}
