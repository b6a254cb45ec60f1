//! Across hosts: the golden corpus through every Rust engine (the native core and the
//! component in wasmtime, against the committed expectations), and the shared delivery
//! scenarios (`host-tests/scenarios/*.json`) through the component's delivery interface.
//!
//! One test binary, so that the component is compiled once ([`mapper`]).

mod golden;
mod scenarios;

use std::sync::OnceLock;

use secmap_host::{Limits, Mapper};

/// The embedded component, compiled once for the whole binary, with the default limits.
fn mapper() -> &'static Mapper {
    static MAPPER: OnceLock<Mapper> = OnceLock::new();
    MAPPER.get_or_init(|| Mapper::new(Limits::default()).expect("the component loads"))
}
