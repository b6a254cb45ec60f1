//! Builds the secmap component (see `secmap-component-build`) and leaves it in `$OUT_DIR/secmap.wasm`,
//! where the library embeds it: the `secmap` binary is self-contained.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .expect("crates/host/ is two levels below the workspace root");
    for input in [
        "crates/core/src",
        "crates/core/Cargo.toml",
        "crates/component/src",
        "crates/component/Cargo.toml",
        "crates/delivery/src",
        "crates/delivery/Cargo.toml",
        "wit",
        // Profiles and dependency versions.
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo::rerun-if-changed={}", root.join(input).display());
    }
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let target_dir = workspace_target_dir(&out_dir).join("component");
    match secmap_component_build::build_component(root, &target_dir) {
        Ok(component) => {
            let path = out_dir.join("secmap.wasm");
            fs::write(&path, component).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        Err(e) => {
            println!("cargo::error=building the secmap component: {e}");
            // A failing exit makes cargo show the nested build's output.
            std::process::exit(1);
        }
    }
}

/// The target dir of the outer build: `OUT_DIR` is
/// `<target>[/<triple>]/<profile>/build/<package>-<hash>/out`.
fn workspace_target_dir(out_dir: &Path) -> PathBuf {
    let above_profile = out_dir.ancestors().nth(4).unwrap_or(out_dir);
    let triple = env::var("TARGET").unwrap_or_default();
    match above_profile.file_name() {
        Some(name) if name == triple.as_str() => above_profile.parent().unwrap_or(above_profile),
        _ => above_profile,
    }
    .to_path_buf()
}
